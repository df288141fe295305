"""The studio's forms turned into write-backs, and ``check``'s findings placed at their fields.

A save is refused, with the file untouched, when:
- the file changed on disk since the page was opened (``base``, the SHA-256 of
  the bytes the page was made from, no longer matches): :class:`Conflict`; the
  last comparison and the rename are one step under the file's lock, so of
  many saves made from one version (tabs, threads, commands) exactly one wins;
- the edited release would not pass ``check``: :class:`Invalid`, carrying the
  same diagnostics ``check`` prints, each placed at its form field.
Both go through :func:`pressgen.translation.segments.save`, the write-back the command line uses.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from pressgen.check import check_release
from pressgen.errors import Diagnostic, PressgenError, errors_only
from pressgen.files import ChangedOnDisk
from pressgen.studio.state import Entry
from pressgen.translation.segments import Filled, Pair, fields_and_records, save
from pressgen.translation.translate import segment_label
from pressgen.workspace.load import EVERY_LANGUAGE
from pressgen.workspace.model import TEXT_FIELDS, Release, Workspace
from pressgen.workspace.yamledit import base_of, plain
from pressgen.workspace.yamlio import LoadedYaml, read_regular_file

TOP_FIELDS = ("date", "embargo", "tags", "contacts", "facts", "images")


class Conflict(PressgenError):
    """The release file changed on disk since the page was opened; nothing was written."""

    def __init__(self, message: str, on_disk: str, submitted: str) -> None:
        super().__init__(message)
        self.on_disk = on_disk
        self.submitted = submitted


class Invalid(PressgenError):
    """The edited release would not pass ``check``, or the form asks what the file cannot say; nothing
    was written. ``loaded``: the edited file as parsed, whose positions the diagnostics give; ``placed``:
    the diagnostics already at their form fields (a segment), when they are not found by position."""

    loaded: LoadedYaml | None = None
    placed: Placed | None = None


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str:
    return digest(read_regular_file(path))


@dataclass(frozen=True)
class At:
    """Where in a text field a diagnostic points: the field ("body"), its own line (1-based), the stretch
    of it to mark (offset and length in UTF-16 code units, as a browser counts), and that line's text."""

    field: str
    line: int
    col: int
    length: int
    text: str


@dataclass(frozen=True)
class Placed:
    """Diagnostics by form field ("text.nl.body", "date", a segment id …); "" holds the rest. ``within``:
    for a diagnostic inside a text field, where in the field's value it points."""

    by_field: dict[str, list[Diagnostic]]
    within: dict[Diagnostic, At] = field(default_factory=dict)

    def at(self, name: str) -> list[Diagnostic]:
        return self.by_field.get(name, [])

    def where(self, diagnostic: Diagnostic) -> At | None:
        return self.within.get(diagnostic)

    @property
    def unplaced(self) -> list[Diagnostic]:
        return self.by_field.get("", [])


def place(diagnostics: list[Diagnostic], loaded: LoadedYaml | None, languages: list[str]) -> Placed:
    """Put each diagnostic at the form field whose YAML starts last at or before its line (and, inside
    a text field, at its place in the field's value: :func:`within`)."""
    starts: list[tuple[int, str]] = []
    locs: dict[str, tuple[str, str, str]] = {}
    if loaded is not None:
        for name in TOP_FIELDS:
            if isinstance(loaded.data, Mapping) and name in loaded.data:
                starts.append((loaded.locate((name,))[0], name))
        text = loaded.data.get("text") if isinstance(loaded.data, Mapping) else None
        for lang in languages:
            block = text.get(lang) if isinstance(text, Mapping) else None
            if isinstance(block, Mapping):
                for name in TEXT_FIELDS:
                    if name in block:
                        line = loaded.locate(("text", lang, name))[0]
                        starts.append((line, f"text.{lang}.{name}"))
                        locs[f"text.{lang}.{name}"] = ("text", lang, name)
    starts.sort()
    by_field: dict[str, list[Diagnostic]] = {}
    inside: dict[Diagnostic, At] = {}
    for diagnostic in diagnostics:
        name = ""
        for line, candidate in starts:
            if line <= diagnostic.line:
                name = candidate
        if name and diagnostic.line == 1 and starts and starts[0][0] > 1:
            name = ""
        by_field.setdefault(name, []).append(diagnostic)
        at = within(loaded, locs[name], diagnostic) if loaded is not None and name in locs else None
        if at is not None:
            inside[diagnostic] = at
    return Placed(by_field, inside)


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def within(loaded: LoadedYaml, loc: tuple[str, ...], diagnostic: Diagnostic) -> At | None:
    """Where a diagnostic's ``line:col`` in the YAML file falls in the value of the text field at ``loc``
    (see :meth:`LoadedYaml.position_in_text`). A position at the start of a line (a markup problem knows
    its line only) marks the line's words; one further in marks the character there."""
    found = loaded.position_in_text(loc, diagnostic.line, diagnostic.col)
    if found is None:
        return None
    number, col, lines = found[0] + 1, found[1], found[2]
    text = lines[number - 1]
    col = max(0, min(col, len(text)))
    lead = len(text) - len(text.lstrip())
    start, end = (lead, len(text.rstrip())) if col <= lead else (col, col + 1)
    return At(loc[-1], number, _utf16(text[:start]), _utf16(text[start:end]), text)


