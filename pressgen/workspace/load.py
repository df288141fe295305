"""Load stage: YAML files -> validated model, every problem reported with its position.

Validation runs in one pass and collects everything it finds: shape errors
from pydantic, then the checks that span files (ids that must exist, a locale
per language, a text for every language), so a user fixes a file in one go.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import get_timezone
from pydantic import ValidationError

from pressgen.errors import Diagnostic, InputError, UsageError, errors_only
from pressgen.resources import DOMAIN, catalog_paths
from pressgen.workspace.contactinfo import check_email, check_website, format_phone, region_of
from pressgen.workspace.diagnostics import pydantic_diagnostics
from pressgen.workspace.images import image_problem
from pressgen.workspace.labels import catalog_problems
from pressgen.workspace.model import TEXT_FIELDS, Config, LocalText, Organization, Release, Workspace, pick
from pressgen.workspace.outputs import name_problems, pattern_problems
from pressgen.workspace.yamlio import SEPARATORS, LoadedYaml, load_yaml, plain_separators
from pressgen.workspace.yamlio import read_regular_file as _read_regular_file

CONFIG_NAME = "pressgen.yaml"
PLACEHOLDER = "TODO"  # what 'pressgen new' leaves for the author to replace
RELEASE_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
MAX_ID_LENGTH = 100  # ids become file names, which file systems cap at 255 bytes
# Organisation and contact ids: the {org} placeholder puts them into output paths.
WORKSPACE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass
class CheckedRelease:
    """The outcome of checking one release file: the model when valid, and all diagnostics."""

    path: Path
    release: Release | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    loaded: LoadedYaml | None = None  # the parsed file, for positions

    @property
    def ok(self) -> bool:
        return self.release is not None and not errors_only(self.diagnostics)


def find_workspace(start: Path) -> Path:
    """Return the nearest folder at or above ``start`` that holds pressgen.yaml.

    Raises :class:`UsageError` when there is none.
    """
    start = start.resolve()
    for folder in [start if start.is_dir() else start.parent, *start.parents]:
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise UsageError(f"no {CONFIG_NAME} found in {start} or any folder above it "
                     "(run pressgen inside a workspace, or create pressgen.yaml)")


def outside_workspace(path: Path) -> Diagnostic | None:
    """Return an error when the release file ``path`` lies in a workspace but resolves outside it.

    A release file that is a symbolic link into another workspace (or lies in a
    releases/ folder that is one) would be built with that workspace's settings,
    into that workspace's output folder, where the user neither looks nor meant to
    write. The workspace a file is named in is the nearest folder above it, as
    written, that holds pressgen.yaml; a workspace reached through a link of its
    own (~/work -> /data/work) is fine.
    """
    named = Path(os.path.abspath(path))
    real = named.resolve()
    if real == named:
        return None
    for folder in named.parents:
        if (folder / CONFIG_NAME).is_file():
            root = folder.resolve()
            break
    else:
        return None  # named outside any workspace: the file belongs to the workspace it lies in
    if real.is_relative_to(root):
        return None
    return Diagnostic(named, 1, 1, f"this release file is a symbolic link to {real}, outside its workspace {root}",
                      "pressgen builds a release with the settings and into the output folder of the workspace "
                      "it lies in: copy the file into this workspace, or build it in its own workspace")


# --- pydantic errors -> positioned diagnostics -------------------------------------------


def load_workspace(root: Path) -> Workspace:
    """Load and validate ``root/pressgen.yaml``.

    Raises :class:`InputError` carrying every problem found.
    """
    root = root.resolve()
    path = root / CONFIG_NAME
    loaded = _load_yaml(path)
    try:
        config = Config.model_validate(plain_separators(loaded.data))
    except ValidationError as exc:
        raise InputError("invalid workspace", pydantic_diagnostics(loaded, exc, Config)) from None
    problems = _check_config(loaded, config, root) + _workspace_file_problems(root)
    if problems:
        raise InputError("invalid workspace", problems)
    return Workspace(root=root, config=config, config_path=path)


def _check_locale(loaded: LoadedYaml, loc: tuple[str | int, ...], locale: str) -> list[Diagnostic]:
    try:
        Locale.parse(locale)
    except (UnknownLocaleError, ValueError):
        return [loaded.diagnostic(loc, f"unknown locale '{locale}'", "use a code such as nl_BE, fr_BE or en_GB")]
    return []


def asset_problem(root: Path, relative: str) -> str | None:
    """Return why ``relative`` is not an image both writers can embed from the workspace's assets/, or None."""
    path = (root / relative).resolve()
    if not path.is_relative_to((root / "assets").resolve()):
        return f"{relative} must be inside the workspace's assets/ folder"
    if not path.is_file():
        return f"file {relative} does not exist"
    reason = image_problem(path)
    return f"{relative} {reason}" if reason else None


