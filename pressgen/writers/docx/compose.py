"""A DocumentView composed, with python-docx's public API, onto the reference document.

Each part of the view (header, footer, dateline, headline, body blocks, figures,
tables, contacts) becomes paragraphs styled by role (see styles.py); what the
public API cannot say is asked of oxml.py. Every word comes from the view.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from docx.document import Document as DocxDocument
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Length, Mm, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph

from pressgen.document.hyphenation import Rules
from pressgen.document.localize import DocumentView, ImageView
from pressgen.document.markup import (
    Block,
    Break,
    Emph,
    Heading,
    Inline,
    Link,
    ListBlock,
    Paragraph,
    Quote,
    Strong,
    Sup,
    Table,
    Text,
)
from pressgen.workspace.images import prepared
from pressgen.writers.docx import oxml
from pressgen.writers.docx.fit import MAX_PHOTO_HEIGHT, photo_size, place_lead_photo, text_width
from pressgen.writers.docx.styles import STYLES, brand


class DocumentBuilder:
    """Appends the parts of a release to a python-docx document, styled by role."""

    def __init__(self, doc: DocxDocument, style_ids: dict[str, str], rules: Rules | None = None,
                 color: str = "#999999") -> None:
        self.doc = doc
        self.ids = style_ids
        self.rules = rules  # foreign phrases get their language (see pressgen.document.hyphenation)
        self.color = color  # the organisation's colour (#RRGGBB): the rule under a table's header

    def paragraph(self, role: str, text: str | None = None, container: Any = None) -> DocxParagraph:
        """Append a paragraph with the style of ``role`` to the body, or to a cell or header."""
        paragraph = (container or self.doc).add_paragraph(text or "")
        oxml.set_paragraph_style(paragraph, self.ids[role])
        return paragraph

    def inlines(self, paragraph: DocxParagraph, items: Iterable[Inline], bold: bool = False,
                italic: bool = False, sup: bool = False, breaks: bool = False) -> None:
        """Append ``items`` as runs; ``breaks``: a listed word breaks only at its listed breaks (the
        workspace's and the packaged list of preferred breaks, as in the PDF), for text that may be
        hyphenated (not headings, which Word would break at them)."""
        for item in items:
            if isinstance(item, Text):
                for text, lang in self.rules.languages(item.text) if self.rules else [(item.text, None)]:
                    run = paragraph.add_run()
                    if breaks and self.rules and not lang:
                        oxml.set_run_text_with_soft_hyphens(run, self.rules.soft_hyphens(text))
                    else:
                        run.text = text
                    run.bold, run.italic = bold or None, italic or None
                    # Arabic, Hebrew, Devanagari, Thai… take the complex-script bold and italic.
                    run.font.cs_bold, run.font.cs_italic = bold or None, italic or None
                    if sup:
                        run.font.superscript = True
                    if lang:
                        oxml.set_run_language(run, lang)
            elif isinstance(item, Break):
                paragraph.add_run().add_break()
            elif isinstance(item, Strong):
                self.inlines(paragraph, item.children, True, italic, sup, breaks)
            elif isinstance(item, Emph):
                self.inlines(paragraph, item.children, bold, True, sup, breaks)
            elif isinstance(item, Sup):
                self.inlines(paragraph, item.children, bold, italic, True, breaks)
            elif isinstance(item, Link):
                self.link(paragraph, item.href, item.children, bold, italic)

    def link(self, paragraph: DocxParagraph, href: str, children: Iterable[Inline],
             bold: bool = False, italic: bool = False) -> None:
        with oxml.hyperlink(paragraph, href, self.ids["link"]):
            self.inlines(paragraph, children, bold, italic)

    def blocks(self, blocks: Iterable[Block], role: str) -> None:
        for block in blocks:
            if isinstance(block, Paragraph):
                self.inlines(self.paragraph(role), block.children, breaks=True)
            elif isinstance(block, Heading):
                self.inlines(self.paragraph("intertitle"), block.children)
            elif isinstance(block, Quote):
                self.blocks(block.children, "quote")
                if block.attribution:
                    paragraph = self.paragraph("attribution", "— ")
                    self.inlines(paragraph, block.attribution)
            elif isinstance(block, ListBlock):
                self.list(block, role)
            elif isinstance(block, Table):
                self.table(block)

    def figures(self, images: Iterable[ImageView], max_height: int = MAX_PHOTO_HEIGHT) -> None:
        """Each photo inline in a paragraph of its own, with its alternative text, then its caption and
        credit; at most the text width, and ``max_height`` high."""
        section = self.doc.sections[0]
        column = int(section.page_width - section.left_margin - section.right_margin)  # type: ignore[operator]
        for image in images:
            paragraph = self.paragraph("figure")
            paragraph.paragraph_format.keep_with_next = bool(image.caption or image.credit)
            width, height = photo_size(image, column, max_height)
            picture = paragraph.add_run().add_picture(io.BytesIO(prepared(image.path).data), width=width, height=height)
            oxml.set_picture_description(picture, image.alt)
            oxml.set_picture_flush(picture)
            if image.caption or image.credit:
                caption = self.paragraph("caption", image.caption or "")
                if image.credit:
                    credit = caption.add_run((" " if image.caption else "") + image.credit)
                    credit.font.color.rgb = RGBColor(0x77, 0x77, 0x77)

    def table(self, block: Table) -> None:
        """A real Word table: a header row repeated on every page, thin rules, figures aligned right."""
        table = self.doc.add_table(rows=1 + len(block.rows), cols=len(block.aligns))
        table.autofit = False  # fixed layout: a long word or URL wraps in its cell, never widens the table
        _table_rules(table)
        oxml.set_table_cell_margins(table, left=CELL_PADDING_EMU // 2, right=CELL_PADDING_EMU // 2)
        # Its rules start at the column's edge, as the PDF's: Word (in the reference document's Word 2010
        # mode) and LibreOffice measure a table's indent to its first cell's text.
        oxml.set_table_indent(table, CELL_PADDING_EMU // 2)
        section = self.doc.sections[0]
        text_width = int(section.page_width - section.left_margin - section.right_margin)  # type: ignore[operator]
        widths = column_widths(block, text_width)
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Length(width)
        last = len(block.rows)
        for number, (contents, row) in enumerate(zip((block.header, *block.rows), table.rows, strict=True)):
            for cell, content, align, width in zip(row.cells, contents, block.aligns, widths, strict=False):
                cell.width = Length(width)
                paragraph = cell.paragraphs[0]
                oxml.set_paragraph_style(paragraph, self.ids["table"])
                paragraph.alignment = ALIGNMENTS[align]
                # As the PDF: a long table may break across pages, but its header stays with its first
                # three rows, and its last two rows stay together (no row alone atop a page).
                paragraph.paragraph_format.keep_with_next = number < KEPT_ROWS or number == last - 1
                self.inlines(paragraph, content, bold=number == 0)
        oxml.repeat_header_row(table.rows[0])
        for cell in table.rows[0].cells:  # as the PDF's th: a 1 pt rule in the brand colour under the header
            oxml.set_cell_borders(cell, {"bottom": 8}, self.color.lstrip("#"))
        self.paragraph("after-table")  # Word needs a paragraph between a table and what follows

    def list(self, block: ListBlock, role: str) -> None:
        kind = "number" if block.ordered else "bullet"
        style = f"small-{kind}" if role == "small" else kind  # the boilerplate's and notes' lists: small text
        for number, item in enumerate(block.items, start=block.start):
            marker = f"{number}.\t" if block.ordered else "•\t"
            for index, inner in enumerate(item):
                if not isinstance(inner, Paragraph):
                    self.blocks((inner,), role)
                    continue
                paragraph = self.paragraph(style)
                # As the PDF's list: the text 7.8 mm in (5 mm of padding, 2.8 mm of the item's), the
                # marker about 4 mm before it.
                paragraph.paragraph_format.left_indent = LIST_INDENT
                paragraph.paragraph_format.first_line_indent = Length(-MARKER_ROOM if index == 0 else 0)
                paragraph.paragraph_format.tab_stops.add_tab_stop(LIST_INDENT)
                if index == 0:
                    paragraph.add_run(marker)
                self.inlines(paragraph, inner.children)

    def header(self, view: DocumentView) -> None:
        section = self.doc.sections[0]
        header = section.header
        header.is_linked_to_previous = False
        for paragraph in header.paragraphs:
            oxml.remove_paragraph(paragraph)
        # The reference document sets page size and margins, so none of them is None. The header spans
        # the page footer's width: the text column and the footer style's negative indents either side.
        left, right = self.footer_outdents()
        width = Length(section.page_width - section.left_margin - section.right_margin  # type: ignore[operator]
                       + left + right)
        # As the PDF: logo and words side by side, centred on each other, a rule in the brand colour below;
        # without a logo the words start at the margin (no empty cell).
        table = header.add_table(rows=1, cols=2 if view.org.logo else 1, width=width)
        _header_rule(table, view.org.color)
        if left:
            oxml.set_table_indent(table, -left)
        cells = table.rows[0].cells
        text_cell = cells[-1]
        for cell in cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        if view.org.logo:
            logo_cell = cells[0]
            # LibreOffice reads the grid, Word the cells: set both.
            words_width = Length(width - Mm(22))
            table.columns[0].width, table.columns[1].width = Mm(22), words_width
            logo_cell.width, text_cell.width = Mm(22), words_width
            run = logo_cell.paragraphs[0].add_run()
            picture = run.add_picture(io.BytesIO(prepared(view.org.logo).data), height=Mm(16))  # as the PDF draws it
            # Alternative text for screen readers, as the PDF's <img alt>.
            oxml.set_picture_description(picture, view.org.name)
            oxml.set_picture_flush(picture)
        else:
            table.columns[0].width = text_cell.width = width
        first = text_cell.paragraphs[0]
        oxml.set_paragraph_style(first, self.ids["org"])
        first.add_run(view.org.name)
        if view.org.tagline:
            self.paragraph("tagline", view.org.tagline, container=text_cell)
        if view.draft:
            self.paragraph("draft", view.labels.draft, container=text_cell)
            _watermark(header, view.labels.draft)

    def footer_outdents(self) -> tuple[int, int]:
        """How far the page footer stands out of the text column, left and right (EMU): its style's
        negative indents (templates/reference.docx's text column is narrower than its footer)."""
        fmt = self.doc.styles[STYLES["footer"]].paragraph_format
        return (max(0, -int(fmt.left_indent or 0)), max(0, -int(fmt.right_indent or 0)))

    def footer(self, view: DocumentView) -> None:
        paragraph = self.doc.sections[0].footer.paragraphs[0]
        oxml.set_paragraph_style(paragraph, self.ids["footer"])
        paragraph.add_run(view.footer_line + "\t" + view.labels.page_before)
        oxml.append_field(paragraph, "PAGE", "1")
        paragraph.add_run(view.labels.page_between)
        oxml.append_field(paragraph, "NUMPAGES", "1")
        if view.labels.page_after:
            paragraph.add_run(view.labels.page_after)

    def body(self, view: DocumentView) -> None:
        # As the PDF: a lead photo that would leave the front page empty above it is lowered, or follows
        # the next paragraph.
        view, lead_height = place_lead_photo(self.doc, self.ids, view)
        self.paragraph("kind", view.labels.kind)
        self.paragraph("date", view.date)
        if view.embargo:
            self.paragraph("embargo", view.embargo)
        else:
            run = self.paragraph("date").add_run(view.release_line)
            run.bold = run.font.cs_bold = True
        for label, value in view.facts:
            paragraph = self.paragraph("fact")
            label_run = paragraph.add_run(label)
            label_run.bold = label_run.font.cs_bold = True
            paragraph.add_run(" " + value)
        self.paragraph("headline", view.headline)
        if view.subheadline:
            self.paragraph("subheadline", view.subheadline)
        self.blocks(view.lead, "body")
        self.figures(view.images_at("lead"), lead_height)
        self.blocks(view.rest, "body")
        self.figures(view.images_at("end"))
        last = self.doc.paragraphs[-1] if self.doc.paragraphs else None
        if last is not None:
            last.paragraph_format.keep_with_next = True  # the end mark never stands alone atop a page
        self.paragraph("end", view.labels.end_mark)
        if view.boilerplate:
            self.paragraph("heading", view.labels.about)
            self.blocks(view.boilerplate, "small")
        if view.notes:
            self.paragraph("heading", view.labels.notes)
            self.blocks(view.notes, "small")
        if view.contacts:
            self.paragraph("heading", view.labels.contacts)
        for contact in view.contacts:
            for line in contact:
                paragraph = self.paragraph("contact-name" if line.role == "name" else "contact")
                # The contact block stays together, as in the PDF.
                paragraph.paragraph_format.keep_with_next = not (contact is view.contacts[-1] and line is contact[-1])
                if line.label:
                    paragraph.add_run(line.label + " ")
                if line.href:
                    self.link(paragraph, line.href, (Text(line.text),))
                else:
                    paragraph.add_run(line.text)


ALIGNMENTS = {"left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT,
              "center": WD_ALIGN_PARAGRAPH.CENTER}


def _watermark(header: Any, text: str) -> None:
    """Add the draft watermark (the text across the page, light red) to a page header."""
    words = text.upper()
    width = min(480.0, 24.0 * len(words))
    style = header.paragraphs[0].style.style_id if header.paragraphs else "Normal"
    oxml.append_watermark(header, words, style, width, width / 8)


def _header_rule(table: Any, color: str) -> None:
    """The 1.5 pt rule in the brand colour under the page header, as the PDF draws it."""
    oxml.set_table_borders(table, {"bottom": 12}, color.lstrip("#"), space=8)  # 8 pt: the PDF's 3 mm padding


LIST_INDENT = Mm(7.8)
MARKER_ROOM = Mm(4.8)
KEPT_ROWS = 3  # the header row is kept with this many rows after it
CHAR_EMU = int(Mm(1.9))  # without the font's metrics: the mean advance of a 9.5 pt Liberation Sans character
CELL_PADDING_EMU = int(Mm(6))  # 3 mm either side, as the PDF's cells
CELL_SLACK_EMU = int(Mm(0.5))  # Word and LibreOffice round widths to twentieths of a point
TABLE_FONT_PT = 9.5  # the Table Text style's size (templates/reference.docx)


def _text_width(text: str, bold: bool) -> int:
    """The width of a line of table text (EMU), as the font sets it."""
    width = text_width(text, TABLE_FONT_PT, bold)
    return len(text) * CHAR_EMU if width is None else width


def column_widths(block: Table, text_width: int) -> list[int]:
    """Each column as wide as its longest line needs, as the PDF's auto-sized table; scaled to the text
    width when the whole does not fit (so a long word wraps in its cell, never widens the table)."""
    from pressgen.document.markup import plain_text

    rows = (block.header, *block.rows)
    needs = [max((_text_width(plain_text(row[index]), row is block.header) if index < len(row) else 0
                  for row in rows), default=0) + CELL_PADDING_EMU + CELL_SLACK_EMU
             for index in range(len(block.aligns))]
    total = sum(needs)
    if total <= text_width:
        return needs
    return [max(int(need * text_width / total), CELL_PADDING_EMU) for need in needs]


def _table_rules(table: Any) -> None:
    """Thin horizontal rules between rows, as the PDF's table has; no vertical lines."""
    oxml.set_table_borders(table, {"top": 4, "bottom": 4, "insideH": 4}, "999999")


def _properties(doc: DocxDocument, view: DocumentView) -> None:
    """The core properties (title, author, language...) of the view, as the PDF's."""
    props = doc.core_properties
    props.title = view.title
    props.author = view.author
    props.last_modified_by = view.author
    props.language = view.language_tag
    props.subject = view.labels.kind  # as the PDF's Subject; Keywords are the release's tags in both
    props.comments = ""
    props.keywords = view.keywords
    props.created = props.modified = view.created.replace(tzinfo=None)
    props.revision = 1


def compose(doc: DocxDocument, style_ids: dict[str, str], view: DocumentView) -> None:
    """Write ``view`` into ``doc``, a reference document (see reference.load_reference) whose
    role -> style id map is ``style_ids``: brand colour, language, properties, header, footer, body."""
    brand(doc, view.org.color)
    oxml.set_language(doc, view.language_tag)
    _properties(doc, view)
    oxml.set_app_properties(doc, view.author)
    builder = DocumentBuilder(doc, style_ids, view.hyphenation, view.org.color)
    builder.header(view)
    builder.footer(view)
    builder.body(view)