def at_segments(placed: Placed, entry: Entry, lang: str, form: Mapping[str, str]) -> Placed:
    """On a translation page, the findings placed at a text field (``text.fr.body``) moved to the
    segment they are about: of that field's segments edited in this save (a save is refused only for
    errors it brings), the one whose text holds what the message quotes, else the first edited."""
    alignment = entry.alignments.get(lang)
    if alignment is None or (entry.model is not None and lang == entry.model.source):
        return placed
    prefix = f"text.{lang}."
    by_field: dict[str, list[Diagnostic]] = {}
    for name, found in placed.by_field.items():
        for diagnostic in found:
            key = name
            if name.startswith(prefix):
                pairs = [p for p in alignment.pairs if p.source is not None and p.field == name[len(prefix):]]
                texts = {p.id: form.get(f"segment.{p.id}", "") for p in pairs}
                edited = [p for p in pairs if texts[p.id].strip() != (p.target or "").strip()] or pairs
                quoted = [q for q in re.findall(r"'([^']+)'", diagnostic.message) if len(q) > 1]
                chosen = next((p for p in edited if any(q in texts[p.id] for q in quoted)),
                              edited[0] if edited else None)
                if chosen is not None:
                    key = f"segment.{chosen.id}"
            by_field.setdefault(key, []).append(diagnostic)
    return Placed(by_field, placed.within)


def segment_where(pairs: list[Pair], pair: Pair) -> str:
    """Where a segment is, in words: "headline", "body, paragraph 3"."""
    return segment_label(pairs, pair).replace(" ¶", ", paragraph ")


def _emptied(entry: Entry, lang: str, emptied: list[tuple[int, Pair]]) -> Invalid:
    """The refusal of a save that empties translated segments, each at its segment's field: a segment
    is translated or not, and emptying it in the form would leave the file's text to come back."""
    loaded = entry.checked.loaded
    found: dict[str, list[Diagnostic]] = {}
    pairs = entry.alignments[lang].pairs
    names = []
    for number, pair in emptied:
        line = loaded.locate(("text", lang, pair.field))[0] if loaded is not None else 1
        name = f"segment {number} ({segment_where(pairs, pair)})"
        names.append(name)
        found[f"segment.{pair.id}"] = [Diagnostic(
            entry.path, line, 1, f"{name[:1].upper()}{name[1:]} is empty: a translated segment cannot be emptied",
            "write its translation (the file still holds the one it had); "
            "to drop the paragraph, remove it from the source text")]
    invalid = Invalid(f"{', '.join(names)} emptied: a translated segment cannot be emptied, only rewritten",
                      [d for ds in found.values() for d in ds])
    invalid.placed = Placed(found)
    return invalid


