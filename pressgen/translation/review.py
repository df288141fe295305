"""Review round trip: XLIFF 1.2 for CAT tools, a bilingual DOCX for everyone else.

Both exchange segments (see :mod:`pressgen.translation.segments`): one unit per field and
per paragraph, with an id made from the source segment's fingerprint, so
units stay valid when other paragraphs are inserted, deleted or moved. Inline
markup travels as tags (XLIFF ``<g>``/``<x/>``, formatted runs in DOCX) whose
link targets and list markers come from the source on the way back, so no
reviewer can break or redirect them. Import checks each unit (its source still
current, its tags and links intact, its text writable), reports the ones it
cannot apply as positioned conflicts, applies the others with their states,
and writes the release and its segment records safely.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from pressgen.document.inline import Token, from_markdown, problems, to_markdown
from pressgen.document.localize import language_tag
from pressgen.errors import Diagnostic, InputError
from pressgen.translation.segments import SEGMENTED, Alignment, Notes, Pair, is_human, pair_notes, with_notes
from pressgen.translation.writeback import ImportReport, apply_units
from pressgen.translation.xliff import (  # noqa: F401 (the review API: one module to import it from)
    MAX_UNITS,
    MAX_XLIFF_BYTES,
    NS,
    SCHEMA,
    STATES,
    Returned,
    aligned,
    base_data,
    check_language,
    export_xliff,
    parse_base,
    qname,
    read_xliff,
    returned_units,
    same_language,
    segment_inline,
    target_key,
    target_tokens,
    tokens_of,
)
from pressgen.workspace.model import Release, Workspace
from pressgen.workspace.safexml import capped
from pressgen.workspace.yamledit import normalize


def import_xliff(xliff: Path, release: Release, workspace: Workspace, lang: str) -> ImportReport:
    """Apply a reviewed XLIFF file to the release's ``lang`` text.

    Only the ``<file>`` elements of this release and language are read; the others
    of a bundle are skipped with the reason. Raises :class:`InputError` for a
    file that is not valid XLIFF, or holds none for this release and language.
    """
    check_language(release, lang)
    tree = read_xliff(xliff)
    expected_tag = language_tag(workspace.config.locale_for(lang))
    report = ImportReport()
    mine: list[etree._Element] = []
    others: list[tuple[etree._Element, str]] = []
    for file in tree.getroot().iter(qname("file")):
        target_language = file.get("target-language") or ""
        if file.get("original") != f"{release.id}.yaml":
            others.append((file, f"this <file> is for '{file.get('original')}', not {release.id}.yaml"))
        elif not same_language(target_language, expected_tag):
            others.append((file, f"this <file> translates into '{target_language}', not {expected_tag}"))
        else:
            mine.append(file)
    if not mine:
        raise InputError("wrong XLIFF file", [Diagnostic(xliff, file.sourceline or 1, 1, reason.replace(
            "this <file>", "this file")) for file, reason in others])
    for file, reason in others:
        units = sum(1 for _ in file.iter(qname("trans-unit")))
        report.skipped.append(Diagnostic(xliff, file.sourceline or 1, 1, f"{reason}: its {units} unit(s) are "
                                         "skipped", severity="warning"))
    returned = [unit for file in mine for unit in returned_units(xliff, file, report.conflicts)]
    apply_units(xliff, returned, release, workspace, lang, report)
    return report


# --- the bilingual DOCX -------------------------------------------------------------------------


def export_docx(release: Release, workspace: Workspace, lang: str) -> bytes:
    """Return the bilingual review DOCX: one row per segment, source and translation side by side."""
    from pressgen.check.translation import parity_problems
    from pressgen.translation.review_docx import ReviewRow, write_bilingual_docx
    from pressgen.translation.xliff import candidates, fuzzy_matches

    check_language(release, lang)
    alignment = aligned(release, lang)
    previous = _previous_human(release, workspace, lang)
    fuzzy = fuzzy_matches(release, workspace, lang)  # offered under the source, never read back
    parity: dict[str, list[str]] = {}
    for pair, difference in parity_problems(alignment, release, workspace.config):
        parity.setdefault(pair.id, []).append(difference)
    rows = []
    markers: dict[str, dict[str, str]] = {}
    for pair in alignment.pairs:
        if pair.source is None:
            continue
        source = segment_inline(pair.field, pair.source)
        markers[pair.id] = source.markers
        target = target_tokens(pair.target, source, pair.field) if pair.target is not None else []
        attention = {"machine": "machine", "stale": "stale", "missing": "missing"}.get(pair.state)
        was = _plain(pair.field, pair.made_from) if pair.state == "stale" and pair.made_from else None
        offered = tuple((c.quality, c.origin, _plain(pair.field, c.target)) for c in candidates(pair, [fuzzy]))
        rows.append(ReviewRow(pair.id, source.tokens, target, attention, pair.state, tuple(parity.get(pair.id, ())),
                              was, _plain(pair.field, pair.source), previous(pair), pair_notes(pair), offered,
                              base=base_data(pair)))
    config = workspace.config
    status = alignment.summary
    legend = (f"Status of the {lang} text: {status}. Shaded translations need attention: yellow = machine "
              "draft, orange = the source changed since it was translated, grey = not translated yet. "
              "Edit the translations in the right-hand column (keep the first column as it is), write "
              "'reviewed' in the state column of each row you have reviewed, save, and import the file with "
              f"'pressgen review import {release.id} --lang {lang} --file FILE.docx'. Track Changes may stay "
              "on: tracked changes are read as accepted. Comments are kept as notes on their row's segment.")
    return write_bilingual_docx(f"Review of {release.id}: {release.source} → {lang}",
                                (release.source, language_tag(config.locale_for(release.source))),
                                (lang, language_tag(config.locale_for(lang))), status, legend, rows,
                                release.created, markers)


def _plain(name: str, text: str) -> str:
    """A segment's words as a reader sees them (its markup aside)."""
    return "".join(token[1] if token[0] == "text" else " " for token in segment_inline(name, text).tokens)


