"""axe-core (from the npm registry, run in Debian's Chromium) finds no WCAG 2.1 A/AA violation in the studio."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers.axe import axe_violations
from helpers.studio_server import StudioServer


def test_axe_finds_no_violation_on_the_studio_pages(page: Any, workspace: Path) -> None:
    with StudioServer(workspace) as studio:
        for url in ("", "new", "release/iom-news-digest-2016/en", "release/iom-news-digest-2016/fr"):
            page.goto(studio.url + url)
            assert axe_violations(page) == [], url


def test_axe_reports_a_violation_when_there_is_one(page: Any) -> None:
    page.set_content("<html lang='en'><title>t</title><main><img src='x.png'><input></main></html>")
    assert {v["id"] for v in axe_violations(page)} >= {"image-alt", "label"}
