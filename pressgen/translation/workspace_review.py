"""The workspace's own translated texts as segments: organisation names, short names, "About" headings,
taglines, addresses, boilerplates and contact roles, from pressgen.yaml.

Each text given as language -> text is one segment per language, named after its place
(``organizations.unia.tagline``, ``contacts.gdhoop.role``), translated from the workspace's
first language. Their states live in ``pressgen.segments.json`` next to pressgen.yaml (the
release sidecar's format); a text without a record is a person's, not known to be reviewed:
draft. They go out for review as XLIFF 1.2 or as the bilingual DOCX and come back through
the same three-way decision as a release's units; pressgen.yaml is written through the safe
write-back (values set in place, comments and layout kept), then the records.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

from lxml import etree

from pressgen import __version__
from pressgen.document.localize import language_tag
from pressgen.errors import Diagnostic, InputError, UsageError
from pressgen.translation.segments import (
    Alignment,
    Filled,
    Pair,
    _record_json,
    fields_and_records,
    is_human,
    pair_notes,
    read_records,
    sidecar_path,
)
from pressgen.translation.workspace_segments import (  # which texts, and their pairs (the check layer's too)
    _where,
    source_language,
    workspace_alignment,
)
from pressgen.translation.writeback import ImportReport, Outcome, _decide, _markdown, _notes_kept
from pressgen.translation.xliff import (
    NS,
    STATES,
    XML_NS,
    Returned,
    base_data,
    qname,
    read_xliff,
    returned_units,
)
from pressgen.workspace.model import Workspace
from pressgen.workspace.safexml import capped

ORIGINAL = "pressgen.yaml"  # the <file original> of a workspace XLIFF, and the review DOCX's "release" id
TITLE_ID = "workspace"


def check_workspace_language(workspace: Workspace, lang: str) -> None:
    """Refuse the source language, or one the workspace does not have, as a review language."""
    if lang == source_language(workspace):
        raise UsageError(f"'{lang}' is the language the workspace's texts are written in (the first of "
                         "'languages' in pressgen.yaml); review another one")
    if lang not in workspace.config.languages:
        raise UsageError(f"'{lang}' is not one of the workspace's languages ({', '.join(workspace.config.languages)})")


# --- export ------------------------------------------------------------------------------------


def export_workspace_xliff(workspace: Workspace, lang: str) -> bytes:
    """Return an XLIFF 1.2 document with one trans-unit per organisation and contact text."""
    check_workspace_language(workspace, lang)
    config = workspace.config
    source = source_language(workspace)
    alignment = workspace_alignment(workspace, lang)
    root = etree.Element(qname("xliff"), nsmap={None: NS}, version="1.2")
    file = etree.SubElement(root, qname("file"), {
        "original": ORIGINAL, "datatype": "plaintext", "product-name": "pressgen",
        "source-language": language_tag(config.locale_for(source)),
        "target-language": language_tag(config.locale_for(lang))})
    header = etree.SubElement(file, qname("header"))
    etree.SubElement(header, qname("tool"), {"tool-id": "pressgen", "tool-name": "pressgen",
                                          "tool-version": __version__})
    etree.SubElement(header, qname("note")).text = (
        f"The workspace's organisation and contact texts: {source} → {lang}. Approve a unit (or mark it final) "
        "when it is reviewed.")
    body = etree.SubElement(file, qname("body"))
    for pair in alignment.pairs:
        assert pair.source is not None
        element = etree.SubElement(body, qname("trans-unit"), id=pair.id, resname=pair.field,
                                   extradata=base_data(pair))
        if pair.state == "reviewed":
            element.set("approved", "yes")
        source_element = etree.SubElement(element, qname("source"))
        source_element.set(f"{{{XML_NS}}}space", "preserve")
        source_element.text = " ".join(pair.source.split())
        state, qualifier = STATES[pair.state if pair.target is not None else "missing"]
        target = etree.SubElement(element, qname("target"), state=state)
        target.set(f"{{{XML_NS}}}space", "preserve")
        if qualifier:
            target.set("state-qualifier", qualifier)
        if pair.target is not None:
            target.text = " ".join(pair.target.split())
        etree.SubElement(element, qname("note"), {"from": "pressgen"}).text = f"pressgen.yaml, {_where(pair)}"
        if pair.state == "stale" and pair.made_from:
            etree.SubElement(element, qname("note"), {"from": "pressgen", "annotates": "source"}).text = \
                f"The source changed since this was translated. Previous source: {pair.made_from}"
        for author, text in pair.notes:
            etree.SubElement(element, qname("note"), {"from": author or "translator"}).text = text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def export_workspace_docx(workspace: Workspace, lang: str, created: Any = None) -> bytes:
    """Return the bilingual review DOCX of the workspace's texts: one row per text."""
    import datetime as dt

    from pressgen.translation.review_docx import ReviewRow, write_bilingual_docx

    check_workspace_language(workspace, lang)
    config = workspace.config
    source = source_language(workspace)
    alignment = workspace_alignment(workspace, lang)
    rows = []
    for pair in alignment.pairs:
        assert pair.source is not None
        attention = {"machine": "machine", "stale": "stale", "missing": "missing"}.get(pair.state)
        previous = (str(pair.basis or "draft"), pair.target) if pair.state == "stale" and is_human(pair) \
            and pair.target is not None else None
        rows.append(ReviewRow(pair.id, [("text", pair.source)], [("text", pair.target)] if pair.target else [],
                              attention, pair.state, (), pair.made_from if pair.state == "stale" else None,
                              pair.source, previous, pair_notes(pair)))
    legend = (f"The workspace's organisation and contact texts, {source} → {lang}: {alignment.summary}. Edit the "
              "translations in the right-hand column (keep the first column as it is), write 'reviewed' in the "
              "state column of each row you have reviewed, save, and import the file with "
              f"'pressgen review workspace import --lang {lang} --file FILE.docx'. Comments are kept as notes.")
    when = created or dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # same input, same bytes
    return write_bilingual_docx(f"Review of {TITLE_ID}: {source} → {lang}",
                                (source, language_tag(config.locale_for(source))),
                                (lang, language_tag(config.locale_for(lang))), alignment.summary, legend, rows,
                                when)


