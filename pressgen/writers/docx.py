"""DOCX writer: a DocumentView written with python-docx onto the reference document.

Every python-docx call of pressgen lives here. Formatting comes from the
reference document's named styles; this module only maps roles to style names
(and sets the organisation's brand colour on the styles that carry it).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

from docx import Document
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph

from ..localize import DocumentView
from ..markup import (
    Block,
    Break,
    Emph,
    Inline,
    Link,
    ListBlock,
    Paragraph,
    Quote,
    Strong,
    Sup,
    Text,
)
from ..resources import find_template
from . import Rendered

REFERENCE = "reference.docx"

# Document role -> paragraph style of the reference document.
STYLES = {
    "org": "Org Name",
    "tagline": "Tagline",
    "draft": "Draft Mark",
    "kind": "Kind Label",
    "date": "Release Date",
    "embargo": "Embargo",
    "headline": "Headline",
    "subheadline": "Subheadline",
    "body": "Body Text",
    "quote": "Body Quote",
    "bullet": "Body Bullet",
    "number": "Body Number",
    "end": "End Mark",
    "heading": "Section Heading",
    "small": "Small Text",
    "contact-name": "Contact Name",
    "contact": "Contact Detail",
    "footer": "Page Footer",
}
LINK_STYLE = "Link"
BRAND_STYLES = ("Org Name", "Kind Label", "Headline", "Section Heading", "Link")
# Zip entries get this fixed time so that the same input gives the same bytes.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _add_inlines(paragraph: DocxParagraph, items: Iterable[Inline], bold: bool = False,
                 italic: bool = False, sup: bool = False) -> None:
    for item in items:
        if isinstance(item, Text):
            run = paragraph.add_run(item.text)
            run.bold, run.italic = bold or None, italic or None
            if sup:
                run.font.superscript = True
        elif isinstance(item, Break):
            paragraph.add_run().add_break()
        elif isinstance(item, Strong):
            _add_inlines(paragraph, item.children, True, italic, sup)
        elif isinstance(item, Emph):
            _add_inlines(paragraph, item.children, bold, True, sup)
        elif isinstance(item, Sup):
            _add_inlines(paragraph, item.children, bold, italic, True)
        elif isinstance(item, Link):
            _add_link(paragraph, item.href, item.children, bold, italic)


def _add_link(paragraph: DocxParagraph, href: str, children: Iterable[Inline],
              bold: bool = False, italic: bool = False) -> None:
    r_id = paragraph.part.relate_to(href, RT.HYPERLINK, is_external=True)
    hyperlink = OxmlElement("w:hyperlink")
    hyperlink.set(qn("r:id"), r_id)
    start = len(paragraph.runs)
    _add_inlines(paragraph, children, bold, italic)
    for run in paragraph.runs[start:]:
        run.style = LINK_STYLE
        hyperlink.append(run._r)
    paragraph._p.append(hyperlink)


def _add_blocks(doc: DocxDocument, blocks: Iterable[Block], role: str) -> None:
    for block in blocks:
        if isinstance(block, Paragraph):
            _add_inlines(doc.add_paragraph(style=STYLES[role]), block.children)
        elif isinstance(block, Quote):
            _add_blocks(doc, block.children, "quote")
        elif isinstance(block, ListBlock):
            for number, item in enumerate(block.items, start=block.start):
                marker = f"{number}.\t" if block.ordered else "•\t"
                for index, inner in enumerate(item):
                    if isinstance(inner, Paragraph):
                        paragraph = doc.add_paragraph(style=STYLES["number" if block.ordered else "bullet"])
                        paragraph.paragraph_format.left_indent = Mm(6)
                        paragraph.paragraph_format.first_line_indent = Mm(-6 if index == 0 else 0)
                        paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(6))
                        if index == 0:
                            paragraph.add_run(marker)
                        _add_inlines(paragraph, inner.children)
                    else:
                        _add_blocks(doc, (inner,), role)


def _field(paragraph: DocxParagraph, instruction: str, shown: str) -> None:
    """Append a Word field (PAGE, NUMPAGES) that Word and LibreOffice update on display."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = shown
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _header(doc: DocxDocument, view: DocumentView) -> None:
    section = doc.sections[0]
    header = section.header
    header.is_linked_to_previous = False
    for paragraph in header.paragraphs:
        paragraph._p.getparent().remove(paragraph._p)
    # The reference document sets page size and margins, so none of them is None.
    width = Length(section.page_width - section.left_margin - section.right_margin)  # type: ignore[operator]
    table = header.add_table(rows=1, cols=2, width=width)
    logo_cell, text_cell = table.rows[0].cells
    # LibreOffice reads the grid, Word the cells: set both.
    text_width = Length(width - Mm(22))
    table.columns[0].width, table.columns[1].width = Mm(22), text_width
    logo_cell.width, text_cell.width = Mm(22), text_width
    if view.org.logo:
        run = logo_cell.paragraphs[0].add_run()
        picture = run.add_picture(str(view.org.logo), height=Mm(16))
        # Alternative text for screen readers, as the PDF's <img alt>.
        picture._inline.docPr.set("descr", view.org.name)
    first = text_cell.paragraphs[0]
    first.style = doc.styles[STYLES["org"]]
    first.add_run(view.org.name)
    if view.org.tagline:
        text_cell.add_paragraph(view.org.tagline, style=STYLES["tagline"])
    if view.draft:
        text_cell.add_paragraph(view.labels.draft, style=STYLES["draft"])


