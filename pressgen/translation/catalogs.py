"""Label catalogs for translators: extract, update, init and check, with Babel.

The fixed words of a document are marked with ``_()`` in pressgen's code and
templates. ``extract`` collects them into ``locales/pressgen.pot``; ``update``
merges that template into every PO file; ``init LANG`` starts a new language;
``check`` reports, per language, entries that are untranslated or fuzzy in the
catalog a build would use (the packaged one with the workspace's entries on top).
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import write_po

from pressgen import __version__
from pressgen.errors import UsageError
from pressgen.files import ChangedOnDisk, replace_verified
from pressgen.resources import DOMAIN, PACKAGE_DIR, PACKAGED_LOCALES, PACKAGED_TEMPLATES, catalog_paths
from pressgen.workspace.labels import read_catalog
from pressgen.workspace.yamlio import read_regular_file

KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}


def locales_dir(workspace_root: Path | None) -> Path:
    """Return the folder the commands work on: the workspace's locales/, or the packaged one."""
    return workspace_root / "locales" if workspace_root else PACKAGED_LOCALES


def po_path(folder: Path, lang: str) -> Path:
    return folder / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _read(path: Path) -> Catalog:
    """Read a PO or POT file; raises InputError, positioned, for one a build would refuse too."""
    return read_catalog(path)