def _validator(path: Path, workspace: Workspace, known: set[str]) -> Callable[[Path], None]:
    """A check of the written file before it replaces ``path``: refuses it for an error ``check``
    reports that the file did not have before (``known``: the messages of its errors now). A release
    being written may lack its translations, and errors the form does not touch stay the file's."""
    def validate(written: Path) -> None:
        with tempfile.TemporaryDirectory(prefix="pressgen-studio-") as folder:
            candidate = Path(folder) / path.name
            shutil.copyfile(written, candidate)
            checked = check_release(candidate, workspace, pending=EVERY_LANGUAGE)
            errors = [replace(d, path=path) if d.path == candidate else d for d in errors_only(checked.diagnostics)
                      if d.message not in known]
        if errors:
            invalid = Invalid(f"{path.name}: not saved, it would not pass check", errors)
            invalid.loaded = checked.loaded
            raise invalid

    return validate


def _write(entry: Entry, release: Release, base: str, submitted: str,
           languages: dict[str, dict[str, str]], records: dict[str, list], top: dict | None) -> None:
    # The page's version (``base``) must be the file's now, and the one the edit was worked out from.
    loaded = entry.checked.loaded
    try:
        original: bytes | None = base_of(loaded) if loaded is not None else read_regular_file(release.path)
    except ChangedOnDisk:
        original = None
    if original is None or digest(original) != base:
        raise Conflict(f"{release.path.name} changed on disk since this page was opened; nothing was saved",
                       read_regular_file(release.path).decode("utf-8", "replace"), submitted)
    validate = _validator(release.path, entry.workspace, {d.message for d in entry.errors})
    try:  # compared again, and written, under the file's lock: of two saves of one version, one wins
        save(release, languages, records, top, base=original, validate=validate)
    except ChangedOnDisk:
        raise Conflict(f"{release.path.name} changed on disk while saving; nothing was saved",
                       read_regular_file(release.path).decode("utf-8", "replace"), submitted) from None


def _lines(value: str) -> list[str]:
    return [part.strip() for part in value.replace(",", "\n").split("\n") if part.strip()]


def _local(form: Mapping[str, str], prefix: str, languages: list[str]) -> str | dict[str, str] | None:
    """A text given per language (``prefix.nl``, ``prefix.fr`` …): one string when every language
    says the same, a mapping when they differ, None when all are empty."""
    values = {lang: form.get(f"{prefix}.{lang}", "").strip() for lang in languages}
    values = {lang: value for lang, value in values.items() if value}
    if not values:
        return None
    if len(values) == len(languages) and len(set(values.values())) == 1:
        return next(iter(values.values()))
    return values


def _rows(form: Mapping[str, str], kind: str) -> list[int]:
    """The row numbers of a repeated group of fields (``fact.0.label.nl``, ``image.2.file`` …)."""
    numbers = set()
    for key in form:
        parts = key.split(".")
        if len(parts) > 2 and parts[0] == kind and parts[1].isdigit() and len(parts[1]) < 4:
            numbers.add(int(parts[1]))
    return sorted(numbers)


def facts_from(form: Mapping[str, str], languages: list[str]) -> list[dict[str, object]]:
    """The key facts of the form; a row whose label and value are both empty is dropped."""
    facts: list[dict[str, object]] = []
    for number in _rows(form, "fact"):
        label, value = (_local(form, f"fact.{number}.{part}", languages) for part in ("label", "value"))
        if label is None and value is None:
            continue
        facts.append({"label": label or "", "value": value or ""})
    return facts


def images_from(form: Mapping[str, str], languages: list[str]) -> list[dict[str, object]]:
    """The photos of the form; a row without a file is dropped."""
    images = []
    for number in _rows(form, "image"):
        file = form.get(f"image.{number}.file", "").strip()
        if not file:
            continue
        image: dict[str, object] = {"file": file, "alt": _local(form, f"image.{number}.alt", languages) or ""}
        caption = _local(form, f"image.{number}.caption", languages)
        if caption is not None:
            image["caption"] = caption
        credit = form.get(f"image.{number}.credit", "").strip()
        if credit:
            image["credit"] = credit
        if form.get(f"image.{number}.placement") == "end":
            image["placement"] = "end"
        images.append(image)
    return images


def _per_language(value: object, languages: list[str]) -> object:
    """Facts or photos with every text spelled out per language, to compare what they say."""
    if isinstance(value, list):
        return [_per_language(item, languages) for item in value]
    if isinstance(value, Mapping):
        if value and set(value) <= set(languages) and all(isinstance(v, str) for v in value.values()):
            return {lang: str(value.get(lang, "")).strip() for lang in languages}
        return {key: _per_language(item, languages) for key, item in value.items()
                if item not in (None, "") and not (key == "placement" and item == "lead")}
    if isinstance(value, str):
        return {lang: value.strip() for lang in languages}
    return value


