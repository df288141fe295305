"""Label catalogs: gettext translations compiled in memory from the PO files.

PO files are the translators' source of truth; compiling them on load means no
binary MO file can go stale beside its PO. A workspace's PO files are user
input: :func:`catalog_problems` reads one as a build would and reports, with
its line, what would make rendering fail (bad syntax, an unknown charset, a
placeholder the label does not have, an absurd plural count, a character XML
cannot hold, a date/time pattern Babel cannot format, a merge conflict).

Each catalog's own Plural-Forms rule chooses among its own ``msgstr[n]``: the
workspace's catalog is asked first and falls back, entry by entry, to the
packaged one (a French PO from Poedit has two forms, the packaged one three).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from functools import lru_cache
from pathlib import Path

from babel.dates import format_datetime
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po, unescape
from babel.support import Translations

from pressgen.errors import Diagnostic, InputError, RenderError
from pressgen.resources import DOMAIN, catalog_paths
from pressgen.workspace.yamlio import XML_INVALID, conflict_problems, read_regular_file

MAX_PLURALS = 6  # CLDR's most, for Arabic; a larger count makes 'locales update' write huge files
_NAMED_PLACEHOLDER = re.compile(r"%\((\w+)\)")
# The catalog entries whose msgstr is a CLDR date/time pattern (the msgctxt of localize.embargo_time's pgettext).
PATTERN_CONTEXTS = ("embargo time on the hour", "embargo time with minutes")
# Moments a pattern is tried on: on the hour and with minutes, summer and winter time, a one-digit day.
_PATTERN_SAMPLES = (dt.datetime(2017, 5, 26, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))),
                    dt.datetime(2024, 12, 1, 9, 30, tzinfo=dt.UTC))


def format_pattern(when: dt.datetime, pattern: str, locale: str) -> str:
    """Return ``when`` written with a CLDR pattern from a catalog, in its own time zone.

    Any CLDR field may be used, a date field (the weekday ``EEEE``) as well as a
    time field. Raises ValueError for a pattern Babel cannot format (a check
    reports it first: :func:`catalog_problems`).
    """
    return format_datetime(when, pattern, tzinfo=when.tzinfo, locale=locale)


def pattern_problem(pattern: str, locale: str) -> str | None:
    """Return why ``pattern`` cannot write a date and time, or None when it can."""
    for sample in _PATTERN_SAMPLES:
        try:
            format_pattern(sample, pattern, locale)
        except (ValueError, LookupError) as exc:
            return str(exc)
    return None


def _header_line(raw: bytes, field: str) -> int:
    found = raw.find(field.encode())
    return raw.count(b"\n", 0, found) + 1 if found >= 0 else 1


def read_catalog(path: Path) -> Catalog:
    """Read a PO (or POT) file as the build will.

    Raises :class:`InputError` with the file and line for anything a build
    would fail on.
    """
    raw = read_regular_file(path)
    conflicts = conflict_problems(path, raw.decode("utf-8", "replace").replace("\r\n", "\n"))
    if conflicts:
        raise InputError("merge conflict", conflicts)
    try:
        catalog = read_po(io.BytesIO(raw), domain=DOMAIN, abort_invalid=True)
        plurals = catalog.num_plurals
    except PoFileError as exc:
        raise InputError("invalid catalog", [Diagnostic(path, exc.lineno or 1, 1, f"not a valid PO file: {exc}",
                                                        "check the quoting of msgid and msgstr lines here")]) \
            from None
    except (LookupError, UnicodeError) as exc:
        raise InputError("invalid catalog", [Diagnostic(
            path, _header_line(raw, "Content-Type"), 1, f"cannot read the catalog: {exc}",
            'declare "Content-Type: text/plain; charset=UTF-8\\n" and save the file as UTF-8')]) from None
    except ValueError as exc:
        raise InputError("invalid catalog", [Diagnostic(path, _header_line(raw, "Plural-Forms"), 1,
                                                        f"invalid catalog header: {exc}")]) from None
    if not 1 <= plurals <= MAX_PLURALS:
        raise InputError("invalid catalog", [Diagnostic(
            path, _header_line(raw, "Plural-Forms"), 1, f"nplurals={plurals} is out of range (1 to {MAX_PLURALS})",
            "copy the Plural-Forms line of your language from the gettext manual")])
    return catalog


def catalog_problems(path: Path) -> list[Diagnostic]:
    """Return what would make ``path`` fail a build: unreadable, uncompilable, or a label that cannot be filled.

    Remembered per file version: the preview loads the workspace, and so checks its catalogs, on every request.
    """
    try:
        mtime_ns = path.stat().st_mtime_ns
    except OSError as exc:
        return [Diagnostic(path, 1, 1, f"cannot read file: {exc.strerror}")]
    return list(_catalog_problems(path, mtime_ns))


@lru_cache(maxsize=64)
def _catalog_problems(path: Path, mtime_ns: int) -> tuple[Diagnostic, ...]:
    try:
        catalog = read_catalog(path)
        _translations(_mo(catalog), path)
    except InputError as exc:
        return tuple(exc.diagnostics)
    problems = _unwritable(path, catalog)
    for message, errors in catalog.check():
        for error in errors:
            problems.append(Diagnostic(path, message.lineno or 1, 1, f"msgstr of {message.id!r}: {error}",
                                       "keep the placeholders of the msgid, such as %(organization)s"))
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        names = {name: "x" for text in ids if text for name in _NAMED_PLACEHOLDER.findall(str(text))}
        for string in _strings(message):
            if not names or not string:
                continue
            try:
                string % names
            except (KeyError, ValueError, TypeError) as exc:
                if not any(p.line == message.lineno for p in problems):
                    problems.append(Diagnostic(path, message.lineno or 1, 1,
                                               f"msgstr of {message.id!r} cannot be filled in: {exc}",
                                               "write a literal percent sign as %%"))
    return tuple(problems)


def _strings(message: Message) -> list[str]:
    return [str(text) for text in (message.string if isinstance(message.string, tuple | list) else (message.string,))]


def _unwritable(path: Path, catalog: Catalog) -> list[Diagnostic]:
    """The translations a document cannot print: a character XML cannot hold, a date/time pattern Babel refuses.

    Fuzzy entries are left out, as the build leaves them out.
    """
    lines = read_regular_file(path).decode("utf-8", "replace").replace("\r\n", "\n").split("\n")
    locale = str(catalog.locale) if catalog.locale else "en"
    problems = []
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        for string in _strings(message):
            if (bad := XML_INVALID.search(string)):
                line, col = _msgstr_position(lines, message.lineno or 1, bad.group())
                problems.append(Diagnostic(path, line, col, f"msgstr of {message.id!r} holds the control character "
                                           f"U+{ord(bad.group()):04X}, which documents cannot hold",
                                           "remove it; it is usually an invisible leftover of copy and paste"))
                break
            if message.context in PATTERN_CONTEXTS and string and (reason := pattern_problem(string, locale)):
                line, col = _msgstr_position(lines, message.lineno or 1)
                problems.append(Diagnostic(path, line, col, f"msgstr of {message.id!r} ({message.context}) is not "
                                           f"a date/time pattern pressgen can use: {reason}",
                                           "write a CLDR pattern such as HH:mm, H 'h' mm or EEEE HH.mm 'uur' "
                                           "(words in single quotes)"))
    return problems


def _msgstr_position(lines: list[str], msgid_line: int, char: str | None = None) -> tuple[int, int]:
    """The 1-based line and column of an entry's msgstr, or of ``char`` in it (written raw or as an escape)."""
    found = None
    for number in range(msgid_line, len(lines) + 1):
        text = lines[number - 1]
        if number > msgid_line and not text.strip():
            break  # the entry ends at a blank line
        if found is None and not text.startswith("msgstr"):
            continue
        found = found or (number, 1)
        if char is None:
            return found
        if char in text:
            return number, text.index(char) + 1
        for escape in re.finditer(r"\\.", text):
            if unescape(f'"{escape.group()}"') == char:
                return number, escape.start() + 1
    return found or (msgid_line, 1)


