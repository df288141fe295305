"""DOCX writer: a DocumentView written with python-docx onto the reference document.

Every python-docx call of pressgen lives here. Formatting comes from the
reference document's named styles; this module only maps roles to style names
(and sets the organisation's brand colour on the styles that carry it).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from docx import Document
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
from pressgen.errors import Diagnostic, InputError
from pressgen.resources import find_template
from pressgen.workspace.images import prepared
from pressgen.workspace.yamlio import read_regular_file
from pressgen.writers import Rendered
from pressgen.writers.docx import oxml
from pressgen.writers.docx.oxml import qn, save_docx

REFERENCE = "reference.docx"
MAX_REFERENCE_BYTES = 20 * 1024 * 1024
MAX_REFERENCE_INFLATED = 100 * 1024 * 1024  # its parts unpacked (zipfile reads no more than an entry declares)

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
# Roles added later, with the style a reference document made before them falls back to.
OPTIONAL_STYLES = {
    "intertitle": ("Intertitle", "Heading 2"),  # Heading 2's outline level: Word's navigation pane lists it
    "attribution": ("Quote Attribution", "Body Quote"),
    "table": ("Table Text", "Small Text"),
    "figure": ("Figure", "Body Text"),
    "caption": ("Image Caption", "Small Text"),
    "fact": ("Fact", "Release Date"),
}
LINK_STYLE = "Link"
BRAND_STYLES = ("Org Name", "Kind Label", "Headline", "Section Heading", "Link")


@lru_cache(maxsize=8)
def _style_ids(reference: Path, mtime_ns: int) -> dict[str, str]:
    """Return role -> style id of a reference document (the link style under "link").

    Raises KeyError naming a style the document lacks.

    python-docx resolves a style name by scanning every style on each call; a
    release has hundreds of paragraphs and runs, so the ids are looked up once.
    """
    styles = Document(str(reference)).styles
    for name in (*STYLES.values(), LINK_STYLE, *BRAND_STYLES):
        if name not in styles:
            raise KeyError(name)
    ids = {role: styles[name].style_id for role, name in STYLES.items()}
    for role, (name, fallback) in OPTIONAL_STYLES.items():
        ids[role] = styles[name if name in styles else fallback].style_id
    ids["link"] = styles[LINK_STYLE].style_id
    return ids


MACRO_ENABLED = "application/vnd.ms-word.document.macroEnabled.main+xml"


def reference_problems(workspace_root: Path) -> list[Diagnostic]:
    """Return why the workspace's own reference document cannot be used, if it has one that cannot."""
    path = workspace_root / "templates" / REFERENCE
    if not path.exists():
        return []
    hint = f"restyle a copy of pressgen's own {REFERENCE} in Word, or remove this one"
    try:
        read_regular_file(path, limit=MAX_REFERENCE_BYTES)
        with zipfile.ZipFile(path) as package:
            inflated = sum(entry.file_size for entry in package.infolist())
        if inflated > MAX_REFERENCE_INFLATED:
            return [Diagnostic(path, 1, 1, f"the reference document unpacks to {inflated // 2**20} MiB; at most "
                               f"{MAX_REFERENCE_INFLATED // 2**20} MiB", hint)]
        _style_ids(path, path.stat().st_mtime_ns)
    except InputError as exc:
        return exc.diagnostics
    except KeyError as exc:
        if exc.args and exc.args[0] in (*STYLES.values(), LINK_STYLE, *BRAND_STYLES):
            return [Diagnostic(path, 1, 1, f"the reference document lacks the style {exc}", hint)]
        return [Diagnostic(path, 1, 1, f"not a Word document pressgen can use: {exc.args[0] if exc.args else exc}",
                           hint)]
    except Exception as exc:  # python-docx and zipfile raise many kinds for a file that is no DOCX
        if MACRO_ENABLED in str(exc):
            return [Diagnostic(path, 1, 1, "the reference document is a macro-enabled Word document (.docm); "
                               "pressgen publishes no macros", "save it in Word as a 'Word Document (*.docx)'")]
        return [Diagnostic(path, 1, 1, f"not a Word document pressgen can use: {exc}", hint)]
    return []


def reference_warnings(workspace_root: Path) -> list[Diagnostic]:
    """Return a warning for each thing of the workspace's reference document that the DOCX writer leaves
    out of every document (see :func:`strip_active_content`): what Word would fetch or run."""
    path = workspace_root / "templates" / REFERENCE
    try:
        found = _reference_active_content(path, path.stat().st_mtime_ns) if path.is_file() else ()
    except Exception:  # no usable DOCX: reference_problems says why, when the workspace is loaded
        return []
    return [Diagnostic(path, 1, 1, f"the reference document holds {what}; pressgen leaves it out of every DOCX "
                       "it writes", "Word would fetch or run it when someone opens a published document: remove it "
                       f"from {REFERENCE} (Word's File › Info › Inspect Document), or restyle a copy of pressgen's "
                       f"own {REFERENCE}", "warning")
            for what in found]


