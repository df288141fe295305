"""The bilingual review document: a DOCX table (segment | source | translation | state), and reading it back.

Each column's runs carry their language (``w:lang``), so Word spell-checks the
source and the translation each in its own language; the header row repeats
on every page; bold, italics and superscripts are formatting, links are Word
hyperlinks without a visible target (the target comes from the source on the
way back), list markers are grey text pressgen ignores on import. Rows whose
translation is a machine draft, out of date or missing are shaded.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_UNDERLINE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.run import Run
from lxml import etree

from pressgen.document.inline import Token
from pressgen.errors import Diagnostic, InputError
from pressgen.translation.xliff import BASE_PREFIX, parse_base
from pressgen.workspace.safezip import SafeZip
from pressgen.writers.docx import save_docx

# Shading per reason a row needs attention (Word colour hex).
HIGHLIGHTS = {"machine": "FFF2CC", "stale": "FCE4D6", "missing": "F2F2F2"}
MARKER_COLOR = "808080"
LINK_COLOR = "0033A0"
WARNING_COLOR = "C00000"
MAX_DOCX_BYTES = 20 * 1024 * 1024
HEADER = ("segment", "state")
# The name of the bookmark in a row's id cell that records what the row was exported with (the three-way
# import's base): pressgen_<row>_<target fingerprint, or none>_<state>, within Word's 40 characters.
BASE_BOOKMARK = "pressgen_"
DC_NS = "http://purl.org/dc/elements/1.1/"


@dataclass(frozen=True)
class ReviewRow:
    unit_id: str
    source: list[Token]
    target: list[Token]
    attention: str | None  # a HIGHLIGHTS key, or None
    state: str
    notes: tuple[str, ...] = ()  # fact-parity warnings, shown under the state
    was: str | None = None  # a stale row: the source text its translation was made from (plain text)
    now: str = ""  # ... and the source text now, the two shown as a word diff under the source
    previous: tuple[str, str] | None = None  # a stale row: the previous human translation (state, text)
    comments: tuple[str, ...] = ()  # the translator's notes kept on the unit ("author: text"), under the state
    matches: tuple[tuple[int, str, str], ...] = ()  # fuzzy matches offered (percent, origin, translation)
    base: str = ""  # what the row was exported with (xliff.base_data), recorded in its id cell: the import's base


DELETED_COLOR = "C00000"  # words of the old source gone from the new one: red, struck through
INSERTED_COLOR = "00703C"  # words new in the source: green, double underlined


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Return the words of ``old`` and ``new`` as (kind, text) runs: "equal", "delete" or "insert".

    Compared word by word (white space is not a change); a replaced run of words
    is its deletion followed by its insertion.
    """
    a, b = old.split(), new.split()
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("equal", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("delete", " ".join(a[i1:i2])))
        if j2 > j1:
            out.append(("insert", " ".join(b[j1:j2])))
    return out


def _small(paragraph: object, text: str, color: str = MARKER_COLOR, italic: bool = False) -> Run:
    run: Run = paragraph.add_run(text)  # type: ignore[attr-defined]
    run.font.size = Pt(8)
    run.font.color.rgb = RGBColor.from_string(color)
    run.italic = italic
    return run


