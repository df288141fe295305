"""The machine-draft button never replaces a person's translation: a stale human segment keeps its
text and shows the machine draft beside it as a suggestion; the message says what was done."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import CHROMIUM, use_libre
from helpers.studio_server import StudioServer

from pressgen import load_workspace
from pressgen.check import EVERY_LANGUAGE, check_release
from pressgen.translation.segments import align

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is needed")
RELEASE = "iom-20km-brussels-2017"


def test_machine_draft_keeps_stale_human_text_and_shows_the_suggestion(page: Any, workspace: Path,
                                                                       server: Any) -> None:
    use_libre(workspace, server.url)
    path = workspace / "releases" / f"{RELEASE}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "Ballons, armbandjes en zakken", "Ballonnen, armbandjes en tassen"), encoding="utf-8")
    before = {p.id: p for p in align(check_release(path, load_workspace(workspace), pending=EVERY_LANGUAGE)
                                     .release, "fr").pairs}
    stale = [p for p in before.values() if p.state == "stale"]
    assert len(stale) == 1 and stale[0].target
    human = stale[0].target
    with StudioServer(workspace) as studio:
        page.goto(f"{studio.url}release/{RELEASE}/fr")
        page.get_by_role("button", name="Machine draft").click()
        status = page.get_by_role("status").filter(has_text="kept the translator's text")
        status.wait_for()
        assert "Machine draft written" not in status.inner_text()  # nothing else needed drafting
        area = page.locator(f"textarea[name='segment.{stale[0].id}']")
        assert area.input_value().strip() == human.strip()  # the person's text, not replaced
        suggestion = page.locator(f"#suggestion-{stale[0].id}")
        assert "fr:" in suggestion.inner_text()  # the stand-in provider's draft, beside it
        suggestion.get_by_role("button").click()  # taken only when the person chooses it
        assert "fr:" in area.input_value()
    after = align(check_release(path, load_workspace(workspace), pending=EVERY_LANGUAGE).release, "fr")
    assert after.by_id()[stale[0].id].target.strip() == human.strip()