def _check_catalog(loaded: LoadedYaml, loc: tuple[str | int, ...], root: Path, lang: str) -> list[Diagnostic]:
    if (paths := catalog_paths(root, lang)):
        return _untranslated_labels(paths, lang)
    return [loaded.diagnostic(loc, f"no label catalog for language '{lang}'",
                              f"create it with 'pressgen locales init {lang}', then translate its entries")]


def _untranslated_labels(paths: list[Path], lang: str) -> list[Diagnostic]:
    """A warning at the first label no catalog of ``lang`` translates (its English is shown), naming how many."""
    from babel.messages.pofile import read_po

    translated: set[str] = set()
    first: dict[str, tuple[Path, int]] = {}
    for path in paths:
        try:
            with path.open("rb") as file:
                catalog = read_po(file)
        except Exception:  # noqa: BLE001 - babel raises many kinds (an unknown charset: LookupError)
            return []  # the catalog's own errors are the renderer's and 'locales check''s to report
        for message in catalog:
            if not message.id or not isinstance(message.id, str):
                continue
            if message.string and not message.fuzzy:
                translated.add(message.id)
            else:
                first.setdefault(message.id, (path, message.lineno or 1))
    untranslated = [key for key in first if key not in translated]
    if not untranslated:
        return []
    path, line = first[untranslated[0]]
    return [Diagnostic(path, line, 1, f"{len(untranslated)} label(s) not translated into '{lang}' "
                       f"(\"{untranslated[0]}\" first); documents show their English",
                       f"write each msgstr in {path.name} ('pressgen locales check' lists them)",
                       severity="warning")]


