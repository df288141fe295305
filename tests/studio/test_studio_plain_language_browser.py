"""The studio speaks the interface's words: an error is at its field (aria-invalid, aria-describedby,
focus moved there) with the file position only as a detail; the embargo is picked in the workspace's
time zone; a new release starts empty with placeholders; the page follows a save."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import CHROMIUM
from helpers.editor import FOCUSED_FIELD, typed_field
from helpers.studio_server import StudioServer

from pressgen import load_release, load_workspace

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is needed")
RELEASE = "unric-migrants-stigma-2014"


def test_an_error_is_shown_at_its_field_and_focused(page: Any, workspace: Path) -> None:
    with StudioServer(workspace) as studio:
        page.goto(f"{studio.url}release/{RELEASE}/en")
        typed_field(page, "text.en.body").fill("### A heading three levels deep\n\nA paragraph.\n")
        page.get_by_role("button", name="Save").click()
        page.locator(".save-state", has_text="Not saved").wait_for()
        field = page.locator("[aria-invalid=true][name]").first
        name = field.get_attribute("name")
        assert page.evaluate(FOCUSED_FIELD) == name  # focus on the field to fix (in its editor, where mounted)
        described = field.get_attribute("aria-describedby")
        errors = page.locator(f"#{described}")
        assert errors.locator("li").count() >= 1
        visible = errors.locator("li").first.evaluate(
            "li => [...li.childNodes].filter(n => n.nodeName !== 'DETAILS').map(n => n.textContent).join('')")
        assert "releases/" not in visible and ".yaml:" not in visible  # the position is only a detail
        assert ".yaml:" in errors.locator("details code").first.text_content()


def test_embargo_picked_in_the_workspace_time_zone_and_page_follows_the_save(page: Any, workspace: Path) -> None:
    path = workspace / "releases" / f"{RELEASE}.yaml"
    with StudioServer(workspace) as studio:
        page.goto(f"{studio.url}release/{RELEASE}/en")
        embargo = page.get_by_label("Embargo until")
        assert embargo.get_attribute("type") == "datetime-local"
        assert "Europe/Brussels" in page.locator("label[for=embargo]").inner_text()
        embargo.fill("2027-05-26T10:00")
        page.get_by_label("Headline", exact=True).fill("A headline the page follows")
        page.get_by_role("button", name="Save").click()
        page.locator(".save-state", has_text="Saved.").wait_for()
        release = load_release(path, load_workspace(workspace))
        assert release.embargo.isoformat() == "2027-05-26T10:00:00+02:00"  # Brussels summer time
        assert page.locator("h1 .headline").inner_text() == "A headline the page follows"
        assert page.title().startswith("A headline the page follows (en)")
        assert "A headline the page follows" in page.locator(".download-pdf").inner_text()
        page.reload()
        assert page.get_by_label("Embargo until").input_value() == "2027-05-26T10:00"


def test_a_new_release_starts_empty_with_placeholders(page: Any, workspace: Path) -> None:
    with StudioServer(workspace) as studio:
        page.goto(f"{studio.url}new")
        page.get_by_label("File name").fill("empty-start-2027")
        page.get_by_label("Written in").select_option("nl")
        page.get_by_role("button", name="Create the release").click()
        page.wait_for_url("**/release/empty-start-2027/nl")
        for name in ("headline", "dateline", "body"):
            field = page.locator(f"[name='text.nl.{name}']")
            assert field.input_value() == "", name
            assert field.get_attribute("placeholder") and "TODO" not in field.get_attribute("placeholder")
        assert "TODO" not in page.locator("form.save-form").inner_text()
