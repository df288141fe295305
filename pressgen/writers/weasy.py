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
    hyphenate character), and the element of the paragraph (``<p>``) it belongs to, if any."""

    text: str
    paragraph: Any = None  # an ElementTree element of the rendered HTML


def page_lines(document: Document) -> list[list[Line]]:
    """Return the lines of each page of a laid-out document, top to bottom, with the
    page's margin boxes (running headers and footers) left out."""
    return [_lines(page._page_box, None, []) for page in document.pages]


def _lines(box: boxes.Box, paragraph: Any, out: list[Line]) -> list[Line]:
    if isinstance(box, boxes.MarginBox):
        return out
    if isinstance(box, boxes.BlockBox) and box.element_tag == "p":
        paragraph = box.element
    if isinstance(box, boxes.LineBox):
        text = "".join(child.text for child in box.descendants() if isinstance(child, boxes.TextBox))
        out.append(Line(text, paragraph))
        return out
    for child in getattr(box, "children", ()):
        _lines(child, paragraph, out)
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
