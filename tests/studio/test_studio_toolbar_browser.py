"""The Markdown toolbar over the studio's text areas writes the Markdown a release file takes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import CHROMIUM
from helpers.editor import typed_field
from helpers.studio_server import StudioServer

from pressgen import load_release, load_workspace

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is needed")
RELEASE = "unric-migrants-stigma-2014"


def test_toolbar_buttons_write_markdown_that_is_saved(page: Any, workspace: Path) -> None:
    with StudioServer(workspace) as studio:
        page.goto(f"{studio.url}release/{RELEASE}/en")
        body = page.locator("textarea[name='text.en.body']")  # the form's field (the editor answers for it)
        typed_field(page, "text.en.body").fill("Migrants are welcome here.")
        body.evaluate("area => area.setSelectionRange(13, 20)")  # "welcome"
        bar = page.get_by_role("toolbar", name="Formatting of the main text")
        bar.get_by_role("button", name="Bold").click()
        assert body.input_value() == "Migrants are **welcome** here."
        body.evaluate("area => area.setSelectionRange(area.value.length, area.value.length)")
        bar.get_by_role("button", name="Table").click()
        assert body.evaluate("area => area.value.slice(area.selectionStart, area.selectionEnd)") == "Key figure"
        body.evaluate("area => area.setSelectionRange(area.value.length, area.value.length)")
        bar.get_by_role("button", name="Intertitle").click()
        value = body.input_value()
        assert "| Key figure | Value |\n| --- | --- |" in value and "## Intertitle" in value
        for name in ("Italic", "Link", "List", "Quote"):
            assert bar.get_by_role("button", name=name).count() == 1
        page.get_by_role("button", name="Save").click()
        page.locator(".save-state", has_text="Saved.").wait_for()
        # the translation page has a toolbar per body paragraph
        page.goto(f"{studio.url}release/{RELEASE}/fr")
        assert page.get_by_role("toolbar").count() >= 3
    body_text = load_release(workspace / "releases" / f"{RELEASE}.yaml", load_workspace(workspace)).text["en"].body
    assert "**welcome**" in body_text and "| --- | --- |" in body_text
