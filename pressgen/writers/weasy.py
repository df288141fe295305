"""WeasyPrint's and Pyphen's non-public API: used here, and nowhere else in pressgen.

The PDF writer needs what neither library offers publicly (the patches further down say each why):

- the lines of each page after layout, to keep whole a word broken across two
  pages or a paragraph's last word (:func:`page_lines`): WeasyPrint's private
  ``Page._page_box`` and its box classes (``weasyprint.formatting_structure.boxes``);
- WeasyPrint hyphenating a language by the patterns pressgen chose for it,
  whatever the region of an element's ``lang`` (:func:`use_patterns`): WeasyPrint
  asks Pyphen for the dictionary of ``pyphen.language_fallback(lang)``, which
  Pyphen reads from its ``LANGUAGES`` table when the dictionary is made, so the
  table's entries are pointed at the chosen patterns' files;
- WeasyPrint breaking the words of pressgen's list of preferred breaks only
  there, and never the kept words of the document it lays out (:func:`use_breaks`):
  Pyphen's per-word cache ``HyphDict.cache``, of patterns WeasyPrint alone reads
  (the name ``pyphen`` in ``weasyprint.text.line_break`` is pointed at a Pyphen that
  makes its dictionaries on them), so that pressgen's own rules never see them;
- an image cache shared by documents that never keeps what pressgen generated for
  one document (:class:`ImageCache`): WeasyPrint keys its ``cache`` option's
  entries by the image's URL, which it does not document.

pyproject.toml bounds both libraries (``weasyprint>=70,<71``, ``pyphen>=0.14,<0.19``).
tests/test_r17_internals.py asserts against the installed versions that every name
used here exists and behaves as this module expects: run it, and compare the seeds'
PDFs, before raising a bound.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyphen
from weasyprint import Document
from weasyprint.formatting_structure import boxes


@dataclass(frozen=True)
class Line:
    """One laid-out line: its text as set (a word hyphenated at its end ends with the
    hyphenate character), and the element of the paragraph (``<p>``) it belongs to, if any;
    ``spacing`` is what justification added to each of its word gaps, and ``space`` the width
    of a plain word gap in its font (both in CSS pixels)."""

    text: str
    paragraph: Any = None  # an ElementTree element of the rendered HTML
    spacing: float = 0.0
    space: float = 0.0


def page_lines(document: Document) -> list[list[Line]]:
    """Return the lines of each page of a laid-out document, top to bottom, with the
    page's margin boxes (running headers and footers) left out."""
    return [_lines(page._page_box, None, []) for page in document.pages]


# A plain word gap of Liberation Sans (and Arial), in ems: the width of its U+0020.
SPACE_EM = 0.278


def _lines(box: boxes.Box, paragraph: Any, out: list[Line]) -> list[Line]:
    if isinstance(box, boxes.MarginBox):
        return out
    if isinstance(box, boxes.BlockBox) and box.element_tag == "p":
        paragraph = box.element
    if isinstance(box, boxes.LineBox):
        texts = [child for child in box.descendants() if isinstance(child, boxes.TextBox)]
        spacing = max((getattr(child, "justification_spacing", 0) or 0 for child in texts), default=0.0)
        out.append(Line("".join(child.text for child in texts), paragraph, float(spacing),
                        SPACE_EM * float(box.style["font_size"])))
        return out
    for child in getattr(box, "children", ()):
        _lines(child, paragraph, out)
    return out


def selector_of(document: Document, element: Any) -> str:
    """A CSS selector that matches ``element`` (an element of the laid-out HTML) and no other: its path
    from the root by element type, "html > body > main > div:nth-of-type(2) > p:nth-of-type(7)"."""
    root = next(box.element for box in document.pages[0]._page_box.children if box.element_tag == "html")
    parents = {child: parent for parent in root.iter() for child in parent}
    steps = []
    while element in parents:
        parent = parents[element]
        same = [child for child in parent if child.tag == element.tag]
        steps.append(f"{element.tag}:nth-of-type({same.index(element) + 1})")
        element = parent
    return " > ".join([element.tag, *reversed(steps)])


