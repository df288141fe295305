"""Every control of a release page has an accessible name of its own, as Chromium computes it (its
accessibility tree, read over the DevTools protocol): no page of many segments with thirteen boxes all
named "reviewed", nine text areas all "body in fr", or a toolbar's "Bold" once per paragraph."""

from __future__ import annotations

import collections
from pathlib import Path
from typing import Any

import pytest
from helpers import CHROMIUM
from helpers.studio_server import StudioServer

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is needed")
CONTROLS = {"button", "checkbox", "textbox", "combobox", "link", "radio", "searchbox"}  # a date's parts: its own
PAGES = ("release/iom-news-digest-2016/en", "release/iom-news-digest-2016/fr",  # the most segments
         "release/unric-migrants-stigma-2014/en", "release/unric-migrants-stigma-2014/fr")  # a photo: two rows


def _controls(page: Any) -> list[tuple[str, str]]:
    session = page.context.new_cdp_session(page)
    try:
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        session.detach()
    return [(node["role"]["value"], node.get("name", {}).get("value", "")) for node in nodes
            if not node.get("ignored") and node.get("role", {}).get("value") in CONTROLS]


def test_every_control_has_a_name_of_its_own(page: Any, workspace: Path) -> None:
    with StudioServer(workspace) as studio:
        for url in PAGES:
            page.goto(studio.url + url)
            page.locator(".toolbar").first.wait_for()  # the script has added its buttons
            controls = _controls(page)
            assert len(controls) > 40, (url, controls)
            twice = [control for control, count in collections.Counter(controls).items() if count > 1]
            assert twice == [], (url, twice)
            assert all(name.strip() for _, name in controls), url
