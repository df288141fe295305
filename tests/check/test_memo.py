"""pressgen check remembers each release's result, and checks again whatever changed."""

from __future__ import annotations

from pathlib import Path

import pytest

import pressgen.check as check_layer
from pressgen.builder.plan import release_files
from pressgen.check import check_files


def _run(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, dict[str, list[str]]]:
    """Check the workspace; return how many releases were checked anew, and each one's diagnostics."""
    calls = []
    real = check_layer.check_release

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(check_layer, "check_release", counting)
    found = {path.stem: [d.format() for d in diagnostics]
             for path, diagnostics in check_files(release_files([workspace]))}
    return len(calls), found


def test_a_second_check_reuses_every_result_and_says_the_same(workspace: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    release = workspace / "releases" / "unia-local-governments-2020.yaml"
    release.write_text(release.read_text(encoding="utf-8").replace("body: |", "body: |\n      # x", 1),
                       encoding="utf-8")  # an error, so there is something to remember
    first, said = _run(workspace, monkeypatch)
    assert first == 5 and said["unia-local-governments-2020"]
    again, said_again = _run(workspace, monkeypatch)
    assert again == 0 and said_again == said


@pytest.mark.parametrize("change", ["release", "sidecar", "settings", "catalog", "asset", "template"])
def test_what_the_check_read_changing_checks_again(workspace: Path, monkeypatch: pytest.MonkeyPatch,
                                                   change: str) -> None:
    _run(workspace, monkeypatch)
    releases = workspace / "releases"
    if change == "release":
        path = releases / "unia-local-governments-2020.yaml"
        path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        expected = 1
    elif change == "sidecar":
        (releases / "unia-local-governments-2020.segments.json").unlink()
        expected = 1
    elif change == "settings":
        config = workspace / "pressgen.yaml"
        config.write_text(config.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
        expected = 5
    elif change == "catalog":
        po = workspace / "locales" / "fr" / "LC_MESSAGES" / "pressgen.po"
        po.parent.mkdir(parents=True, exist_ok=True)
        po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n', encoding="utf-8")
        expected = 5
    elif change == "asset":
        (workspace / "assets" / "extra.png").write_bytes((workspace / "assets" / "iom.png").read_bytes())
        expected = 5
    else:
        (workspace / "templates").mkdir(exist_ok=True)
        (workspace / "templates" / "release.css").write_text("body { color: black; }\n", encoding="utf-8")
        expected = 5
    checked, _ = _run(workspace, monkeypatch)
    assert checked == expected


def test_a_damaged_memo_is_checked_again_not_crashed_on(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _run(workspace, monkeypatch)
    (workspace / ".pressgen" / "check.json").write_text("[" * 100_000, encoding="utf-8")
    checked, said = _run(workspace, monkeypatch)
    assert checked == 5 and set(said) == {p.stem for p in (workspace / "releases").glob("*.yaml")}


def test_two_memos_saved_one_after_the_other_keep_both_results(workspace: Path) -> None:
    """The studio's background check and a page's index (or a 'pressgen check') each write their own entries."""
    from pressgen import load_workspace
    from pressgen.check.memo import CheckMemo
    from pressgen.errors import Diagnostic

    loaded = load_workspace(workspace)
    first, second = CheckMemo(loaded), CheckMemo(loaded)
    one, other = workspace / "releases" / "a.yaml", workspace / "releases" / "b.yaml"
    first.put(one, "k1", [Diagnostic(one, 1, 1, "said of a", severity="warning")])
    second.put(other, "k2", [])
    first.save()
    second.save()
    again = CheckMemo(loaded)
    assert [d.message for d in again.get(one, "k1") or []] == ["said of a"]
    assert again.get(other, "k2") == []
