"""How alike two source segments are: the one measure of fuzzy matches, previous versions and the word bands.

The measure is the one CAT tools document (OmegaT, Trados, memoQ differ only in details):
a word-level edit distance. Both texts are normalised as the alignment compares them
(white space folded, Markdown's syntax set aside), split into words and punctuation marks,
and the similarity is ``100 × (1 − distance / max(len(a), len(b)))`` in tokens, rounded
down, with the Levenshtein distance over tokens (rapidfuzz). Case differences count
as half a change. Texts with the same words and marks are 100 (white space is not a
change); any other difference is at most 99, never rounded up to a 100 % match.
"""

from __future__ import annotations

import math
import re

from rapidfuzz.distance import Levenshtein

_TOKEN = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]", re.UNICODE)

FUZZY_THRESHOLD = 75  # the lowest similarity offered as a match


def tokens(text: str) -> list[str]:
    """The words and punctuation marks of ``text``, in order."""
    return _TOKEN.findall(text)


def similarity(a: str, b: str) -> int:
    """Percent similarity (0–100) of two texts, as documented above."""
    if a == b:
        return 100
    left, right = tokens(a), tokens(b)
    if not left and not right:
        return 100 if a.strip() == b.strip() else 0
    longest = max(len(left), len(right))
    exact = Levenshtein.distance(left, right)
    folded = Levenshtein.distance([t.casefold() for t in left], [t.casefold() for t in right])
    distance = folded + (exact - folded) / 2  # a change of case only is half a change
    score = math.floor(100 * (1 - distance / longest))
    return 100 if left == right else min(score, 99)