def _previous_human(release: Release, workspace: Workspace, lang: str) -> Callable[[Pair], tuple[str, str] | None]:
    """Return what a stale row shows as its previous human translation: its own target when a person wrote it,
    else the newest human translation the memory kept of its old source (None: none known)."""
    from pressgen.translation.memory import MEMORY_FILE, TranslationMemory

    def previous(pair: Pair) -> tuple[str, str] | None:
        if pair.state != "stale" or pair.target is None:
            return None
        if is_human(pair):
            return str(pair.basis or "draft"), _plain(pair.field, pair.target)
        path = workspace.root / MEMORY_FILE
        if not pair.made_from or not path.is_file():  # never create a memory to export a file
            return None
        memory = TranslationMemory(path)
        try:
            kept = memory.previous(release.source, lang, pair.made_from)
        finally:
            memory.close()
        return (kept[0].state, _plain(pair.field, kept[0].translation)) if kept else None

    return previous


def import_docx(path: Path, release: Release, workspace: Workspace, lang: str) -> ImportReport:
    """Apply a bilingual review DOCX edited in Word or LibreOffice (the translation column) to the release's
    ``lang`` text.

    Tracked changes are read as accepted. Each row is applied (its text or state changed), unchanged
    (counted, not applied), a conflict (reported by :func:`apply_units`) or skipped with the reason, a
    warning in ``report.skipped``; so is a state word it does not know (the changed text is then applied
    as draft). Comments anchored in a row are kept as the unit's translator's notes (``report.notes``).
    """
    check_language(release, lang)
    report = ImportReport()
    alignment = aligned(release, lang)
    returned, notes = docx_units(path, release.id, lang, alignment, report)
    apply_units(path, returned, release, workspace, lang, report, alignment, notes)
    report.skipped = capped(report.skipped)
    return report


def docx_units(path: Path, title_id: str, lang: str, alignment: Alignment, report: ImportReport
               ) -> tuple[list[Returned], dict[str, tuple[str, Notes]]]:
    """Read a returned review DOCX (of the release or workspace ``title_id``) as units to apply, and the
    comments of its rows by unit id; rows left unchanged are counted, rows skipped reported, in ``report``."""
    from pressgen.translation.review_docx import read_bilingual_docx

    pairs = alignment.by_id()
    listed = {pair.id for pair in alignment.pairs if pair.source and from_markdown(pair.source).markers}
    returned = []
    notes: dict[str, tuple[str, Notes]] = {}
    for row in read_bilingual_docx(path, title_id, lang, listed):
        where = f"row {row.number} (unit '{row.unit_id}')"

        def skip(message: str, hint: str | None = None, where: str = where, number: int = row.number) -> None:
            report.skipped.append(Diagnostic(path, number, 1, f"{where}: {message}", hint, "warning"))

        if row.comments:  # kept on the unit as the translator's notes (apply_units names each)
            notes[row.unit_id] = (where, with_notes(notes.get(row.unit_id, ("", ()))[1], row.comments))
        pair = pairs.get(row.unit_id)
        if row.refused:
            skip(f"not imported: {row.refused}")
            continue
        if pair is None or pair.source is None:  # apply_units reports it as a conflict
            returned.append(Returned(row.unit_id, row.number, row.tokens, "", "draft"))
            continue
        if not row.tokens:
            if pair.target is not None:
                skip("the translation cell is empty; the release keeps its translation",
                     "to remove a translation, edit the release itself")
            else:
                report.unchanged += 1
            continue
        changed = not _same_text(row.tokens, pair)
        # Three-way, when the row records what it was exported with: a row that comes back as exported
        # leaves later edits of the release as they are (apply_units decides, as for XLIFF).
        base = parse_base(row.base)
        edited = changed if base is None else _row_key(row.tokens, pair) != base[0]
        state, reason = _docx_state(row.state, edited, str(pair.state) if base is None else base[1])
        if reason:
            skip(reason, "write 'reviewed' (or révisé, relu, nagekeken…) in the state column to approve a row, "
                 "or leave the word the export wrote")
        if not changed and state == pair.state:
            report.unchanged += 1
            continue
        if base is None:
            returned.append(Returned(row.unit_id, row.number, row.tokens, "", state))
        else:
            text = "".join(token[1] for token in row.tokens if token[0] == "text")
            returned.append(Returned(row.unit_id, row.number, row.tokens, text, state if edited else "draft",
                                     tracked=True, base=base[0], exported=base[1],
                                     returned_as=None if edited else state))
    return returned, notes


