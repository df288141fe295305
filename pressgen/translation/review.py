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

from pathlib import Path

from lxml import etree

from pressgen.document.inline import from_markdown
from pressgen.document.localize import language_tag
from pressgen.errors import Diagnostic, InputError
from pressgen.translation.writeback import ImportReport, apply_units
from pressgen.translation.xliff import (  # noqa: F401 (the review API: one module to import it from)
    MAX_UNITS,
    MAX_XLIFF_BYTES,
    NS,
    SCHEMA,
    STATES,
    Returned,
    aligned,
    check_language,
    export_xliff,
    qname,
    read_xliff,
    returned_units,
    segment_inline,
    target_tokens,
    tokens_of,
)
from pressgen.workspace.model import Release, Workspace


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
        elif target_language.lower() != expected_tag.lower():
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

    check_language(release, lang)
    alignment = aligned(release, lang)
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
        rows.append(ReviewRow(pair.id, source.tokens, target, attention, pair.state, tuple(parity.get(pair.id, ()))))
    config = workspace.config
    status = alignment.summary
    legend = (f"Status of the {lang} text: {status}. Shaded translations need attention: yellow = machine "
              "draft, orange = the source changed since it was translated, grey = not translated yet. "
              "Edit the translations in the right-hand column (keep the first column as it is), write "
              "'reviewed' in the state column of each row you have reviewed, save, and import the file with "
              f"'pressgen review import {release.id} --lang {lang} --file FILE.docx'.")
    return write_bilingual_docx(f"Review of {release.id}: {release.source} → {lang}",
                                (release.source, language_tag(config.locale_for(release.source))),
                                (lang, language_tag(config.locale_for(lang))), status, legend, rows,
                                release.created, markers)


def import_docx(path: Path, release: Release, workspace: Workspace, lang: str) -> ImportReport:
    """Apply a bilingual review DOCX edited in Word (the translation column) to the release's ``lang`` text."""
    from pressgen.translation.review_docx import read_bilingual_docx

    check_language(release, lang)
    report = ImportReport()
    alignment = aligned(release, lang)
    listed = {pair.id for pair in alignment.pairs if pair.source and from_markdown(pair.source).markers}
    returned = [Returned(row.unit_id, row.number, row.tokens, "", _docx_state(row.state), row.state == "stale")
                for row in read_bilingual_docx(path, release.id, lang, listed)]
    apply_units(path, returned, release, workspace, lang, report, alignment)
    return report


def _docx_state(written: str) -> str:
    """The state a reviewer left in the state column: 'reviewed' approves; machine stays machine."""
    return written if written in ("reviewed", "machine") else "draft"
