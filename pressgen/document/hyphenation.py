"""Hyphenation: which words a line may break inside, and by which language's patterns.

Body text is justified and hyphenated in both formats. The rules a typographer
would sign off, decided here once for every writer:

- a word is broken only with at least three letters on either side, and only
  when it has six or more (``MIN_WORD``, ``MIN_LEFT``, ``MIN_RIGHT``);
- words in capitals (acronyms: IOM, UNRIC) are never broken;
- organisation names and the workspace's ``hyphenation: names:`` (brands,
  programmes) are never broken;
- a paragraph's last word is never broken (``Rules.pieces(text, last=True)``, before
  any layout: InDesign's default);
- nor a word across two pages, nor the word ending a third hyphenated line in a row
  (the PDF writer finds such breaks after laying the document out, and lays it out
  again with the word kept whole in that paragraph, see
  :func:`pressgen.writers.pdf.write_pdf`);
- a phrase listed under ``hyphenation: foreign:`` (an English title inside a
  French text) breaks by its own language's patterns.

The PDF writer marks kept words and foreign phrases as spans. The DOCX marks
foreign phrases with ``w:lang`` (Word hyphenates and spell-checks them in their
language); its settings part carries the capitals rule and the break limits.
Word decides the rest per paragraph, so the other rules are the PDF's alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import pyphen

MIN_WORD, MIN_LEFT, MIN_RIGHT = 6, 3, 3

# Pyphen's bare "en" patterns break "Loc-al" and its "en_GB" ones "fest-ival"; the US patterns (the
# ones LibreOffice ships) break English correctly in either spelling, so "en" of any region uses them.
PATTERNS = {"en": "en_US"}



def pattern_language(lang: str) -> str:
    """Return the Pyphen dictionary that hyphenates language ``lang`` (a code or a BCP 47 tag)."""
    base = lang.replace("_", "-").split("-")[0].lower()
    return PATTERNS.get(base) or pyphen.language_fallback(lang.replace("-", "_")) or base


@dataclass(frozen=True)
class Rules:
    """The words one document keeps whole and the phrases it sets in another language."""

    keep: tuple[str, ...] = ()  # names and words never broken
    foreign: tuple[tuple[str, str], ...] = ()  # (phrase, its language tag: "en-GB")
    keep_in: tuple[tuple[str, str], ...] = ()  # (paragraph key, word): kept in that paragraph only
    lang: str = "en"  # the document's language, whose patterns tell which words could break
    _pattern: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = sorted({n for n in self.keep if n.strip()}, key=len, reverse=True)
        phrases = sorted({p for p, _ in self.foreign if p.strip()}, key=len, reverse=True)
        parts = [f"(?P<foreign>{'|'.join(re.escape(p) for p in phrases)})"] if phrases else []
        if names:
            parts.append(f"(?P<name>(?<!\\w)(?:{'|'.join(re.escape(n) for n in names)})(?!\\w))")
        object.__setattr__(self, "_pattern", re.compile("|".join(parts)) if parts else None)

    def with_kept_in(self, pairs: set[tuple[str, str]]) -> Rules:
        """Return these rules with each (paragraph key, word) of ``pairs`` kept whole in that paragraph."""
        return Rules(self.keep, self.foreign, tuple(sorted({*self.keep_in, *pairs})), self.lang)

    def for_paragraph(self, text: str) -> Rules:
        """Return the rules of the paragraph whose plain text is ``text``."""
        key = paragraph_key(text)
        words = {word for paragraph, word in self.keep_in if paragraph == key}
        return Rules(tuple(sorted({*self.keep, *words})), self.foreign, lang=self.lang) if words else self

    def languages(self, text: str) -> list[tuple[str, str | None]]:
        """Split ``text`` into (piece, language tag of a foreign phrase or None): what a DOCX marks
        with ``w:lang``, so that Word hyphenates and spell-checks the phrase in its own language."""
        out: list[tuple[str, str | None]] = []
        for piece, how in self.pieces(text):
            tag = how if how not in (None, "keep") else None
            if out and tag is None and out[-1][1] is None:
                out[-1] = (out[-1][0] + piece, None)
            else:
                out.append((piece, tag))
        return out

    def pieces(self, text: str, last: bool = False) -> list[tuple[str, str | None]]:
        """Split ``text`` into (piece, how): how is None (may break), "keep", or a language code.

        ``last``: ``text`` ends a paragraph, so its last word is kept whole (InDesign's default: a
        paragraph never ends on the tail of a word), decided here before any layout.
        A kept piece is one word that could break (no space or hyphen in it): WeasyPrint lays out
        a span with break opportunities inside it badly at a line end, and each span costs time.
        """
        languages = {phrase: lang for phrase, lang in self.foreign}
        out: list[tuple[str, str | None]] = []
        position = 0
        for match in self._pattern.finditer(text) if self._pattern else ():
            out.extend(_words_kept(text[position:match.start()], self.lang, capitals_only=True))
            if match.lastgroup == "foreign":
                out.append((match.group(), languages[match.group()]))
            else:
                out.extend(_words_kept(match.group(), self.lang))
            position = match.end()
        out.extend(_words_kept(text[position:], self.lang, capitals_only=True, keep_last=last))
        merged: list[tuple[str, str | None]] = []
        for piece, how in out:
            if merged and how is None and merged[-1][1] is None:
                merged[-1] = (merged[-1][0] + piece, None)
            elif piece:
                merged.append((piece, how))
        return merged


_WORD = re.compile(r"\w+")


def paragraph_key(text: str) -> str:
    """A paragraph's identity across the markup and the laid-out page: its text without white space."""
    return re.sub(r"\s+", "", text)


def _words_kept(text: str, lang: str, capitals_only: bool = False,
                keep_last: bool = False) -> list[tuple[str, str | None]]:
    """``text`` with each word that the patterns would break marked "keep" (only words in capitals
    with ``capitals_only``, and the last word with ``keep_last``): a span costs layout time, so a
    word that cannot break gets none."""
    pieces = [piece for piece in re.split(r"(\w+)", text) if piece]
    final = max((i for i, piece in enumerate(pieces) if _WORD.fullmatch(piece)), default=-1) if keep_last else -1
    return [(piece, "keep" if _WORD.fullmatch(piece) and (piece.isupper() or not capitals_only or i == final)
             and breaks(piece, lang) else None)
            for i, piece in enumerate(pieces)]


def names_of(organizations: Sequence[dict[str, str] | str | None], extra: list[str]) -> tuple[str, ...]:
    """Return the names to keep whole: every language's form of each organisation name (with and without
    a closing acronym in brackets), and ``extra``."""
    names: set[str] = set(extra)
    for value in organizations:
        forms = value.values() if isinstance(value, dict) else [value] if value else []
        for form in forms:
            name = re.sub(r"^(?:l[’']|la |le |les |the )", "", form, flags=re.I)
            names.add(name)
            names.add(re.sub(r"\s*\([^()]*\)$", "", name))  # also written without its acronym: "... (IOM)"
    return tuple(sorted(n for n in names if n))


@lru_cache(maxsize=8)
def _dictionary(lang: str) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang=pattern_language(lang), left=MIN_LEFT, right=MIN_RIGHT)


@lru_cache(maxsize=4096)
def breaks(word: str, lang: str) -> list[int]:
    """Return where the document's rules allow ``word`` to break (offsets)."""
    if len(word) < MIN_WORD:
        return []
    return list(_dictionary(lang).positions(word))