def _write_changes(cell: object, row: ReviewRow, tag: str) -> None:
    """Under a stale row's source: the old and new source as a word diff, then the previous human translation.

    In the source cell, which import does not read: nothing here can come back as a translation.
    """
    if row.was is not None:
        paragraph = cell.add_paragraph()  # type: ignore[attr-defined]
        _small(paragraph, "Source changed since it was translated (struck through: removed; "
                          "underlined: added): ", italic=True)
        for index, (kind, text) in enumerate(word_diff(row.was, row.now)):
            run = _small(paragraph, (" " if index else "") + text, "000000")
            language = OxmlElement("w:lang")
            language.set(qn("w:val"), tag)
            run._r.get_or_add_rPr().append(language)
            if kind == "delete":
                run.font.strike = True
                run.font.color.rgb = RGBColor.from_string(DELETED_COLOR)
            elif kind == "insert":
                run.font.underline = WD_UNDERLINE.DOUBLE
                run.font.color.rgb = RGBColor.from_string(INSERTED_COLOR)
    if row.previous is not None:
        state, text = row.previous
        paragraph = cell.add_paragraph()  # type: ignore[attr-defined]
        _small(paragraph, f"Previous human translation ({state}), made from the old source: ", italic=True)
        _small(paragraph, text, "000000")
    for percent, origin, text in row.matches:  # offered, never read back: this is the source cell
        paragraph = cell.add_paragraph()  # type: ignore[attr-defined]
        _small(paragraph, f"{percent} % match ({origin}): ", italic=True)
        _small(paragraph, text, "000000")


def _shade(cell: object, color: str) -> None:
    properties = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), color)
    properties.append(shading)


def _run(parent: object, text: str, tag: str, formats: set[str], color: str | None = None) -> object:
    """Append a w:r with text and formatting to a paragraph or hyperlink element."""
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    for kind, name in (("bold", "w:b"), ("italic", "w:i")):
        if kind in formats:
            properties.append(OxmlElement(name))
    if color:
        element = OxmlElement("w:color")
        element.set(qn("w:val"), color)
        properties.append(element)
    if "link" in formats:
        underline = OxmlElement("w:u")
        underline.set(qn("w:val"), "single")
        properties.append(underline)
    if "sup" in formats:
        align = OxmlElement("w:vertAlign")
        align.set(qn("w:val"), "superscript")
        properties.append(align)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), tag)
    properties.append(language)
    run.append(properties)
    if text:
        element = OxmlElement("w:t")
        element.set(qn("xml:space"), "preserve")
        element.text = text
        run.append(element)
    parent.append(run)  # type: ignore[attr-defined]
    return run


def _write_tokens(cell: object, tokens: Sequence[Token], tag: str, markers: dict[str, str]) -> None:
    paragraph = cell.paragraphs[0]._p  # type: ignore[attr-defined]
    formats: list[str] = []
    link: object | None = None
    first = True
    for token in tokens:
        parent = link if link is not None else paragraph
        if token[0] == "text":
            _run(parent, token[1], tag, set(formats) | ({"link"} if link is not None else set()),
                 LINK_COLOR if link is not None else None)
        elif token[0] == "open" and token[1] == "link":
            link = OxmlElement("w:hyperlink")
            link.set(qn("w:anchor"), token[2])  # type: ignore[attr-defined]
            paragraph.append(link)
        elif token[0] == "close" and token[1] == "link":
            link = None
        elif token[0] == "open":
            formats.append(token[1])
        elif token[0] == "close":
            if token[1] in formats:
                formats.remove(token[1])
        elif token[1] == "line":
            if not first:
                paragraph = cell.add_paragraph()._p  # type: ignore[attr-defined]
            _run(paragraph, markers.get(token[2], "• "), tag, set(), MARKER_COLOR)
        else:
            run = _run(parent, "", tag, set(formats))
            run.append(OxmlElement("w:br"))  # type: ignore[attr-defined]
        first = False


def _bookmark(paragraph: object, number: int, name: str) -> None:
    for tag in ("w:bookmarkStart", "w:bookmarkEnd"):
        element = OxmlElement(tag)
        element.set(qn("w:id"), str(number))
        if tag == "w:bookmarkStart":
            element.set(qn("w:name"), name)
        paragraph.append(element)  # type: ignore[attr-defined]


