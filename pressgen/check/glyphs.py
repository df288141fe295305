"""Which characters a document can print: the installed fonts' coverage, and invisible characters.

WeasyPrint draws text with Pango, which takes each character from the first
font of the CSS stack that has it and otherwise from any font fontconfig
knows. So a character prints when some installed font has it, and is lost
(an empty box, or nothing at all) when none has: that is what
:func:`unprintable` tells the load stage, which warns with the field's position.
The fonts' coverage is read once per process from fontconfig (``fc-list``,
which answers from its cache in milliseconds); without fontconfig nothing is
known and nothing is reported.

Invisible characters pasted from word processors: most format characters do a
job and are kept (zero-width joiners for Arabic and Indic scripts and emoji,
direction marks, the soft hyphen, the zero-width space, the word joiner). The
line and paragraph separators U+2028 and U+2029 (a line break copied from Word
or a PDF) are printed as nothing by both writers, gluing two words together,
and break a YAML block; a release reads them as a space (:func:`plain_separators`)
and ``check`` says so.
"""

from __future__ import annotations

import bisect
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from pressgen.workspace.yamlio import SEPARATORS, separators  # noqa: F401 (re-exported for the checks)

# What the loader reads as a space, with the name check gives it.
FC_LIST_TIMEOUT = 30  # seconds; fontconfig builds its cache on the first run after fonts were installed


class Coverage:
    """A set of code points, stored as sorted, disjoint, inclusive ranges."""

    def __init__(self, ranges: Iterable[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for start, end in sorted(ranges):
            if merged and start <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self._starts = [start for start, _ in merged]
        self._ends = [end for _, end in merged]

    def __contains__(self, char: object) -> bool:
        if not isinstance(char, str) or len(char) != 1:
            return False
        code = ord(char)
        index = bisect.bisect_right(self._starts, code) - 1
        return index >= 0 and code <= self._ends[index]

    def __len__(self) -> int:
        return sum(end - start + 1 for start, end in zip(self._starts, self._ends, strict=True))


def parse_charsets(text: str) -> Coverage:
    """Return the union of fontconfig charsets as ``fc-list --format '%{charset}'`` prints them.

    Each charset is hexadecimal code points and ranges separated by spaces: ``20-7e a0-17f 2010``.
    """
    ranges = []
    for token in text.split():
        first, _, last = token.partition("-")
        try:
            ranges.append((int(first, 16), int(last or first, 16)))
        except ValueError:
            continue
    return Coverage(ranges)


@lru_cache(maxsize=1)
def installed_coverage() -> Coverage | None:
    """Return what the installed fonts cover together, or None when fontconfig cannot say."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        result = subprocess.run([fc_list, "--format", "%{charset}\n"], capture_output=True, text=True,
                                timeout=FC_LIST_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    coverage = parse_charsets(result.stdout)
    return coverage if result.returncode == 0 and len(coverage) else None


def _invisible(char: str) -> bool:
    """Whether ``char`` is drawn without a glyph: spaces, controls, format characters, variation selectors."""
    category = unicodedata.category(char)
    if category in ("Zs", "Zl", "Zp", "Cc", "Cf"):
        return True
    code = ord(char)
    # Default-ignorable marks and fillers (Unicode's Default_Ignorable_Code_Point, which unicodedata lacks).
    return (0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF or 0x180B <= code <= 0x180F
            or code in (0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0))


def unprintable(text: str, coverage: Coverage | None = None) -> list[str]:
    """Return the distinct characters of ``text``, in order, that no installed font has.

    Empty when fontconfig cannot tell (then nothing is known to be missing).
    """
    if text.isascii():
        return []
    coverage = coverage if coverage is not None else installed_coverage()
    if coverage is None:
        return []
    missing: dict[str, None] = {}
    for char in text:
        if char not in missing and not char.isascii() and not _invisible(char) and char not in coverage:
            missing[char] = None
    return list(missing)


def describe(char: str) -> str:
    """Return a character as a reader can look it up: ``U+0E01 THAI CHARACTER KO KAI``."""
    code = f"U+{ord(char):04X}"
    name = unicodedata.name(char, "")
    if name:
        return f"{code} {name}"
    category = unicodedata.category(char)
    return f"{code} ({'a private-use character' if category == 'Co' else 'an unassigned code point'})"


@lru_cache(maxsize=1)
def fonts_fingerprint() -> str:
    """Return a digest of the installed fonts (files, sizes, times), once per process: a PDF made before
    a font was installed (its Chinese printed as boxes) is out of date after. Empty without fontconfig."""
    import hashlib
    import os

    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ""
    try:
        result = subprocess.run([fc_list, "--format", "%{file}\n"], capture_output=True, text=True,
                                timeout=FC_LIST_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    hasher = hashlib.sha256()
    for name in sorted(set(result.stdout.splitlines())):
        try:
            info = os.stat(name)
        except OSError:
            continue
        hasher.update(f"{name}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return hasher.hexdigest()
