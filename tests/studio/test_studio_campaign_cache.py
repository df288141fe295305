"""A campaign build from the studio goes through the builder, its cache and its manifest, for every release
(one with languages not translated yet too): a second build of unchanged releases renders nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import pressgen.builder.executors as executors
import pressgen.studio.campaign as campaign
from pressgen.builder.executors import SerialExecutor
from pressgen.studio.state import Studio

UNTRANSLATED = """\
organization: iom-belgium
date: 2027-05-26
source: nl
contacts: [gdhoop]
text:
  nl:
    headline: Alleen in het Nederlands geschreven
    dateline: Brussel
    body: |
      Eerste alinea, nog niet vertaald.
"""


def test_a_second_campaign_build_renders_nothing(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (workspace / "releases" / "only-dutch-2027.yaml").write_text(UNTRANSLATED, encoding="utf-8")
    rendered: list[tuple[str, str]] = []

    def counting(real: Any) -> Any:
        def render(unit: Any) -> Any:
            rendered.append((unit.release.id, unit.lang))
            return real(unit)
        return render

    monkeypatch.setattr(executors, "render_unit", counting(executors.render_unit))
    if hasattr(campaign, "render_unit"):  # the studio used to render such releases itself
        monkeypatch.setattr(campaign, "render_unit", counting(campaign.render_unit))
    studio = Studio(workspace)
    paths = [workspace / "releases" / name for name in ("only-dutch-2027.yaml", "iom-20km-brussels-2017.yaml")]

    def run() -> list[Any]:
        entries = [entry for path in paths if (entry := studio.entry_for(path)) is not None]
        return campaign.run_campaign(entries, workspace, SerialExecutor(), lambda done, total: None)

    first = run()
    assert ("only-dutch-2027", "nl") in rendered and ("iom-20km-brussels-2017", "fr") in rendered
    assert {lang for lang, _, _ in first[0].built} == {"nl"}
    assert first[0].not_built == {"fr": "not translated yet", "en": "not translated yet"}
    manifest = json.loads(next(workspace.rglob("manifest.json")).read_text(encoding="utf-8"))
    assert "only-dutch-2027" in json.dumps(manifest)  # the builder knows the documents it made
    rendered.clear()
    second = run()
    assert rendered == []  # unchanged: every document is up to date, nothing is rendered again
    assert [sorted(r.built) for r in second] == [sorted(r.built) for r in first]
    assert second[0].not_built == first[0].not_built