def _recorded_base(cell: etree._Element) -> str:
    """The base a row's id cell records (:func:`_bookmark`), as :func:`pressgen.translation.xliff.base_data`
    writes it; "" for none."""
    for element in cell.iter(qn("w:bookmarkStart")):
        parts = (element.get(qn("w:name")) or "").split("_")
        if len(parts) == 4 and f"{parts[0]}_" == BASE_BOOKMARK:
            return f"{BASE_PREFIX}target={parts[2] if parts[2] != 'none' else '-'} state={parts[3]}"
    return ""


def _repeat_header(row: object) -> None:
    properties = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    header = OxmlElement("w:tblHeader")
    properties.append(header)


def write_bilingual_docx(title: str, source: tuple[str, str], target: tuple[str, str], status: str, legend: str,
                         rows: Sequence[ReviewRow], created: dt.datetime,
                         markers: dict[str, dict[str, str]] | None = None) -> bytes:
    """Return a landscape DOCX with a segment | source | translation | state table, one row per segment.

    ``source`` and ``target`` are (language code, language tag) pairs.
    """
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(15)
    doc.styles["Normal"].font.size = Pt(10)
    doc.add_heading(title, level=1)
    doc.add_paragraph(legend)
    table = doc.add_table(rows=1, cols=4)
    table.style = doc.styles["Table Grid"]
    widths = (Mm(24), Mm(112), Mm(112), Mm(19))
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):  # LibreOffice reads the grid, Word the cells
        column.width = width
    labels = (HEADER[0], f"{source[0]} ({source[1]})", f"{target[0]} ({target[1]}): {status}", HEADER[1])
    for cell, text, width in zip(table.rows[0].cells, labels, widths, strict=True):
        cell.width = width
        cell.paragraphs[0].add_run(text).bold = True
    _repeat_header(table.rows[0])
    for number, row in enumerate(rows, start=1):
        cells = table.add_row().cells
        for cell, width in zip(cells, widths, strict=True):
            cell.width = width
        identifier = cells[0].paragraphs[0].add_run(row.unit_id)
        identifier.font.size = Pt(7)
        identifier.font.color.rgb = RGBColor.from_string(MARKER_COLOR)
        if (base := parse_base(row.base)) is not None:  # invisible: a bookmark Word and LibreOffice keep
            _bookmark(cells[0].paragraphs[0]._p, number, f"{BASE_BOOKMARK}{number}_{base[0] or 'none'}_{base[1]}")
        row_markers = (markers or {}).get(row.unit_id, {})
        _write_tokens(cells[1], row.source, source[1], row_markers)
        _write_tokens(cells[2], row.target, target[1], row_markers)
        _write_changes(cells[1], row, source[1])
        cells[3].paragraphs[0].add_run(row.state)
        for note in row.notes:
            warning = cells[3].add_paragraph().add_run(f"check: {note}")
            warning.font.size = Pt(7)
            warning.font.color.rgb = RGBColor.from_string(WARNING_COLOR)
        for comment in row.comments:  # import reads the state cell's first paragraph only
            _small(cells[3].add_paragraph(), f"note: {comment}")
        if row.attention:
            _shade(cells[2], HIGHLIGHTS[row.attention])
    props = doc.core_properties
    props.title, props.author, props.comments = title[:255], "pressgen", ""
    props.language = target[1]
    props.created = props.modified = created.replace(tzinfo=None)
    props.revision = 1
    return save_docx(doc)


# --- reading an edited document back -------------------------------------------------------------


@dataclass(frozen=True)
class ReturnedRow:
    unit_id: str
    number: int  # the row's number in the table (1 = first segment), for messages
    tokens: list[Token]  # the translation, tracked changes accepted; empty if the reviewer left the cell empty
    state: str
    comments: tuple[tuple[str, str], ...] = ()  # Word or LibreOffice comments anchored in the row: (author, text)
    refused: str | None = None  # why the row cannot be read unambiguously (a tracked change to the table itself)
    base: str = ""  # what the export recorded under the id ("" for a document exported before it did)


