"""Machine checks of a tagged PDF against the PDF/UA-1 failure conditions of the Matterhorn Protocol
(PDF Association, 1.1) that a program can decide and that apply to pressgen's documents, read with
pypdf. veraPDF is not installable here; these are our own, each named by its Matterhorn number.

- 01-005 content is neither marked as an artifact nor tagged as real content (every text, image and
  vector painting of a page lies in an Artifact or in a marked-content sequence whose MCID the
  ParentTree maps to an element of the structure tree);
- 01-007 a suspect entry (MarkInfo /Suspects true); 06-001/06-002/06-003 the XMP metadata, its
  pdfuaid:part and its dc:title; 07-001 ViewerPreferences without DisplayDocTitle true;
- 09-004 a table's element holds other than THead/TBody/TFoot/TR/Caption, or a row other than TH/TD;
  09-005/09-006/09-007 a TR/LI/Lbl-LBody under the wrong parent; 09-008 an L holds other than LI, L
  or Caption; 02-004 a structure type that is neither standard nor role-mapped;
- 11-001 natural language of the document not given (catalog /Lang, a BCP 47 tag);
- 13-004 a Figure without alternative text;
- 14-002 the first numbered heading is not H1; 14-003 a heading level is skipped;
- 15-003 a data cell of a table with headers names none (TD without /Headers);
- 28-002 an annotation without /Contents; 28-010/28-011 a Link annotation not reached from a Link
  element (StructParent); 28-008? (Tabs) a page with annotations without /Tabs /S;
- 31-xxx / 10-001 a font without a ToUnicode map (text that cannot be mapped to Unicode).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject, IndirectObject, NumberObject

STANDARD_TYPES = {
    "Document", "Part", "Art", "Sect", "Div", "BlockQuote", "Caption", "TOC", "TOCI", "Index", "NonStruct",
    "Private", "P", "H", "H1", "H2", "H3", "H4", "H5", "H6", "L", "LI", "Lbl", "LBody", "Table", "TR", "TH",
    "TD", "THead", "TBody", "TFoot", "Span", "Quote", "Note", "Reference", "BibEntry", "Code", "Link",
    "Annot", "Ruby", "RB", "RT", "RP", "Warichu", "WT", "WP", "Figure", "Formula", "Form",
}
PAINTING = {b"Tj", b"TJ", b"'", b'"', b"Do", b"f", b"F", b"f*", b"S", b"s", b"B", b"B*", b"b", b"b*", b"sh"}


@dataclass
class Node:
    """One structure element: its type, the pages of its content, its children, its attributes."""

    tag: str
    pages: set[int] = field(default_factory=set)
    children: list[Node] = field(default_factory=list)
    alt: str | None = None
    obj: Any = None
    parent: Node | None = None
    mcids: list[tuple[int, int]] = field(default_factory=list)  # (page, MCID) of its own content

    def walk(self) -> list[Node]:
        """This node and all below it, in document order."""
        out = [self]
        for child in self.children:
            out += child.walk()
        return out

    def text_pages(self) -> set[int]:
        """The pages that hold content of this element or of its descendants."""
        return set().union(*(node.pages for node in self.walk()))


def structure(path: Path) -> Node:
    """Return the structure tree of the PDF at ``path`` (its root: the StructTreeRoot's kids)."""
    reader = PdfReader(path)
    pages = {page.indirect_reference.idnum: number for number, page in enumerate(reader.pages)}
    root = Node("StructTreeRoot")
    tree_root = reader.trailer["/Root"]["/StructTreeRoot"]
    _kids(tree_root, root, pages, None)
    return root


def _page_of(element: DictionaryObject, pages: dict[int, int], default: int | None) -> int | None:
    reference = element.raw_get("/Pg") if "/Pg" in element else None
    return pages.get(reference.idnum) if isinstance(reference, IndirectObject) else default


def _kids(element: DictionaryObject, node: Node, pages: dict[int, int], page: int | None) -> None:
    kids = element.get("/K")
    for kid in kids if isinstance(kids, ArrayObject) else [kids] if kids is not None else []:
        if isinstance(kid, NumberObject | int):
            if page is not None:
                node.pages.add(page)
                node.mcids.append((page, int(kid)))
            continue
        kid_object = kid.get_object()
        if not isinstance(kid_object, DictionaryObject):
            continue
        if kid_object.get("/Type") == "/MCR":
            mcr_page = _page_of(kid_object, pages, page)
            if mcr_page is not None:
                node.pages.add(mcr_page)
                node.mcids.append((mcr_page, int(kid_object["/MCID"])))
            continue
        if kid_object.get("/Type") == "/OBJR":
            continue
        child = Node(str(kid_object.get("/S", ""))[1:], alt=kid_object.get("/Alt"), obj=kid_object, parent=node)
        node.children.append(child)
        _kids(kid_object, child, pages, _page_of(kid_object, pages, page))


def _tagged_mcids(root: Node) -> set[tuple[int, int]]:
    return {mcid for node in root.walk() for mcid in node.mcids}


def untagged_content(path: Path) -> list[str]:
    """01-005: what each page paints outside an Artifact and outside a marked-content sequence whose
    MCID belongs to an element of the structure tree (page number from 1, operator)."""
    reader = PdfReader(path)
    tagged = _tagged_mcids(structure(path))
    found = []
    for number, page in enumerate(reader.pages):
        stack: list[tuple[str, int | None]] = []
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator in (b"BDC", b"BMC"):
                properties = operands[1] if operator == b"BDC" and len(operands) > 1 else {}
                mcid = properties.get("/MCID") if isinstance(properties, dict) else None
                stack.append((str(operands[0]), None if mcid is None else int(mcid)))
            elif operator == b"EMC":
                stack.pop()
            elif operator in PAINTING:
                if any(tag == "/Artifact" for tag, _ in stack):
                    continue
                mcids = [mcid for _, mcid in stack if mcid is not None]
                if not mcids or (number, mcids[-1]) not in tagged:
                    found.append(f"page {number + 1}: {operator.decode()} in {[t for t, _ in stack] or 'nothing'}")
    return found


def texts_by_marking(path: Path) -> list[tuple[str, str]]:
    """The text of each page split by how it is marked: (artifact text, tagged text), by pypdf's
    extractor, watching the marked-content operators as it goes."""
    return [_page_texts(page) for page in PdfReader(path).pages]


def _page_texts(page: Any) -> tuple[str, str]:
    stack: list[str] = []
    parts: dict[bool, list[str]] = {True: [], False: []}

    def before(operator: bytes, operands: Any, cm: Any, tm: Any) -> None:
        if operator in (b"BDC", b"BMC"):
            stack.append(str(operands[0]))
        elif operator == b"EMC" and stack:
            stack.pop()

    def text(value: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        parts["/Artifact" in stack].append(value)

    page.extract_text(visitor_operand_before=before, visitor_text=text)
    return "".join(parts[True]), "".join(parts[False])


def marked_texts(path: Path) -> dict[tuple[int, int], str]:
    """The text of each marked-content sequence with an MCID: (page from 0, MCID) -> its text."""
    out: dict[tuple[int, int], str] = {}
    for number, page in enumerate(PdfReader(path).pages):
        out.update(_page_marked_texts(page, number))
    return out


def _page_marked_texts(page: Any, number: int) -> dict[tuple[int, int], str]:
    out: dict[tuple[int, int], str] = {}
    stack: list[int | None] = []

    def before(operator: bytes, operands: Any, cm: Any, tm: Any) -> None:
        if operator in (b"BDC", b"BMC"):
            properties = operands[1] if operator == b"BDC" and len(operands) > 1 else {}
            mcid = properties.get("/MCID") if isinstance(properties, dict) else None
            stack.append(None if mcid is None else int(mcid))
        elif operator == b"EMC" and stack:
            stack.pop()

    def text(value: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        mcids = [mcid for mcid in stack if mcid is not None]
        if mcids:
            out[(number, mcids[-1])] = out.get((number, mcids[-1]), "") + value

    page.extract_text(visitor_operand_before=before, visitor_text=text)
    return out


def element_text(node: Node, texts: dict[tuple[int, int], str]) -> str:
    """The text of a structure element and its descendants (``texts``: :func:`marked_texts`)."""
    return "".join(texts.get(mcid, "") for item in node.walk() for mcid in item.mcids)


def failures(path: Path) -> list[str]:
    """Return the Matterhorn failure conditions the PDF at ``path`` meets, one line each ("09-004: ...")."""
    reader = PdfReader(path)
    catalog = reader.trailer["/Root"]
    out: list[str] = []
    out += [f"01-005: {item}" for item in untagged_content(path)[:5]]
    if catalog.get("/MarkInfo", {}).get("/Suspects"):
        out.append("01-007: MarkInfo /Suspects is true")
    if not catalog.get("/MarkInfo", {}).get("/Marked"):
        out.append("01-001: MarkInfo /Marked is not true")
    metadata = catalog.get("/Metadata")
    xmp = metadata.get_object().get_data().decode("utf-8", "replace") if metadata else ""
    if not xmp:
        out.append("06-001: no XMP metadata stream")
    if not re.search(r'pdfuaid:part(="1"|>1<)', xmp):
        out.append("06-002: the XMP metadata has no pdfuaid:part 1")
    title = re.search(r"<dc:title>.*?<rdf:li[^>]*>(.*?)</rdf:li>", xmp, re.S)
    if not title or not title.group(1).strip():
        out.append("06-003: the XMP metadata has no dc:title")
    if str(catalog.get("/ViewerPreferences", {}).get("/DisplayDocTitle")).lower() != "true":
        out.append("07-001: ViewerPreferences has no DisplayDocTitle true")
    lang = str(catalog.get("/Lang", ""))
    if not re.fullmatch(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*", lang):
        out.append(f"11-001: the document's natural language is not given (/Lang {lang!r})")

    root = structure(path)
    role_map = reader.trailer["/Root"]["/StructTreeRoot"].get("/RoleMap", {})
    headings: list[int] = []
    for node in root.walk()[1:]:
        parent = node.parent.tag if node.parent else ""
        kids = [child.tag for child in node.children]
        if node.tag not in STANDARD_TYPES and f"/{node.tag}" not in role_map:
            out.append(f"02-004: structure type {node.tag} is neither standard nor role-mapped")
        if node.tag == "Table" and set(kids) - {"THead", "TBody", "TFoot", "TR", "Caption"}:
            out.append(f"09-004: a Table holds {sorted(set(kids))}")
        if node.tag in ("THead", "TBody", "TFoot") and set(kids) - {"TR"}:
            out.append(f"09-004: a {node.tag} holds {sorted(set(kids))}")
        if node.tag == "TR" and set(kids) - {"TH", "TD"}:
            out.append(f"09-004: a TR holds {sorted(set(kids))}")
        if node.tag == "TR" and parent not in ("Table", "THead", "TBody", "TFoot"):
            out.append(f"09-005: a TR under {parent}")
        if node.tag == "LI" and parent != "L":
            out.append(f"09-006: an LI under {parent}")
        if node.tag in ("Lbl", "LBody") and parent != "LI":
            out.append(f"09-007: an {node.tag} under {parent}")
        if node.tag == "L" and set(kids) - {"LI", "L", "Caption"}:
            out.append(f"09-008: an L holds {sorted(set(kids))}")
        if node.tag == "Figure" and not (node.alt and str(node.alt).strip()):
            out.append("13-004: a Figure without alternative text")
        if re.fullmatch(r"H[1-6]", node.tag):
            headings.append(int(node.tag[1]))
        if node.tag == "Table":
            cells = [cell for cell in node.walk() if cell.tag in ("TH", "TD")]
            if any(cell.tag == "TH" for cell in cells):
                for cell in cells:
                    if cell.tag == "TD" and not (cell.obj.get("/A", {}).get("/Headers")):
                        out.append("15-003: a data cell names no header (TD without /Headers)")
                        break
    if headings and headings[0] != 1:
        out.append(f"14-002: the first heading is H{headings[0]}, not H1")
    for before, after in zip(headings, headings[1:], strict=False):
        if after > before + 1:
            out.append(f"14-003: heading level skipped, H{before} then H{after}")
            break

    links = {id(node.obj): node for node in root.walk() if node.tag == "Link"}
    parent_tree = _parent_tree(reader)
    for number, page in enumerate(reader.pages):
        annotations = [a.get_object() for a in page.get("/Annots", [])]
        if annotations and page.get("/Tabs") != "/S":
            out.append(f"28-008?: page {number + 1} has annotations and no /Tabs /S")
        for annotation in annotations:
            if annotation.get("/Subtype") in ("/Popup",):
                continue
            if not annotation.get("/Contents"):
                out.append(f"28-002: an annotation on page {number + 1} has no /Contents")
            if annotation.get("/Subtype") == "/Link":
                element = parent_tree.get(annotation.get("/StructParent"))
                if element is None or element.get("/S") != "/Link":
                    out.append(f"28-011: a Link annotation on page {number + 1} is not in a Link element")
    del links
    for number, page in enumerate(reader.pages):
        fonts = page.get("/Resources", {}).get("/Font", {})
        for name, font in fonts.items():
            if "/ToUnicode" not in font.get_object():
                out.append(f"10-001: font {name} on page {number + 1} has no ToUnicode map")
    return out


def _parent_tree(reader: PdfReader) -> dict[int, Any]:
    """The ParentTree's entries that are one element (annotations' StructParent keys)."""
    nums = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"].get_object().get("/Nums", [])
    out = {}
    for key, value in zip(nums[::2], nums[1::2], strict=True):
        value = value.get_object()
        if isinstance(value, DictionaryObject):
            out[int(key)] = value
    return out