def _write(path: Path, catalog: Catalog, original: bytes | None = None, new: bool = False,
           **options: object) -> None:
    """Write a catalog safely: only onto the ``original`` it was read from, or (``new``) where none is."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_output=True, **options)  # type: ignore[arg-type]
    replace_verified(path, buffer.getvalue(), original=original, new=new)


def extract(workspace_root: Path | None) -> tuple[Path, int]:
    """Extract every marked word from pressgen and the workspace's templates into the POT.

    Returns the POT's path and its number of messages.
    """
    catalog = Catalog(project="pressgen", version=__version__, domain=DOMAIN, fuzzy=False)
    # The packaged templates live at the top of the repository (pressgen/templates links there),
    # and Babel does not follow links: each folder is searched itself.
    html = [("**.html", "jinja2")]
    sources = [(PACKAGE_DIR, [("**.py", "python")]), (PACKAGED_TEMPLATES.resolve(), html)]
    if workspace_root and (workspace_root / "templates").is_dir():
        sources.append((workspace_root / "templates", html))
    for folder, methods in sources:
        for filename, lineno, message, comments, context in extract_from_dir(
                str(folder), methods, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",), strip_comment_tags=True):
            catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    pot = locales_dir(workspace_root) / f"{DOMAIN}.pot"
    _write(pot, catalog, omit_header=False, include_lineno=False)
    return pot, len(catalog)


def _template(workspace_root: Path | None) -> Catalog:
    pot = locales_dir(workspace_root) / f"{DOMAIN}.pot"
    if not pot.is_file():
        extract(workspace_root)
    return _read(pot)


def update(workspace_root: Path | None) -> list[Path]:
    """Merge the POT into every PO file of the folder; returns the files updated."""
    template = _template(workspace_root)
    updated = []
    for path in sorted(locales_dir(workspace_root).glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        original = read_regular_file(path)  # a translator's tool may save it meanwhile: then nothing is written
        catalog = _read(path)
        catalog.update(template, update_header_comment=False)
        _write(path, catalog, original, ignore_obsolete=True)
        updated.append(path)
    return updated


def init(workspace_root: Path | None, lang: str) -> Path:
    """Create the PO file of a new language from the POT; never overwrites one.

    Raises :class:`UsageError` for an unknown language or an existing catalog.
    """
    try:
        locale = Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        raise UsageError(f"unknown language '{lang}'") from None
    path = po_path(locales_dir(workspace_root), lang)
    if path.exists():
        raise UsageError(f"{path} already exists; use 'pressgen locales update' to bring it up to date")
    template = _template(workspace_root)
    translator = _translator()
    catalog = Catalog(
        locale=locale, domain=DOMAIN, project="pressgen labels", version=__version__, fuzzy=False,
        header_comment=f"# {locale.english_name} labels of pressgen documents (kind, dates, contacts, pages).\n"
                       "# Translate every msgstr; keep placeholders such as %(organization)s as they are.",
        msgid_bugs_address=translator or PLACEHOLDER_TRANSLATOR,
        last_translator=translator or PLACEHOLDER_TRANSLATOR,
        language_team=f"{locale.english_name} <{translator.split('<')[-1].rstrip('>') if translator else ''}>",
        revision_date=datetime.datetime.now(datetime.UTC))
    catalog.update(template)
    try:
        _write(path, catalog, new=True)
    except ChangedOnDisk:
        raise UsageError(f"{path} already exists; use 'pressgen locales update' to bring it up to date") from None
    return path


PLACEHOLDER_TRANSLATOR = "FULL NAME <EMAIL@ADDRESS>"
# What gettext and Babel write where a person or date belongs; a catalog that still says it is unfinished.
PLACEHOLDERS = ("FULL NAME", "EMAIL@ADDRESS", "FIRST AUTHOR", "LL@li.org", "YEAR-MO-DA", "PACKAGE VERSION")


def _translator() -> str | None:
    """The translator as git knows them ('Name <address>'), or None."""
    import subprocess

    try:
        name, email = (subprocess.run(["git", "config", key], capture_output=True, text=True, timeout=5).stdout.strip()
                       for key in ("user.name", "user.email"))
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{name} <{email}>" if name and email else None


def header_placeholders(path: Path) -> list[str]:
    """Return the header fields of a PO file that still hold a placeholder (FULL NAME, EMAIL@ADDRESS…)."""
    catalog = _read(path)
    found = [name for name, value in catalog.mime_headers if any(mark in value for mark in PLACEHOLDERS)]
    comment = catalog.header_comment or ""
    return found + (["header comment"] if any(mark in comment for mark in PLACEHOLDERS) else [])


@dataclass
class CatalogReport:
    lang: str
    untranslated: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    placeholders: dict[Path, list[str]] = field(default_factory=dict)  # header fields never filled in

    @property
    def complete(self) -> bool:
        return bool(self.files) and not self.untranslated and not self.fuzzy and not self.placeholders


def check(workspace_root: Path | None, languages: list[str]) -> list[CatalogReport]:
    """Report untranslated and fuzzy entries of each language's effective catalog."""
    template = _read_or_extract(workspace_root) if workspace_root else _template(None)
    reports = []
    for lang in languages:
        report = CatalogReport(lang)
        report.files = catalog_paths(workspace_root, lang)
        own = [path for path in report.files if workspace_root is None or path.is_relative_to(workspace_root)]
        report.placeholders = {path: fields for path in own if (fields := header_placeholders(path))}
        translated: dict[object, bool] = {}
        fuzzy: set[object] = set()
        for path in report.files:  # packaged first, the workspace's entries override
            for message in _read(path):
                if not message.id:
                    continue
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                done = all(strings)
                if done or message.id not in translated:
                    translated[message.id] = done
                    if message.fuzzy and done:
                        fuzzy.add(message.id)
                    else:
                        fuzzy.discard(message.id)
        for message in template:
            if not message.id:
                continue
            label = message.id if isinstance(message.id, str) else message.id[0]
            if not translated.get(message.id):
                report.untranslated.append(label)
            elif message.id in fuzzy:
                report.fuzzy.append(label)
        reports.append(report)
    return reports


def _read_or_extract(workspace_root: Path) -> Catalog:
    """The workspace's POT if it has one (it adds the words of its own templates), else the packaged one."""
    pot = locales_dir(workspace_root) / f"{DOMAIN}.pot"
    return _read(pot if pot.is_file() else PACKAGED_LOCALES / f"{DOMAIN}.pot")
