"""On a phone (390×844) no studio page scrolls sideways, every target is at least 24 px, and the
keyboard focus is visible."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import CHROMIUM
from helpers.studio_server import StudioServer

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is needed")
PAGES = ("", "?state=stale", "new", "release/iom-20km-brussels-2017/nl", "release/iom-20km-brussels-2017/fr",
         "release/unric-migrants-stigma-2014/en", "release/iom-news-digest-2016/fr")
SMALL = """() => [...document.querySelectorAll('input:not([type=hidden]), button, select, textarea')]
    .filter(e => e.offsetParent !== null && !e.closest('[hidden]'))
    .map(e => [e.outerHTML.slice(0, 70), e.getBoundingClientRect()])
    .filter(([, r]) => r.width < 24 || r.height < 24).map(([html]) => html)"""


def test_no_page_scrolls_sideways_on_a_phone(browser: Any, workspace: Path) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        with StudioServer(workspace) as studio:
            for url in PAGES:
                page.goto(studio.url + url)
                page.wait_for_load_state("load")
                width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
                assert width[0] <= width[1], (url, width)
                assert page.evaluate(SMALL) == [], url
            page.keyboard.press("Tab")
            page.keyboard.press("Tab")
            outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert outline not in ("none", ""), outline
    finally:
        context.close()
