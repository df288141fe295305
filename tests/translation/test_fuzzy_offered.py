"""Fuzzy matches are offered where translators work: as <alt-trans match-quality> in the XLIFF and under the
source in the review DOCX, for the segments still to translate, and never applied on import."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from helpers import run
from lxml import etree

SEED = "iom-20km-brussels-2017"
NS = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
PARAGRAPH = "Voor het eerst dit jaar zal de VN ploeg over een stand beschikken"


def _new_release(workspace: Path) -> Path:
    """A new release whose paragraph is the seed's with one word changed, not translated yet."""
    seed = (workspace / "releases" / f"{SEED}.yaml").read_text()
    start = seed.index(PARAGRAPH)
    paragraph = seed[start:seed.index("\n", start)].replace("Voor het eerst dit jaar", "Voor het eerst deze zomer")
    path = workspace / "releases" / "stand-2018.yaml"
    path.write_text(f"""organization: iom-belgium
date: 2018-05-20
source: nl
contacts: [gdhoop]
text:
  nl:
    headline: De VN-ploeg heeft een stand
    body: |
      {paragraph}
""")
    return path


def test_the_xliff_offers_a_like_paragraphs_reviewed_translation_and_the_import_ignores_it(
        workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workspace)
    _new_release(workspace)
    assert run("review", "export", "stand-2018", "--lang", "fr", "--out", "stand.xlf") == 0
    tree = etree.parse(str(workspace / "stand.xlf"))
    alts = tree.findall(".//x:trans-unit/x:alt-trans", NS)
    assert alts, etree.tostring(tree)[:2000]
    quality = int(alts[0].get("match-quality"))
    assert 75 <= quality < 100 and SEED in alts[0].get("origin")
    offered = "".join(alts[0].find("x:target", NS).itertext())
    seed_text = (workspace / "releases" / f"{SEED}.yaml").read_text()
    assert len(offered) > 40 and offered[:40] in seed_text and offered[:40] not in PARAGRAPH  # the seed's French
    before = (workspace / "releases" / "stand-2018.yaml").read_bytes()
    assert run("review", "import", "stand-2018", "--lang", "fr", "--file", "stand.xlf") == 0
    assert (workspace / "releases" / "stand-2018.yaml").read_bytes() == before  # nothing taken from alt-trans


def test_the_review_docx_shows_the_match_under_the_source(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workspace)
    _new_release(workspace)
    assert run("review", "export", "stand-2018", "--lang", "fr", "--out", "stand.docx") == 0
    cells = [cell.text for table in Document(str(workspace / "stand.docx")).tables for row in table.rows
             for cell in row.cells]
    shown = [text for text in cells if "% match (" in text]
    assert shown and SEED in shown[0], cells[:12]


def test_reviewed_segments_are_offered_nothing(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workspace)
    assert run("review", "export", SEED, "--lang", "fr", "--out", "seed.xlf") == 0
    assert etree.parse(str(workspace / "seed.xlf")).findall(".//x:alt-trans", NS) == []