@dataclass(frozen=True)
class Block:
    """Where one element's box lies on a page, in CSS pixels from the page's top edge: its margin
    box (``top``, ``bottom``), and the height of the replaced content (an image) inside it, if any."""

    page: int
    top: float
    bottom: float
    replaced_height: float = 0.0


def blocks_of(document: Document, tag: str, css_class: str) -> list[tuple[Any, Block]]:
    """Return (element, where) of each box of an element ``tag`` with class ``css_class``, in page order."""
    found: list[tuple[Any, Block]] = []
    for number, page in enumerate(document.pages):
        for box in page._page_box.descendants():
            if (isinstance(box, boxes.BlockBox) and box.element_tag == tag
                    and css_class in (box.element.get("class") or "").split()):
                replaced = [b.height for b in box.descendants() if isinstance(b, boxes.ReplacedBox)]
                found.append((box.element, Block(number, box.position_y, box.position_y + box.margin_height(),
                                                 float(sum(replaced)))))
    return found


def page_room(document: Document) -> list[tuple[float, float, float]]:
    """Return, for each page, (top, bottom, used): the top and bottom of its text area and the
    bottom of the last thing laid out on it (a line, an image, a table row), in CSS pixels."""
    out = []
    for page in document.pages:
        box = page._page_box
        top = box.content_box_y()
        used = top
        for child in box.children:
            if isinstance(child, boxes.MarginBox):
                continue
            for inner in child.descendants():
                if isinstance(inner, (boxes.LineBox, boxes.ReplacedBox, boxes.TableRowBox)):
                    used = max(used, inner.position_y + inner.margin_height())
        out.append((top, top + box.height, used))
    return out


# --- A text's trailing space hangs (WeasyPrint 70's split_first_line counts it) ---------------------------
#
# A text followed by an inline element on the same line (a kept word's span, a link, bold) ends with the
# space before that element. WeasyPrint measures the text with that space, and when the text alone fits
# but the space does not (a few pixels over), it takes the text as too long for any break and breaks after
# its first word (or hyphenates it): "Cette" alone on a line, the rest of the paragraph below it. CSS
# Text 3 (4.1.3) has a collapsible space at a line end hang: the text fits. Installed by
# use_hanging_spaces() over the name ``weasyprint.layout.inline.split_first_line``.

from weasyprint.layout import inline as _inline_module  # noqa: E402
from weasyprint.text import line_break as _line_break_module  # noqa: E402

_ORIGINAL_SPLIT_FIRST_LINE = _line_break_module.split_first_line


def _split_first_line(text: str, style: Any, context: Any, max_width: Any, justification_spacing: float,
                      is_line_start: bool = True, minimum: bool = False) -> Any:
    result = _ORIGINAL_SPLIT_FIRST_LINE(text, style, context, max_width, justification_spacing,
                                        is_line_start, minimum)
    if (result[2] is not None and max_width is not None and text.endswith(" ")
            and style["white_space"] in ("normal", "nowrap", "pre-line") and "\n" not in text):
        stripped = text.rstrip(" ")
        # A long text is tried by its start first, as WeasyPrint's own first step is: 2.5 characters an
        # em, more than a line holds of all but the narrowest letters. A start that does not fit on the
        # line means the text does not (most texts here are the rest of a paragraph, lines long).
        start = int(max_width / style["font_size"] * 2.5) if style["font_size"] else len(stripped)
        if start < len(stripped) and not _fits(stripped[:start].rstrip(" "), style, context, max_width,
                                               justification_spacing):
            return result
        if _fits(stripped, style, context, max_width, justification_spacing):
            # the text fits, its trailing space hangs: no break in it
            return _ORIGINAL_SPLIT_FIRST_LINE(text, style, context, None, justification_spacing,
                                              is_line_start, minimum)
    return result


def _fits(text: str, style: Any, context: Any, max_width: Any, justification_spacing: float) -> bool:
    """Whether ``text`` is laid out as one line no wider than ``max_width``."""
    layout = _line_break_module.create_layout(text, style, context, max_width, justification_spacing)
    try:
        first_line, resume = layout.get_first_line()
        return resume is None and _line_break_module.line_size(first_line, style)[0] <= max_width
    finally:
        layout.deactivate()


