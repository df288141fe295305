"""Segments: the unit of translation state.

A segment is one field (headline, subheadline, dateline) or one paragraph of
a Markdown field (body, notes). Each translated segment knows the source
segment it was made from and its state (machine, draft, reviewed), so a change
in the source costs only the segments that changed, and human text of an
unchanged source segment is never touched.

The release file stays readable: one ``status`` and ``source_hash`` per
language remain its summary. The segment records live in a sidecar next to
it, ``<id>.segments.json``, committed with the release (a team shares its
translation state through version control). For each language it lists, in
the order of the translation's segments, the source text each was made from,
a fingerprint of the translation as pressgen last saw it, and its state.

:func:`align` pairs the current source segments with the translation's:
by the records where they match the file (so inserting, deleting or moving a
source paragraph keeps every other pair), else one to one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import hashlib
import itertools
import json
import re
import textwrap
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pressgen.document.markup import PARAGRAPH_BREAK, source_lines
from pressgen.errors import Diagnostic, InputError
from pressgen.workspace.model import TEXT_FIELDS, LanguageText, Release, TranslationStatus

SEGMENTED = ("body", "notes")
# The localized texts of a release outside its text blocks: each is one segment, named after its place
# ("fact-2-value": the value of the second fact), translated where the YAML gives it as language -> text.
LOCALIZED = re.compile(r"(fact|image)-([1-9][0-9]*)-(label|value|alt|caption)")
SIDECAR_SUFFIX = ".segments.json"
MAX_SIDECAR_BYTES = 16 * 1024 * 1024
SegmentState = Literal["machine", "draft", "reviewed", "stale", "missing", "orphan"]
HUMAN = ("draft", "reviewed")


def split(name: str, text: str | None) -> list[str]:
    """Return the segments of one field: its paragraphs for body and notes, else the field itself."""
    if not text or not text.strip():
        return []
    if name not in SEGMENTED:
        return [text]
    return [part.strip("\n") for part in PARAGRAPH_BREAK.split(text.strip("\n")) if part.strip()]


def join(name: str, parts: list[str]) -> str:
    """Return the field text of segments (paragraphs separated by a blank line)."""
    return "\n\n".join(parts) + "\n" if name in SEGMENTED else parts[0]


def localized_texts(release: Release) -> list[tuple[str, tuple[str, int, str], Any]]:
    """Return (segment name, YAML path, value) of each fact label and value and each photo's alt text and
    caption, in document order."""
    out: list[tuple[str, tuple[str, int, str], Any]] = []
    for index, fact in enumerate(release.facts):
        out += [(f"fact-{index + 1}-{part}", ("facts", index, part), getattr(fact, part))
                for part in ("label", "value")]
    for index, image in enumerate(release.images):
        out += [(f"image-{index + 1}-{part}", ("images", index, part), getattr(image, part))
                for part in ("alt", "caption")]
    return out


def localized_fields(release: Release, lang: str) -> dict[str, str]:
    """Return segment name -> ``lang`` text of the fact and photo texts that are translated: those given as
    language -> text with a source-language text (a plain string is the same in every language)."""
    return {name: value[lang] for name, _, value in localized_texts(release)
            if isinstance(value, dict) and release.source in value and isinstance(value.get(lang), str)
            and value[lang].strip()}


def field_location(name: str, lang: str) -> tuple[str | int, ...]:
    """Where a segment's field of language ``lang`` is in the release YAML (for positions)."""
    match = LOCALIZED.fullmatch(name)
    if match is None:
        return ("text", lang, name)
    return ("facts" if match[1] == "fact" else "images", int(match[2]) - 1, match[3], lang)


def is_localized(name: str) -> bool:
    """Whether a segment's field is a fact or photo text (not a field of a text block)."""
    return LOCALIZED.fullmatch(name) is not None


def line_of(text: str, segment: str) -> int:
    """Return the 0-based line of ``text`` (a field) on which ``segment`` starts; 0 when it is not there."""
    start = text.find(segment)
    return text.count("\n", 0, start) if start > 0 else 0


_HARD_BREAK = re.compile(r"(?:[ \t]{2,}|\\)$")  # a line ending so renders a line break, not a space


