"""The analysis agencies quote from: each source segment's words, in the match band a CAT tool gives it.

**Words** are counted as translate-toolkit's ``pocount`` (and CAT tools) count them, on the text the
reader sees: the segment's Markdown is read by :mod:`pressgen.document.markup` and only its plain text
is counted, so ``##``, ``-``, ``>``, table pipes, emphasis markers and link URLs are not words (a link's
text is). A word is a run between Unicode word boundaries (UAX #29) holding a letter or a digit:
``l’été``, ``1.500`` and ``VN-ploeg``'s two halves are one, one and two words; a full stop between
two non-digits separates words (``belgium.iom.int`` is two), as in pocount. List items, lines and
table cells are separated: words either side never run together.

**Bands**, for one release (the job) and one target language, each source segment in the first that
applies:

``context`` (101 %, in-context exact)
    the segment's own human translation (draft or reviewed) was made from this very source text, and
    so were its neighbours' (the segments before and after it in the release): nothing to do.
``100`` (100 %)
    a human translation of the same source text exists (white space and nothing else aside): in the
    translation memory, in this or another release of the workspace, or the segment's own one whose
    neighbours changed.
``repetition``
    the same source text stands earlier in the same release (and has no 100 % match): translated once.
``95-99``, ``85-94``, ``75-84``
    the best fuzzy match (:mod:`pressgen.translation.similarity`) from the same human translations, from
    the translations pressgen replaced (the memory's history) and from the segment's own translation of
    its earlier source text.
``new``
    no match of 75 % or more.

Machine output is never a match. Fuzzy matches are only offered: nothing here changes a translation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from unicode_segmentation_rs import unicode_words

from pressgen.document.markup import parse, parse_inline, plain_text
from pressgen.translation.memory import FuzzyMatch, MatchIndex, TranslationMemory
from pressgen.translation.segments import HUMAN, SEGMENTED, Alignment, Pair, normalised
from pressgen.workspace.model import Release

BANDS = ("context", "100", "repetition", "95-99", "85-94", "75-84", "new")
BAND_LABELS = {"context": "context 101%", "100": "100%", "repetition": "repetitions", "95-99": "95-99%",
               "85-94": "85-94%", "75-84": "75-84%", "new": "no match"}
_DOT_IN_WORD = re.compile(r"\D\.\D")  # pocount's rule: a full stop between two non-digits separates words


def count_words(text: str | None, field_name: str = "body") -> int:
    """The words of a segment as CAT tools count them (see the module's documentation)."""
    if not text or not text.strip():
        return 0
    if field_name in SEGMENTED:
        plain = plain_text(parse(text)[0])
    else:
        plain = plain_text(parse_inline(text))
    return len(unicode_words(_DOT_IN_WORD.sub(" ", plain)))


def band_of(percent: int) -> str:
    """The fuzzy band of a similarity below 100 (``new`` under 75)."""
    return "95-99" if percent >= 95 else "85-94" if percent >= 85 else "75-84" if percent >= 75 else "new"


@dataclass(frozen=True)
class SegmentBand:
    """One source segment in the analysis: its words, its band and the best match (None for new)."""

    id: str
    field: str
    words: int
    band: str
    match: FuzzyMatch | None = None

    def as_json(self) -> dict[str, Any]:
        # white space as the memory compares it: a source only re-wrapped gives the same analysis
        best = None if self.match is None else {"percent": self.match.percent, "origin": self.match.origin,
                                                "source": normalised(self.match.source),
                                                "target": normalised(self.match.target)}
        return {"id": self.id, "field": self.field, "words": self.words, "band": self.band, "match": best}


@dataclass
class Analysis:
    """One job's (release × language) words per band, and its segments."""

    segments: list[SegmentBand] = field(default_factory=list)

    def bands(self) -> dict[str, int]:
        counts = dict.fromkeys(BANDS, 0)
        for segment in self.segments:
            counts[segment.band] += segment.words
        return {**counts, "total": sum(counts.values())}


def human_current(pair: Pair) -> bool:
    """Whether a pair's translation is a person's, made from the source as it is now."""
    return pair.source is not None and pair.target is not None and pair.state in HUMAN and not pair.whole


class Leverage:
    """The human translations a workspace can reuse, per language pair: the memory's, then the releases'."""

    def __init__(self, memory: TranslationMemory | None = None) -> None:
        self.memory = memory
        self._indexes: dict[tuple[str, str], MatchIndex] = {}
        self._exact: dict[tuple[str, str], dict[str, FuzzyMatch]] = {}
        self._releases: list[tuple[Release, dict[str, Alignment]]] = []

    def add_release(self, release: Release, aligned: dict[str, Alignment]) -> None:
        """Add a release's current human translations (to be found by every release's look-ups)."""
        self._releases.append((release, aligned))
        for lang in aligned:
            self._indexes.pop((release.source, lang), None)
            self._exact.pop((release.source, lang), None)

    def index(self, source_lang: str, target_lang: str) -> MatchIndex:
        key = (source_lang, target_lang)
        if key not in self._indexes:
            index = MatchIndex()
            exact: dict[str, FuzzyMatch] = {}
            if self.memory is not None:
                for entry in self.memory.match_index(*key).entries():
                    index.add(entry.source, entry.target, entry.origin)
                    exact.setdefault(normalised(entry.source), entry)
            for release, aligned in self._releases:
                if release.source != source_lang or target_lang not in aligned:
                    continue
                for pair in aligned[target_lang].pairs:
                    if human_current(pair):
                        assert pair.source is not None and pair.target is not None
                        index.add(pair.source, pair.target, release.id)
                        exact.setdefault(normalised(pair.source), FuzzyMatch(pair.source, pair.target, 100,
                                                                             release.id))
            self._indexes[key], self._exact[key] = index, exact
        return self._indexes[key]

    def exact(self, source_lang: str, target_lang: str, text: str) -> FuzzyMatch | None:
        """A human translation of the same source text, white space aside."""
        self.index(source_lang, target_lang)
        return self._exact[(source_lang, target_lang)].get(normalised(text))

    def fuzzy(self, source_lang: str, target_lang: str, text: str, own: MatchIndex | None = None,
              limit: int = 3) -> list[FuzzyMatch]:
        """Matches of ``text`` of at least 75 %, best first (the same percent: the job's own history first);
        ``own`` is the job's own history (see :func:`own_history`)."""
        found = list(own.lookup(text, limit)) if own is not None else []
        found += self.index(source_lang, target_lang).lookup(text, limit)
        found.sort(key=lambda match: -match.percent)  # stable: the own history first among equals
        return found[:limit]


def own_history(release: Release, alignment: Alignment) -> MatchIndex:
    """The human translations of one release's language whose source changed since (stale, or orphaned
    by a deleted or rewritten paragraph), with the source text each was made from: each segment's own
    history, wherever the alignment paired it."""
    own = MatchIndex()
    for pair in alignment.pairs:
        if pair.state in ("stale", "orphan") and pair.made_from and pair.target and pair.basis in HUMAN:
            own.add(pair.made_from, pair.target, f"{release.id} before its source changed")
    return own


def analyse(release: Release, alignment: Alignment, leverage: Leverage) -> Analysis:
    """Put each source segment of one release's translation in its band (see the module's documentation)."""
    pairs = [pair for pair in alignment.pairs if pair.source is not None]
    analysis = Analysis()
    own = own_history(release, alignment)
    seen: set[str] = set()
    for position, pair in enumerate(pairs):
        assert pair.source is not None
        text, key = pair.source, normalised(pair.source)
        words = count_words(text, pair.field)
        neighbours = pairs[max(position - 1, 0):position] + pairs[position + 1:position + 2]
        match: FuzzyMatch | None
        if human_current(pair) and all(human_current(other) for other in neighbours):
            assert pair.target is not None
            band, match = "context", FuzzyMatch(text, pair.target, 101, release.id)
        elif (match := _own_or_exact(pair, release, leverage, alignment.lang)) is not None:
            band = "100"
        elif key in seen:
            band, match = "repetition", None
        else:
            best = leverage.fuzzy(release.source, alignment.lang, text, own, limit=1)
            match = best[0] if best else None
            band = band_of(match.percent) if match else "new"
        seen.add(key)
        analysis.segments.append(SegmentBand(pair.id, pair.field, words, band, match))
    return analysis


def _own_or_exact(pair: Pair, release: Release, leverage: Leverage, lang: str) -> FuzzyMatch | None:
    assert pair.source is not None
    if human_current(pair):
        assert pair.target is not None
        return FuzzyMatch(pair.source, pair.target, 100, release.id)
    return leverage.exact(release.source, lang, pair.source)


def totals(analyses: Iterable[dict[str, int]]) -> dict[str, int]:
    """The sum of several jobs' bands."""
    out = dict.fromkeys((*BANDS, "total"), 0)
    for bands in analyses:
        for name, words in bands.items():
            out[name] += words
    return out


def band_table(rows: Sequence[tuple[str, str, dict[str, int]]]) -> list[str]:
    """The analysis as text lines: one per (release, language, bands), the bands' columns aligned."""
    heads = ["release", "lang", *(BAND_LABELS[band] for band in BANDS), "total"]
    cells = [[release, lang, *(str(bands[band]) for band in (*BANDS, "total"))] for release, lang, bands in rows]
    widths = [max(len(row[i]) for row in [heads, *cells]) for i in range(len(heads))]
    return ["  ".join(cell.ljust(widths[i]) if i < 2 else cell.rjust(widths[i]) for i, cell in enumerate(row))
            .rstrip() for row in [heads, *cells]]
