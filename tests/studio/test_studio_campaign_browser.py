"""A campaign build from the index builds every language that can be built, names each one that could
not and why, keeps the ticks and the filter, and gives one archive of the documents."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from helpers import CHROMIUM, normalize
from helpers.studio_server import StudioServer
from pypdf import PdfReader

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is needed")
UNTRANSLATED = """\
organization: iom-belgium
date: 2027-05-26
source: nl
tags: [campaign-2027]
contacts: [gdhoop]
text:
  nl:
    headline: Alleen in het Nederlands geschreven
    dateline: Brussel
    body: |
      Eerste alinea, nog niet vertaald.
"""


def test_a_campaign_build_builds_the_source_of_an_untranslated_release_and_names_the_others(
        page: Any, workspace: Path, tmp_path: Path) -> None:
    (workspace / "releases" / "only-dutch-2027.yaml").write_text(UNTRANSLATED, encoding="utf-8")
    with StudioServer(workspace) as studio:
        page.goto(f"{studio.url}?sort=id")
        page.get_by_label("Select all").check()
        ticked = page.locator("input[name=release]:checked").count()
        assert ticked == page.locator("input[name=release]").count() == 6
        page.get_by_role("button", name="Build the selected releases").click()
        result = page.locator(".result[data-release=only-dutch-2027]")
        result.wait_for(timeout=180_000)
        assert "built: nl" in result.inner_text()
        assert "fr not built: not translated yet" in result.inner_text()
        assert "en not built: not translated yet" in result.inner_text()
        # The Dutch headline of a result is marked Dutch in the English interface.
        assert result.locator("strong").get_attribute("lang") == "nl"
        assert page.locator(".result[data-release=unric-migrants-stigma-2014] strong").get_attribute("lang") == "en"
        # The ticks and the sort order are kept after the build.
        assert page.locator("input[name=release]:checked").count() == 6
        assert page.locator("select[name=sort]").input_value() == "id"
        with page.expect_download() as waited:
            page.get_by_role("link", name="Download them all (zip)").click()
        saved = tmp_path / "all.zip"
        waited.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        names = archive.namelist()
        dutch = [name for name in names if "only-dutch-2027" in name]
        assert dutch and all(".nl." in name for name in dutch), dutch
        pdf = archive.read(next(name for name in dutch if name.endswith(".pdf")))
    text = normalize(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert "Alleen in het Nederlands geschreven" in text
    assert len([n for n in names if "iom-20km-brussels-2017" in n]) >= 6  # whole releases: every language