def normalised(text: str) -> str:
    """Return ``text`` as alignment and the memory compare it: white space is not a change.

    Runs of white space become one space and the ends are stripped; a line
    break inside a paragraph (a ``|`` block re-wrapped, or the same words as a
    ``>`` block) is a space, as it renders, unless the next line opens a list
    item, quote, intertitle or table row, or the line ends in a hard break;
    paragraphs stay separated by one blank line.
    """
    return "\n\n".join(_normalised_paragraph(textwrap.dedent(part.strip("\n")))
                        for part in PARAGRAPH_BREAK.split(text.strip("\n")) if part.strip())


def _normalised_paragraph(paragraph: str) -> str:
    if "\n" not in paragraph:
        return " ".join(paragraph.split())
    lines: list[str] = []  # the lines that stay lines: each opens an item, a quote, a row, or follows a hard break
    hard = False
    for line in source_lines(paragraph):
        opening = line.marker.strip()
        indent = line.marker[:len(line.marker) - len(line.marker.lstrip())] if opening else ""
        words = " ".join(line.text.split())
        if not lines or opening or line.cells is not None or hard:
            if hard:
                lines[-1] = lines[-1].removesuffix("\\") + "\\"
            lines.append(f"{indent}{opening} {words}".rstrip() if opening else words)
        elif words:
            lines[-1] = f"{lines[-1]} {words}" if lines[-1] else words
        hard = bool(words) and bool(_HARD_BREAK.search(line.text))
    return "\n".join(lines).strip()


def same_text(a: str | None, b: str | None) -> bool:
    """Whether two texts are the same but for white space (see :func:`normalised`)."""
    return a is not None and b is not None and normalised(a) == normalised(b)


def fingerprint(text: str) -> str:
    """12 hex digits identifying a segment's text, white space aside (see :func:`normalised`)."""
    return hashlib.sha256(normalised(text).encode()).hexdigest()[:12]


def fingerprint_matches(text: str, recorded: str) -> bool:
    """Whether ``recorded`` (a record's fingerprint) is ``text``'s, white space aside.

    Records written before fingerprints were normalised hold the hash of the
    stripped text as it was: those match too.
    """
    return recorded in (fingerprint(text), hashlib.sha256(text.strip().encode()).hexdigest()[:12])


def words(text: str | None) -> int:
    """The number of words of a text, as quotes count them."""
    return len((text or "").split())


# --- the sidecar -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """What pressgen knows of one translated segment."""

    field: str
    source: str  # the source segment's text it was made from
    target: str  # fingerprint of the translation as pressgen last wrote or read it
    state: str  # machine, draft or reviewed
    notes: Notes = ()  # the translator's notes on the unit (a review DOCX's comments): (author, text)


Notes = tuple[tuple[str, str], ...]


def with_notes(kept: Notes, added: Iterable[tuple[str, str]]) -> Notes:
    """Return ``kept`` and then each note of ``added`` it does not hold yet (the same comment imported twice is
    one note)."""
    out = list(kept)
    for note in added:
        if note not in out:
            out.append(note)
    return tuple(out)


def shown_note(note: tuple[str, str]) -> str:
    """A note as the review DOCX and reports show it: "author: text"."""
    author, text = note
    return f"{author}: {text}" if author else text


def sidecar_path(release_path: Path) -> Path:
    """Return the path of a release's segment records."""
    return release_path.with_name(release_path.stem + SIDECAR_SUFFIX)


_RECORDS_HINT = ("restore the file from version control (resolve its merge conflict), or delete it: the "
                 "translations are then paired one to one")


