"""Language typography: quotes, dashes and the spaces French puts around punctuation."""

from __future__ import annotations

import re

NBSP = "\u00a0"
NNBSP = "\u202f"  # narrow no-break space

# (opening double, closing double, opening single, closing single)
QUOTES = {
    "fr": ("«" + NBSP, NBSP + "»", "“", "”"),
    "de": ("„", "“", "‚", "‘"),
}
DEFAULT_QUOTES = ("“", "”", "‘", "’")

_OPENING_CONTEXT = re.compile(r"[\s(\[{\u2014\u2013\x00-]")


def _quotes(text: str, lang: str) -> str:
    open_double, close_double, open_single, close_single = QUOTES.get(lang, DEFAULT_QUOTES)
    out: list[str] = []
    for index, char in enumerate(text):
        if char not in "\"'":
            out.append(char)
            continue
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        opening = bool(_OPENING_CONTEXT.match(before)) and not after.isspace()
        if char == '"':
            out.append(open_double if opening else close_double)
        elif opening:
            out.append(open_single)
        else:
            # Closing single quote and apostrophe are the same character, except in
            # French where an apostrophe inside a word must not become a guillemet.
            out.append("’" if lang == "fr" or before.isalnum() and after.isalnum() else close_single)
    return "".join(out)


def _french_spacing(text: str) -> str:
    text = re.sub(r"«[ \u00a0\u202f]*", "«" + NBSP, text)
    text = re.sub(r"[ \u00a0\u202f]*»", NBSP + "»", text)
    # A space the author typed before ; : ! ? becomes a narrow no-break space.
    return re.sub(r"[ \u00a0](?=[;:!?])", NNBSP, text)


def typeset(text: str, lang: str) -> str:
    """Return ``text`` with the quotes, dashes and spacing of language ``lang``."""
    text = _quotes(text, lang)
    text = re.sub(r"(?<=\s)--?(?=\s)", "–", text)
    if lang == "fr":
        text = _french_spacing(text)
    return text