# Elements that only wrap runs (Word smart tags, custom XML, content controls, simple fields, bidi
# overrides) and tracked insertions and moves to here: their content is the text, as Word shows it.
_RUN_WRAPPERS = frozenset(qn(name) for name in ("w:ins", "w:moveTo", "w:smartTag", "w:customXml", "w:fldSimple",
                                                "w:dir", "w:bdo"))
# Tracked deletions and text moved away: not in the text once the changes are accepted.
_REMOVED = frozenset(qn(name) for name in ("w:del", "w:moveFrom"))
_BLOCK_WRAPPERS = frozenset(qn(name) for name in ("w:customXml", "w:ins", "w:moveTo"))
# Changes to the table itself, which accepting or rejecting would read differently: the row is refused.
_CELL_CHANGES = {qn("w:cellIns"): "a cell inserted", qn("w:cellDel"): "a cell deleted",
                 qn("w:cellMerge"): "cells merged"}


def _accepted(element: etree._Element) -> Iterator[etree._Element]:
    """Yield the children of a paragraph (or link) as Word shows them with every tracked change accepted:
    insertions and moved-in text kept, deletions and moved-out text gone, wrappers (smart tags, content
    controls, custom XML, simple fields) replaced by what they hold."""
    for child in element:
        if child.tag in _REMOVED:
            continue
        if child.tag in _RUN_WRAPPERS:
            yield from _accepted(child)
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _accepted(content)
        else:
            yield child