def one_word(text: str, lang: str) -> bool:
    """Whether WeasyPrint takes ``text`` as one word (Pango's word boundaries), as it hands words to Pyphen."""
    return _line_break_module.get_next_word_boundaries(text, lang) == (0, len(text))


def use_hanging_spaces() -> None:
    """Make WeasyPrint let a text's trailing space hang past the line's end, as CSS says (idempotent)."""
    _inline_module.split_first_line = _split_first_line


_ORIGINAL_LANGUAGES: dict[str, Any] = {}  # Pyphen's table as Pyphen made it, before any use_patterns


def use_patterns(patterns: Mapping[str, str]) -> None:
    """Make WeasyPrint (and anything else that asks Pyphen by language) hyphenate each base
    language of ``patterns`` by the named dictionary, whatever the region: ``{"en": "en_US"}``
    sends "en", "en-GB" and "en-US" to the US patterns. Languages not named keep their own.

    Idempotent: the table is always computed from Pyphen's original one, so calling this
    again with the same patterns changes nothing, and ``use_patterns({})`` restores Pyphen's.
    Raises ValueError for a dictionary Pyphen does not have.
    """
    if not _ORIGINAL_LANGUAGES:
        _ORIGINAL_LANGUAGES.update(pyphen.LANGUAGES)
    missing = sorted(set(patterns.values()) - set(_ORIGINAL_LANGUAGES))
    if missing:
        raise ValueError(f"Pyphen has no hyphenation dictionary {', '.join(missing)}")
    for code, path in _ORIGINAL_LANGUAGES.items():
        chosen = patterns.get(code.split("_")[0])
        pyphen.LANGUAGES[code] = _ORIGINAL_LANGUAGES[chosen] if chosen else path


_INSTALLED_BREAKS: dict[Any, set[str]] = {}  # HyphDict -> the words use_breaks put in its cache
_WEASYPRINT_PATTERNS: dict[Any, Any] = {}  # dictionary file -> WeasyPrint's own HyphDict of it


def _patterns_file(lang: str) -> Path | None:
    """The dictionary file Pyphen hyphenates ``lang`` (a code or a tag) by, as ``LANGUAGES`` says now."""
    code = pyphen.language_fallback(lang.replace("-", "_"))
    return pyphen.LANGUAGES.get(code) if code else None


def _weasyprint_patterns(path: Path) -> Any:
    if path not in _WEASYPRINT_PATTERNS:
        _WEASYPRINT_PATTERNS[path] = pyphen.HyphDict(path)
    return _WEASYPRINT_PATTERNS[path]


class _WeasyPrintPyphen(pyphen.Pyphen):
    """``pyphen.Pyphen`` as WeasyPrint makes it to hyphenate, on WeasyPrint's own patterns (whose per-word
    cache :func:`use_breaks` fills) instead of those Pyphen shares with everything else in the process."""

    def __init__(self, filename: Any = None, lang: str | None = None, left: int = 2, right: int = 2,
                 cache: bool = True) -> None:
        self.left, self.right = left, right
        path = Path(filename) if filename else _patterns_file(lang or "")
        if path is None:
            raise KeyError(lang)  # as Pyphen's own, for a language it has no dictionary of
        self.hd = _weasyprint_patterns(path)


class _PyphenForWeasyPrint:
    """The module ``pyphen`` as weasyprint.text.line_break sees it: Pyphen's own, but its ``Pyphen``."""

    Pyphen = _WeasyPrintPyphen

    def __getattr__(self, name: str) -> Any:
        return getattr(pyphen, name)


_PYPHEN_FOR_WEASYPRINT = _PyphenForWeasyPrint()


