"""What a check adds to loading: the text as the document stage reads it, as the fonts print it, and
the workspace's own templates and reference document as the writers use them.

Every function returns positioned diagnostics and never raises for bad input.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from pressgen.check import glyphs
from pressgen.document import contrast, markup
from pressgen.document.localize import localize
from pressgen.errors import Diagnostic, InputError, RenderError
from pressgen.workspace.load import release_languages
from pressgen.workspace.model import Release, Workspace
from pressgen.workspace.yamlio import SEPARATORS, LoadedYaml, load_yaml, separators
from pressgen.writers.docx import reference_problems, reference_warnings
from pressgen.writers.html import render_html, template_problems

NOT_PRINTED = frozenset({"organization", "date", "embargo", "source", "languages", "tags", "status",
                         "source_hash", "file", "placement", "logo", "brand", "phones", "kind"})
MAX_LISTED = 3  # characters named in one message


def _printed_texts(data: Any, loc: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """The texts of YAML data that documents print, with their places (ids, dates and file names left out)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key not in NOT_PRINTED:
                yield from _printed_texts(value, (*loc, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            if not (loc == ("contacts",) and isinstance(value, str)):  # a contact's id
                yield from _printed_texts(value, (*loc, index))
    elif isinstance(data, str):
        yield loc, data


def _char_at(loaded: LoadedYaml, loc: tuple[str | int, ...], value: str, char: str) -> tuple[int, int]:
    """The position of ``char`` in the file: searched from the field's position over the lines the value
    spans (those indented deeper than its key), else the field's own position (a character written as an
    escape such as \\u2028)."""
    line, col = loaded.locate(loc)
    lines = loaded.text.split("\n")
    if not 0 < line <= len(lines):
        return line, col
    key_indent = len(lines[line - 1]) - len(lines[line - 1].lstrip(" -"))
    number = line
    while number <= len(lines):
        text = lines[number - 1]
        if number > line and text.strip() and len(text) - len(text.lstrip(" ")) <= key_indent:
            break  # the next key: the value ended
        found = text.find(char, col - 1 if number == line else 0)
        if found >= 0:
            return number, found + 1
        number += 1
    return line, col


def _character_problems(loaded: LoadedYaml, texts: Iterable[tuple[tuple[str | int, ...], str]]) -> list[Diagnostic]:
    problems = []
    for loc, value in texts:
        if value.isascii():
            continue
        name = ".".join(map(str, loc))
        for char in separators(value):
            problems.append(Diagnostic(
                loaded.path, *_char_at(loaded, loc, value, char),
                f"{name}: U+{ord(char):04X} {SEPARATORS[char]} (a line break pasted from a word processor) "
                "is printed as a space",
                "a text field holds no line breaks of its own: for a new paragraph of the body leave an empty "
                "line; elsewhere delete the character", severity="warning"))
        missing = glyphs.unprintable(value)
        if missing:
            listed = ", ".join(glyphs.describe(char) for char in missing[:MAX_LISTED])
            if len(missing) > MAX_LISTED:
                listed += f" and {len(missing) - MAX_LISTED} more"
            one = len(missing) == 1
            problems.append(Diagnostic(
                loaded.path, *_char_at(loaded, loc, value, missing[0]),
                f"{name}: {listed}: not in any installed font, so {'it prints' if one else 'they print'} "
                "as an empty box",
                f"install a font that has {'it' if one else 'them'} (on Debian or Ubuntu: fonts-noto-core, "
                "fonts-noto-cjk and fonts-noto-color-emoji, which scripts/setup-system.sh installs), or replace "
                f"{'the character' if one else 'these characters'}", severity="warning"))
    return problems


@lru_cache(maxsize=8)
def _config_character_problems(path: Path, mtime_ns: int, size: int) -> dict[tuple[str, str], list[Diagnostic]]:
    """The character problems of each organisation and contact of a pressgen.yaml, found once per version."""
    try:
        loaded = load_yaml(path)
    except InputError:
        return {}
    found: dict[tuple[str, str], list[Diagnostic]] = {}
    for section in ("organizations", "contacts"):
        entries = loaded.data.get(section)
        for key, value in entries.items() if isinstance(entries, dict) else ():
            found[(section, str(key))] = _character_problems(loaded, _printed_texts(value, (section, key)))
    return found


def character_checks(loaded: LoadedYaml, release: Release, workspace: Workspace) -> list[Diagnostic]:
    """Characters of the release's texts, and of the organisations and contacts it shows, that print
    as an empty box or as a space; warnings, positioned at the character (or its field)."""
    languages = release_languages(release, workspace.config)
    texts = [(loc, value) for loc, value in _printed_texts(loaded.data)
             if not (len(loc) > 1 and loc[0] == "text" and loc[1] not in languages)]
    problems = _character_problems(loaded, texts)
    config = workspace.config
    contacts = [config.contacts[c] if isinstance(c, str) else c for c in release.contacts
                if not isinstance(c, str) or c in config.contacts]
    used = [("organizations", release.organization)]
    used += [("contacts", c) for c in release.contacts if isinstance(c, str)]
    used += [("organizations", c.organization) for c in contacts if c.organization]
    try:
        stat = workspace.config_path.stat()
    except OSError:
        return problems
    per_entry = _config_character_problems(workspace.config_path, stat.st_mtime_ns, stat.st_size)
    for key in dict.fromkeys(used):
        problems += per_entry.get(key, [])
    return problems




def no_press_contact(path: Path, line: int = 1, col: int = 1, severity: str = "warning") -> Diagnostic:
    """A release that names no press contact: a warning of check, an error of --strict and --final."""
    return Diagnostic(path, line, col, "the release has no press contact: journalists have no one to ask",
                      "name one under 'contacts:' (an id from pressgen.yaml's contacts, or a contact written out)",
                      severity=severity)  # type: ignore[arg-type]


def press_convention_checks(loaded: LoadedYaml, release: Release, workspace: Workspace) -> list[Diagnostic]:
    """What a press officer checks before sending: a press contact, and an address in each language."""
    problems = []
    if not release.contacts:
        line, col = loaded.locate(("contacts",)) if "contacts" in loaded.data else (1, 1)
        problems.append(no_press_contact(loaded.path, line, col))
    languages = release_languages(release, workspace.config)
    org = workspace.config.organizations.get(release.organization)
    if org is not None and len(languages) > 1 and org.address is not None:
        written = set(org.address) if isinstance(org.address, dict) else set()
        missing = [lang for lang in languages if lang not in written]
        if missing:
            problems += _address_warning(workspace.config_path, release.organization, tuple(missing))
    return problems


def _address_warning(config_path: Path, org_id: str, missing: tuple[str, ...]) -> list[Diagnostic]:
    try:
        line, col = load_yaml(config_path).locate(("organizations", org_id, "address"))
    except InputError:
        line, col = 1, 1
    names = ", ".join(missing)
    return [Diagnostic(config_path, line, col,
                       f"the address of organisation '{org_id}' has no {names} version: the {names} "
                       "footers print it as written, in another language",
                       "write it per language, e.g. address: {nl: 'Wetstraat 155, 1040 Brussel', "
                       "fr: 'Rue de la Loi 155, 1040 Bruxelles', en: 'Rue de la Loi 155, 1040 Brussels'}",
                       severity="warning")]


def workspace_template_checks(release: Release, workspace: Workspace) -> list[Diagnostic]:
    """Fill the workspace's own page template with this release, as the PDF writer will.

    Only Jinja2 runs (no layout), so this costs milliseconds; it finds what a
    template that compiles can still fail on, such as a misspelt variable.
    """
    if not (workspace.root / "templates" / "release.html").is_file():
        return []
    for lang in release_languages(release, workspace.config):
        if lang not in release.text:
            continue  # a language 'translate' is about to write
        try:
            render_html(localize(release, workspace, lang, draft=True))  # the mark too
        except RenderError as exc:
            return exc.diagnostics
    return []


@lru_cache(maxsize=8)
def _contrast_problems(path: Path, mtime_ns: int, size: int) -> dict[str, list[Diagnostic]]:
    """The contrast warning of each organisation of a pressgen.yaml whose brand colour fails WCAG AA
    for small text on white, found once per version of the file."""
    try:
        loaded = load_yaml(path)
    except InputError:
        return {}
    found: dict[str, list[Diagnostic]] = {}
    entries = loaded.data.get("organizations")
    for key, value in entries.items() if isinstance(entries, dict) else ():
        brand = value.get("brand") if isinstance(value, dict) else None
        color = brand.get("color") if isinstance(brand, dict) else None
        if not isinstance(color, str) or not re.fullmatch(r"#[0-9A-Fa-f]{6}", color):
            continue  # the model reports a colour it cannot read
        ratio = contrast.contrast_ratio(color)
        if ratio >= contrast.SMALL_TEXT:
            continue
        darker = contrast.readable(color)
        large = ("; its headline stays in it (large text needs 3:1)" if ratio >= contrast.LARGE_TEXT else
                 f"; so does its headline, in {contrast.readable(color, ratio=contrast.LARGE_TEXT)} (large text "
                 "needs 3:1)")
        found[str(key)] = [Diagnostic(
            path, *loaded.locate(("organizations", key, "brand", "color")),
            f"organizations.{key}.brand.color: {color} on white is {ratio:.1f}:1, under the 4.5:1 that WCAG AA "
            f"asks of small text: the PDF prints the organisation's small text (name, labels, intertitles, "
            f"links) in {darker}, a darker shade of it{large}",
            f"choose a brand colour of 4.5:1 or more on white for text (such as {darker}), or keep this one "
            "and the darker shade", severity="warning")]
    return found


def contrast_checks(release: Release, workspace: Workspace) -> list[Diagnostic]:
    """A warning, at its line in pressgen.yaml, when the brand colour of the release's organisation
    fails WCAG AA's 4.5:1 on white as text (see pressgen.document.contrast)."""
    try:
        stat = workspace.config_path.stat()
    except OSError:
        return []
    return _contrast_problems(workspace.config_path, stat.st_mtime_ns, stat.st_size).get(release.organization, [])


def reference_checks(workspace: Workspace) -> list[Diagnostic]:
    """Warnings for what the DOCX writer leaves out of the workspace's own reference document
    (external relationships, macros, active fields): each release's DOCX is written on it."""
    return reference_warnings(workspace.root)




def markup_problems(loaded: LoadedYaml, loc: tuple[str | int, ...], text: str) -> list[Diagnostic]:
    _, problems = markup.parse(text)
    return [Diagnostic(loaded.path, *loaded.locate_in_text(loc, problem.line), problem.message, problem.hint)
            for problem in problems]


def text_markup_checks(loaded: LoadedYaml) -> list[Diagnostic]:
    """The body and notes of every language as the document stage parses them (raw data: the model may be
    invalid elsewhere, and these are reported all the same)."""
    problems: list[Diagnostic] = []
    text = loaded.data.get("text")
    for lang, block in text.items() if isinstance(text, dict) else ():
        for name in ("body", "notes"):
            value = block.get(name) if isinstance(block, dict) else None
            if isinstance(value, str):
                problems += markup_problems(loaded, ("text", lang, name), value)
    return problems


def workspace_checks(workspace: Workspace) -> list[Diagnostic]:
    """The workspace's own parts as the writers use them: boilerplate Markdown, templates, reference.docx."""
    problems: list[Diagnostic] = []
    try:
        loaded = load_yaml(workspace.config_path)
    except InputError as exc:
        return exc.diagnostics
    for org_id, org in workspace.config.organizations.items():
        loc = ("organizations", org_id)
        if isinstance(org.boilerplate, dict):
            for lang, text in org.boilerplate.items():
                problems += markup_problems(loaded, (*loc, "boilerplate", lang), text)
        elif org.boilerplate:
            problems += markup_problems(loaded, (*loc, "boilerplate"), org.boilerplate)
    problems += template_problems(workspace.root)
    problems += reference_problems(workspace.root)
    return problems
