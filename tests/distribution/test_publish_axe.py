"""The newsroom in Chromium from file:// (no server, no script of its own): axe-core finds no WCAG 2.1 AA
violation on an index and on a release page, and their links resolve."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import photo
from helpers import run
from helpers.axe import axe_violations

RELEASE = "iom-20km-brussels-2017"


@pytest.fixture
def site(newsroom: Path, tmp_path: Path) -> Path:
    """The seeds published, one release with a photo (figure, srcset, caption and credit checked too)."""
    photo(newsroom / "assets" / "run.jpg")
    path = newsroom / "releases" / f"{RELEASE}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\ntext:\n", "\nimages:\n  - file: assets/run.jpg\n    alt: {nl: Lopers, fr: "
                                 "Coureurs, en: Runners}\n    caption: {nl: De start, fr: Le départ, en: The start}\n"
                                 "    credit: IOM\ntext:\n", 1), encoding="utf-8")
    # the photo's texts are segments: record their translations as reviewed, as a translator would
    assert run("translate", str(path), "--to", "fr,en", "--adopt") == 0
    out = tmp_path / "site"
    assert run("publish", str(newsroom), "--out", str(out), "--now", "2026-01-01T00:00:00Z", "--no-downloads") == 0
    return out


@pytest.mark.parametrize("page_path", ["nl/index.html", f"fr/{RELEASE}.html", "index.html"])
def test_no_accessibility_violation_and_no_broken_link(site: Path, browser: Any, page_path: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=True)
    page = context.new_page()
    failed: list[str] = []
    # what the page itself loads; axe-core's own XMLHttpRequest for the style sheet is refused from file://
    page.on("requestfailed", lambda request: failed.append(f"{request.url}: {request.failure}")
            if request.resource_type not in ("xhr", "fetch") else None)
    page.goto((site / page_path).as_uri())
    page.wait_for_load_state("load")
    assert page.evaluate("document.styleSheets.length") >= 1  # the style sheet loaded from file://
    violations = axe_violations(page)
    assert violations == [], violations
    for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
        if href.startswith("file://"):
            assert Path(href.removeprefix("file://").split("#")[0]).exists(), href
    assert failed == []
    if page_path.endswith(f"{RELEASE}.html"):
        assert page.eval_on_selector("figure img", "img => img.complete && img.naturalWidth") > 0
    context.close()
