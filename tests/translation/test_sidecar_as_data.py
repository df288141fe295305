"""The segment records are part of a release: a damaged, conflicted or mismatched sidecar is a check error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import run, use_libre
from helpers.libre_server import LibreServer

RELEASE = "iom-20km-brussels-2017"


def _paths(workspace: Path) -> tuple[Path, Path]:
    return workspace / "releases" / f"{RELEASE}.yaml", workspace / "releases" / f"{RELEASE}.segments.json"


def _check(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = run("check", str(path))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_truncated_sidecar_is_a_positioned_error_and_translate_writes_nothing(
        workspace: Path, server: LibreServer, capsys: pytest.CaptureFixture[str]) -> None:
    use_libre(workspace, server.url)  # type: ignore[attr-defined]
    release, sidecar = _paths(workspace)
    sidecar.write_bytes(sidecar.read_bytes()[:2000])
    code, out = _check(release, capsys)
    assert code == 1
    assert f"{RELEASE}.segments.json:40:14: error: the segment records cannot be read" in out
    assert f"pressgen translate {RELEASE} --to fr,en" in out
    # build refuses what check reports; translate after a source edit re-drafts nothing
    assert run("build", str(release), "--out", str(workspace / "out"), "--format", "docx") == 1
    release.write_text(release.read_text().replace("op zondag 28 mei", "op zondag 29 mei"))
    before = release.read_bytes()
    assert run("translate", str(release), "--to", "fr") == 1
    assert release.read_bytes() == before and not server.requests


def test_merge_conflict_says_resolve_it(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    release, sidecar = _paths(workspace)
    lines = sidecar.read_text().split("\n")
    at = [n for n, line in enumerate(lines) if '"state": "reviewed"' in line][3]
    lines[at:at + 1] = ["<<<<<<< HEAD", lines[at], "=======", lines[at].replace("reviewed", "draft"), ">>>>>>> fr"]
    sidecar.write_text("\n".join(lines))
    code, out = _check(release, capsys)
    assert code == 1
    assert f"{RELEASE}.segments.json:{at + 1}:1: error: the segment records have an unresolved merge conflict" in out
    assert "resolve the merge conflict" in out
    capsys.readouterr()
    assert run("status", str(release)) == 1
    captured = capsys.readouterr()
    assert "unresolved merge conflict" in captured.out + captured.err


def test_records_of_another_release_are_an_error_and_of_a_dropped_language_a_warning(
        workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    release, sidecar = _paths(workspace)
    data = json.loads(sidecar.read_text())
    data["release"] = "some-other-release"
    data["languages"]["de"] = data["languages"]["fr"]
    sidecar.write_text(json.dumps(data, ensure_ascii=False, indent=1))
    code, out = _check(release, capsys)
    assert code == 1
    assert f"{RELEASE}.segments.json:2:2: error: the segment records are for release \"some-other-release\"" in out
    # a language taken out of the release leaves its records unused, not wrong (building it without them works)
    assert "warning: the segment records hold 'de', which is not one of the release's languages" in out


def test_rebuilding_the_records_as_the_hint_says(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    release, sidecar = _paths(workspace)
    original = json.loads(sidecar.read_text())
    sidecar.write_text(sidecar.read_text()[:500])
    assert _check(release, capsys)[0] == 1
    sidecar.unlink()
    assert run("translate", str(release), "--to", "fr,en") == 0  # current translations: no provider asked
    assert json.loads(sidecar.read_text()) == original
    assert _check(release, capsys)[0] == 0


def test_release_renamed_without_its_records(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    release, sidecar = _paths(workspace)
    renamed = release.with_name("iom-20km-2017.yaml")
    release.rename(renamed)
    code, out = _check(renamed, capsys)
    assert code == 1
    assert f"{RELEASE}.segments.json:1:1: error: iom-20km-2017.yaml has no segment records of its own" in out
    assert f"git mv {RELEASE}.segments.json iom-20km-2017.segments.json" in out
    sidecar.rename(renamed.with_name("iom-20km-2017.segments.json"))  # as the hint says, "release" still old
    code, out = _check(renamed, capsys)  # not the remembered result of the first check
    assert code == 1 and "the segment records are for release \"iom-20km-brussels-2017\"" in out
    moved = renamed.with_name("iom-20km-2017.segments.json")
    moved.write_text(moved.read_text().replace(f'"release": "{RELEASE}"', '"release": "iom-20km-2017"'))
    assert _check(renamed, capsys)[0] == 0


def _duplicate(sidecar: Path, index: int, **change: str) -> None:
    data = json.loads(sidecar.read_text())
    records = data["languages"]["fr"]
    records.insert(index + 1, {**records[index], **change})
    sidecar.write_text(json.dumps(data, ensure_ascii=False, indent=1))


def test_a_clean_merge_duplicate_is_resolved_and_one_source_edit_costs_one_segment(
        workspace: Path, server: LibreServer, capsys: pytest.CaptureFixture[str]) -> None:
    use_libre(workspace, server.url)  # type: ignore[attr-defined]
    release, sidecar = _paths(workspace)
    fr = json.loads(sidecar.read_text())["languages"]["fr"]
    body = next(n for n, record in enumerate(fr) if record["field"] == "body")
    # the other branch's older record of the same segment: a machine draft of another text
    _duplicate(sidecar, body, target="0123456789ab", state="machine")
    assert _check(release, capsys)[0] == 0
    release.write_text(release.read_text().replace("op zondag 28 mei", "op zondag 29 mei"))
    capsys.readouterr()
    assert run("translate", str(release), "--to", "fr") == 0
    captured = capsys.readouterr()
    # one segment's source changed: only that one is looked at (its reviewed text kept, one suggestion asked)
    assert (captured.out + captured.err).count("stale, human text kept") == 1
    assert len(server.requests) == 1


def test_an_undecidable_duplicate_is_reported(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    release, sidecar = _paths(workspace)
    data = json.loads(sidecar.read_text())
    fr = data["languages"]["fr"]
    body = next(n for n, record in enumerate(fr) if record["field"] == "body")
    fr[body]["target"] = "aaaaaaaaaaaa"  # neither side is the file's text
    sidecar.write_text(json.dumps(data, ensure_ascii=False, indent=1))
    _duplicate(sidecar, body, target="bbbbbbbbbbbb", state="draft")
    code, out = _check(release, capsys)
    assert code == 1
    assert "error: two fr segment records for one body segment" in out
