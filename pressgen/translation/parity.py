"""Fact parity: the numbers, dates, times, addresses and links of a translation must be its source's.

A translation that turns 40 000 runners into 4 000, 28 May into 29 May, or a
phone number into another is worse than an untranslated one. For each segment
this compares what both texts state, each read in its own locale: numbers
(40 000 = 40,000 = 40.000), percentages, dates (day and month, whatever the
month's name), times (10 h = 10.00 uur = 10:00 = 10am), e-mail addresses, phone
numbers (as numbers, not as typed) and URLs (including link targets).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import phonenumbers
from babel import Locale
from babel.dates import get_month_names
from babel.numbers import get_decimal_symbol, get_group_symbol

from pressgen.document import markup

Fact = tuple[str, str]  # (kind, normalised value)

_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>()\"“”«»]+", re.I)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_TIME = re.compile(r"\b([01]?\d|2[0-3])\s?(?:[:.h]\s?([0-5]\d)\b(?:\s?uur)?|h\b|\s?uur\b|\s?(am|pm)\b)", re.I)
_SPACES = "[ \u00a0\u202f]"
_NUMBER = re.compile(rf"\d{{1,3}}(?:(?:{_SPACES}|[.,’']){{1}}\d{{3}})+(?:[.,]\d+)?(?!\d)|\d+(?:[.,]\d+)?")
_PERCENT = re.compile(rf"^{_SPACES}?(%|procent\b|pour{_SPACES}cent\b|per{_SPACES}?cent\b)", re.I)
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b")


@lru_cache(maxsize=16)
def _months(locale: str) -> dict[str, int]:
    """Month names and abbreviations of a locale, lower-case, to their number."""
    names: dict[str, int] = {}
    for width in ("wide", "abbreviated"):
        for context in ("format", "stand-alone"):
            for number, name in get_month_names(width, context, locale=locale).items():
                names[name.lower().rstrip(".")] = number
    return names


@lru_cache(maxsize=16)
def _date_pattern(locale: str) -> re.Pattern[str]:
    names = "|".join(sorted((re.escape(n) for n in _months(locale)), key=len, reverse=True))
    return re.compile(rf"\b(\d{{1,2}})(?:er|st|nd|rd|th|e)?{_SPACES}?(?:of{_SPACES})?({names})\.?\b"
                      rf"|\b({names})\.?{_SPACES}(\d{{1,2}})(?:st|nd|rd|th)?\b", re.I)


def _number(text: str, locale: str) -> Decimal | None:
    group, decimal = get_group_symbol(locale), get_decimal_symbol(locale)
    if re.fullmatch(rf"\d{{1,3}}(?:(?:{_SPACES}|[.,’']){{1}}\d{{3}})+", text) and (
            re.search(_SPACES, text) or group in text or (decimal not in text)):
        return Decimal(re.sub(rf"{_SPACES}|[.,’']", "", text))
    cleaned = re.sub(_SPACES, "", text).replace(group, "" if group != decimal else group)
    cleaned = cleaned.replace(decimal, ".") if decimal != "." else cleaned.replace(",", "")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def facts(text: str, locale: str, region: str | None = None) -> Counter[Fact]:
    """Return the facts a Markdown segment states, normalised so that two languages compare.

    National phone numbers are read in ``region`` (the workspace's home country,
    as everywhere in pressgen), else in the locale's country.
    """
    blocks, _ = markup.parse(text)
    found: Counter[Fact] = Counter()
    for href in _links(blocks):
        if href.lower().startswith("mailto:"):
            found["e-mail", href[7:].lower()] += 1
        else:
            found["URL", href.rstrip("/").lower()] += 1
    plain = markup.plain_text(blocks)

    def take(pattern: re.Pattern[str], kind: str, value: Callable[[re.Match[str]], str]) -> None:
        nonlocal plain
        for found_match in pattern.finditer(plain):
            found[kind, value(found_match)] += 1
        plain = pattern.sub(" ", plain)

    take(_URL, "URL", lambda m: m.group(0).rstrip(".,;:!?").rstrip("/").lower())
    take(_EMAIL, "e-mail", lambda m: m.group(0).lower())
    region = region or Locale.parse(locale).territory or "BE"
    for phone in list(phonenumbers.PhoneNumberMatcher(plain, region)):
        found["phone", phonenumbers.format_number(phone.number, phonenumbers.PhoneNumberFormat.E164)] += 1
        plain = plain.replace(phone.raw_string, " ")
    take(_NUMERIC_DATE, "date", lambda m: f"{int(m.group(1))}/{int(m.group(2))}")
    months = _months(locale)

    def date(match: re.Match[str]) -> str:
        day, month = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
        return f"{int(day)}/{months[month.lower().rstrip('.')]}"

    take(_date_pattern(locale), "date", date)

    def time(match: re.Match[str]) -> str:
        hour = int(match.group(1)) % 12 + (12 if (match.group(3) or "").lower() == "pm" else 0) \
            if match.group(3) else int(match.group(1))
        return f"{hour}:{match.group(2) or '00'}"

    take(_TIME, "time", time)
    for match in _NUMBER.finditer(plain):
        value = _number(match.group(0), locale)
        if value is None:
            continue
        kind = "percentage" if _PERCENT.match(plain[match.end():]) else "number"
        found[kind, _show(value)] += 1
    return found


def _show(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _links(blocks: tuple[markup.Block, ...] | tuple[markup.Inline, ...]) -> list[str]:
    out: list[str] = []
    for item in blocks:
        if isinstance(item, markup.Link):
            out.append(item.href)
        children = getattr(item, "children", None)
        if children:
            out += _links(children)
        if isinstance(item, markup.ListBlock):
            for entry in item.items:
                out += _links(entry)
    return out


def differences(source: str, source_locale: str, target: str, target_locale: str,
                region: str | None = None) -> list[str]:
    """Return, in words, each fact of the source the translation lacks and each it adds."""
    return list(_differences(source, source_locale, target, target_locale, region))


@lru_cache(maxsize=8192)
def _differences(source: str, source_locale: str, target: str, target_locale: str,
                 region: str | None) -> tuple[str, ...]:
    """:func:`differences`, remembered: check, status and the studio ask for the same segments often."""
    theirs, ours = facts(source, source_locale, region), facts(target, target_locale, region)
    def times(count: int) -> str:
        return f" ({count}×)" if count > 1 else ""

    return tuple([f"{kind} {value} of the source is not in the translation{times(n)}"
                  for (kind, value), n in (theirs - ours).items()]
                 + [f"{kind} {value} is in the translation but not in the source{times(n)}"
                    for (kind, value), n in (ours - theirs).items()])
