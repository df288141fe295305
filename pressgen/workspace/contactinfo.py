"""Phone numbers, e-mail addresses and websites: validation and display form."""

from __future__ import annotations

from urllib.parse import urlsplit

import phonenumbers
from babel import Locale
from email_validator import EmailNotValidError, validate_email


def region_of(locale: str) -> str | None:
    """Return the country of a Babel locale (``nl_BE`` -> ``BE``), or None."""
    try:
        return Locale.parse(locale).territory
    except (ValueError, TypeError):
        return None


def format_phone(raw: str, region: str | None) -> str:
    """Return ``raw`` in international format (``0476 85 08 92`` -> ``+32 476 85 08 92``).

    Raises ValueError with a readable reason when it is not a valid number.
    """
    return phonenumbers.format_number(_parse_phone(raw, region), phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_link(raw: str, region: str | None) -> str:
    """Return the ``tel:`` link of a valid phone number (``tel:+32476850892``)."""
    return "tel:" + phonenumbers.format_number(_parse_phone(raw, region), phonenumbers.PhoneNumberFormat.E164)


def is_mobile(raw: str, region: str | None) -> bool:
    """Whether a valid phone number is known to be a mobile one."""
    return phonenumbers.number_type(_parse_phone(raw, region)) == phonenumbers.PhoneNumberType.MOBILE


def _parse_phone(raw: str, region: str | None) -> phonenumbers.PhoneNumber:
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        reason = "it has no country code and no default region applies" \
            if exc.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE else str(exc)
        raise ValueError(reason) from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError("it is not a valid number")
    return number


def check_email(raw: str) -> str | None:
    """Return None when ``raw`` is a valid address, else the reason it is not."""
    try:
        validate_email(raw, check_deliverability=False)
    except EmailNotValidError as exc:
        return str(exc)
    return None


def check_website(raw: str) -> str | None:
    """Return None when ``raw`` is an http(s) URL, else the reason it is not."""
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "a website must be a full http:// or https:// address"
    return None


def website_display(url: str) -> str:
    """Return the short form of a website for print: host and path, no scheme."""
    parts = urlsplit(url)
    return (parts.netloc + parts.path).rstrip("/")
