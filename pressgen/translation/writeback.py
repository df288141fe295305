"""Returned units written back: each checked against its source, applied with its state, or reported.

What the XLIFF and the review DOCX imports share: a unit whose source changed, whose
tags or links do not match, or whose text a document cannot hold is a positioned
conflict and is not applied; the others are written into the release and its segment
records through the safe write-back, and reviewed pairs go into the memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pressgen.document.inline import from_markdown, markdown_problems, problems, to_markdown
from pressgen.errors import Diagnostic, InputError
from pressgen.translation.segments import (
    SEGMENTED,
    Alignment,
    Filled,
    Notes,
    Pair,
    fields_and_records,
    is_human,
    same_text,
    save,
    unchanged_base,
)
from pressgen.translation.xliff import Returned, aligned, target_key, target_tokens
from pressgen.workspace.model import Release, Workspace
from pressgen.workspace.safexml import capped
from pressgen.workspace.yamledit import normalize, unwritable


@dataclass(frozen=True)
class Outcome:
    """What an import did with one unit: its id, field (and paragraph), and category."""

    unit_id: str
    where: str  # "headline", "body, paragraph 3"
    category: Literal["applied", "unchanged", "conflict", "skipped"]


@dataclass
class ImportReport:
    """What an import did: units applied, left unchanged, conflicts (not applied), skipped (with the reason),
    the status set, whether it wrote; ``units`` lists each unit's category, in the file's order."""

    applied: int = 0
    unchanged: int = 0  # units returned as they were exported: nothing to apply
    conflicts: list[Diagnostic] = field(default_factory=list)
    skipped: list[Diagnostic] = field(default_factory=list)  # warnings: what was left out of the import, and why
    status: str | None = None
    written: bool = False
    units: list[Outcome] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # the comments kept as translator's notes, each named

    def listed(self, category: str) -> list[Outcome]:
        return [unit for unit in self.units if unit.category == category]


def _where(pair: Pair, alignment: Alignment) -> str:
    if pair.field not in SEGMENTED or pair.whole:
        return pair.field
    number = [p.id for p in alignment.pairs if p.field == pair.field and p.source is not None].index(pair.id) + 1
    return f"{pair.field}, paragraph {number}"


def _shown(text: str | None) -> str:
    return f"«{' '.join(text.split())}»" if text and text.strip() else "(none)"


def _decide(unit: Returned, pair: Pair, markdown: str, where: str, source_path: Path,
            report: ImportReport) -> Filled | None:
    """Three-way: the unit as exported (its base), as returned, and the release's target now.

    Returns what to write, or None after counting the unit unchanged, conflicting or skipped.
    """
    assert pair.source is not None
    now = target_key(pair.target, pair.source, pair.field)
    returned = target_key(markdown, pair.source, pair.field)
    name = f"unit '{unit.unit_id}' ({where})"

    def conflict(message: str, hint: str) -> None:
        report.conflicts.append(Diagnostic(source_path, unit.line, 1, f"{name}: {message}; nothing replaced", hint))
        report.units.append(Outcome(unit.unit_id, where, "conflict"))

    def unchanged() -> None:
        report.unchanged += 1
        report.units.append(Outcome(unit.unit_id, where, "unchanged"))

    if not unit.tracked:  # no record of the export (the review DOCX): the release's target is taken as its base
        if returned == now and (unit.state == pair.state or (pair.state == "stale" and unit.untouched_stale)):
            unchanged()
            return None
        return Filled(pair, markdown, unit.state)
    base = unit.base
    if base is None:  # exported before pressgen recorded the target: known only when it is the release's
        if returned != now:
            conflict(f"this file does not record the translation it was exported with, and its target "
                     f"{_shown(markdown)} differs from the release's {_shown(pair.target)}",
                     "export the release again and copy the reviewer's changes into the new file")
            return None
        base = now
    exported = unit.exported or (pair.state if pair.target is not None else "missing")
    if returned == base:  # the reviewer kept the text: at most its state changed
        state = unit.returned_as if unit.returned_as in ("draft", "reviewed") and unit.returned_as != exported \
            else None
        if state is None or (now == base and state == pair.state):
            unchanged()
            return None
        if now != base:
            conflict(f"the reviewer marked {_shown(markdown)} {state}, but the release's target changed since the "
                     f"export to {_shown(pair.target)}", "review the release's current text")
            return None
        return Filled(pair, pair.target or markdown, state)
    if unit.untranslated:
        report.skipped.append(Diagnostic(source_path, unit.line, 1, f"{name}: {unit.untranslated}",
                                         "translate the unit in the review tool, or leave its target empty",
                                         severity="warning"))
        report.units.append(Outcome(unit.unit_id, where, "skipped"))
        return None
    if now != base:
        if returned == now and not (unit.state == "reviewed" and pair.state != "reviewed"):
            unchanged()  # the same change made on both sides
            return None
        if returned != now:
            conflict(f"changed on both sides: the reviewer's {_shown(markdown)}, the release's (changed since "
                     f"the export) {_shown(pair.target)}",
                     "merge the two in the release (or in the review tool and export again)")
            return None
    return Filled(pair, markdown, unit.state)


def apply_units(source_path: Path, returned: list[Returned], release: Release, workspace: Workspace, lang: str,
                report: ImportReport, alignment: Alignment | None = None,
                notes: dict[str, tuple[str, Notes]] | None = None) -> None:
    """Check each returned unit against the release (``alignment``: its pairs, when already known), decide
    it three-way (:func:`_decide`), then write those applied (and the records).

    ``notes`` are translator's notes to keep in the records, by unit id: (where the file holds them, the
    notes); each one kept is named in ``report.notes``, each that has no translation to stay with is skipped.
    """
    from pressgen.translation.memory import MEMORY_FILE, REVIEWED, TranslationMemory

    alignment = alignment or aligned(release, lang)
    pairs = alignment.by_id()
    filled: dict[str, Filled] = {}
    for unit in returned:
        pair = pairs.get(unit.unit_id)
        if pair is None or pair.source is None:
            report.conflicts.append(Diagnostic(
                source_path, unit.line, 1, f"unit '{unit.unit_id}': its source is not in the release now (it "
                "changed or was removed since the export); its target is not applied",
                "export the release again and review the new file"))
            report.units.append(Outcome(unit.unit_id, "not in the release", "conflict"))
            continue
        where = _where(pair, alignment)
        if unit.tracked and not unit.text.strip():
            if (unit.base or "") == "":
                report.unchanged += 1
                report.units.append(Outcome(unit.unit_id, where, "unchanged"))
            else:
                report.skipped.append(Diagnostic(source_path, unit.line, 1, f"unit '{unit.unit_id}' ({where}): its "
                                                 "target came back empty; the release's translation is kept",
                                                 severity="warning"))
                report.units.append(Outcome(unit.unit_id, where, "skipped"))
            continue
        markdown, reasons = _markdown(unit, pair)
        if markdown is not None and (reason := unwritable(markdown)) is not None:
            reasons.append(reason)
        if reasons or markdown is None:
            report.conflicts.append(Diagnostic(source_path, unit.line, 1,
                                               f"unit '{unit.unit_id}': its target is not applied: "
                                               + "; ".join(reasons) + f" ({where})",
                                               "correct the translation in the review tool and export it again"))
            report.units.append(Outcome(unit.unit_id, where, "conflict"))
            continue
        decided = _decide(unit, pair, markdown, where, source_path, report)
        if decided is not None:
            filled[pair.id] = decided
            report.units.append(Outcome(unit.unit_id, where, "applied"))
    report.applied = len(filled)
    report.conflicts = capped(report.conflicts)
    reviewed = [f for f in filled.values() if f.state == "reviewed" and not f.pair.whole]
    # Every human translation the import replaces stays recoverable, with the source it was made from.
    replaced = [f for f in filled.values() if is_human(f.pair) and not same_text(f.text, f.pair.target or "")]
    # The write drops the translations of deleted source paragraphs: each human one is kept, and said.
    # (An import that applies nothing writes nothing, and drops nothing: see _write.)
    dropped = [pair for pair in alignment.pairs if pair.source is None and is_human(pair)] \
        if filled or notes else []
    report.skipped += [_dropped(release, lang, pair) for pair in dropped]
    if reviewed or replaced or dropped:  # the memory first: a damaged or locked one is reported, the release untouched
        memory = TranslationMemory(workspace.root / MEMORY_FILE)
        try:
            memory.keep_many((release.source, lang, f.pair.made_from or f.pair.source or "", f.pair.target or "",
                              str(f.pair.basis if f.pair.state in ("stale", "orphan") else f.pair.state))
                             for f in replaced)
            memory.keep_many((release.source, lang, pair.made_from or "", pair.target or "", str(pair.basis or "draft"))
                             for pair in dropped)
            memory.put_many((REVIEWED, release.source, lang, item.pair.source or "", item.text) for item in reviewed)
        finally:
            memory.close()
    kept = _notes_kept(source_path, alignment, filled, notes or {}, report)
    _write(release, workspace, lang, alignment, filled, report, kept)


def _notes_kept(source_path: Path, alignment: Alignment, filled: dict[str, Filled],
                notes: dict[str, tuple[str, Notes]], report: ImportReport) -> dict[str, Notes]:
    """The notes that have a record to stay in (a translation, kept or applied), named in the report; the
    others are skipped with the reason."""
    from pressgen.translation.segments import shown_note

    pairs = alignment.by_id()
    kept: dict[str, Notes] = {}
    for unit_id, (where, added) in notes.items():
        pair = pairs.get(unit_id)
        new = [note for note in added if pair is None or note not in pair.notes]
        if not new:
            continue
        if pair is None or (pair.target is None and unit_id not in filled):
            for note in new:
                report.skipped.append(Diagnostic(source_path, 1, 1, f"{where}: comment not kept: “{shown_note(note)}”: "
                                                 "the unit has no translation to keep it with",
                                                 "write the translation, then add the comment again",
                                                 "warning"))
            continue
        kept[unit_id] = tuple(new)
        report.notes.extend(f"{where}: comment kept as a translator's note: “{shown_note(note)}”" for note in new)
    return kept


def _dropped(release: Release, lang: str, pair: Pair) -> Diagnostic:
    """The warning for a human translation whose source paragraph was deleted: the write drops it."""
    from pressgen.workspace.yamlio import load_yaml

    try:
        line, col = load_yaml(release.path).locate(("text", lang, pair.field))
    except InputError:
        line, col = 1, 1
    return Diagnostic(release.path, line, col, f"text.{lang}.{pair.field}: the translation of a source paragraph "
                      f"deleted since, {_shown(pair.target)}, is dropped; it is kept in the translation memory",
                      "put it back in the release if the paragraph is still needed", severity="warning")


def _markdown(unit: Returned, pair: Pair) -> tuple[str | None, list[str]]:
    """Return a unit's translation as Markdown, or the reasons it breaks its source's markup."""
    assert pair.source is not None
    if pair.field not in SEGMENTED:  # a headline, subheadline or dateline is plain text, tags or not
        text = "".join(t[1] for t in unit.tokens if t[0] == "text") if unit.tokens is not None else unit.text
        text = " ".join(normalize(text).split("\n")).strip()
        return (pair.target if pair.target is not None and " ".join(pair.target.split("\n")).strip() == text
                else text), []
    source = from_markdown(pair.source)
    if unit.tokens is None:  # typed as Markdown (an older export, or a tool that drops tags)
        text = " ".join(unit.text.split("\n")) if not source.markers else unit.text
        found = markdown_problems(text, pair.source)
        return (None, found) if found else (text.strip(), [])
    found = problems(unit.tokens, source)
    if found:
        return None, found
    markdown = to_markdown(unit.tokens, source, minimal=True)  # "[sic]" stays as typed
    if pair.target is not None and \
            to_markdown(target_tokens(pair.target, source, pair.field), source, minimal=True) == markdown:
        return pair.target, []  # unchanged: keep the file's own text
    return markdown, []


def _write(release: Release, workspace: Workspace, lang: str, alignment: Alignment, filled: dict[str, Filled],
           report: ImportReport, notes: dict[str, Notes] | None = None) -> None:
    if not filled and not notes:  # nothing applied: the release and its records stay exactly as they are
        report.status = alignment.summary
        return
    block = release.text.get(lang)
    fields, records, summary, _ = fields_and_records(alignment.pairs, filled, block, notes)
    still_stale = any(p.state in ("stale", "orphan") and p.id not in filled for p in alignment.pairs)
    source_hash = block.source_hash if still_stale and block else release.source_hash()
    report.status = summary if not still_stale else "stale"
    values = {**fields, "status": summary, **({"source_hash": source_hash} if source_hash else {})}
    before = {**(block.fields() if block else {}), "status": block.status if block else None,
              "source_hash": block.source_hash if block else None}
    if not fields:
        return
    base = unchanged_base(release)  # the units were checked against this release: written only onto it
    if values != {k: v for k, v in before.items() if v is not None}:
        save(release, {lang: values}, {lang: records}, base=base)
        report.written = True
    else:
        save(release, {}, {lang: records}, base=base)