def _workspace_file_problems(root: Path) -> list[Diagnostic]:
    """The workspace's own label catalogs, read as a build reads them."""
    problems: list[Diagnostic] = []
    for po in sorted((root / "locales").glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        problems += catalog_problems(po)
    return problems


def _check_config(loaded: LoadedYaml, config: Config, root: Path) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    for lang, locale in config.locales.items():
        problems += _check_locale(loaded, ("locales", lang), locale)
    for index, lang in enumerate(config.languages):
        if lang not in config.locales:
            problems += _check_locale(loaded, ("languages", index), lang)
        problems += _check_catalog(loaded, ("languages", index), root, lang)
    for problem in pattern_problems(config.output, len(config.languages), len(config.formats)):
        problems.append(loaded.diagnostic(("output",), problem.message, problem.hint))
    if config.timezone:
        try:
            get_timezone(config.timezone)
        except (LookupError, ValueError, OSError):  # zoneinfo refuses paths such as '../x' with ValueError
            problems.append(loaded.diagnostic(("timezone",), f"unknown time zone '{config.timezone}'",
                                              "use a name such as Europe/Brussels"))
    for section in ("organizations", "contacts"):
        for key in getattr(config, section):
            if not WORKSPACE_ID.match(key) or len(key) > MAX_ID_LENGTH:
                problems.append(loaded.diagnostic((section, key), f"id '{key}' is not allowed",
                                                  "use letters, digits, '-', '_' or '.' (at most "
                                                  f"{MAX_ID_LENGTH}), starting with a letter or digit"))
    for org_id, org in config.organizations.items():
        loc = ("organizations", org_id)
        if org.logo and (reason := asset_problem(root, org.logo)):
            problems.append(loaded.diagnostic((*loc, "logo"), f"logo {reason}",
                                              "Word and PDF documents embed PNG and JPEG images from assets/"))
        if org.website and (reason := check_website(org.website)):
            problems.append(loaded.diagnostic((*loc, "website"), reason))
    region = region_of(config.home_locale())
    for contact_id, contact in config.contacts.items():
        problems += _check_contact(loaded, ("contacts", contact_id), contact.model_dump(), config, region)
    return problems


def _check_contact(loaded: LoadedYaml, loc: tuple[str | int, ...], contact: dict[str, Any],
                   config: Config, region: str | None) -> list[Diagnostic]:
    """Check the values of a contact; values of the wrong type are left to the model's own errors."""
    problems = []
    org = contact.get("organization")
    if isinstance(org, str) and org and org not in config.organizations:
        problems.append(_unknown(loaded, (*loc, "organization"), "organization", org, config.organizations))
    email = contact.get("email")
    if isinstance(email, str) and email and (reason := check_email(email)):
        problems.append(loaded.diagnostic((*loc, "email"), f"invalid e-mail address '{email}': {reason}"))
    phones = contact.get("phones")
    for index, phone in enumerate(phones if isinstance(phones, list) else []):
        if not isinstance(phone, str):
            continue
        try:
            format_phone(phone, region)
        except ValueError as exc:
            problems.append(loaded.diagnostic((*loc, "phones", index), f"invalid phone number '{phone}': {exc}",
                                              "write it as +32 2 287 74 12, or as a national number"))
    website = contact.get("website")
    if isinstance(website, str) and website and (reason := check_website(website)):
        problems.append(loaded.diagnostic((*loc, "website"), reason))
    return problems


def _unknown(loaded: LoadedYaml, loc: tuple[str | int, ...], what: str, value: str,
             known: Iterable[str]) -> Diagnostic:
    known = sorted(known)
    close = difflib.get_close_matches(value, known, n=1)
    hint = f"did you mean '{close[0]}'?" if close else \
        (f"known in pressgen.yaml: {', '.join(known)}" if known else f"define it in pressgen.yaml under {what}s")
    return loaded.diagnostic(loc, f"unknown {what} '{value}'", hint)


# --- releases ------------------------------------------------------------------------------


class _EveryLanguage(Collection[str]):
    """For ``pending``: any language may still lack its text (translating or exporting one needs no other)."""

    def __contains__(self, lang: object) -> bool:
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


EVERY_LANGUAGE = _EveryLanguage()


def release_languages(release: Release, config: Config) -> list[str]:
    """Return the languages a release is built in: its own list, else the workspace's."""
    return list(release.languages or config.languages)


def read_release(path: Path, workspace: Workspace, pending: Collection[str] = ()) -> CheckedRelease:
    """Read and validate one release file against its workspace (YAML -> model); never raises for bad input.

    The load stage's part of a check: :func:`pressgen.check.check_release` adds what needs the
    document stage and the writers.

    Languages in ``pending`` may lack their text (``translate`` is about to write it).
    """
    path = Path(path)
    release_id = path.stem
    if (outside := outside_workspace(path)) is not None:
        return CheckedRelease(path, None, [outside])
    try:
        loaded = _load_yaml(path)
    except InputError as exc:
        return CheckedRelease(path, None, exc.diagnostics)
    problems: list[Diagnostic] = []
    if not RELEASE_ID.match(release_id):
        problems.append(Diagnostic(path, 1, 1, f"release id '{release_id}' is not allowed",
                                   "name the file with lower-case letters, digits, '-', '_' or '.'"))
    elif len(release_id) > MAX_ID_LENGTH:
        problems.append(Diagnostic(path, 1, 1, f"release id is {len(release_id)} characters long; "
                                   f"at most {MAX_ID_LENGTH}", "give the file a shorter name"))
    release: Release | None = None
    try:
        release = Release.model_validate({**plain_separators(loaded.data), "id": release_id, "path": path})
    except ValidationError as exc:
        problems += pydantic_diagnostics(loaded, exc, Release)
    problems += _cross_checks(loaded, workspace, pending)
    if release is not None and not errors_only(problems):
        problems += _output_checks(loaded, release, workspace.config)
        problems += _content_checks(loaded, release, workspace)
    return CheckedRelease(path, release if not errors_only(problems) else None, problems, loaded)


def _output_checks(loaded: LoadedYaml, release: Release, config: Config) -> list[Diagnostic]:
    """The release's documents must each get a file name the file system can hold."""
    languages = release_languages(release, config)
    problems = []
    if len(languages) > 1 and "{lang}" not in config.output:
        problems.append(loaded.diagnostic(("languages",), "the output pattern of pressgen.yaml has no {lang}, "
                                          "so this release's languages would be written to one file",
                                          "add {lang} to output in pressgen.yaml"))
    values = {"id": release.id, "date": release.date.isoformat(), "org": release.organization}
    for lang in languages:
        for fmt in config.formats:
            for problem in name_problems(config.output, {**values, "lang": lang, "format": fmt}):
                problems.append(Diagnostic(loaded.path, 1, 1, problem.message, problem.hint))
            if problems:
                return problems
    return problems


def _content_checks(loaded: LoadedYaml, release: Release, workspace: Workspace) -> list[Diagnostic]:
    """Photos must be images both writers embed; facts and photo texts should exist in every language."""
    problems = []
    for index, image in enumerate(release.images):
        if (reason := asset_problem(workspace.root, image.file)) is not None:
            problems.append(loaded.diagnostic(("images", index, "file"), f"image {reason}",
                                              "put photos in assets/ as PNG or JPEG"))
    # the languages written: a workspace language not translated yet has its own warning
    languages = [lang for lang in release_languages(release, workspace.config) if lang in release.text]
    texts: list[tuple[tuple[str | int, ...], LocalText | None]] = []
    for index, image in enumerate(release.images):
        texts += [(("images", index, "alt"), image.alt), (("images", index, "caption"), image.caption)]
    for index, fact in enumerate(release.facts):
        texts += [(("facts", index, "label"), fact.label), (("facts", index, "value"), fact.value)]
    for loc, text in texts:
        missing = [lang for lang in languages if isinstance(text, dict) and lang not in text]
        if missing:
            problems.append(Diagnostic(*_at(loaded, loc), f"{'.'.join(map(str, loc))} has no "
                                       f"{', '.join(missing)} version; the English one is shown",
                                       f"write {', '.join(f'{lang}: …' for lang in missing)} under "
                                       f"{'.'.join(map(str, loc))} in the release", severity="warning"))
    return problems


# --- characters: what no installed font prints, and line separators pasted from word processors ----

# Keys whose values are ids, dates, codes or file names, never printed as text.
def _load_yaml(path: Path) -> LoadedYaml:
    """:func:`load_yaml`; for a file that does not parse, first say where a line separator broke it.

    A line or paragraph separator (U+2028, U+2029) pasted into a block of text
    ends the line for YAML, which then reports an indentation problem.
    """
    try:
        return load_yaml(path)
    except InputError as exc:
        errors = errors_only(exc.diagnostics)
        try:
            text = _read_regular_file(path).decode("utf-8-sig").replace("\r\n", "\n")
        except (InputError, UnicodeDecodeError):
            raise exc from None
        lines = text.split("\n")
        found = []
        for match in re.finditer("[\u2028\u2029]", text):
            line = text.count("\n", 0, match.start()) + 1
            col = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
            # YAML stopped at it, or at what follows it after spaces.
            if any(d.line == line and d.col >= col and not lines[line - 1][col:d.col - 1].strip(" ")
                   for d in errors):
                found.append(Diagnostic(path, line, col, f"U+{ord(match.group()):04X} "
                                        f"{SEPARATORS[match.group()]} (a line break pasted from a word "
                                        "processor) ends the line here for YAML",
                                        "replace it with a space, or with an empty line for a new paragraph"))
        if not found:
            raise
        raise InputError(str(exc), [*found, *exc.diagnostics]) from None


def duplicate_ids(paths: Iterable[Path]) -> dict[Path, Diagnostic]:
    """Return an error for each release file whose id another file of its workspace already has.

    Release ids are file names; two releases of one id would be built into the
    same documents.
    """
    first: dict[tuple[Path, str], Path] = {}
    problems = {}
    for path in paths:
        try:
            key = (find_workspace(path), path.stem)
        except UsageError:
            continue
        if key in first:
            problems[path] = Diagnostic(path, 1, 1, f"release id '{path.stem}' is also the id of {first[key]}",
                                        "release ids are file names and must be unique: rename one file")
        else:
            first[key] = path
    return problems


def load_release(path: Path, workspace: Workspace | None = None) -> Release:
    """Load and validate a release; the workspace is found from the path when not given.

    Raises :class:`InputError` carrying every problem found.
    """
    workspace = workspace or load_workspace(find_workspace(Path(path)))
    checked = read_release(Path(path), workspace)
    if checked.release is None:
        raise InputError(f"{path}: invalid release", checked.diagnostics)
    return checked.release


def _cross_checks(loaded: LoadedYaml, workspace: Workspace, pending: Collection[str] = ()) -> list[Diagnostic]:
    """Checks on the raw data that need the workspace; defensive about shapes pydantic reports."""
    data, config = loaded.data, workspace.config
    problems: list[Diagnostic] = []
    org = data.get("organization")
    if isinstance(org, str) and org not in config.organizations:
        problems.append(_unknown(loaded, ("organization",), "organization", org, config.organizations))
    contacts = data.get("contacts")
    languages = data.get("languages") if isinstance(data.get("languages"), list) else config.languages
    source = data.get("source")
    region = region_of(config.home_locale())
    for index, contact in enumerate(contacts if isinstance(contacts, list) else []):
        if isinstance(contact, str) and contact not in config.contacts:
            problems.append(_unknown(loaded, ("contacts", index), "contact", contact, config.contacts))
        elif isinstance(contact, dict):
            problems += _check_contact(loaded, ("contacts", index), contact, config, region)
    text = data.get("text")
    if not isinstance(text, dict):
        return problems
    if isinstance(source, str) and source not in text:
        problems.append(loaded.diagnostic(("source",), f"source language '{source}' has no text",
                                          f"add a '{source}:' block under 'text'"))
    for index, lang in enumerate(languages):
        if not isinstance(lang, str):
            continue
        where = ("languages", index) if "languages" in data else ("text",)
        if lang not in text and lang not in pending and "languages" not in data:
            # A language added to the workspace is not yet translated in its older releases: a state, not an error.
            problems.append(Diagnostic(*_at(loaded, ("text",)),
                                       f"no '{lang}' text yet: '{lang}' is one of the workspace's languages "
                                       f"(pressgen.yaml), not translated in this release; build makes no "
                                       f"'{lang}' documents of it",
                                       f"run 'pressgen translate {loaded.path.stem} --to {lang}', or give the "
                                       "release a languages: list of its own", severity="warning"))
        elif lang not in text and lang not in pending:
            problems.append(loaded.diagnostic(where, f"language '{lang}' is listed but has no text",
                                              f"add a '{lang}:' block under 'text', or run "
                                              f"'pressgen translate {loaded.path.stem} --to {lang}'"))
        elif lang in text:
            if lang not in config.locales:
                problems += _check_locale(loaded, where, lang)
            problems += _check_catalog(loaded, where, workspace.root, lang)
    source_text = text.get(source) if isinstance(source, str) else None
    for lang, block in text.items():
        if not isinstance(block, dict):
            continue
        if lang not in languages:
            problems.append(Diagnostic(*_at(loaded, ("text", lang)),
                                       f"text for '{lang}' is not built: '{lang}' is not in languages",
                                       severity="warning"))
        if isinstance(source_text, dict) and lang != source:
            for name in TEXT_FIELDS:
                if source_text.get(name) and not block.get(name) and name not in ("headline", "body"):
                    problems.append(loaded.diagnostic(
                        ("text", lang), f"'{name}' is in the {source} text but missing in {lang}",
                        f"translate it, or remove it from the {source} text"))
        for name in TEXT_FIELDS:
            value = block.get(name)
            if isinstance(value, str) and PLACEHOLDER in value:
                problems.append(Diagnostic(*_at(loaded, ("text", lang, name)),
                                           f"{lang} {name} still holds the {PLACEHOLDER} text of 'pressgen new'",
                                           "write the real text", severity="warning"))
    problems += _workspace_text_problems(workspace, org, contacts, [lang for lang in languages
                                                                    if isinstance(lang, str) and lang in text])
    for org_id in [org] if isinstance(org, str) and org in config.organizations else []:
        organization = config.organizations[org_id]
        boilerplate = organization.boilerplate
        for lang in languages:
            if isinstance(lang, str) and boilerplate is not None and pick(boilerplate, lang) is None:
                continue  # said at its place in pressgen.yaml (_workspace_text_problems)
            elif isinstance(lang, str) and boilerplate is not None and not _about_chosen(organization, lang):
                problems.append(Diagnostic(*_at(loaded, ("organization",)),
                                           f"the 'About …' heading of '{org_id}' in '{lang}' is made from its name "
                                           "by rule, which may not fit (an article, an elision)",
                                           f"write it out in pressgen.yaml: about: {{{lang}: …}} (or give a "
                                           f"short_name in '{lang}')", severity="warning"))
    return problems


ORGANIZATION_TEXTS = ("name", "short_name", "tagline", "address", "boilerplate")  # "about": its own warning


def _workspace_text_problems(workspace: Workspace, org: object, contacts: object,
                             languages: list[str]) -> list[Diagnostic]:
    """A warning at its place in pressgen.yaml for each organisation and contact text of this release that has
    versions per language but none in a language the release has text in (its English one is shown)."""
    config = workspace.config
    wanted: list[tuple[tuple[str | int, ...], object]] = []
    if isinstance(org, str) and org in config.organizations:
        organization = config.organizations[org]
        wanted += [(("organizations", org, name), getattr(organization, name)) for name in ORGANIZATION_TEXTS]
    for contact in contacts if isinstance(contacts, list) else []:
        if isinstance(contact, str) and contact in config.contacts:
            wanted.append((("contacts", contact, "role"), config.contacts[contact].role))
    problems: list[Diagnostic] = []
    missing = [(loc, [lang for lang in languages if isinstance(value, dict) and pick(value, lang) is None])
               for loc, value in wanted]
    if not any(langs for _, langs in missing):
        return problems
    try:
        settings = _load_yaml(workspace.config_path)
    except InputError:
        return problems
    for loc, langs in missing:
        for lang in langs:
            what = "boilerplate" if loc[-1] == "boilerplate" else f"'{loc[-1]}'"
            owner = f"organization '{loc[1]}'" if loc[0] == "organizations" else f"contact '{loc[1]}'"
            shown = "none is shown" if loc[-1] == "boilerplate" else "the English one is shown"
            problems.append(Diagnostic(*_at(settings, loc), f"{owner} has no {what} in '{lang}'; {shown}",
                                       f"write it in pressgen.yaml: {lang}: … under {'.'.join(map(str, loc))}",
                                       severity="warning"))
    return problems


def _about_chosen(organization: Organization, lang: str) -> bool:
    """Whether the organisation's boilerplate heading in ``lang`` is its author's choice, not a rule's guess."""
    return pick(organization.about, lang) is not None or (
        isinstance(organization.short_name, dict) and lang in organization.short_name)


def _at(loaded: LoadedYaml, loc: tuple[str | int, ...]) -> tuple[Path, int, int]:
    line, col = loaded.locate(loc)
    return loaded.path, line, col


