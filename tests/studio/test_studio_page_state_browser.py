"""A release page follows its own saves without a reload: the segment chips and language chips take
their new state, a filled-in fact or photo row gets a next one, an emptied translation is never reported
"Saved." to come back on reload, and the machine-draft button says when there was nothing to draft."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import CHROMIUM, use_libre
from helpers.editor import FOCUSED_FIELD, typed_field
from helpers.studio_server import StudioServer

from pressgen import load_release, load_workspace

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is needed")
RELEASE = "iom-20km-brussels-2017"  # nl, with fr and en reviewed throughout


def _chips(page: Any) -> list[tuple[str, str]]:
    return [tuple(chip) for chip in page.evaluate("""() => [...document.querySelectorAll('tr.segment')]
        .map(row => [row.dataset.state, row.querySelector('th .state').textContent.trim()])""")]


def test_segment_and_language_chips_follow_a_save(page: Any, workspace: Path) -> None:
    with StudioServer(workspace) as studio:
        page.goto(f"{studio.url}release/{RELEASE}/fr")
        assert set(_chips(page)) == {("reviewed", "reviewed")}
        page.get_by_label("Segment 2 reviewed", exact=True).uncheck()
        page.get_by_label("Segment 3, dateline, in fr", exact=True).fill("Bruxelles (Belgique)")
        page.get_by_label("Segment 3 reviewed", exact=True).uncheck()
        page.get_by_role("button", name="Save").click()
        page.locator(".save-state", has_text="Saved.").wait_for()
        chips = _chips(page)
        assert chips[1] == ("draft", "draft") and chips[2] == ("draft", "draft"), chips
        assert set(chips[:1] + chips[3:]) == {("reviewed", "reviewed")}, chips
        assert page.locator("nav.languages a[href$='/fr'] span").inner_text() == "draft"
        assert not page.get_by_label("Segment 2 reviewed", exact=True).is_checked()
        shown = _chips(page)
        page.reload()
        assert _chips(page) == shown  # what the page showed is what the file says


def test_a_second_fact_and_photo_row_appear_without_a_reload(page: Any, workspace: Path) -> None:
    path = workspace / "releases" / f"{RELEASE}.yaml"
    with StudioServer(workspace) as studio:
        page.goto(f"{studio.url}release/{RELEASE}/nl")
        facts = page.locator("fieldset.facts .fact-row")
        before = facts.count()
        page.get_by_label(f"Label {before} in nl", exact=True).fill("Afstand")
        page.get_by_label(f"Value {before} in nl", exact=True).fill("20 km")
        page.get_by_role("button", name="Save").click()
        page.locator(".save-state", has_text="Saved.").wait_for()
        assert facts.count() == before + 1  # an empty row for the next fact, without a reload
        page.get_by_label(f"Label {before + 1} in nl", exact=True).fill("Lopers")
        page.get_by_label(f"Value {before + 1} in nl", exact=True).fill("40 000")
        photos = page.locator("fieldset.images .image-row")
        page.get_by_label(f"Photo {photos.count()}, file").select_option(index=1)
        assert photos.count() == 2
        page.get_by_label("Photo 2, file").select_option(index=1)
        page.get_by_role("button", name="Save").click()
        page.locator(".save-state", has_text="Saved.").wait_for()
        assert facts.count() == before + 2 and photos.count() == 3
        release = load_release(path, load_workspace(workspace))
        written = path.read_text(encoding="utf-8")
        assert len(release.facts) == before + 1 and written.index("Afstand") < written.index("Lopers")
        assert len(release.images) == 2
        assert page.locator(".save-state").inner_text() == "Saved."
        page.reload()
        assert facts.count() == before + 2 and photos.count() == 3


def _segment(page: Any, label: str) -> Any:
    """A segment's text area (the form's field; a person types into the editor over it: typed_field)."""
    return page.locator("textarea").and_(page.get_by_label(label, exact=True))


def test_an_emptied_translation_is_refused_at_its_field(page: Any, workspace: Path) -> None:
    path = workspace / "releases" / f"{RELEASE}.yaml"
    before = path.read_bytes()
    with StudioServer(workspace) as studio:
        page.goto(f"{studio.url}release/{RELEASE}/fr")
        area = _segment(page, "Segment 4, body, paragraph 1, in fr")
        text = area.input_value()
        typed_field(page, area.get_attribute("name")).fill("")
        page.get_by_role("button", name="Save").click()
        page.locator(".save-state", has_text="Not saved").wait_for()
        assert "empt" in page.locator(".save-state").inner_text()
        assert area.get_attribute("aria-invalid") == "true"
        errors = page.locator("#" + area.get_attribute("aria-describedby"))
        assert "Segment 4" in errors.inner_text() and "empt" in errors.inner_text()
        assert page.evaluate(FOCUSED_FIELD) == area.get_attribute("name")  # not left on Save
        assert path.read_bytes() == before
        page.reload()  # the unsaved emptying is offered back as a draft of this browser's; the file has the text
        page.locator(".draft-restored").wait_for()
        page.get_by_role("button", name="Discard my unsaved changes").click()
        assert _segment(page, "Segment 4, body, paragraph 1, in fr").input_value() == text


def test_nothing_to_draft_is_said(page: Any, workspace: Path, server: Any) -> None:
    use_libre(workspace, server.url)
    path = workspace / "releases" / f"{RELEASE}.yaml"
    before = path.read_bytes()
    with StudioServer(workspace) as studio:
        page.goto(f"{studio.url}release/{RELEASE}/fr")
        page.get_by_role("button", name="Machine draft").click()
        status = page.locator("p.message[role=status]")
        status.wait_for()
        assert "Nothing needed a machine draft" in status.inner_text()
        assert "written" not in status.inner_text()
    assert path.read_bytes() == before


def test_an_error_in_a_segment_is_at_that_segment_and_focused(page: Any, workspace: Path) -> None:
    with StudioServer(workspace) as studio:
        page.goto(f"{studio.url}release/{RELEASE}/fr")
        area = _segment(page, "Segment 6, body, paragraph 3, in fr")
        typed_field(page, area.get_attribute("name")).fill("### Un titre trop profond\n\nLe texte.")
        other = _segment(page, "Segment 8, body, paragraph 5, in fr")
        typed_field(page, other.get_attribute("name")).fill("Un [lien](javascript:alert(1)).")
        page.get_by_role("button", name="Save").click()
        page.locator(".save-state", has_text="Not saved").wait_for()
        assert page.evaluate(FOCUSED_FIELD) == area.get_attribute("name")  # not left on Save
        invalid = page.locator("textarea[aria-invalid=true]")
        assert invalid.count() == 2
        errors = page.locator("#" + area.get_attribute("aria-describedby"))
        assert "###" in errors.inner_text() and "javascript" not in errors.inner_text()
        assert "javascript" in page.locator("#" + other.get_attribute("aria-describedby")).inner_text()