def read_records(release_path: Path, strict: bool = False) -> dict[str, list[Record]]:
    """Return language -> records; without a sidecar, none.

    Without records, segments are paired one to one, which is what a release
    never touched by pressgen's translation commands needs. A sidecar that
    cannot be read (not JSON, nested or larger beyond bounds, not the shape
    pressgen writes: a merge conflict, a truncated copy) counts as none too,
    unless ``strict``: then it raises :class:`InputError` positioned in the
    sidecar, which a command about to rewrite it needs, so that the records it
    holds are never replaced without a word.
    """
    from pressgen.workspace.safejson import read_json

    path = sidecar_path(release_path)
    try:
        data = read_json(path, MAX_SIDECAR_BYTES)
        return {lang: [Record(str(r["field"]), str(r["source"]), str(r["target"]), str(r["state"]),
                              tuple((str(n["from"]), str(n["text"])) for n in r.get("notes", ())))
                       for r in records if r.get("state") in ("machine", "draft", "reviewed")]
                for lang, records in data["languages"].items()}
    except FileNotFoundError:
        return {}
    except InputError as exc:
        if strict:
            raise InputError("unreadable segment records", [
                dataclasses.replace(d, message=f"the segment records cannot be read: {d.message}", hint=_RECORDS_HINT)
                for d in exc.diagnostics]) from None
        return {}
    except (KeyError, TypeError, AttributeError):
        if strict:
            raise InputError("unreadable segment records", [Diagnostic(
                path, 1, 1, "the segment records are not what pressgen writes (no 'languages' with lists of "
                "records)", _RECORDS_HINT)]) from None
        return {}


_STATE_RANK = {"machine": 0, "draft": 1, "reviewed": 2}


def resolve_merged(release: Release, records: dict[str, list[Record]]
                   ) -> tuple[dict[str, list[Record]], list[tuple[str, int, Record]]]:
    """Return the records with the duplicates a git merge leaves resolved, and those left unresolved.

    A field with more records than its translation has segments, two of them for
    the same source text, holds both sides' record of one segment (a clean merge
    of two branches that each recorded it). Of two such records, identical ones
    count once; else the one whose fingerprint is that of the field's text as it
    is now is kept (it describes the file, the other an older version of it);
    for the same text, the more human state is kept (reviewed, then draft, then
    machine: a later machine draft would have another text). Duplicates that no
    rule decides are returned as (language, index in its list, record), their
    field's records left as they were (its translation is then paired one to one).
    """
    resolved: dict[str, list[Record]] = {}
    unresolved: list[tuple[str, int, Record]] = []
    for lang, recs in records.items():
        block = release.text.get(lang)
        fields = {**(block.fields() if block else {}), **localized_fields(release, lang)}
        by_field: dict[str, list[int]] = {}
        for index, record in enumerate(recs):
            by_field.setdefault(record.field, []).append(index)
        dropped: set[int] = set()
        for name, live in by_field.items():
            targets = split(name, fields.get(name))
            current = {fingerprint(text) for text in targets}
            while len(live) > len(targets):
                loser = next((lose for a, b in itertools.combinations(live, 2)
                              if recs[a].source.strip() == recs[b].source.strip()
                              and (lose := _merge_loser(recs[a], recs[b], a, b, current)) is not None), None)
                if loser is None:
                    break
                live = [index for index in live if index != loser]
                dropped.add(loser)
            if len(live) > len(targets):
                first: dict[str, int] = {}
                for index in live:
                    if first.setdefault(recs[index].source.strip(), index) != index:
                        unresolved.append((lang, index, recs[index]))
        resolved[lang] = [record for index, record in enumerate(recs) if index not in dropped]
    return resolved, unresolved


def _merge_loser(one: Record, other: Record, i: int, j: int, current: set[str]) -> int | None:
    """Which of two records of one source segment is the older one (its index), if a rule says."""
    if one == other:
        return j
    if (one.target in current) != (other.target in current):
        return j if one.target in current else i
    if one.target == other.target and one.state != other.state:
        return j if _STATE_RANK.get(one.state, -1) > _STATE_RANK.get(other.state, -1) else i
    if one.target == other.target and set(one.notes) <= set(other.notes):  # one side added notes: kept
        return i
    if one.target == other.target and set(other.notes) <= set(one.notes):
        return j
    return None


def _record_json(record: Record) -> dict[str, Any]:
    """A record as the sidecar holds it (no "notes" key without notes: older sidecars read the same)."""
    data: dict[str, Any] = {"field": record.field, "source": record.source, "target": record.target,
                            "state": record.state}
    if record.notes:
        data["notes"] = [{"from": author, "text": text} for author, text in record.notes]
    return data