# The words a reviewer may write in the state column (the export writes the English ones), compared
# without case or accents; each maps to the state it sets.
STATE_WORDS = ("reviewed", "draft", "machine", "stale", "missing")
_STATE_SYNONYMS = {
    "reviewed": ("approved", "checked", "ok", "final", "done", "revise", "relu", "verifie", "valide", "approuve",
                 "corrige", "revisee", "relue", "verifiee", "validee", "approuvee", "corrigee",
                 "nagekeken", "gecontroleerd", "goedgekeurd", "nagelezen", "herzien", "geverifieerd",
                 "gereviewd", "gecorrigeerd", "geprueft", "gepruft", "uberpruft", "revisado", "revisto", "rivisto"),
    "draft": ("translated", "brouillon", "traduit", "concept", "ontwerp", "vertaald", "entwurf"),
    "machine": ("mt", "machine translation", "traduction automatique", "automatique", "machinevertaling"),
    "stale": ("outdated", "obsolete", "perime", "verouderd"),
    "missing": ("untranslated", "manquant", "ontbreekt"),
}
_STATE_READ = {**{word: word for word in STATE_WORDS},
               **{word: state for state, words in _STATE_SYNONYMS.items() for word in words}}


def _state_word(written: str) -> str:
    """A state word as compared: lower case, without accents, punctuation or extra spaces."""
    letters = unicodedata.normalize("NFKD", written.casefold())
    kept = "".join(ch if ch.isalnum() else " " for ch in letters if not unicodedata.combining(ch))
    return " ".join(kept.replace("ß", "ss").split())


def _docx_state(written: str, changed: bool, exported: str) -> tuple[str, str | None]:
    """The state a reviewer left in the state column, and why it was not read as written (or None).

    'reviewed' (or a translation of it) approves; a changed text is the translator's, so a row left
    'machine', 'stale' or 'missing' with new text is a draft; an unchanged row keeps its state unless the
    reviewer wrote another one. An unknown word is reported: a changed text applies as draft, an unchanged
    one keeps its state.
    """
    word = _state_word(written)
    state = _STATE_READ.get(word)
    if state is None:
        reason = (f"the state '{written}' is not one pressgen knows" if word else "the state cell is empty")
        if changed:
            return "draft", f"{reason}: its translation is imported as a draft"
        return exported, f"{reason}: the unit keeps its state ({exported})"
    if state in ("reviewed", "draft"):
        return state, None
    if changed:
        return "draft", None  # machine, stale or missing kept by a person who changed the text
    if state != exported and state in ("stale", "missing"):
        return exported, f"'{written}' is set by pressgen, not by the reviewer: the unit keeps its state ({exported})"
    return state, None


def _row_key(tokens: list[Token], pair: Pair) -> str | None:
    """The :func:`target_key` of a row's translation (None when its markup does not fit the source)."""
    assert pair.source is not None
    if pair.field not in SEGMENTED:
        text = " ".join(normalize("".join(t[1] for t in tokens if t[0] == "text")).split("\n")).strip()
        return target_key(text, pair.source, pair.field)
    source = from_markdown(pair.source)
    if problems(tokens, source):
        return None
    return target_key(to_markdown(tokens, source, minimal=True), pair.source, pair.field)


def _same_text(tokens: list[Token], pair: Pair) -> bool:
    """Whether a row's translation is the pair's own target (formatting and links included)."""
    if pair.target is None or pair.source is None:
        return False
    if pair.field not in SEGMENTED:  # plain text: compared as the write-back reads it
        text = " ".join(normalize("".join(t[1] for t in tokens if t[0] == "text")).split("\n")).strip()
        return text == " ".join(pair.target.split("\n")).strip()
    source = from_markdown(pair.source)
    if problems(tokens, source):
        return False  # the write-back reports what it breaks
    return to_markdown(tokens, source) == to_markdown(target_tokens(pair.target, source, pair.field), source)
