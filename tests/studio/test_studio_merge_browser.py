"""Field-level merge: two tabs that edit different fields both save; a field changed in both shows
both texts side by side with keep mine / keep theirs / edit (never a dump of the file)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import CHROMIUM
from helpers.editor import typed_field
from helpers.studio_server import StudioServer

from pressgen import load_release, load_workspace
from pressgen.translation.segments import align

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is needed")
RELEASE = "unric-migrants-stigma-2014"


def _release(workspace: Path) -> Any:
    return load_release(workspace / "releases" / f"{RELEASE}.yaml", load_workspace(workspace))


def test_two_tabs_editing_different_fields_both_save(browser: Any, workspace: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        with StudioServer(workspace) as studio:
            first, second = context.new_page(), context.new_page()
            for tab in (first, second):
                tab.goto(f"{studio.url}release/{RELEASE}/en")
            first.get_by_label("Headline", exact=True).fill("A headline saved in the first tab")
            first.get_by_role("button", name="Save").click()
            first.locator(".save-state", has_text="Saved.").wait_for()
            second.get_by_label("Dateline").fill("Antwerp")  # opened before the first tab saved
            second.get_by_role("button", name="Save").click()
            second.locator(".save-state", has_text="Saved").wait_for()
            assert "merged" in second.locator(".save-state").inner_text()
            assert second.get_by_label("Headline", exact=True).input_value() == "A headline saved in the first tab"
            text = _release(workspace).text["en"]
            assert (text.headline, text.dateline) == ("A headline saved in the first tab", "Antwerp")
            assert second.locator(".conflict-js").is_hidden()

            # A translator's French save after a change of the English (the source) elsewhere.
            french = context.new_page()
            french.goto(f"{studio.url}release/{RELEASE}/fr")
            typed_field(first, "text.en.notes").fill("A note added in English meanwhile.")
            first.get_by_role("button", name="Save").click()
            first.locator(".save-state", has_text="merged").wait_for()  # the second tab's dateline came in
            assert first.get_by_label("Dateline").input_value() == "Antwerp"
            area = french.locator("textarea[name^='segment.body']").first
            typed_field(french, area.get_attribute("name")).fill("Un paragraphe relu par la traductrice.")
            french.get_by_role("button", name="Save").click()
            french.locator(".save-state", has_text="Saved").wait_for()
            release = _release(workspace)
            assert "Un paragraphe relu par la traductrice." in release.text["fr"].body
            assert release.text["en"].notes.strip() == "A note added in English meanwhile."
    finally:
        context.close()


def test_a_conflict_on_one_field_shows_both_texts_and_can_be_resolved(browser: Any, workspace: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        with StudioServer(workspace) as studio:
            first, second = context.new_page(), context.new_page()
            for tab in (first, second):
                tab.goto(f"{studio.url}release/{RELEASE}/en")
            first.get_by_label("Headline", exact=True).fill("Theirs: the first tab's headline")
            first.get_by_role("button", name="Save").click()
            first.locator(".save-state", has_text="Saved.").wait_for()
            path = workspace / "releases" / f"{RELEASE}.yaml"
            on_disk = path.read_bytes()
            second.get_by_label("Headline", exact=True).fill("Mine: the second tab's headline")
            second.get_by_label("Dateline").fill("Ghent")  # not in conflict: merged
            second.get_by_role("button", name="Save").click()
            panel = second.locator(".conflict-js")
            panel.wait_for(state="visible")
            assert path.read_bytes() == on_disk  # nothing saved
            assert panel.locator(".field-conflict").count() == 1  # only the headline
            block = panel.locator(".field-conflict")
            assert block.locator(".label").inner_text().startswith("Headline")
            assert block.locator(".mine").inner_text() == "Mine: the second tab's headline"
            assert block.locator(".theirs").inner_text() == "Theirs: the first tab's headline"
            assert "organization:" not in panel.inner_text()  # no YAML
            block.get_by_role("button", name="Keep theirs: Headline").click()
            assert panel.is_hidden()
            assert second.get_by_label("Headline", exact=True).input_value() == "Theirs: the first tab's headline"
            second.get_by_role("button", name="Save").click()
            second.locator(".save-state", has_text="Saved.").wait_for()
            text = _release(workspace).text["en"]
            assert (text.headline, text.dateline) == ("Theirs: the first tab's headline", "Ghent")
            states = {pair.state for pair in align(_release(workspace), "fr").pairs}
            assert states  # the release still reads, with its translations
    finally:
        context.close()