def use_breaks(lang: str, table: tuple[tuple[str, tuple[int, ...]], ...]) -> None:
    """Make WeasyPrint break each word of ``table`` (lower case, with its offsets:
    pressgen.document.hyphenation.break_table; none: never) only there, in language ``lang``: the offsets
    are put in the per-word cache (``HyphDict.cache``, read before the patterns) of WeasyPrint's own copy
    of the patterns that hyphenate ``lang``. Words another call put there are taken out first. Pyphen's
    dictionaries for anything else (pressgen's rules) are not changed."""
    _line_break_module.pyphen = _PYPHEN_FOR_WEASYPRINT  # type: ignore[assignment]
    path = _patterns_file(lang)
    if path is None:
        return
    patterns = _weasyprint_patterns(path)
    for word in _INSTALLED_BREAKS.pop(patterns, set()):
        patterns.cache.pop(word, None)
    for word, offsets in table:
        patterns.cache[word] = [pyphen.DataInt(offset) for offset in offsets]
    _INSTALLED_BREAKS[patterns] = {word for word, _ in table}


class ImageCache(dict):  # type: ignore[type-arg]
    """A ``cache`` for WeasyPrint's render options that keeps images (decoded once, their PDF
    streams encoded once) across documents, except those whose URL starts with ``never``:
    what pressgen generates per document (the watermark in the document's language)."""

    def __init__(self, never: str) -> None:
        super().__init__()
        self.never = never

    def __setitem__(self, key: Any, value: Any) -> None:
        if not (isinstance(key, str) and key.startswith(self.never)):
            super().__setitem__(key, value)


# --- The tagged PDF: what WeasyPrint 70's pdf/tags.py and draw_page do, with five differences ----------
#
# WeasyPrint builds the structure tree page by page, from each page's boxes: an element laid out on two
# pages becomes two structure elements (a paragraph two P, a table two Table with two headers); the
# running header and footer are tagged content outside the tree (neither reachable nor artifacts); a
# list item is LI > Lbl, P with no LBody. Here, installed by use_tags() over ``weasyprint.pdf.add_tags``,
# ``weasyprint.document.draw_page`` and ``Stream.marked``:
#
# - the margin boxes (header, footer, page number) and a table's header row repeated on a following page
#   are drawn as pagination artifacts (``/Artifact <</Type /Pagination ...>> BDC``), not tagged content;
# - one element of the HTML is one structure element, whatever the pages it crosses: the pieces on later
#   pages add their content to it (a marked-content reference names its page when it is not the
#   element's first one), and a table's cells on later pages keep the headers of its first;
# - a list item is LI > Lbl, LBody (its content in the LBody);
# - text in another language than the document's (``<span lang="en-GB">``) has it as its element's /Lang.

import pydyf  # noqa: E402
from weasyprint import document as _document_module  # noqa: E402
from weasyprint import pdf as _pdf_module  # noqa: E402
from weasyprint.layout.absolute import AbsolutePlaceholder  # noqa: E402
from weasyprint.pdf import stream as _stream_module  # noqa: E402
from weasyprint.pdf import tags as _tags_module  # noqa: E402

_ARTIFACTS: dict[int, str] = {}  # id of a box drawn as an artifact -> its subtype (Header, Footer, or "")


def _artifact_roots(page_box: boxes.PageBox) -> list[tuple[boxes.Box, str]]:
    """The boxes of a page drawn as artifacts, each with its artifact subtype: the margin boxes, and the
    header row group of a table continued from an earlier page."""
    roots: list[tuple[boxes.Box, str]] = []
    for child in page_box.children:
        if isinstance(child, boxes.MarginBox):
            roots.append((child, "Header" if child.at_keyword.startswith("@top") else
                          "Footer" if child.at_keyword.startswith("@bottom") else ""))
    for box in page_box.descendants():
        if isinstance(box, boxes.TableBox) and box.children and box.children[0].is_header:
            body = next((group for group in box.children if not group.is_header and not group.is_footer), None)
            if body is not None and body.children and body.element is not None:
                first_row = next((row for row in body.element if row.tag == "tr"), None)
                if body.children[0].element is not first_row:
                    roots.append((box.children[0], ""))
    return roots


