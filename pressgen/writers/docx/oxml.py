"""Raw OOXML and python-docx's private API: the one module of pressgen that uses either.

python-docx's public API has no call for some of what a release needs: a style found
by id, a paragraph or run style set by id (its public setter resolves names, scanning every style, and
drops the default style), a hyperlink, a picture's alternative text, table borders,
a header row repeated on each page, fields, Word's VML watermark, replacing a part's
bytes, forgetting a relationship, and a package written with fixed zip times. Each
is one small function here; the other modules of the DOCX writer use python-docx's
public API and these.

What this module relies on is checked against the installed python-docx by
tests/test_r17_docx_internals.py, and pyproject.toml bounds python-docx's version:
check both before raising the bound.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any, cast
from xml.sax.saxutils import escape as xml_escape

from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.phys_pkg import PhysPkgWriter
from docx.opc.pkgwriter import PackageWriter
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shape import InlineShape
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

__all__ = [
    "append_field", "append_watermark", "drop_relationship", "hyperlink", "parse_part", "part_element", "qn",
    "remove_paragraph", "repeat_header_row", "save_docx", "set_app_properties", "set_cell_borders", "set_language",
    "set_paragraph_style", "set_part_xml", "set_picture_description", "set_picture_flush", "set_run_language",
    "set_run_style", "set_table_borders", "set_table_cell_margins", "set_table_indent", "style_by_id",
]

# Zip entries get this fixed time so that the same input gives the same bytes.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


# --- paragraphs and runs ---------------------------------------------------------------------------

def set_paragraph_style(paragraph: Paragraph, style_id: str) -> None:
    """Give ``paragraph`` the paragraph style ``style_id`` (an id, not a name: no lookup)."""
    paragraph._p.style = style_id


def style_by_id(doc: DocxDocument, style_id: str) -> Any:
    """The style whose id is ``style_id`` (python-docx's public lookup is by name, reading every style)."""
    from docx.styles.style import StyleFactory

    element = doc.styles.element.get_by_id(style_id)
    return None if element is None else StyleFactory(element)


def set_run_style(run: Run, style_id: str) -> None:
    """Give ``run`` the character style ``style_id``."""
    run._r.style = style_id


def remove_paragraph(paragraph: Paragraph) -> None:
    """Take ``paragraph`` out of its story (body, cell, header)."""
    paragraph._p.getparent().remove(paragraph._p)


def set_run_language(run: Run, tag: str) -> None:
    """Mark ``run`` as text in the language ``tag`` (Word's spelling and hyphenation follow it)."""
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), tag)
    run._r.get_or_add_rPr().append(language)


def set_run_text_with_soft_hyphens(run: Run, text: str) -> None:
    """Set ``run``'s text, each U+00AD in ``text`` written as Word's own optional hyphen
    (``w:softHyphen``): Word and LibreOffice break the word only there, and the text read back
    (python-docx's ``run.text``, a search in Word) is the word without them."""
    pieces = text.split("\u00ad")
    run.text = pieces[0]
    for piece in pieces[1:]:
        run._r.append(OxmlElement("w:softHyphen"))
        if piece:
            part = OxmlElement("w:t")
            part.text = piece
            if piece != piece.strip():
                part.set(qn("xml:space"), "preserve")
            run._r.append(part)


@contextmanager
def hyperlink(paragraph: Paragraph, href: str, style_id: str) -> Iterator[None]:
    """Make the runs added to ``paragraph`` inside the ``with`` block one external hyperlink to
    ``href``, in the character style ``style_id``, appended to the paragraph."""
    r_id = paragraph.part.relate_to(href, RT.HYPERLINK, is_external=True)
    element = OxmlElement("w:hyperlink")
    element.set(qn("r:id"), r_id)
    start = len(paragraph.runs)
    yield
    for run in paragraph.runs[start:]:
        run._r.style = style_id
        element.append(run._r)
    paragraph._p.append(element)


