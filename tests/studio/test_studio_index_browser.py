"""The index of a large campaign in Chromium: the build a few Tab stops from the top, every release listed
at once on a first-ever load and filled in as it is checked, the releases' own texts in their language."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import CHROMIUM
from helpers.axe import axe_violations
from helpers.studio_server import StudioServer

import pressgen.studio.state as state

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is needed")
SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def campaign(root: Path, count: int) -> Path:
    """A workspace of ``count`` releases: the seeds and copies of them (each with its own segment records)."""
    workspace = root / "campaign"
    shutil.copytree(SEEDS, workspace, ignore=shutil.ignore_patterns("dist", ".pressgen"))
    seeds = sorted((workspace / "releases").glob("*.yaml"))
    for number in range(count - len(seeds)):
        seed = seeds[number % len(seeds)]
        target = seed.with_name(f"{seed.stem}-{number:03d}.yaml")
        shutil.copyfile(seed, target)
        records = json.loads(seed.with_name(seed.stem + ".segments.json").read_text(encoding="utf-8"))
        records["release"] = target.stem
        target.with_name(target.stem + ".segments.json").write_text(json.dumps(records), encoding="utf-8")
    return workspace


def test_the_build_is_a_few_tab_stops_from_the_top_at_200_releases(page: Any, tmp_path: Path) -> None:
    workspace = campaign(tmp_path, 200)
    with StudioServer(workspace) as studio:
        page.goto(studio.url)
        assert page.locator("tr[id^=row-]").count() == 200  # every release listed, checked or being checked
        presses = 0
        while presses < 60:
            page.keyboard.press("Tab")
            presses += 1
            if page.evaluate("document.activeElement.textContent.trim()") == "Build the selected releases":
                break
        assert presses <= 12, presses
        # Select all is before it, so a keyboard user builds the campaign without going through the list.
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Space")
        page.keyboard.press("Tab")
        assert page.locator("input[name=release]:checked").count() == 200


def test_a_first_index_lists_every_release_at_once_and_fills_each_row_in(
        page: Any, workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # as a first index of more releases than the studio checks at once
    monkeypatch.setattr(state, "CHECKED_AT_ONCE", 0, raising=False)
    # and no release checked before the index is asked for (the studio warms its renderer with one)
    monkeypatch.setattr(state.Studio, "warm", lambda self, entry=None, lang=None: None)
    with StudioServer(workspace) as studio:
        first = httpx.get(studio.url, timeout=60).text
        assert first.count('data-pending="') == 5, "every release listed before it is checked"
        page.goto(studio.url)
        assert axe_violations(page) == []  # the rows being checked, as they are listed
        # (the page's Content Security Policy allows no script from a string: waits are the locators')
        status = page.locator("#index-status", has_text="All 5 releases checked.")
        status.wait_for(timeout=120_000)
        assert status.get_attribute("role") == "status"
        assert page.locator("tr[data-pending]").count() == 0
        assert page.locator("tr[id^=row-] .state").count() == 15  # three languages of each release
        headline = page.locator("#head-iom-20km-brussels-2017")
        assert headline.inner_text().startswith("De Verenigde Naties")
        assert axe_violations(page) == []
    memo = json.loads((workspace / ".pressgen" / "check.json").read_text(encoding="utf-8"))
    assert len(memo["releases"]) == 5 and all("summary" in e for e in memo["releases"].values())


def test_release_texts_carry_their_language_in_the_english_interface(page: Any, workspace: Path) -> None:
    with StudioServer(workspace) as studio:
        page.goto(studio.url)
        dutch = page.locator("#head-iom-20km-brussels-2017")
        assert dutch.get_attribute("lang") == "nl"
        assert page.locator("#head-unric-migrants-stigma-2014").get_attribute("lang") == "en"
        # The Dutch headline's own language, not the page's, is what the browser says it is in.
        assert dutch.evaluate("e => e.closest('[lang]').lang") == "nl"
        organisation = page.locator("#row-iom-20km-brussels-2017 td").nth(3).locator("[lang]")
        assert organisation.count() == 0 or organisation.get_attribute("lang") == "nl"
        page.goto(f"{studio.url}release/iom-20km-brussels-2017/fr")
        heading = page.locator("h1 .headline")
        assert heading.get_attribute("lang") == "nl" and heading.inner_text().startswith("De Verenigde Naties")