def _draw_page(page_box: boxes.PageBox, stream: Any) -> None:
    _ARTIFACTS.clear()
    for root, subtype in _artifact_roots(page_box):
        _ARTIFACTS[id(root)] = subtype
        for box in root.descendants(placeholders=True):
            _ARTIFACTS[id(box._box if isinstance(box, AbsolutePlaceholder) else box)] = subtype
    try:
        _ORIGINAL_DRAW_PAGE(page_box, stream)
    finally:
        _ARTIFACTS.clear()


_ORIGINAL_DRAW_PAGE = _document_module.draw_page
_ORIGINAL_MARKED = _stream_module.Stream.marked


def _marked(self: Any, box: Any, tag: str) -> Any:
    if self._tags is None or id(box) not in _ARTIFACTS:
        return _ORIGINAL_MARKED(self, box, tag)
    subtype = _ARTIFACTS[id(box)]
    properties = pydyf.Dictionary({"Type": "/Pagination", **({"Subtype": f"/{subtype}"} if subtype else {})})
    return _artifact(self, properties)


from contextlib import contextmanager  # noqa: E402


@contextmanager
def _artifact(stream: Any, properties: Any) -> Any:
    pydyf.Stream.begin_marked_content(stream, "Artifact", properties)
    try:
        yield
    finally:
        pydyf.Stream.end_marked_content(stream)


def use_tags() -> None:
    """Make WeasyPrint tag PDFs as described above (idempotent; affects every WeasyPrint document of
    the process that has ``pdf_tags``)."""
    _pdf_module.add_tags = _add_tags
    _document_module.draw_page = _draw_page
    _stream_module.Stream.marked = _marked


class _Tree:
    """The structure tree of one document under construction: the elements made so far, by HTML element."""

    def __init__(self, pdf: Any, lang: str | None = None) -> None:
        self.pdf = pdf
        self.lang = (lang or "").lower()  # the document's language (the catalog's /Lang)
        self.made: dict[tuple[int, str, int], Any] = {}  # (id of HTML element, tag, id of parent) -> element
        self.first_page: dict[int, int] = {}  # id of a structure element -> the page of its Pg
        self.parents: dict[int, Any] = {}  # id of a structure element -> its parent element
        self.headers: dict[int, dict[int, list[Any]]] = {}  # table element number -> column -> header IDs

    def element(self, tag: str, parent: Any, page: int, html_element: Any = None) -> tuple[Any, bool]:
        """The structure element for ``html_element`` as ``tag`` under ``parent``: (element, new)."""
        key = (id(html_element), tag, id(parent))
        if html_element is not None and key in self.made:
            return self.made[key], False
        element = pydyf.Dictionary({"Type": "/StructElem", "S": f"/{tag}", "K": pydyf.Array([]),
                                    "Pg": self.pdf.page_references[page], "P": parent.reference})
        self.pdf.add_object(element)
        if html_element is not None:
            self.made[key] = element
        self.first_page[id(element)] = page
        self.parents[id(element)] = parent
        return element, True

    def foreign(self, lang: str | None, element: Any) -> Any:
        """The /Lang for content in ``lang`` inside ``element``: None when it is the document's language
        or ``element`` already says it."""
        if not lang or lang.lower() == self.lang:
            return None
        own = element.get("Lang")
        return None if own is not None and own.string.lower() == lang.lower() else pydyf.String(lang)

    def link_of(self, element: Any) -> Any:
        """The Link element ``element`` is or lies in, else ``element``: WeasyPrint gives the boxes
        inside a link (a span) annotations of their own, which PDF/UA wants in the Link."""
        found = element
        while found is not None and found.get("S") != "/Link":
            found = self.parents.get(id(found))
        return element if found is None else found

    def content(self, element: Any, mcid: int, page: int) -> None:
        """Add marked content ``mcid`` of ``page`` to ``element``."""
        if self.first_page.get(id(element), page) == page:
            element["K"].append(mcid)
        else:
            element["K"].append(pydyf.Dictionary({"Type": "/MCR", "Pg": self.pdf.page_references[page],
                                                  "MCID": mcid}))