def append_field(paragraph: Paragraph, instruction: str, shown: str) -> None:
    """Append a Word field (PAGE, NUMPAGES) that Word and LibreOffice update on display."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = shown
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


# --- pictures and tables ---------------------------------------------------------------------------

def set_picture_description(picture: InlineShape, text: str) -> None:
    """Give an inline picture its alternative text, for screen readers (as the PDF's <img alt>)."""
    picture._inline.docPr.set("descr", text)


def set_picture_flush(picture: InlineShape) -> None:
    """No room between an inline picture and the text around it. Word's default for a picture without
    it is none; LibreOffice's is Word's default for floating pictures (1/8 inch left and right), which
    set a photo 3.2 mm inside the column."""
    for side in ("distT", "distB", "distL", "distR"):
        picture._inline.set(side, "0")


def set_table_borders(table: Table, edges: dict[str, int], color: str, space: int | None = None) -> None:
    """Single-line borders on the given edges of a table (``edge: size`` in eighths of a point;
    ``color`` as RRGGBB; ``space`` in points between border and text)."""
    borders = OxmlElement("w:tblBorders")
    for edge, size in edges.items():
        element = OxmlElement(f"w:{edge}")
        for name, value in (("w:val", "single"), ("w:sz", str(size)), ("w:space", space), ("w:color", color)):
            if value is not None:
                element.set(qn(name), str(value))
        borders.append(element)
    _set_table_property(table, borders)


# The children of w:tcPr in schema order (ECMA-376 CT_TcPr).
CELL_PROPERTIES = ("w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders", "w:shd",
                   "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark")


def set_cell_borders(cell: _Cell, edges: dict[str, int], color: str) -> None:
    """Single-line borders on the given edges of one table cell (``edge: size`` in eighths of a point;
    ``color`` as RRGGBB), over the table's own there."""
    borders = OxmlElement("w:tcBorders")
    for edge, size in edges.items():
        element = OxmlElement(f"w:{edge}")
        for name, value in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "0"), ("w:color", color)):
            element.set(qn(name), value)
        borders.append(element)
    tc_pr = cell._tc.get_or_add_tcPr()
    for old in tc_pr.findall(qn("w:tcBorders")):
        tc_pr.remove(old)
    tc_pr.insert_element_before(borders, *CELL_PROPERTIES[CELL_PROPERTIES.index("w:tcBorders") + 1:])


def set_table_indent(table: Table, emu: int) -> None:
    """Indent a table from the text column's edge by ``emu`` (negative: into the page margin)."""
    indent = OxmlElement("w:tblInd")
    indent.set(qn("w:w"), str(round(emu / 635)))  # twentieths of a point
    indent.set(qn("w:type"), "dxa")
    _set_table_property(table, indent)


