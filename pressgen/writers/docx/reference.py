"""The reference document: whether a workspace's own can be used, and what of it a published DOCX
must not carry.

A workspace's templates/reference.docx is untrusted input: it is bounded in size (packed and
unpacked), must hold the styles the writer uses (see styles.py), and is never a macro-enabled
document. Everything in it that Word would fetch or run is left out of every document pressgen
writes (:func:`strip_active_content`); ``check`` warns of each such thing.
"""

from __future__ import annotations

import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument

from pressgen.errors import Diagnostic, InputError
from pressgen.resources import find_template
from pressgen.workspace.yamlio import read_regular_file
from pressgen.writers.docx import oxml
from pressgen.writers.docx.oxml import qn
from pressgen.writers.docx.styles import BRAND_STYLES, LINK_STYLE, STYLES, style_ids

REFERENCE = "reference.docx"
MAX_REFERENCE_BYTES = 20 * 1024 * 1024
MAX_REFERENCE_INFLATED = 100 * 1024 * 1024  # its parts unpacked (zipfile reads no more than an entry declares)

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
        style_ids(path, path.stat().st_mtime_ns)
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


def load_reference(workspace_root: Path) -> tuple[DocxDocument, dict[str, str]]:
    """Return the reference document to write a release on (the workspace's, else pressgen's own),
    its active content removed, and its role -> style id map (see :func:`styles.style_ids`).

    Raises KeyError naming a style the document lacks (``check`` refuses such a document first).
    """
    reference = find_template(workspace_root, REFERENCE)
    doc = Document(str(reference))
    strip_active_content(doc)  # before pressgen adds its own links and pictures
    return doc, style_ids(reference, reference.stat().st_mtime_ns)
