"""Ten tabs on one workspace share one event stream (a shared worker holds it): each loads, and each
gets its new preview after a save made in one of them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import CHROMIUM
from helpers.studio_server import StudioServer

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is needed")
RELEASE = "unric-migrants-stigma-2014"


def test_ten_tabs_each_get_their_preview_after_a_save(browser: Any, workspace: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        with StudioServer(workspace) as studio:
            tabs = []
            for _ in range(10):
                tab = context.new_page()
                tab.goto(f"{studio.url}release/{RELEASE}/en", wait_until="commit", timeout=20000)
                tab.locator(".pages img").first.wait_for(timeout=30000)  # its preview is shown
                tabs.append(tab)
            assert studio.studio.broker.listeners == 1  # one stream for the ten tabs
            shown = [tab.locator(".pages").get_attribute("data-version") for tab in tabs]
            tabs[0].get_by_label("Headline", exact=True).fill("Removing the stigma, seen in ten tabs")
            tabs[0].get_by_role("button", name="Save").click()
            tabs[0].locator(".save-state", has_text="Saved.").wait_for()
            for tab, version in zip(tabs, shown, strict=True):
                tab.wait_for_function("shown => document.querySelector('.pages').dataset.version !== shown",
                                      arg=version, timeout=30000)
            assert all(tab.locator(".pages img").count() >= 1 for tab in tabs)
            # The tab holding the stream closes: another takes it over, and the rest still hear of changes.
            tabs.pop(0).close()
            shown = [tab.locator(".pages").get_attribute("data-version") for tab in tabs]
            path = workspace / "releases" / f"{RELEASE}.yaml"
            path.write_text(path.read_text(encoding="utf-8").replace("seen in ten tabs", "seen in nine"),
                            encoding="utf-8")
            for tab, version in zip(tabs, shown, strict=True):
                tab.wait_for_function("shown => document.querySelector('.pages').dataset.version !== shown",
                                      arg=version, timeout=30000)
    finally:
        context.close()
