"""The bilingual review document: a two-column DOCX (source | translation) for reviewers.

Rows whose translation is a machine draft or out of date are shaded, so a
reviewer without CAT tools sees where to look first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .docx import save_docx

# Shading per reason a row needs attention (Word colour hex).
HIGHLIGHTS = {"machine": "FFF2CC", "stale": "FCE4D6", "missing": "F2F2F2"}


@dataclass(frozen=True)
class ReviewRow:
    unit_id: str
    source: str
    target: str
    attention: str | None  # a HIGHLIGHTS key, or None


def _shade(cell: object, color: str) -> None:
    properties = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), color)
    properties.append(shading)


def write_bilingual_docx(title: str, source_label: str, target_label: str, legend: str,
                         rows: Sequence[ReviewRow], created: dt.datetime) -> bytes:
    """Return a landscape DOCX with a source | translation table, one row per unit."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(15)
    doc.styles["Normal"].font.size = Pt(10)
    doc.add_heading(title, level=1)
    doc.add_paragraph(legend)
    table = doc.add_table(rows=1, cols=3)
    table.style = doc.styles["Table Grid"]
    widths = (Mm(27), Mm(120), Mm(120))
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):  # LibreOffice reads the grid, Word the cells
        column.width = width
    for cell, text, width in zip(table.rows[0].cells, ("", source_label, target_label), widths, strict=True):
        cell.width = width
        cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text, width in zip(cells, (row.unit_id, row.source, row.target), widths, strict=True):
            cell.width = width
            lines = text.split("\n")
            cell.paragraphs[0].add_run(lines[0])
            for line in lines[1:]:
                cell.add_paragraph(line)
        if row.attention:
            _shade(cells[2], HIGHLIGHTS[row.attention])
    props = doc.core_properties
    props.title, props.author, props.comments = title, "pressgen", ""
    props.created = props.modified = created.replace(tzinfo=None)
    props.revision = 1
    return save_docx(doc)