@lru_cache(maxsize=8)
def _reference_active_content(reference: Path, mtime_ns: int) -> tuple[str, ...]:
    return tuple(strip_active_content(Document(str(reference))))


# --- what a published DOCX must not carry: relationships Word follows, parts it runs ---------------

R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
O_RELID = "{urn:schemas-microsoft-com:office:office}relid"
LINK_SCHEMES = ("http:", "https:", "mailto:", "tel:")  # what a hyperlink may open (pressgen writes these)
# Relationship types (their last segment) whose part is code or an embedded program: macros, their
# data and toolbars, ActiveX controls, OLE objects and packages, ribbon customisations, imported
# (altChunk) HTML/RTF.
ACTIVE_TYPES = frozenset({"vbaProject", "wordVbaData", "keyMapCustomizations", "attachedToolbars", "control",
                          "activeXControlBinary", "oleObject", "package", "extensibility", "aFChunk"})
ACTIVE_CONTENT_TYPES = ("vbaProject", "vbaData", "activeX", "oleObject", "macroEnabled", "ms-office.vba")
# Elements that stay when the relationship they name goes (only the reference is dropped): a link's text,
# a picture's frame. Any other element naming a dropped relationship goes with it.
KEEP_ELEMENTS = frozenset({"hyperlink", "hlinkClick", "hlinkHover", "hlinkMouseOver", "blip", "imagedata", "fill"})
# Field codes that fetch a file or URL, or run a program (DDE), when Word updates the fields.
ACTIVE_FIELDS = frozenset({"DDE", "DDEAUTO", "INCLUDETEXT", "INCLUDEPICTURE", "INCLUDE", "IMPORT", "LINK"})


def _kind(reltype: str) -> str:
    return reltype.rstrip("/").rsplit("/", 1)[-1]


def strip_active_content(doc: DocxDocument) -> list[str]:
    """Remove from ``doc`` every external relationship but a hyperlink (http, https, mailto, tel):
    an attached template, a linked picture, a mail-merge source...; every part that is code or an
    embedded program (macros, ActiveX, OLE objects, ribbon customisations, altChunk imports); the
    mail-merge settings; and the instructions of fields that fetch files or run programs (DDE,
    INCLUDETEXT, INCLUDEPICTURE, LINK). Return what was removed, in words, for ``check`` to report.

    Parts only reachable through a removed relationship are not written: python-docx saves the
    parts it reaches from the package's relationships.
    """
    package = doc.part.package
    removed: list[str] = []
    seen: set[int] = set()
    sources: list[Any] = [package]
    while sources:
        source = sources.pop()
        where = str(source.partname).lstrip("/") if source is not package else "the package"
        dropped = []
        for r_id, rel in list(source.rels.items()):
            kind = _kind(rel.reltype)
            if rel.is_external:
                if kind == "hyperlink" and rel.target_ref.strip().lower().startswith(LINK_SCHEMES):
                    continue
                removed.append(f"an external {kind} relationship of {where} to {rel.target_ref}")
            else:
                part = rel.target_part
                if kind not in ACTIVE_TYPES and not any(t in part.content_type for t in ACTIVE_CONTENT_TYPES):
                    if id(part) not in seen:
                        seen.add(id(part))
                        sources.append(part)
                    continue
                removed.append(f"the {kind} part {str(part.partname).lstrip('/')}")
            dropped.append(r_id)
        for r_id in dropped:
            oxml.drop_relationship(source, r_id)
        if source is not package:
            removed += _strip_part(source, set(dropped), where)
    return removed


def _strip_part(part: Any, dropped: set[str], where: str) -> list[str]:
    """:func:`_strip_elements` on a part's XML: python-docx's own tree, or the bytes of an XML part
    python-docx keeps as they are (footnotes, glossary...), read only when they could hold something."""
    element = oxml.part_element(part)
    if element is not None:
        return _strip_elements(element, dropped, where)
    blob = part.blob
    if not part.content_type.endswith("xml") or not (
            b"instr" in blob or b"mailMerge" in blob or any(r_id.encode() in blob for r_id in dropped)):
        return []
    root = oxml.parse_part(blob)
    if root is None:
        return []
    removed = _strip_elements(root, dropped, where)
    if removed or dropped:
        oxml.set_part_xml(part, root)
    return removed