def _add_tags(pdf: Any, document: Any, pdf_version: Any, page_streams: Any) -> None:
    """WeasyPrint's ``add_tags``, one structure element per HTML element (see above)."""
    content_mapping = pydyf.Dictionary({})
    pdf.add_object(content_mapping)
    structure_root = pydyf.Dictionary({"Type": "/StructTreeRoot", "ParentTree": content_mapping.reference})
    pdf.add_object(structure_root)
    structure_document = pydyf.Dictionary({"Type": "/StructElem", "S": "/Document", "K": pydyf.Array(),
                                           "P": structure_root.reference})
    pdf.add_object(structure_document)
    structure_root["K"] = pydyf.Array([structure_document.reference])
    pdf.catalog["StructTreeRoot"] = structure_root.reference
    if str(pdf_version) >= "2.0":
        namespace = pydyf.Dictionary({"Type": "/Namespace", "NS": pydyf.String("http://iso.org/pdf2/ssn")})
        pdf.add_object(namespace)
        structure_root["Namespaces"] = pydyf.Array([namespace.reference])
        structure_document["NS"] = namespace.reference

    tree = _Tree(pdf, document.metadata.lang)
    content_mapping["Nums"] = pydyf.Array()
    annotations: list[Any] = []
    for page_number, (page, stream) in enumerate(zip(document.pages, page_streams, strict=True)):
        tags = stream._tags
        content_mapping["Nums"].append(page_number)
        content_mapping["Nums"].append(pydyf.Array())
        page_nums: dict[int, Any] = {}
        skipped = {id(root) for root, _ in _artifact_roots(page._page_box)}
        for element in _box_tree(page._page_box, structure_document, tree, page_number, page_nums,
                                 annotations, tags, skipped):
            structure_document["K"].append(element.reference)
        assert not tags, "tagged content outside the structure tree"
        content_mapping["Nums"][-1].extend(ref for _, ref in sorted(page_nums.items()))

    start = len(document.pages)
    for i, (reference, annotation) in enumerate(annotations, start=start):
        content_mapping["Nums"].append(i)
        content_mapping["Nums"].append(reference)
        annotation["StructParent"] = i

    pdf.catalog["ViewerPreferences"] = pydyf.Dictionary({"DisplayDocTitle": "true"})
    pdf.catalog["MarkInfo"] = pydyf.Dictionary({"Marked": "true"})
    if "Lang" not in pdf.catalog:
        pdf.catalog["Lang"] = pydyf.String()