def set_table_cell_margins(table: Table, left: int, right: int) -> None:
    """The room between each cell's edges and its text, left and right (EMU)."""
    margins = OxmlElement("w:tblCellMar")
    for edge, emu in (("w:left", left), ("w:right", right)):
        element = OxmlElement(edge)
        element.set(qn("w:w"), str(round(emu / 635)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    _set_table_property(table, margins)


# The children of w:tblPr in schema order (ECMA-376 CT_TblPr).
TABLE_PROPERTIES = ("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
                    "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders",
                    "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription")


def _set_table_property(table: Table, element: Any) -> None:
    """Put ``element`` in a table's w:tblPr in its schema place, in place of one of its kind."""
    tbl_pr = table._tbl.tblPr
    for old in tbl_pr.findall(element.tag):
        tbl_pr.remove(old)
    tag = element.tag
    successors = TABLE_PROPERTIES[[qn(name) for name in TABLE_PROPERTIES].index(tag) + 1:]
    tbl_pr.insert_element_before(element, *successors)


def repeat_header_row(row: _Row) -> None:
    """Mark a table's row as its header row, which Word repeats atop each page the table spans."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


# --- the page header's watermark -------------------------------------------------------------------

# Word's own watermark: WordArt (VML) in the page header, so it shows on every page, behind the text,
# and is not part of the document's text; LibreOffice reads it as its watermark too.
WATERMARK_VML = (
    '<w:p {w}><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:pict>'
    '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
    'path="m@7,l@8,m@5,21600l@6,21600e"><v:path textpathok="t" o:connecttype="custom"/>'
    '<v:textpath on="t" fitshape="t"/><o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>'
    '<v:shape id="PowerPlusWaterMarkObject1" o:spid="_x0000_s2049" type="#_x0000_t136" '
    'style="position:absolute;margin-left:0;margin-top:0;width:{width}pt;height:{height}pt;rotation:315;'
    'z-index:-251654144;mso-position-horizontal:center;mso-position-horizontal-relative:margin;'
    'mso-position-vertical:center;mso-position-vertical-relative:margin" o:allowincell="f" fillcolor="#B00020" '
    'stroked="f"><v:fill opacity=".18"/>'
    '<v:textpath style="font-family:&quot;Liberation Sans&quot;;font-size:1pt;font-weight:bold" string="{text}"/>'
    '</v:shape></w:pict></w:r></w:p>')
W_NAMESPACES = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
                'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"')


def append_watermark(header: Any, text: str, style_id: str, width: float, height: float) -> None:
    """Append to a page header (a python-docx header) a paragraph of style ``style_id`` holding
    ``text`` as a watermark: light red, across the page, ``width`` by ``height`` points."""
    xml = WATERMARK_VML.format(w=W_NAMESPACES, style=style_id, width=f"{width:.0f}", height=f"{height:.0f}",
                               text=xml_escape(text, {'"': "&quot;"}))
    header._element.append(parse_xml(xml))


# --- document-wide settings and parts --------------------------------------------------------------

def set_language(doc: DocxDocument, tag: str) -> None:
    """Mark the document defaults, and every style that names a language, with ``tag``.

    Styles without a language inherit the defaults, so Word spell-checks all text in it.
    """
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    r_pr_default = defaults.find(qn("w:rPrDefault"))
    if r_pr_default is None:
        r_pr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, r_pr_default)
    r_pr = r_pr_default.find(qn("w:rPr"))
    if r_pr is None:
        r_pr = OxmlElement("w:rPr")
        r_pr_default.append(r_pr)
    if r_pr.find(qn("w:lang")) is None:
        r_pr.append(OxmlElement("w:lang"))
    for lang in styles.iter(qn("w:lang")):
        for attribute in ("w:val", "w:eastAsia", "w:bidi"):
            lang.set(qn(attribute), tag)


APP_PROPERTIES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>pressgen</Application><Company>{company}</Company></Properties>")


def set_app_properties(doc: DocxDocument, company: str) -> None:
    """Replace the reference document's docProps/app.xml (another application, 1 page, 0 words) by
    pressgen's name and ``company``.

    Page and word counts are left out: only a layout engine knows them, and Word recounts on save.
    """
    for part in doc.part.package.parts:
        if str(part.partname) == "/docProps/app.xml":
            part._blob = APP_PROPERTIES.format(company=xml_escape(company)).encode()


def part_element(part: Any) -> Any | None:
    """The XML tree python-docx keeps of ``part`` (document, styles, settings, headers...), or None
    for a part it keeps as bytes (footnotes, glossary, pictures...)."""
    return getattr(part, "_element", None)


def parse_part(blob: bytes) -> Any | None:
    """The XML tree of a part's bytes (no entities resolved, nothing fetched), or None if they are
    not well-formed XML."""
    try:
        return etree.fromstring(blob, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return None


def set_part_xml(part: Any, root: Any) -> None:
    """Make ``root`` (from :func:`parse_part`) the bytes python-docx writes for a part it keeps as bytes."""
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def drop_relationship(source: Any, r_id: str) -> None:
    """Remove the relationship ``r_id`` of a part or of the package; a part reachable only through
    it is not written (python-docx saves the parts it reaches from the package's relationships)."""
    source.rels.pop(r_id)
    source.rels._target_parts_by_rId.pop(r_id, None)


# --- the package ---------------------------------------------------------------------------------

class _FixedTimeZipWriter:
    """python-docx's physical package writer, with fixed entry times.

    python-docx stamps each zip entry with the current time; with this writer
    the same input gives the same bytes, and the package is compressed once.
    """

    def __init__(self, target: IO[bytes]) -> None:
        self._zip = zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED)

    def write(self, pack_uri: Any, blob: bytes) -> None:
        entry = zipfile.ZipInfo(pack_uri.membername, date_time=ZIP_TIME)
        entry.compress_type = zipfile.ZIP_DEFLATED
        entry.external_attr = 0o600 << 16
        self._zip.writestr(entry, blob)

    def close(self) -> None:
        self._zip.close()


def save_docx(doc: DocxDocument) -> bytes:
    """Return ``doc`` serialized as OpcPackage.save does, with fixed zip entry times: the same
    document gives the same bytes."""
    package = doc.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    buffer = io.BytesIO()
    # Duck-typed: PhysPkgWriter is a factory that always makes python-docx's own writer.
    zip_writer = _FixedTimeZipWriter(buffer)
    writer = cast(PhysPkgWriter, zip_writer)
    # The same three steps as PackageWriter.write, which hard-wires its zip writer.
    PackageWriter._write_content_types_stream(writer, parts)
    PackageWriter._write_pkg_rels(writer, package.rels)
    PackageWriter._write_parts(writer, parts)
    zip_writer.close()
    return buffer.getvalue()