def save_source(entry: Entry, form: Mapping[str, str], contacts: list[str]) -> None:
    """Write the source language's fields and the release's date, embargo, tags and contacts."""
    release = entry.model
    if release is None:
        raise Invalid("the release file cannot be read; fix it in a text editor first", entry.errors)
    lang = release.source
    values = {name: form.get(f"text.{lang}.{name}", "").strip() for name in TEXT_FIELDS}
    values = {name: (value + "\n" if name in ("body", "notes") else value) for name, value in values.items() if value}
    block = release.text.get(lang)
    if block is not None and block.status:
        values["status"] = block.status
    embargo = form.get("embargo", "").strip()
    languages = entry.workspace.config.languages
    top: dict[str, object] = {
        "date": form.get("date", "").strip() or release.date.isoformat(),
        "embargo": embargo or None,
        "tags": _lines(form.get("tags", "")),
        "contacts": contacts,
    }
    raw = entry.checked.loaded.data if entry.checked.loaded and isinstance(entry.checked.loaded.data, dict) else {}
    # Contacts written out in the release (not from pressgen.yaml) are not in the form: they stay as written.
    top["contacts"] = [c for c in raw.get("contacts") or [] if not isinstance(c, str) or c in contacts] + \
        [c for c in contacts if c not in (raw.get("contacts") or [])]
    # The form shows facts and photos in every language; they are written only if they say something new,
    # so a file's own way of writing them (one text for all languages, a mapping) stays.
    for key, read in (("facts", facts_from), ("images", images_from)):
        if any(name.startswith(f"{key[:-1]}.") for name in form):
            sent = read(form, languages)
            if _per_language(sent, languages) != _per_language(plain(raw.get(key) or []), languages):
                top[key] = sent or None
    submitted = "\n".join(f"{name}: {value}" for name, value in {**values, **top}.items())
    _write(entry, release, form.get("base", ""), submitted, {lang: values}, {}, top)


def save_translation(entry: Entry, lang: str, form: Mapping[str, str], reviewed: set[str]) -> None:
    """Write one language's segments: edited text becomes a draft, a ticked segment is reviewed."""
    release = entry.model
    if release is None or lang not in entry.alignments:
        raise Invalid("the release file cannot be read; fix it in a text editor first", entry.errors)
    alignment = entry.alignments[lang]
    filled: dict[str, Filled] = {}
    emptied: list[tuple[int, Pair]] = []
    everything = form.get("all_reviewed") == "on"
    number = 0
    for pair in alignment.pairs:
        if pair.source is None:
            continue
        number += 1  # as the page numbers its segments
        text = form.get(f"segment.{pair.id}")
        if text is None:
            continue
        text = text.replace("\r\n", "\n").strip("\n") if pair.field not in ("body", "notes") else text.replace(
            "\r\n", "\n").strip("\n")
        if not text.strip():
            if pair.target is not None and pair.target.strip():
                emptied.append((number, pair))
            continue
        ticked = everything or pair.id in reviewed
        if ticked:
            state = "reviewed"
        elif pair.target is not None and text == pair.target.strip("\n") and pair.state != "stale":
            state = pair.state if pair.state in ("machine", "draft") else "draft"  # unticked: not reviewed any more
        else:
            state = "draft"
        filled[pair.id] = Filled(pair, text, state)
    if emptied:
        raise _emptied(entry, lang, emptied)
    block = release.text.get(lang)
    fields, records, summary, complete = fields_and_records(alignment.pairs, filled, block)
    if not fields:
        return
    values = {**fields, "status": summary}
    if complete:
        values["source_hash"] = release.source_hash()
    elif block is not None and block.source_hash:
        values["source_hash"] = block.source_hash
    submitted = "\n\n".join(f"[{pair_id}] {item.text}" for pair_id, item in filled.items())
    _write(entry, release, form.get("base", ""), submitted, {lang: values}, {lang: records}, None)