def _blocks(parent: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Yield the ``tag`` children (paragraphs of a cell, rows of a table), also those inside content
    controls, custom XML and tracked insertions; none inside tracked deletions."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in _BLOCK_WRAPPERS:
            yield from _blocks(child, tag)
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _blocks(content, tag)


def _mark_removed(paragraph: etree._Element) -> bool:
    """Whether the paragraph's mark is a tracked deletion: accepted, it runs on into the next paragraph."""
    properties = paragraph.find(qn("w:pPr"))
    mark = properties.find(qn("w:rPr")) if properties is not None else None
    return mark is not None and any(mark.find(tag) is not None for tag in _REMOVED)


def _run_formats(run: object) -> set[str]:
    properties = run.find(qn("w:rPr"))  # type: ignore[attr-defined]
    found: set[str] = set()
    if properties is None:
        return found
    for kind, name in (("bold", "w:b"), ("italic", "w:i")):
        element = properties.find(qn(name))
        if element is not None and element.get(qn("w:val")) not in ("0", "false", "off"):
            found.add(kind)
    align = properties.find(qn("w:vertAlign"))
    if align is not None and align.get(qn("w:val")) == "superscript":
        found.add("sup")
    return found


def _is_marker(run: object) -> bool:
    properties = run.find(qn("w:rPr"))  # type: ignore[attr-defined]
    color = properties.find(qn("w:color")) if properties is not None else None
    return color is not None and color.get(qn("w:val"), "").upper() == MARKER_COLOR


def _cell_tokens(cell: etree._Element, listed: bool) -> list[Token]:
    """Return a translation cell as tokens: formatting transitions become open and close tokens."""
    out: list[Token] = []
    open_kinds: list[str] = []
    counters: dict[str, int] = {}
    lines = 0

    def close_to(wanted: set[str]) -> None:
        while open_kinds and not set(open_kinds) <= wanted:
            kind = open_kinds.pop()
            out.append(("close", kind, f"{kind}{counters[kind]}"))

    def emit(text: str, formats: set[str]) -> None:
        close_to(formats)
        for kind in ("bold", "italic", "sup"):
            if kind in formats and kind not in open_kinds:
                counters[kind] = counters.get(kind, 0) + 1
                open_kinds.append(kind)
                out.append(("open", kind, f"{kind}{counters[kind]}"))
        if out and out[-1][0] == "text":
            out[-1] = ("text", out[-1][1] + text)
        else:
            out.append(("text", text))

    def runs(element: etree._Element, link: str | None) -> None:
        for child in _accepted(element):
            if child.tag == qn("w:hyperlink"):
                anchor = child.get(qn("w:anchor")) or ""
                close_to(set())
                out.append(("open", "link", anchor))
                runs(child, anchor)
                close_to(set())
                out.append(("close", "link", anchor))
            elif child.tag == qn("w:r"):
                if _is_marker(child):
                    continue
                formats = _run_formats(child)
                for part in child:
                    if part.tag == qn("w:t"):
                        emit(part.text or "", formats)
                    elif part.tag == qn("w:tab"):
                        emit(" ", formats)
                    elif part.tag in (qn("w:br"), qn("w:cr")):
                        close_to(set())
                        counters["lb"] = counters.get("lb", 0) + 1
                        out.append(("x", "lb", f"lb{counters['lb']}"))

    joined = False  # the previous paragraph's mark was deleted: this one continues it
    for index, paragraph in enumerate(_blocks(cell, qn("w:p"))):
        if joined:
            pass
        elif listed:  # a list or quote: each paragraph of the cell is one of its lines
            close_to(set())
            lines += 1
            out.append(("x", "line", f"line{lines}"))
        elif index:  # a paragraph Word split by Enter is still one paragraph of the release
            emit(" ", set(open_kinds))
        runs(paragraph, None)
        joined = _mark_removed(paragraph)
    close_to(set())
    return [token for token in out if token != ("text", "")]


def _paragraph_text(paragraph: etree._Element) -> str:
    """The text of a paragraph's runs and links as Word shows it, tracked changes accepted."""
    out: list[str] = []
    for child in _accepted(paragraph):
        if child.tag == qn("w:hyperlink"):
            out.append(_paragraph_text(child))
        elif child.tag == qn("w:r"):
            out.extend(text.text or "" for text in child.iterchildren(qn("w:t")))
    return "".join(out)


def _comments(package: SafeZip, main: str) -> dict[str, tuple[str, str]]:
    """The document's comments by id, each as (author, text) (empty if it has none)."""
    folder, name = main.rsplit("/", 1) if "/" in main else ("", main)
    part = package.related("comments", f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels")
    if part is None or part not in package.names():
        return {}
    found: dict[str, tuple[str, str]] = {}
    for comment in package.xml(part).iterchildren(qn("w:comment")):
        text = " ".join(" ".join(_paragraph_text(p).split()) for p in _blocks(comment, qn("w:p"))).strip()
        author = (comment.get(qn("w:author")) or "").strip()
        if text:
            found[comment.get(qn("w:id")) or ""] = (author, text)
    return found


def _refusal(tr: etree._Element, cells: list[etree._Element]) -> str | None:
    """Why a row with tracked changes to the table itself cannot be read as the reviewer meant, or None."""
    properties = tr.find(qn("w:trPr"))
    if properties is not None and properties.find(qn("w:del")) is not None:
        return "the row was deleted with Track Changes on (accept or reject the deletion in Word and save again)"
    for cell in cells:
        cell_properties = cell.find(qn("w:tcPr"))
        for tag, what in _CELL_CHANGES.items():
            if cell_properties is not None and cell_properties.find(tag) is not None:
                return f"the row has {what} with Track Changes on (accept or reject it in Word and save again)"
    return None


def _grid_rows(table: etree._Element, columns: int) -> Iterator[list[etree._Element]]:
    """Yield each row's cells (``w:tc``) by grid column, reading every row (``_blocks(table, "w:tr")``) once.

    A cell spanning columns fills each of them and one merged with the cell
    above stands for that cell, as Word shows them (python-docx's ``row.cells``
    does the same by searching back from every cell: quadratic in the rows).
    """
    above: list[etree._Element] = []
    for tr in _blocks(table, qn("w:tr")):
        row: list[etree._Element] = []
        for tc in _blocks(tr, qn("w:tc")):
            properties = tc.find(qn("w:tcPr"))
            span = properties.find(qn("w:gridSpan")) if properties is not None else None
            merge = properties.find(qn("w:vMerge")) if properties is not None else None
            try:
                width = max(1, int(span.get(qn("w:val"), "1"))) if span is not None else 1
            except ValueError:
                width = 1
            continued = merge is not None and merge.get(qn("w:val"), "continue") == "continue"
            cell = above[len(row)] if continued and len(row) < len(above) else tc
            row.extend([cell] * min(width, columns - len(row)))
            if len(row) >= columns:
                break
        above = row
        yield row


def read_bilingual_docx(path: Path, release_id: str, lang: str, listed: set[str]) -> list[ReturnedRow]:
    """Return the translated rows of a review document.

    ``listed`` holds the ids of segments that are lists or quotes, whose cell
    paragraphs are their lines. Text is read as Word shows it with every tracked
    change accepted (insertions kept, deletions removed, smart tags and content
    controls unwrapped); a row whose table structure was changed with Track
    Changes is returned ``refused``; comments anchored in a row come with it;
    rows whose translation cell is empty are returned with no tokens. The package is read within the bounds of
    :mod:`pressgen.workspace.safezip` and its table in one pass over the XML.

    Raises :class:`InputError` for a file that is not a review document of this
    release, or one that inflates beyond the bounds.
    """
    with SafeZip.open(path, MAX_DOCX_BYTES) as package:
        main = package.related("officeDocument")
        core = package.related("core-properties")
        if main is None:
            raise package.refusal("not a Word document: it names no main document part")
        title_element = package.xml(core).find(f"{{{DC_NS}}}title") if core is not None else None
        title = (title_element.text or "") if title_element is not None else ""
        if not title.startswith(f"Review of {release_id}:") or not title.endswith(f"→ {lang}"):
            raise InputError("wrong review document", [Diagnostic(
                path, 1, 1, f"this is not the {lang} review document of {release_id} (its title is '{title}')",
                f"export it with 'pressgen review export {release_id} --lang {lang} --format docx'")])
        document = package.xml(main)
        comments = _comments(package, main)
    body = document.find(qn("w:body"))
    table = body.find(qn("w:tbl")) if body is not None else None
    grid = table.find(qn("w:tblGrid")) if table is not None else None
    columns = len(grid.findall(qn("w:gridCol"))) if grid is not None else 0
    if table is None or columns != 4:
        raise InputError("wrong review document", [Diagnostic(path, 1, 1, "the review table is missing or "
                                                               "has lost its columns")])
    out = []
    rows = zip(_blocks(table, qn("w:tr")), _grid_rows(table, columns), strict=True)  # the same rows
    next(rows, None)  # the header
    for number, (tr, cells) in enumerate(rows, start=1):
        if len(cells) < columns:
            raise InputError("wrong review document", [Diagnostic(
                path, 1, 1, f"row {number} of the review table has lost cells ({len(cells)} of {columns})",
                "export the review document again and copy the translations into it")])
        unit_id = "\n".join(_paragraph_text(p) for p in _blocks(cells[0], qn("w:p"))).strip()
        base = _recorded_base(cells[0])
        tokens = _cell_tokens(cells[2], unit_id in listed)
        if not "".join(t[1] for t in tokens if t[0] == "text").strip():
            tokens = []
        state_paragraph = next(_blocks(cells[3], qn("w:p")), None)
        state = " ".join(_paragraph_text(state_paragraph).split()) if state_paragraph is not None else ""
        anchored = dict.fromkeys(element.get(qn("w:id")) or "" for element in tr.iter(
            qn("w:commentRangeStart"), qn("w:commentReference")))
        notes = tuple(comments[key] for key in anchored if comments.get(key))
        out.append(ReturnedRow(unit_id, number, tokens, state, notes, _refusal(tr, cells), base))
    return out