def _box_tree(box: Any, parent: Any, tree: _Tree, page_number: int, nums: dict[int, Any],
              annotations: list[Any], tags: dict[Any, Any], skipped: set[int]) -> Any:
    """Yield the new structure elements of ``box`` and its descendants under ``parent`` (WeasyPrint's
    ``_build_box_tree``, with the differences described above)."""
    if isinstance(box, AbsolutePlaceholder):
        box = box._box
    if id(box) in skipped or isinstance(box, boxes.MarginBox):
        return
    pdf = tree.pdf
    element_tag = None if box.element is None else box.element_tag
    tag = _tags_module._get_pdf_tag(element_tag)

    if element_tag in ("html", "body") or isinstance(box, boxes.PageBox):
        if isinstance(box, boxes.ParentBox) and not isinstance(box, boxes.LineBox):
            for child in box.children:
                yield from _box_tree(child, parent, tree, page_number, nums, annotations, tags, skipped)
            return
    elif tag in ("TD", "TH"):
        if parent["S"] in ("/TD", "/TH"):
            tag = "NonStruct"
    elif tag == "LI":
        if parent["S"] in ("/LI", "/LBody"):  # an anonymous block of the item: its body's content
            tag = "NonStruct"
        elif box.element_tag in ("dt", "dd") or (box.element_tag == "li" and (
                "list-item" not in box.style["display"] or box.style["list_style_type"] == "none")):
            item, new = tree.element("LI", parent, page_number, box.element)
            body, new_body = tree.element("LBody", item, page_number, box.element)
            if new_body:
                item["K"].append(body.reference)
            for child in box.children:
                _children_into(child, body, tree, page_number, nums, annotations, tags, skipped, parent)
            if new:
                yield item
            return

    element, new = tree.element(tag, parent, page_number, box.element)
    if new and box.element is not None and (lang := tree.foreign(box.element.get("lang"), parent)) is not None:
        element["Lang"] = lang  # an element in another language: <span lang="en-GB">, PDF/UA 7.2

    if tag == "Figure" and new:
        x1, y1 = box.content_box_x(), box.content_box_y()
        element["A"] = pydyf.Dictionary({"O": "/Layout", "BBox": pydyf.Array((x1, y1, x1 + box.width,
                                                                                 y1 + box.height))})
        if box.element.tag == "{http://www.w3.org/2000/svg}svg":
            title = box.element.find("{http://www.w3.org/2000/svg}title")
            if title is not None and title.text:
                element["Alt"] = pydyf.String(title.text)
        elif alt := box.element.attrib.get("alt"):
            element["Alt"] = pydyf.String(alt)
    elif tag == "Table":
        if box.is_table_wrapper:
            wrapper, table = box, box.get_wrapped_table()
            if table:
                box = table.copy_with_children([])
                for child in wrapper.children:
                    box.children.extend(child.children if child is table else [child])
    elif tag in ("TH", "TD"):
        if new:
            element["A"] = pydyf.Dictionary({"O": "/Table"})
            if box.colspan != 1:
                element["A"]["ColSpan"] = box.colspan
            if box.rowspan != 1:
                element["A"]["RowSpan"] = box.rowspan
        box.mark = element

    for annotation, kind in ((box.link_annotation, None), (box.widget_annotation, "Form")):
        if not annotation:
            continue
        reference = pydyf.Dictionary({"Type": "/OBJR", "Obj": annotation.reference,
                                      "Pg": pdf.page_references[page_number]})
        pdf.add_object(reference)
        if kind is None:
            link = tree.link_of(element)
            annotations.append((link.reference, annotation))
            link["K"].append(reference.reference)
        else:
            form = pydyf.Dictionary({"Type": "/StructElem", "S": "/Form", "K": pydyf.Array([reference.reference]),
                                     "Pg": pdf.page_references[page_number], "P": element.reference})
            pdf.add_object(form)
            annotations.append((form.reference, annotation))
            element["K"].append(form.reference)

    target = element
    if tag == "LI":
        target, new_body = tree.element("LBody", element, page_number, box.element)
        if new_body:
            element["K"].append(target.reference)
    for child in box.children:
        into = element if tag == "LI" and child.element_tag == "li::marker" else target
        if into is element and tag == "LI":  # the label goes before the body
            index = element["K"].index(target.reference)
            for made in _box_tree(child, element, tree, page_number, nums, annotations, tags, skipped):
                element["K"].insert(index, made.reference)
                index += 1
            continue
        _children_into(child, into, tree, page_number, nums, annotations, tags, skipped, parent)

    if isinstance(box, boxes.ReplacedBox):
        kid = tags.pop(box)
        tree.content(element, kid["mcid"], page_number)
        nums[kid["mcid"]] = element.reference

    if tag == "Table":
        _link_headers(box, element, tree)

    if new:
        yield element


def _children_into(child: Any, element: Any, tree: _Tree, page_number: int, nums: dict[int, Any],
                   annotations: list[Any], tags: dict[Any, Any], skipped: set[int], grandparent: Any = None) -> None:
    """Add the structure of ``child`` (a box, or a line of boxes) to ``element``."""
    pdf = tree.pdf
    for kid_box in child.children if isinstance(child, boxes.LineBox) else [child]:
        if isinstance(kid_box, boxes.TextBox):
            if id(kid_box) in skipped or kid_box not in tags:
                continue
            kid = tags.pop(kid_box)
            lang = kid_box.style["lang"]
            foreign = tree.foreign(lang, element)
            if element["S"] == "/Link":
                tree.content(element, kid["mcid"], page_number)
                nums[kid["mcid"]] = element.reference
                if foreign is not None and "Lang" not in element:
                    element["Lang"] = foreign
            else:
                span = pydyf.Dictionary({"Type": "/StructElem", "S": f"/{kid['tag']}",
                                         "K": pydyf.Array([kid["mcid"]]),
                                         "Pg": pdf.page_references[page_number], "P": element.reference})
                if foreign is not None:  # text in another language than its element's
                    span["Lang"] = foreign
                pdf.add_object(span)
                element["K"].append(span.reference)
                nums[kid["mcid"]] = span.reference
        else:
            # Nested lists hang from the parent list in PDF, from the list item in HTML.
            parent = grandparent if (kid_box.element_tag in ("ul", "ol") and element["S"] in ("/LI", "/LBody")
                                     and grandparent is not None) else element
            index = len(parent["K"])
            made = [e.reference for e in _box_tree(kid_box, parent, tree, page_number, nums, annotations,
                                                   tags, skipped)]
            parent["K"][index:index] = made


