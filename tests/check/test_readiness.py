"""The distribution gate: a language goes out only when the release has no error, it is current and its
facts agree with the source's."""

from __future__ import annotations

from pathlib import Path

from pressgen.check import check_workspace
from pressgen.check.readiness import readiness

RELEASE = "iom-20km-brussels-2017"


def test_every_seed_language_is_ready(workspace: Path) -> None:
    ws = check_workspace(workspace)
    for path in sorted((workspace / "releases").glob("*.yaml")):
        verdict = readiness(path, ws)
        assert verdict.held_back() == {}, path.name
        assert verdict.ready()[0] == verdict.release.source  # type: ignore[union-attr]


def test_a_stale_translation_is_held_back_with_its_reason(workspace: Path) -> None:
    path = workspace / "releases" / f"{RELEASE}.yaml"
    path.write_text(path.read_text().replace("Voor het eerst dit jaar", "Dit jaar voor het eerst", 1))
    verdict = readiness(path, check_workspace(workspace))
    assert verdict.ready() == ["nl"]
    held = verdict.held_back()
    assert sorted(held) == ["en", "fr"]
    assert "the fr text is stale" in held["fr"][0]
    assert verdict.ready(allow_draft=True) == ["nl", "fr", "en"]


def test_a_release_with_errors_sends_nothing(workspace: Path) -> None:
    path = workspace / "releases" / f"{RELEASE}.yaml"
    path.write_text(path.read_text().replace("\ndate:", "\ndate: not-a-date\nold_date:", 1))
    verdict = readiness(path, check_workspace(workspace))
    assert verdict.release is None and verdict.ready(allow_draft=True) == []
    assert all(reasons for reasons in verdict.held_back().values())