def _footer(doc: DocxDocument, view: DocumentView) -> None:
    footer = doc.sections[0].footer
    paragraph = footer.paragraphs[0]
    paragraph.style = doc.styles[STYLES["footer"]]
    paragraph.add_run(view.footer_line + "\t" + view.labels.page_before)
    _field(paragraph, "PAGE", "1")
    paragraph.add_run(view.labels.page_between)
    _field(paragraph, "NUMPAGES", "1")
    if view.labels.page_after:
        paragraph.add_run(view.labels.page_after)


def _set_language(doc: DocxDocument, tag: str) -> None:
    """Mark the defaults and every style with the language, so Word spell-checks in it."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    r_pr_default = defaults.find(qn("w:rPrDefault"))
    if r_pr_default is None:
        r_pr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, r_pr_default)
    targets = [r_pr_default.find(qn("w:rPr")) if r_pr_default.find(qn("w:rPr")) is not None
               else r_pr_default.makeelement(qn("w:rPr"), {})]
    if targets[0].getparent() is None:
        r_pr_default.append(targets[0])
    targets += [style.element.get_or_add_rPr() for style in doc.styles
                if style.type is not None and hasattr(style.element, "get_or_add_rPr")]
    for r_pr in targets:
        for old in r_pr.findall(qn("w:lang")):
            r_pr.remove(old)
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), tag)
        lang.set(qn("w:eastAsia"), tag)
        lang.set(qn("w:bidi"), tag)
        r_pr.append(lang)


def _brand(doc: DocxDocument, color: str) -> None:
    rgb = RGBColor.from_string(color.lstrip("#").upper())
    for name in BRAND_STYLES:
        doc.styles[name].font.color.rgb = rgb


def _properties(doc: DocxDocument, view: DocumentView) -> None:
    props = doc.core_properties
    props.title = view.title
    props.author = view.org.name
    props.last_modified_by = view.org.name
    props.language = view.language_tag
    props.subject = view.labels.kind
    props.comments = ""
    props.keywords = ""
    props.created = props.modified = view.created.replace(tzinfo=None)
    props.revision = 1


def _normalized_zip(data: bytes) -> bytes:
    """Rewrite the package with fixed entry times: python-docx stamps the current time."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def write_docx(view: DocumentView) -> Rendered:
    """Return the DOCX of ``view``, on the workspace's or the packaged reference document.

    The page count is left to Word: only a layout engine knows it.
    """
    doc = Document(str(find_template(view.workspace_root, REFERENCE)))
    _brand(doc, view.org.color)
    _set_language(doc, view.language_tag)
    _properties(doc, view)
    _header(doc, view)
    _footer(doc, view)

    doc.add_paragraph(view.labels.kind, style=STYLES["kind"])
    doc.add_paragraph(view.date, style=STYLES["date"])
    if view.embargo:
        doc.add_paragraph(view.embargo, style=STYLES["embargo"])
    doc.add_paragraph(view.headline, style=STYLES["headline"])
    if view.subheadline:
        doc.add_paragraph(view.subheadline, style=STYLES["subheadline"])
    _add_blocks(doc, view.body, "body")
    doc.add_paragraph(view.labels.end_mark, style=STYLES["end"])
    if view.boilerplate:
        doc.add_paragraph(view.labels.about, style=STYLES["heading"])
        _add_blocks(doc, view.boilerplate, "small")
    if view.notes:
        doc.add_paragraph(view.labels.notes, style=STYLES["heading"])
        _add_blocks(doc, view.notes, "small")
    if view.contacts:
        doc.add_paragraph(view.labels.contacts, style=STYLES["heading"])
        for contact in view.contacts:
            for line in contact:
                paragraph = doc.add_paragraph(style=STYLES["contact-name" if line.role == "name" else "contact"])
                paragraph.paragraph_format.keep_with_next = line is not contact[-1]
                if line.href:
                    _add_link(paragraph, line.href, (Text(line.text),))
                else:
                    paragraph.add_run(line.text)
    buffer = io.BytesIO()
    doc.save(buffer)
    return Rendered(_normalized_zip(buffer.getvalue()))