def _mo(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def _translations(mo: bytes, path: Path) -> Translations:
    try:
        return Translations(io.BytesIO(mo), domain=DOMAIN)
    except (ValueError, SyntaxError, OverflowError, RecursionError) as exc:  # the plural expression
        raise InputError("invalid catalog", [Diagnostic(path, 1, 1, f"invalid Plural-Forms expression: {exc}",
                                                        "copy the Plural-Forms line of your language from "
                                                        "the gettext manual")]) from None


@lru_cache(maxsize=64)
def _compile(path: Path, mtime_ns: int) -> bytes:
    return _mo(read_catalog(path))


def translations(workspace_root: Path | None, lang: str) -> Translations:
    """Return the label translations for ``lang``: the workspace's entries first, then the packaged ones.

    Each catalog's msgstr[n] are chosen by its own Plural-Forms header.

    Raises :class:`RenderError` when no catalog exists for the language.
    """
    paths = catalog_paths(workspace_root, lang)
    if not paths:
        where = (workspace_root or Path(".")) / "locales" / lang / "LC_MESSAGES" / "pressgen.po"
        raise RenderError(f"no label catalog for language '{lang}'", [Diagnostic(
            where, 1, 1, f"no label catalog for language '{lang}'",
            f"create it with 'pressgen locales init {lang}', then translate its entries")])
    layered: Translations | None = None
    for path in paths:  # packaged first: each later catalog is asked first, with its own plural rule
        current = _translations(_compile(path, path.stat().st_mtime_ns), path)
        if layered is not None:
            current.add_fallback(layered)
        layered = current
    assert layered is not None
    return layered
