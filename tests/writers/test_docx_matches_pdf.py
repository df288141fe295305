"""The DOCX matches the PDF: the same heading outline (Word's navigation pane, screen readers), the
organisation's colour on intertitles, the same quote indent and line height, compact tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm
from helpers import normalize, replace_once, run
from pypdf import PdfReader

SEEDS = ["iom-20km-brussels-2017", "iom-cities-migration-mechelen-2017", "iom-news-digest-2016",
         "unia-local-governments-2020", "unric-migrants-stigma-2014"]


def _outline_level(style: Any) -> int | None:
    while style is not None:
        p_pr = style.element.pPr
        level = p_pr.find(qn("w:outlineLvl")) if p_pr is not None else None
        if level is not None:
            return int(level.get(qn("w:val")))
        style = style.base_style
    return None


def _pdf_outline(path: Path) -> list[tuple[int, str]]:
    reader = PdfReader(str(path))

    def walk(items: list[Any], depth: int) -> list[tuple[int, str]]:
        out: list[tuple[int, str]] = []
        for item in items:
            out += walk(item, depth + 1) if isinstance(item, list) else [(depth, normalize(item.title))]
        return out

    return walk(reader.outline, 0)


@pytest.mark.parametrize("release_id", SEEDS)
def test_the_docx_has_the_pdfs_heading_outline(seed_outputs: dict[tuple[str, str, str], Path], release_id: str) -> None:
    for lang in ("nl", "fr", "en"):
        doc = Document(str(seed_outputs[(release_id, lang, "docx")]))
        headings = [(_outline_level(p.style), normalize(p.text)) for p in doc.paragraphs
                    if _outline_level(p.style) is not None and p.text.strip()]
        pdf = _pdf_outline(seed_outputs[(release_id, lang, "pdf")])
        assert [text for _, text in headings] == [text for _, text in pdf], (release_id, lang)
        assert headings[0][0] == 0 and all(level >= 1 for level, _ in headings[1:])  # the headline is level 1


def test_intertitles_quotes_and_lines_are_set_as_in_the_pdf(seed_outputs: dict[tuple[str, str, str], Path]) -> None:
    doc = Document(str(seed_outputs[("unia-local-governments-2020", "nl", "docx")]))
    assert str(doc.styles["Intertitle"].font.color.rgb) == "B23A16"  # Unia's colour, not the template's
    quote = doc.styles["Body Quote"].paragraph_format
    assert abs(quote.left_indent - Mm(8)) < Mm(0.1) and quote.keep_with_next
    normal = doc.styles["Normal"].paragraph_format  # release.css's 11pt/1.45: lines 15.95 pt apart
    assert normal.line_spacing.pt == pytest.approx(15.95) and normal.line_spacing_rule == WD_LINE_SPACING.AT_LEAST


def test_intertitles_carry_the_organisations_colour(workspace: Path) -> None:
    config = workspace / "pressgen.yaml"
    replace_once(config, '"#B23A16"', '"#2A7F3E"')
    out = workspace / "out"
    release = "unia-local-governments-2020"
    assert run("build", str(workspace / "releases" / f"{release}.yaml"), "--format", "docx", "--out", str(out)) == 0
    doc = Document(str(out / release / f"{release}.nl.docx"))
    assert str(doc.styles["Intertitle"].font.color.rgb) == "2A7F3E"


def test_a_table_of_key_figures_is_as_wide_as_its_content(write_release: Any, workspace: Path) -> None:
    path = write_release("figures", """\
organization: unia
date: 2020-10-08
source: nl
languages: [nl]
contacts: [gdhoop]
text:
  nl:
    headline: Kerncijfers
    body: |
      Een alinea.

      | Jaar | Meldingen |
      |------|----------:|
      | 2019 | 7 150 |
      | 2020 | 8 478 |
""")
    out = workspace / "out"
    assert run("build", str(path), "--format", "docx", "--out", str(out)) == 0
    table = Document(str(out / "figures" / "figures.nl.docx")).tables[0]
    widths = [column.width for column in table.columns]
    assert sum(widths) < Mm(60), widths  # not the full 130 mm text width
    assert widths[1] > widths[0]  # "Meldingen" is longer than "2019"