# --- import ------------------------------------------------------------------------------------


def import_workspace(path: Path, workspace: Workspace, lang: str) -> ImportReport:
    """Apply a reviewed workspace XLIFF or DOCX to pressgen.yaml's ``lang`` texts and their records.

    Each unit is applied, unchanged, a conflict or skipped, as a release's (see
    :mod:`pressgen.translation.writeback`). Raises :class:`InputError` for a file that is
    not a review file of the workspace and this language.
    """
    from pressgen.document.localize import language_tag as tag_of
    from pressgen.translation.review import docx_units
    from pressgen.workspace.yamledit import base_of
    from pressgen.workspace.yamlio import load_yaml

    check_workspace_language(workspace, lang)
    base = base_of(load_yaml(workspace.config_path))  # written back only onto this version
    alignment = workspace_alignment(workspace, lang)
    report = ImportReport()
    notes: dict[str, tuple[str, Any]] = {}
    if path.suffix.lower() == ".docx":
        returned, notes = docx_units(path, TITLE_ID, lang, alignment, report)
    else:
        tree = read_xliff(path)
        expected = tag_of(workspace.config.locale_for(lang)).lower()
        files = [file for file in tree.getroot().iter(qname("file"))
                 if file.get("original") == ORIGINAL and (file.get("target-language") or "").lower() == expected]
        if not files:
            raise InputError("wrong XLIFF file", [Diagnostic(
                path, 1, 1, f"this file holds no <file original=\"{ORIGINAL}\"> translating into {expected}",
                f"export it with 'pressgen review workspace export --lang {lang}'")])
        returned = [unit for file in files for unit in returned_units(path, file, report.conflicts)]
    filled = _decided(path, returned, alignment, report)
    kept = _notes_kept(path, alignment, filled, notes, report)
    report.applied = len(filled)
    report.conflicts = capped(report.conflicts)
    report.skipped = capped(report.skipped)
    report.status = _save(workspace, lang, alignment, filled, kept, base, report)
    return report


