"""WeasyPrint's and Pyphen's non-public API: used here, and nowhere else in pressgen.

The PDF writer needs three things neither library offers publicly:

- the lines of each page after layout, to keep whole a word broken across two
  pages or a paragraph's last word (:func:`page_lines`): WeasyPrint's private
  ``Page._page_box`` and its box classes (``weasyprint.formatting_structure.boxes``);
- WeasyPrint hyphenating a language by the patterns pressgen chose for it,
  whatever the region of an element's ``lang`` (:func:`use_patterns`): WeasyPrint
  asks Pyphen for the dictionary of ``pyphen.language_fallback(lang)``, which
  Pyphen reads from its ``LANGUAGES`` table when the dictionary is made, so the
  table's entries are pointed at the chosen patterns' files;
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