def _link_headers(box: Any, element: Any, tree: _Tree) -> None:
    """Give each cell of the table on this page the IDs of its column headers (those of the table's
    first page for the pages after it) and each header its ID."""
    def rows(table_box: Any) -> Any:
        for child in table_box.children:
            yield from [child] if child.element_tag == "tr" else rows(child)

    table_rows = tuple(rows(box))
    known = tree.headers.setdefault(element.number, {})
    for i, row in enumerate(table_rows):
        j = 0
        for cell in row.children:
            if cell.element is not None and cell.element_tag == "th" and getattr(cell, "mark", None) is not None:
                if "ID" not in cell.mark:
                    cell.mark["ID"] = pydyf.String(f"{element.number}-{i}-{j}")
                    known.setdefault(j, []).append(cell.mark["ID"])
            j += cell.colspan
    for row in table_rows:
        j = 0
        for cell in row.children:
            if cell.element is not None and cell.element_tag == "td" and getattr(cell, "mark", None) is not None:
                cell.mark["A"]["Headers"] = pydyf.Array(
                    [header for span in range(cell.colspan) for header in known.get(j + span, [])])
            j += cell.colspan


# --- A margin box the same on every page is laid out once (WeasyPrint 70 lays it out for each page) -------
#
# The running header (``element(pageHeader)``: the logo and the organisation's name in a flex row) is the
# same on every page of a document, but WeasyPrint lays it out again on each one: a seventh of a
# document's rendering. Installed by use_margin_box_reuse() over ``weasyprint.layout.page``'s
# ``margin_box_content_layout``: a margin box showing only running elements whose boxes have no generated
# content of their own (no page counter), with the same cascaded style, place and size as one laid out
# before in the same layout, is that box (drawn again: drawing does not change a box).

from weasyprint.layout import page as _page_module  # noqa: E402

_ORIGINAL_MARGIN_BOX_CONTENT_LAYOUT = _page_module.margin_box_content_layout


def _margin_box_key(box: Any) -> Any:
    """What a margin box's layout depends on, or None when it may differ from page to page."""
    content = box.style["content"]
    if (not box.children or content in ("normal", "none", "inhibit")
            or any(item[0] != "element()" for item in content)
            or any(child.style["content"] not in ("normal", "none")
                   for root in box.children for child in root.descendants())):
        return None
    parent = box.style.parent_style
    return (box.at_keyword, repr(sorted(box.style.cascaded.items())),
            repr(sorted(parent.cascaded.items())) if parent is not None else None,
            tuple(getattr(box, name) for name in (
                "position_x", "position_y", "width", "height", "margin_top", "margin_right", "margin_bottom",
                "margin_left", "padding_top", "padding_right", "padding_bottom", "padding_left")),
            tuple(id(root.element) for root in box.children))


def _margin_box_content_layout(context: Any, page: Any, box: Any) -> Any:
    key = _margin_box_key(box)
    if key is None:
        return _ORIGINAL_MARGIN_BOX_CONTENT_LAYOUT(context, page, box)
    done = context.__dict__.setdefault("_pressgen_margin_boxes", {})
    if key not in done:
        done[key] = _ORIGINAL_MARGIN_BOX_CONTENT_LAYOUT(context, page, box)
    return done[key]


def use_margin_box_reuse() -> None:
    """Make WeasyPrint lay out a margin box the same on every page once per layout (idempotent)."""
    _page_module.margin_box_content_layout = _margin_box_content_layout