def records_json(release: Release, records: dict[str, list[Record]]) -> bytes:
    data = {"release": release.id, "source": release.source,
            "languages": {lang: [_record_json(r) for r in recs] for lang, recs in sorted(records.items())}}
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode()


# --- alignment ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    """A source segment and its translation.

    ``source`` is None for an orphan (a translation whose source segment was
    deleted), ``target`` None for a missing translation. ``made_from`` is the
    source text a stale translation was made from, when known; ``basis`` the
    state the translation had before its source changed. ``whole`` marks a
    paragraph field whose translation does not pair paragraph by paragraph,
    handled as one segment.
    """

    field: str
    source: str | None
    target: str | None
    state: SegmentState
    made_from: str | None = None
    basis: str | None = None
    whole: bool = False
    id: str = ""
    notes: Notes = ()  # the translator's notes kept in the segment's record
    recorded: bool = True  # False: a fact or photo text without a record, "draft" because nobody said more


def pair_notes(pair: Pair) -> tuple[str, ...]:
    """A pair's notes as shown: "author: text" each."""
    return tuple(shown_note(note) for note in pair.notes)


@dataclass
class Alignment:
    """Every pair of one language, in source order (orphans where their source stood)."""

    lang: str
    pairs: list[Pair] = field(default_factory=list)

    def counts(self) -> Counter[str]:
        return Counter(pair.state for pair in self.pairs)

    @property
    def total(self) -> int:
        """The number of source segments (orphans, whose source is gone, aside)."""
        return sum(1 for pair in self.pairs if pair.source is not None)

    @property
    def summary(self) -> TranslationStatus:
        """The language's status as one word: missing, stale, machine, draft or reviewed."""
        counts = self.counts()
        # No text yet (its fact or photo texts may be given already: the language is still to be written)
        if not self.pairs or all(pair.state == "missing" for pair in self.pairs if not is_localized(pair.field)):
            return "missing"
        if counts["stale"] or counts["orphan"]:
            return "stale"
        if counts["machine"]:
            return "machine"
        if counts["draft"] or counts["missing"]:
            return "draft"
        return "reviewed"

    def changed(self) -> list[Pair]:
        return [pair for pair in self.pairs if pair.state in ("stale", "orphan")]

    def by_id(self) -> dict[str, Pair]:
        return {pair.id: pair for pair in self.pairs if pair.source is not None}


def is_human(pair: Pair) -> bool:
    """Whether a pair's translation is a person's (draft or reviewed, or was, before its source changed)."""
    if pair.target is None:
        return False
    return pair.state in HUMAN or (pair.state in ("stale", "orphan") and pair.basis in HUMAN)


def _kept_state(record: Record, target: str, declared_reviewed: bool, as_recorded: bool = False) -> SegmentState:
    if declared_reviewed:  # the language says reviewed, for this very source text
        return "reviewed"
    if record.state == "machine" and not as_recorded and not fingerprint_matches(target, record.target):
        return "draft"  # a machine draft someone edited since
    return "reviewed" if record.state == "reviewed" else "draft" if record.state == "draft" else "machine"


