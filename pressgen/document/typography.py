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


_ELIDING = "aeiouyàâäéèêëîïôöûüœAEIOUYÀÂÄÉÈÊËÎÏÔÖÛÜŒ"


def french_contractions(text: str) -> str:
    """Apply French contractions of "de": "de Unia" -> "d’Unia", "de le" -> "du", "de les" -> "des".

    Names starting with h are left alone (an aspirated h takes "de": "de Handicap
    International"); an organisation whose name needs otherwise writes its heading out with ``about``.
    """
    text = re.sub(r"\bde les\b", "des", text)
    text = re.sub(r"\bde le\b", "du", text)
    return re.sub(rf"\bde (?=[{_ELIDING}])", "d’", text)


# A range of two numbers typed with a hyphen ("16-17 november", "2019-2020"), not part of a longer chain
# (a date 2017-05-26 or a number 02-287-74-12 stays as typed).
_RANGE = re.compile(r"(?<![\d\-–/.:])(\d{1,4})-(\d{1,4})(?![\d\-–/.:])")
# A number in groups of three ("40 000", "1 250 000"): its spaces must not break a line.
_GROUPED = re.compile(r"(?<![\d.,])\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d])")


def typeset(text: str, lang: str) -> str:
    """Return ``text`` with the quotes, dashes and spacing of language ``lang``.

    Also: number ranges get an en dash, and the spaces inside a number in
    groups of three are no-break (narrow in French, as its thousands separator).
    """
    text = _quotes(text, lang)
    text = re.sub(r"(?<=\s)--?(?=\s)", "–", text)
    text = _RANGE.sub(r"\1–\2", text)
    group = NNBSP if lang == "fr" else NBSP
    text = _GROUPED.sub(lambda m: re.sub(r"[ \u00a0\u202f]", group, m.group(0)), text)
    if lang == "fr":
        text = _french_spacing(text)
    return text


# A word here runs to the next breakable space: "migrants »" (a no-break space before the guillemet) is one.
_LAST_TWO_WORDS = re.compile(r"([^ \t\n]+) ([^ \t\n]+)[ \t\n]*$")


def no_lone_last_word(text: str, longest: int = 30) -> str:
    """Join a title's last two words with a no-break space, so that its last line never holds one word
    (a closing » and the no-break space before it count with the word they follow).

    Not when the two words are longer together than ``longest`` characters (they would leave a
    gap of their own on the line above).
    """
    match = _LAST_TWO_WORDS.search(text)
    if not match or len(match.group(1)) + len(match.group(2)) >= longest or " " not in text[:match.start(2) - 1]:
        return text
    return text[:match.start(2) - 1] + NBSP + text[match.start(2):]