def _decided(path: Path, returned: list[Returned], alignment: Alignment, report: ImportReport) -> dict[str, Filled]:
    pairs = alignment.by_id()
    filled: dict[str, Filled] = {}
    for unit in returned:
        pair = pairs.get(unit.unit_id)
        if pair is None or pair.source is None:
            report.conflicts.append(Diagnostic(path, unit.line, 1, f"unit '{unit.unit_id}': its source is not in "
                                               "pressgen.yaml now (it changed or was removed since the export); "
                                               "its target is not applied", "export again and review the new file"))
            report.units.append(Outcome(unit.unit_id, "not in the workspace", "conflict"))
            continue
        where = _where(pair)
        if unit.tracked and not unit.text.strip():
            report.unchanged += 1
            report.units.append(Outcome(unit.unit_id, where, "unchanged"))
            continue
        markdown, _ = _markdown(unit, pair)  # plain text: one line, its white space normalised
        assert markdown is not None
        decided = _decide(unit, pair, markdown, where, path, report)
        if decided is not None:
            filled[pair.id] = decided
            report.units.append(Outcome(unit.unit_id, where, "applied"))
    return filled


def _save(workspace: Workspace, lang: str, alignment: Alignment, filled: dict[str, Filled],
          notes: dict[str, Any], base: bytes, report: ImportReport) -> str:
    """Write the applied texts into pressgen.yaml (in place), then the records beside it; return the summary."""
    from pressgen.files import changed_on_disk, locked, replace_verified
    from pressgen.translation.memory import MEMORY_FILE, TranslationMemory
    from pressgen.workspace.yamledit import plain, write_text_blocks
    from pressgen.workspace.yamlio import load_yaml, read_regular_file

    fields, records, _, _ = fields_and_records(alignment.pairs, filled, None, notes)
    after = Alignment(lang, [Pair(**{**p.__dict__, "state": filled[p.id].state, "target": filled[p.id].text})
                             if p.id in filled else p for p in alignment.pairs])
    replaced = [f for f in filled.values() if is_human(f.pair) and f.pair.target is not None
                and " ".join(f.pair.target.split()) != " ".join(f.text.split())]
    if replaced:  # every human text replaced stays recoverable, with the source it was made from
        memory = TranslationMemory(workspace.root / MEMORY_FILE)
        try:
            memory.keep_many((source_language(workspace), lang, f.pair.made_from or f.pair.source or "",
                              f.pair.target or "", str(f.pair.basis or f.pair.state)) for f in replaced)
        finally:
            memory.close()
    path = workspace.config_path
    with locked(path):
        before = read_regular_file(path)
        if before != base:
            raise changed_on_disk(path)
        changed = {f.pair.field: fields[f.pair.field] for f in filled.values()
                   if f.pair.target is None or f.pair.target != fields[f.pair.field]}
        if changed:
            data = plain(load_yaml(path).data)
            top: dict[str, Any] = {}
            for name, text in changed.items():
                kind, ident, part = name.split(".", 2)
                section = top.setdefault(kind, {key: dict(value) for key, value in (data.get(kind) or {}).items()})
                value = section[ident].get(part)
                section[ident][part] = {**(value if isinstance(value, dict) else {}), lang: text}
            write_text_blocks(path, {}, (), top, before)
            report.written = True
        merged = {**read_records(path, strict=True), lang: records}
        data_out = {"workspace": ORIGINAL, "source": source_language(workspace),
                    "languages": {key: [_record_json(r) for r in recs] for key, recs in sorted(merged.items())}}

        def verify(written: Path) -> None:
            json.loads(written.read_text(encoding="utf-8"))

        try:
            replace_verified(sidecar_path(path), (json.dumps(data_out, ensure_ascii=False, indent=1) + "\n").encode(),
                             verify)
        except BaseException:
            if changed:  # the records could not be written: pressgen.yaml goes back as it was (under the lock)
                with contextlib.suppress(Exception):
                    replace_verified(path, before)
            raise
    return str(after.summary)