def _field_pairs(name: str, source: list[str], target: list[str], records: list[Record],
                 block: LanguageText | None, current: bool, trusted: bool, as_recorded: bool = False) -> list[Pair]:
    declared: SegmentState = "reviewed" if block and block.status == "reviewed" else \
        "machine" if block and block.status == "machine" else "draft"
    if block is None or not target:
        return [Pair(name, text, None, "missing") for text in source]
    if records and len(records) == len(target) and trusted:
        pairs: list[Pair] = []
        # White space is not a change: the records hold the source as it was, compared normalised.
        matcher = difflib.SequenceMatcher(a=[normalised(r.source) for r in records],
                                          b=[normalised(s) for s in source], autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                pairs += [Pair(name, source[j], target[i],
                               _kept_state(records[i], target[i], current and declared == "reviewed", as_recorded),
                               notes=records[i].notes)
                          for i, j in zip(range(i1, i2), range(j1, j2), strict=True)]
                continue
            olds, news = list(range(i1, i2)), list(range(j1, j2))
            for k in range(max(len(olds), len(news))):
                i = olds[k] if k < len(olds) else None
                j = news[k] if k < len(news) else None
                # The state a changed pair had (a machine draft edited since is human: draft).
                basis = _kept_state(records[i], target[i], False) if i is not None else None
                if i is not None and j is not None:
                    pairs.append(Pair(name, source[j], target[i], "stale", records[i].source, basis,
                                      notes=records[i].notes))
                elif j is not None:
                    pairs.append(Pair(name, source[j], None, "missing"))
                elif i is not None:
                    pairs.append(Pair(name, None, target[i], "orphan", records[i].source, basis,
                                      notes=records[i].notes))
        return pairs
    state: SegmentState = declared if current else "stale"
    if len(target) == len(source):
        return [Pair(name, s, t, state, basis=declared) for s, t in zip(source, target, strict=True)]
    if not source:
        return [Pair(name, None, t, "orphan", basis=declared) for t in target]
    return [Pair(name, join(name, source), join(name, target), state, basis=declared, whole=True)]


def localized_pair(name: str, source: str, target: str | None, records: list[Record],
                    kin: list[Record]) -> Pair:
    """The pair of a fact or photo text: its state from its record (the one of its name, else one of a text
    of its kind made from the same source for the same target: the facts were reordered).

    Without a record its translation is a person's, but nobody said it is reviewed for this source: draft,
    ``recorded`` False (``translate --adopt`` records it in the language's state).
    """
    if target is None:
        return Pair(name, source, None, "missing")
    record = records[0] if len(records) == 1 else None
    if record is None or not same_text(record.source, source):
        record = next((r for r in kin if same_text(r.source, source) and fingerprint_matches(target, r.target)),
                      record)
    if record is None:
        return Pair(name, source, target, "draft", recorded=False)
    state = _kept_state(record, target, False)
    if same_text(record.source, source):
        return Pair(name, source, target, state, notes=record.notes)
    return Pair(name, source, target, "stale", record.source, state, notes=record.notes)


def _recorded_current(source_fields: Mapping[str, str | None], target_fields: Mapping[str, str | None],
                      by_field: Mapping[str, list[Record]]) -> bool:
    """Whether the records say every translated segment was made from the source as it is now, white space
    aside: the source was only re-wrapped since ``source_hash`` (a hash of its exact text) was written."""
    if not by_field:
        return False
    for name in TEXT_FIELDS:
        source, target = split(name, source_fields.get(name)), split(name, target_fields.get(name))
        if not source or not target:
            continue  # missing or orphaned whatever the hash says
        recorded = by_field.get(name, [])
        if len(recorded) != len(target) or [normalised(r.source) for r in recorded] != [normalised(s) for s in source]:
            return False
    return True


def _written_summary(pairs: list[Pair]) -> str:
    """The status pressgen writes for these pairs (see :func:`fields_and_records`)."""
    states = {pair.state for pair in pairs if pair.source is not None}
    if states & {"missing", "stale"}:
        return "draft"
    return "machine" if "machine" in states else "draft" if "draft" in states else "reviewed"


def align(release: Release, lang: str, records: dict[str, list[Record]] | None = None) -> Alignment:
    """Pair the source segments of ``release`` with its ``lang`` translation.

    ``records`` are the sidecar's (read from beside the release file when not given).
    """
    if records is None:
        records = read_records(release.path)
    records = resolve_merged(release, records)[0]  # a git merge's duplicates, where a rule decides
    source_fields = release.text[release.source].fields() if release.source in release.text else {}
    block = release.text.get(lang)
    target_fields = block.fields() if block else {}
    by_field: dict[str, list[Record]] = {}
    for record in records.get(lang, []):
        by_field.setdefault(record.field, []).append(record)
    # Without a source_hash (a language translated by hand), its records, once there, say what it was made from.
    current = block is not None and ((block.source_hash is None and not by_field)
                                     or block.source_hash == release.source_hash()
                                     or _recorded_current(source_fields, target_fields, by_field))

    localized_source, localized_target = localized_fields(release, release.source), localized_fields(release, lang)

    def pairs(trusted: bool, as_recorded: bool = False) -> list[Pair]:
        out: list[Pair] = []
        for name in TEXT_FIELDS:
            out += _field_pairs(name, split(name, source_fields.get(name)), split(name, target_fields.get(name)),
                                by_field.get(name, []), block, current, trusted, as_recorded)
        for name, text in localized_source.items():
            kind = name.split("-")[0] + "-" + name.rsplit("-", 1)[1]
            kin = [r for key, recs in by_field.items() if is_localized(key)
                   and key.split("-")[0] + "-" + key.rsplit("-", 1)[1] == kind for r in recs]
            out.append(localized_pair(name, text, localized_target.get(name), by_field.get(name, []), kin))
        return out

    alignment = Alignment(lang, pairs(True))
    # Records are trusted unless the file's summary was changed by hand since pressgen wrote them
    # (someone set "status: machine" to have a language looked at again): then the file's word counts.
    # A machine draft a person edited since counts as the machine state pressgen wrote with the summary: the
    # edit is not a hand-set status (which would make it, and every other segment, machine again).
    if current and block is not None and by_field and \
            _written_summary(pairs(True, as_recorded=True)) != (block.status or "draft"):
        alignment = Alignment(lang, pairs(False))
    alignment.pairs = with_ids(alignment.pairs)
    return alignment


def with_ids(pairs: list[Pair]) -> list[Pair]:
    """Return the pairs with their unit ids: field and source fingerprint (``body-3f9a1c0e``), numbered when
    one field has the same text twice."""
    seen: Counter[str] = Counter()
    out = []
    for pair in pairs:
        base = f"{pair.field}-{fingerprint(pair.source if pair.source is not None else pair.target or '')[:8]}"
        seen[base] += 1
        out.append(Pair(**{**pair.__dict__, "id": base if seen[base] == 1 else f"{base}-{seen[base]}"}))
    return out


# --- writing a language back ---------------------------------------------------------------------


@dataclass(frozen=True)
class Filled:
    """A translated segment to write: its pair (for field and source) and its new text and state."""

    pair: Pair
    text: str
    state: str


def fields_and_records(pairs: Iterable[Pair], filled: dict[str, Filled], block: LanguageText | None,
                       notes: Mapping[str, Notes] | None = None
                       ) -> tuple[dict[str, str], list[Record], TranslationStatus, bool]:
    """Return the text fields to write, their records, the language's summary and whether it is complete.

    Pairs keep their translation unless ``filled`` (by pair id) replaces it;
    orphans are dropped; a field whose segments are the ones it has keeps its
    exact text, so unchanged fields stay byte-identical in the file. Records
    keep their pair's notes, and ``notes`` (by pair id) adds to them.
    """
    notes = notes or {}
    old = block.fields() if block else {}
    by_field: dict[str, list[tuple[str, Pair, str]]] = {}
    complete = True
    for pair in pairs:
        if pair.source is None:
            continue  # an orphan: its source segment is gone
        new = filled.get(pair.id)
        if new is not None:
            by_field.setdefault(pair.field, []).append((new.text, pair, new.state))
        elif pair.target is not None and pair.state != "stale":
            by_field.setdefault(pair.field, []).append((pair.target, pair, str(pair.state)))
        elif pair.target is not None:  # still stale: kept, and the language stays incomplete
            by_field.setdefault(pair.field, []).append((pair.target, pair, "stale"))
            complete = False
        else:
            complete = False
    fields: dict[str, str] = {}
    records: list[Record] = []
    states: list[str] = []
    for name in [*TEXT_FIELDS, *(key for key in by_field if key not in TEXT_FIELDS)]:
        entries = by_field.get(name)
        if not entries:
            continue
        parts = [text for text, _, _ in entries]
        whole = entries[0][1].whole
        if whole or name not in SEGMENTED:
            fields[name] = parts[0]
        else:
            fields[name] = old[name] if split(name, old.get(name)) == parts else join(name, parts)
        for text, pair, state in entries:
            kept = with_notes(pair.notes, notes.get(pair.id, ()))
            if state == "stale":  # remembered as made from its old source, so it stays stale
                records.append(Record(name, pair.made_from or "", fingerprint(text), pair.basis or "draft", kept))
            else:
                records.append(Record(name, pair.source or "", fingerprint(text), state, kept))
            states.append(state)
    if not complete or not states:
        summary: TranslationStatus = "draft"
    elif "machine" in states:
        summary = "machine"
    elif "draft" in states:
        summary = "draft"
    else:
        summary = "reviewed"
    return fields, records, summary, complete


def save(release: Release, languages: dict[str, dict[str, str]], records: dict[str, list[Record]],
         top: Mapping[str, Any] | None = None, base: bytes | None = None,
         validate: Callable[[Path], None] | None = None) -> None:
    """Write text blocks into the release file (safely), then the segment records beside it.

    The release file goes first: if it is refused, the records stay as they
    were. Records of languages not named keep what the sidecar had. ``top`` and
    ``validate`` are :func:`pressgen.yamledit.write_text_blocks`'s; ``base``,
    the release file as the caller read it, is compared with the file even when
    only records are written. The release's lock is held across both files
    (and the sidecar's inside it, always in that order), so no other writer
    sees or makes half of a pair; if the records cannot be written, the release
    file is put back as it was.
    """
    from pressgen.files import changed_on_disk, locked, replace_verified
    from pressgen.workspace.yamledit import write_text_blocks
    from pressgen.workspace.yamlio import read_regular_file

    with locked(release.path):
        before = read_regular_file(release.path)
        if base is not None and before != base:
            raise changed_on_disk(release.path)
        languages, top = _localized_edits(release.path, languages, top)
        if languages or top:
            write_text_blocks(release.path, languages, TEXT_FIELDS, top, before, validate)
        merged = {**read_records(release.path), **records}
        data = records_json(release, merged)

        def verify(written: Path) -> None:
            json.loads(written.read_text(encoding="utf-8"))

        try:
            replace_verified(sidecar_path(release.path), data, verify)
        except BaseException:
            if languages or top:
                with contextlib.suppress(Exception):  # the error to report is the one of the records
                    replace_verified(release.path, before)  # under the same lock: nobody wrote it since
            raise


def _localized_edits(path: Path, languages: dict[str, dict[str, str]], top: Mapping[str, Any] | None
                     ) -> tuple[dict[str, dict[str, str]], dict[str, Any]]:
    """Move the fact and photo texts of ``languages`` (segment name -> text) into ``top``: the release's
    ``facts`` and ``images`` lists as the file has them, each text set in its language."""
    from pressgen.workspace.yamledit import plain
    from pressgen.workspace.yamlio import load_yaml

    edits = {(lang, name): text for lang, values in languages.items() for name, text in values.items()
             if is_localized(name)}
    top = dict(top or {})
    if not edits:
        return languages, top
    data = plain(load_yaml(path).data)
    for (lang, name), text in edits.items():
        key, index, part, _ = field_location(name, lang)
        assert isinstance(key, str) and isinstance(index, int) and isinstance(part, str)
        items = top.setdefault(key, [dict(item) for item in data.get(key) or []])
        value = items[index].get(part)
        items[index][part] = {**(value if isinstance(value, dict) else {}), lang: text}
    blocks = {lang: {name: text for name, text in values.items() if not is_localized(name)}
              for lang, values in languages.items()}
    # A language whose only edits were fact or photo texts keeps its block as it is.
    return {lang: values for lang, values in blocks.items() if set(values) - {"status", "source_hash"}}, top


def unchanged_base(release: Release) -> bytes:
    """Return the release file's bytes now, if they still say what ``release`` (read earlier) says.

    For a command handed a release read by its caller: passed as ``base`` to
    :func:`save`, they make the write refused if anyone saves in between.
    Raises :class:`~pressgen.files.ChangedOnDisk` when the file says something
    else already.
    """
    from pressgen.files import changed_on_disk
    from pressgen.workspace.yamledit import base_of
    from pressgen.workspace.yamlio import load_yaml

    loaded = load_yaml(release.path)
    base = base_of(loaded)
    try:
        now = Release.model_validate({**loaded.data, "id": release.id, "path": release.path})
    except ValueError:
        now = None
    if now != release:
        raise changed_on_disk(release.path)
    return base
