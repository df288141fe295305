"""What is typed in the studio survives a reload (kept in the browser per release and language, until
saved or discarded), and leaving a page with unsaved changes asks first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import CHROMIUM
from helpers.editor import typed_field
from helpers.studio_server import StudioServer

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is needed")
RELEASE = "unric-migrants-stigma-2014"


def test_typed_text_is_restored_after_a_reload_and_can_be_discarded(page: Any, workspace: Path) -> None:
    path = workspace / "releases" / f"{RELEASE}.yaml"
    on_disk = path.read_bytes()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    with StudioServer(workspace) as studio:
        page.goto(f"{studio.url}release/{RELEASE}/en")
        headline = page.get_by_label("Headline", exact=True)
        original = headline.input_value()
        headline.click()
        page.keyboard.press("End")
        page.keyboard.type(" — typed, not saved")
        typed_field(page, "text.en.notes").fill("A note typed.")
        page.reload()
        assert "beforeunload" in dialogs  # the browser asked before leaving unsaved work
        notice = page.locator(".draft-restored")
        notice.wait_for(state="visible")
        assert "restored" in notice.inner_text()
        assert page.get_by_label("Headline", exact=True).input_value() == original + " — typed, not saved"
        assert page.locator("textarea[name='text.en.notes']").input_value() == "A note typed."
        assert path.read_bytes() == on_disk  # saving to the file stays explicit

        # Per release and language: the French page of the same release has no draft.
        page.goto(f"{studio.url}release/{RELEASE}/fr")
        assert page.locator(".draft-restored").is_hidden()

        page.goto(f"{studio.url}release/{RELEASE}/en")
        page.locator(".draft-restored").get_by_role("button", name="Discard").click()
        assert page.get_by_label("Headline", exact=True).input_value() == original
        page.reload()
        assert page.locator(".draft-restored").is_hidden()
        assert page.get_by_label("Headline", exact=True).input_value() == original

        # Saved: the draft is gone, a reload shows the file without a notice.
        page.get_by_label("Headline", exact=True).fill("Saved from the studio")
        page.get_by_role("button", name="Save").click()
        page.locator(".save-state", has_text="Saved.").wait_for()
        page.reload()
        assert page.locator(".draft-restored").is_hidden()
        assert page.get_by_label("Headline", exact=True).input_value() == "Saved from the studio"
