"""Label catalogs: gettext translations compiled in memory from the PO files.

PO files are the translators' source of truth; compiling them on load means no
binary MO file can go stale beside its PO.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from .errors import Diagnostic, RenderError
from .resources import catalog_paths


@lru_cache(maxsize=64)
def _compile(path: Path, mtime_ns: int) -> bytes:
    with path.open("rb") as handle:
        catalog = read_po(handle, domain="pressgen")
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


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
        current = Translations(io.BytesIO(_compile(path, path.stat().st_mtime_ns)), domain="pressgen")
        merged = current if merged is None else merged.merge(current)
    assert merged is not None
    return merged
