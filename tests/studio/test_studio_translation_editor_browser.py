"""The translation editor: source and translation at equal width, one segment per row, uniquely named
fields, and the keyboard moves between segments not reviewed (Alt+N) and stale ones (Alt+S)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import CHROMIUM
from helpers.studio_server import StudioServer

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is needed")
RELEASE = "iom-20km-brussels-2017"


def test_translation_editor_layout_names_and_keys(page: Any, workspace: Path) -> None:
    path = workspace / "releases" / f"{RELEASE}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "Ballons, armbandjes en zakken", "Ballonnen, armbandjes en tassen"), encoding="utf-8")  # one stale
    page.set_viewport_size({"width": 1280, "height": 800})
    with StudioServer(workspace) as studio:
        page.goto(f"{studio.url}release/{RELEASE}/fr")
        rows = page.locator("tr.segment")
        assert rows.count() >= 10
        for index in range(rows.count()):
            row = rows.nth(index)
            area = row.locator("td.target textarea:visible, td.target .cm-editor").first.bounding_box()
            source = row.locator("td.source .text").bounding_box()
            assert area["width"] >= source["width"] - 0.5, (index, area, source)  # at least as wide
            assert area["width"] >= 280  # 35 characters a line or more
        # Every field has a name of its own.
        names = page.evaluate("""() => [...document.querySelectorAll('tr.segment textarea, tr.segment input')]
            .map(element => element.labels[0].innerText.replace(/\\s+/g, ' ').trim())""")
        assert len(names) == len(set(names)), names
        assert page.get_by_label("Segment 3 reviewed", exact=True).count() == 1
        assert page.get_by_role("textbox", name="Segment 4, body, paragraph 1, in fr", exact=True).count() == 1
        # The keys are documented in the page, and work.
        assert "Alt+N" in page.locator(".keys").inner_text().replace(" ", "")
        page.get_by_label("Segment 1, headline, in fr").focus()
        page.keyboard.press("Alt+S")
        stale = page.evaluate("document.activeElement.closest('tr').dataset.state")
        assert stale == "stale"
        page.get_by_label("Segment 1, headline, in fr").focus()
        page.get_by_label("Segment 2 reviewed", exact=True).uncheck()
        page.get_by_label("Segment 1, headline, in fr").focus()
        page.keyboard.press("Alt+N")
        assert page.evaluate("document.activeElement.id") == page.get_by_label(
            "Segment 2, subheadline, in fr").get_attribute("id")
