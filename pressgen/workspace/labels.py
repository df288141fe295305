"""Label catalogs: gettext translations compiled in memory from the PO files.

PO files are the translators' source of truth; compiling them on load means no
binary MO file can go stale beside its PO. A workspace's PO files are user
input: :func:`catalog_problems` reads one as a build would and reports, with
its line, what would make rendering fail (bad syntax, an unknown charset, a
placeholder the label does not have, an absurd plural count).
"""

from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.support import Translations

from pressgen.errors import Diagnostic, InputError, RenderError
from pressgen.resources import DOMAIN, catalog_paths
from pressgen.workspace.yamlio import read_regular_file

MAX_PLURALS = 6  # CLDR's most, for Arabic; a larger count makes 'locales update' write huge files
_NAMED_PLACEHOLDER = re.compile(r"%\((\w+)\)")


def _header_line(raw: bytes, field: str) -> int:
    found = raw.find(field.encode())
    return raw.count(b"\n", 0, found) + 1 if found >= 0 else 1


def read_catalog(path: Path) -> Catalog:
    """Read a PO (or POT) file as the build will.

    Raises :class:`InputError` with the file and line for anything a build
    would fail on.
    """
    raw = read_regular_file(path)
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
    problems = []
    for message, errors in catalog.check():
        for error in errors:
            problems.append(Diagnostic(path, message.lineno or 1, 1, f"msgstr of {message.id!r}: {error}",
                                       "keep the placeholders of the msgid, such as %(organization)s"))
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        names = {name: "x" for text in ids if text for name in _NAMED_PLACEHOLDER.findall(str(text))}
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        for string in map(str, strings):
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
    """Return the merged label translations for ``lang`` (workspace entries override).

    Raises :class:`RenderError` when no catalog exists for the language.
    """
    paths = catalog_paths(workspace_root, lang)
    if not paths:
        where = (workspace_root or Path(".")) / "locales" / lang / "LC_MESSAGES" / "pressgen.po"
        raise RenderError(f"no label catalog for language '{lang}'", [Diagnostic(
            where, 1, 1, f"no label catalog for language '{lang}'",
            f"create it with 'pressgen locales init {lang}', then translate its entries")])
    merged: Translations | None = None
    for path in paths:
        current = _translations(_compile(path, path.stat().st_mtime_ns), path)
        merged = current if merged is None else merged.merge(current)
    assert merged is not None
    return merged
