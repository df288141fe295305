"""Hyphenation: which words a line may break inside, and by which language's patterns.

Body text is justified and hyphenated in both formats. The rules a typographer
would sign off, decided here once for every writer:

- a word is broken only with at least three letters on either side, and only
  when it has six or more (``MIN_WORD``, ``MIN_LEFT``, ``MIN_RIGHT``);
- words in capitals (acronyms: IOM, UNRIC) are never broken;
- organisation names and the workspace's ``hyphenation: names:`` (brands,
  programmes) are never broken;
- a paragraph's last word is never broken (``Rules.for_paragraph``, before any
  layout: InDesign's default);
- nor a word across two pages, nor the word ending a third hyphenated line in a row
  (the PDF writer finds such breaks after laying the document out, and lays it out
  again with that occurrence of the word kept whole in its paragraph, or, when that
  would stretch a page's last line, with the page ending a line earlier, see
  :func:`pressgen.writers.pdf.write_pdf`);
- a phrase listed under ``hyphenation: foreign:`` (an English title inside a
  French text) breaks by its own language's patterns;
- a word of the packaged list (``PREFERRED_BREAKS``: Dutch compounds, which the
  patterns break at poor places, "terugge-stuurd") or of the workspace's
  ``hyphenation: breaks:`` breaks only where its listed form has a hyphen
  ("terug-gestuurd"): :func:`break_table`, the rules' ``breaks``. The PDF writer
  gives WeasyPrint these breaks (:func:`pressgen.writers.weasy.use_breaks`); for the
  DOCX, :meth:`Rules.soft_hyphens` marks them in body text, which the DOCX writer
  writes as Word's optional hyphens.

The PDF writer marks kept words and foreign phrases as spans. The DOCX marks
foreign phrases with ``w:lang`` (Word hyphenates and spell-checks them in their
language); its settings part carries the capitals rule and the break limits.
Word decides the rest per paragraph, so the other rules are the PDF's alone.
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import pyphen

MIN_WORD, MIN_LEFT, MIN_RIGHT = 6, 3, 3

# Pyphen's bare "en" patterns break "Loc-al" and its "en_GB" ones "fest-ival"; the US patterns (the
# ones LibreOffice ships) break English correctly in either spelling, so "en" of any region uses them.
PATTERNS = {"en": "en_US"}

# Compounds the patterns break at a poor place (between syllables of one part, "partnerschapsin-strument"),
# with the places a typographer breaks them: between the parts, and inside a long part where the patterns
# would. A workspace adds its own under ``hyphenation: breaks:`` (they win over these).
PREFERRED_BREAKS: dict[str, tuple[str, ...]] = {
    "nl": (
        "terug-gestuurd", "terug-gekeerd", "terug-keer", "terug-keer-programma", "terug-keer-programma's",
        "partner-schaps-instrument", "samen-werkings-verband", "samen-werkings-verbanden",
        "ontwikkelings-samen-werking", "gemeente-raads-verkiezingen", "arbeids-markt-beleid",
        "integratie-beleid", "vluchtelingen-organisatie", "vluchtelingen-organisaties", "opvang-centrum",
        "opvang-centra", "asiel-zoekers", "asiel-zoeker", "mensen-handel", "mensen-handelaars",
        "overheids-instellingen", "beleids-makers", "ervarings-deskundigen", "jongeren-organisaties",
        "gelijke-kansen-beleid", "verantwoordelijk-heid", "informatie-sessies", "informatie-campagne",
        "bewustmakings-campagne", "migratie-beleid", "terugkeer-beleid", "studie-bezoek",
    ),
}


def break_table(lang: str, listed: dict[str, list[str]] | None = None) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """Return (word in lower case, the offsets where it may break) of each word of ``PREFERRED_BREAKS`` and
    ``listed`` (the workspace's ``hyphenation: breaks:``) for language ``lang``, the workspace's winning."""
    base = lang.replace("_", "-").split("-")[0].lower()
    table: dict[str, tuple[int, ...]] = {}
    for forms in (PREFERRED_BREAKS.get(base, ()), *(words for code, words in (listed or {}).items()
                                                  if code.split("-")[0].lower() == base)):
        for form in forms:
            parts = form.split("-")
            offsets = tuple(itertools.accumulate(len(part) for part in parts[:-1]))
            table["".join(parts).lower()] = offsets
    return tuple(sorted(table.items()))



def pattern_language(lang: str) -> str:
    """Return the Pyphen dictionary that hyphenates language ``lang`` (a code or a BCP 47 tag)."""
    base = lang.replace("_", "-").split("-")[0].lower()
    return PATTERNS.get(base) or pyphen.language_fallback(lang.replace("-", "_")) or base


@dataclass(frozen=True)
class Rules:
    """The words one document keeps whole and the phrases it sets in another language."""

    keep: tuple[str, ...] = ()  # names and words never broken
    foreign: tuple[tuple[str, str], ...] = ()  # (phrase, its language tag: "en-GB")
    # (paragraph key, word, n): the n-th occurrence (from 0) of the word in that paragraph is kept whole
    keep_in: tuple[tuple[str, str, int], ...] = ()
    lang: str = "en"  # the document's language, whose patterns tell which words could break
    at: tuple[int, ...] = ()  # in one paragraph's rules: where its kept words start in its plain text
    breaks: tuple[tuple[str, tuple[int, ...]], ...] = ()  # words of the language that break only there
    _pattern: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    _breaks: dict[str, tuple[int, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = sorted({n for n in self.keep if n.strip()}, key=len, reverse=True)
        phrases = sorted({p for p, _ in self.foreign if p.strip()}, key=len, reverse=True)
        parts = [f"(?P<foreign>{'|'.join(re.escape(p) for p in phrases)})"] if phrases else []
        if names:
            parts.append(f"(?P<name>(?<!\\w)(?:{'|'.join(re.escape(n) for n in names)})(?!\\w))")
        object.__setattr__(self, "_pattern", re.compile("|".join(parts)) if parts else None)
        object.__setattr__(self, "_breaks", dict(self.breaks))

    def positions(self, word: str) -> list[int]:
        """Where ``word`` (of the document's language) may break: its listed breaks, else its patterns'."""
        listed = self._breaks.get(word.lower())
        if listed is None:
            return breaks(word, self.lang)
        return [i for i in listed if MIN_LEFT <= i <= len(word) - MIN_RIGHT] if len(word) >= MIN_WORD else []

    def with_kept_in(self, kept: set[tuple[str, str, int]]) -> Rules:
        """Return these rules with each (paragraph key, word, n) of ``kept`` kept whole in that paragraph."""
        return dataclasses.replace(self, keep_in=tuple(sorted({*self.keep_in, *kept})), at=())

    def for_paragraph(self, text: str) -> Rules:
        """Return the rules of the paragraph whose plain text is ``text``: its last word kept whole, and
        the occurrences of words that ``keep_in`` names for it."""
        words = list(_WORD.finditer(text))
        at = {words[-1].start()} if words else set()
        if self.keep_in:
            key = paragraph_key(text)
            wanted = {(word, n) for paragraph, word, n in self.keep_in if paragraph == key}
            seen: dict[str, int] = {}
            for match in words if wanted else ():
                n = seen[match.group()] = seen.get(match.group(), -1) + 1
                if (match.group(), n) in wanted:
                    at.add(match.start())
        paragraph = copy.copy(self)  # not dataclasses.replace: the words' pattern is the document's, made once
        object.__setattr__(paragraph, "at", tuple(sorted(at)))
        return paragraph

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

    def soft_hyphens(self, text: str) -> str:
        """``text`` with a soft hyphen at each listed break of its listed words: Word then breaks them
        there (a word with soft hyphens breaks only at them). For body text only: Word breaks at a soft
        hyphen in a heading too, which is never hyphenated."""
        def marked(match: re.Match[str]) -> str:
            word = match.group()
            listed = self._breaks.get(word.lower())
            if listed is None:
                return word
            cuts = [0, *self.positions(word), len(word)]
            return SOFT_HYPHEN.join(word[a:b] for a, b in itertools.pairwise(cuts))
        return _WORD.sub(marked, text)

    def pieces(self, text: str, start: int = 0) -> list[tuple[str, str | None]]:
        """Split ``text`` into (piece, how): how is None (may break), "keep", or a language code.

        ``start``: where ``text`` starts in its paragraph's plain text (a paragraph's rules keep the
        words that start at their ``at``: its last word, decided here before any layout as InDesign
        does, and the words the PDF writer found broken across pages).
        A kept piece is one word that could break (no space or hyphen in it): WeasyPrint lays out
        a span with break opportunities inside it badly at a line end, and each span costs time.
        """
        languages = {phrase: lang for phrase, lang in self.foreign}
        at = {offset - start for offset in self.at if start <= offset < start + len(text)}
        out: list[tuple[str, str | None]] = []
        position = 0
        for match in self._pattern.finditer(text) if self._pattern else ():
            out.extend(_words_kept(text[position:match.start()], self.positions, True, {o - position for o in at}))
            if match.lastgroup == "foreign":
                out.append((match.group(), languages[match.group()]))
            else:
                out.extend(_words_kept(match.group(), self.positions))
            position = match.end()
        out.extend(_words_kept(text[position:], self.positions, True, {o - position for o in at}))
        merged: list[tuple[str, str | None]] = []
        for piece, how in out:
            if merged and how is None and merged[-1][1] is None:
                merged[-1] = (merged[-1][0] + piece, None)
            elif piece:
                merged.append((piece, how))
        return merged


_WORD = re.compile(r"\w+")
SOFT_HYPHEN = "\u00ad"


def paragraph_key(text: str) -> str:
    """A paragraph's identity across the markup and the laid-out page: its text without white space."""
    return re.sub(r"\s+", "", text)


def _words_kept(text: str, positions: Callable[[str], list[int]], capitals_only: bool = False,
                at: set[int] | frozenset[int] = frozenset()) -> list[tuple[str, str | None]]:
    """``text`` with each word that the patterns would break marked "keep" (only words in capitals
    with ``capitals_only``, and those starting at an offset of ``at``): a span costs layout time, so
    a word that cannot break gets none."""
    out: list[tuple[str, str | None]] = []
    position = 0
    for match in _WORD.finditer(text):
        word = match.group()
        if (word.isupper() or not capitals_only or match.start() in at) and positions(word):
            if match.start() > position:
                out.append((text[position:match.start()], None))
            out.append((word, "keep"))
            position = match.end()
    if position < len(text):
        out.append((text[position:], None))
    return out


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