def _strip_elements(root: Any, dropped: set[str], where: str) -> list[str]:
    """Remove what names a dropped relationship, the mail-merge settings and active field codes from
    one part's XML; return what went, in words."""
    removed = []
    for element in list(root.iter()) if dropped else ():
        names = [key for key, value in element.attrib.items()
                 if value in dropped and (key.startswith("{" + R_NS + "}") or key == O_RELID)]
        if names and element.getparent() is not None:
            if element.tag.rsplit("}", 1)[-1] in KEEP_ELEMENTS:
                for key in names:
                    del element.attrib[key]
            else:
                element.getparent().remove(element)
    for element in list(root.iter(qn("w:mailMerge"))):
        element.getparent().remove(element)
        removed.append(f"mail-merge settings in {where} (a data source Word queries)")
    fields: list[list[Any]] = []  # the instruction runs of each complex field being read (they nest)
    for element in root.iter(qn("w:fldSimple"), qn("w:fldChar"), qn("w:instrText")):
        if element.tag == qn("w:fldSimple"):
            if (keyword := _active_field(element.get(qn("w:instr"), ""))):
                removed.append(f"{_a(keyword)} {keyword} field in {where}")
                element.set(qn("w:instr"), "")
        elif element.tag == qn("w:instrText"):
            if fields:
                fields[-1].append(element)
        elif (kind := element.get(qn("w:fldCharType"))) == "begin":
            fields.append([])
        elif kind in ("separate", "end") and fields:
            runs = fields.pop() if kind == "end" else fields[-1]
            if kind == "separate":
                fields[-1] = []  # the result follows: its runs are no instruction
            if (keyword := _active_field("".join(run.text or "" for run in runs))):
                removed.append(f"{_a(keyword)} {keyword} field in {where}")
                for run in runs:
                    run.text = ""
    return removed


def _a(word: str) -> str:
    return "an" if word[:1] in "AEIOU" else "a"


def _active_field(code: str) -> str | None:
    """The field's keyword when it fetches a file or runs a program, else None."""
    words = code.split()
    return words[0].upper() if words and words[0].upper() in ACTIVE_FIELDS else None


class _DocxBuilder:
    """Appends the parts of a release to a python-docx document, styled by role."""

    def __init__(self, doc: DocxDocument, style_ids: dict[str, str], rules: Rules | None = None) -> None:
        self.doc = doc
        self.ids = style_ids
        self.rules = rules  # foreign phrases get their language (see pressgen.document.hyphenation)

    def paragraph(self, role: str, text: str | None = None, container: Any = None) -> DocxParagraph:
        """Append a paragraph with the style of ``role`` to the body, or to a cell or header."""
        paragraph = (container or self.doc).add_paragraph(text or "")
        oxml.set_paragraph_style(paragraph, self.ids[role])
        return paragraph

    def inlines(self, paragraph: DocxParagraph, items: Iterable[Inline], bold: bool = False,
                italic: bool = False, sup: bool = False) -> None:
        for item in items:
            if isinstance(item, Text):
                for text, lang in self.rules.languages(item.text) if self.rules else [(item.text, None)]:
                    run = paragraph.add_run(text)
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
                self.inlines(paragraph, item.children, True, italic, sup)
            elif isinstance(item, Emph):
                self.inlines(paragraph, item.children, bold, True, sup)
            elif isinstance(item, Sup):
                self.inlines(paragraph, item.children, bold, italic, True)
            elif isinstance(item, Link):
                self.link(paragraph, item.href, item.children, bold, italic)

    def link(self, paragraph: DocxParagraph, href: str, children: Iterable[Inline],
             bold: bool = False, italic: bool = False) -> None:
        with oxml.hyperlink(paragraph, href, self.ids["link"]):
            self.inlines(paragraph, children, bold, italic)

    def blocks(self, blocks: Iterable[Block], role: str) -> None:
        for block in blocks:
            if isinstance(block, Paragraph):
                self.inlines(self.paragraph(role), block.children)
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

    def figures(self, images: Iterable[ImageView]) -> None:
        """Each photo inline in a paragraph of its own, with its alternative text, then its caption and credit."""
        section = self.doc.sections[0]
        text_width = Length(section.page_width - section.left_margin - section.right_margin)  # type: ignore[operator]
        for image in images:
            paragraph = self.paragraph("figure")
            paragraph.paragraph_format.keep_with_next = bool(image.caption or image.credit)
            # At most the text width, and never more than 150 dpi would make it.
            width = min(text_width, Length(int(image.width_px / 150 * 914400)))
            height = Length(int(width * image.height_px / image.width_px))
            if height > Mm(110):
                width, height = Length(int(width * Mm(110) / height)), Mm(110)
            picture = paragraph.add_run().add_picture(io.BytesIO(prepared(image.path).data), width=width, height=height)
            oxml.set_picture_description(picture, image.alt)
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
        for number, (contents, row) in enumerate(zip((block.header, *block.rows), table.rows, strict=True)):
            for cell, content, align in zip(row.cells, contents, block.aligns, strict=False):
                paragraph = cell.paragraphs[0]
                oxml.set_paragraph_style(paragraph, self.ids["table"])
                paragraph.alignment = ALIGNMENTS[align]
                paragraph.paragraph_format.keep_with_next = number < len(block.rows)  # the table stays whole
                self.inlines(paragraph, content, bold=number == 0)
        oxml.repeat_header_row(table.rows[0])
        self.paragraph("table")  # Word needs a paragraph between a table and what follows

    def list(self, block: ListBlock, role: str) -> None:
        for number, item in enumerate(block.items, start=block.start):
            marker = f"{number}.\t" if block.ordered else "•\t"
            for index, inner in enumerate(item):
                if not isinstance(inner, Paragraph):
                    self.blocks((inner,), role)
                    continue
                paragraph = self.paragraph("number" if block.ordered else "bullet")
                paragraph.paragraph_format.left_indent = Mm(6)
                paragraph.paragraph_format.first_line_indent = Mm(-6 if index == 0 else 0)
                paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(6))
                if index == 0:
                    paragraph.add_run(marker)
                self.inlines(paragraph, inner.children)

    def header(self, view: DocumentView) -> None:
        section = self.doc.sections[0]
        header = section.header
        header.is_linked_to_previous = False
        for paragraph in header.paragraphs:
            oxml.remove_paragraph(paragraph)
        # The reference document sets page size and margins, so none of them is None.
        width = Length(section.page_width - section.left_margin - section.right_margin)  # type: ignore[operator]
        # As the PDF: logo and words side by side, centred on each other, a rule in the brand colour below;
        # without a logo the words start at the margin (no empty cell).
        table = header.add_table(rows=1, cols=2 if view.org.logo else 1, width=width)
        _header_rule(table, view.org.color)
        cells = table.rows[0].cells
        text_cell = cells[-1]
        for cell in cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        if view.org.logo:
            logo_cell = cells[0]
            # LibreOffice reads the grid, Word the cells: set both.
            text_width = Length(width - Mm(22))
            table.columns[0].width, table.columns[1].width = Mm(22), text_width
            logo_cell.width, text_cell.width = Mm(22), text_width
            run = logo_cell.paragraphs[0].add_run()
            picture = run.add_picture(io.BytesIO(prepared(view.org.logo).data), height=Mm(16))  # as the PDF draws it
            # Alternative text for screen readers, as the PDF's <img alt>.
            oxml.set_picture_description(picture, view.org.name)
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
        self.paragraph("kind", view.labels.kind)
        self.paragraph("date", view.date)
        if view.embargo:
            self.paragraph("embargo", view.embargo)
        for label, value in view.facts:
            paragraph = self.paragraph("fact")
            label_run = paragraph.add_run(label)
            label_run.bold = label_run.font.cs_bold = True
            paragraph.add_run(" " + value)
        self.paragraph("headline", view.headline)
        if view.subheadline:
            self.paragraph("subheadline", view.subheadline)
        self.blocks(view.lead, "body")
        self.figures(view.images_at("lead"))
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
    oxml.set_table_borders(table, {"bottom": 12}, color.lstrip("#"), space=4)


def _table_rules(table: Any) -> None:
    """Thin horizontal rules between rows, as the PDF's table has; no vertical lines."""
    oxml.set_table_borders(table, {"top": 4, "bottom": 4, "insideH": 4}, "999999")


def _brand(doc: DocxDocument, color: str) -> None:
    rgb = RGBColor.from_string(color.lstrip("#").upper())
    for name in BRAND_STYLES:
        doc.styles[name].font.color.rgb = rgb


def _properties(doc: DocxDocument, view: DocumentView) -> None:
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


def write_docx(view: DocumentView) -> Rendered:
    """Return the DOCX of ``view``, on the workspace's or the packaged reference document.

    The page count is left to Word: only a layout engine knows it.
    """
    reference = find_template(view.workspace_root, REFERENCE)
    doc = Document(str(reference))
    strip_active_content(doc)  # before pressgen adds its own links and pictures
    _brand(doc, view.org.color)
    oxml.set_language(doc, view.language_tag)
    _properties(doc, view)
    oxml.set_app_properties(doc, view.author)
    builder = _DocxBuilder(doc, _style_ids(reference, reference.stat().st_mtime_ns), view.hyphenation)
    builder.header(view)
    builder.footer(view)
    builder.body(view)
    return Rendered(save_docx(doc))
