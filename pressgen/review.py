"""Review round trip: XLIFF 1.2 for CAT tools, a bilingual DOCX for everyone else.

A release's text is cut into units: one per field, and one per paragraph of
the body and the notes. Export writes each unit's source, the current target
and a state derived from the language's status; import checks the file (schema,
release, language), lists units it cannot apply (unknown, or whose source
changed since the export) as conflicts, writes the other targets back and sets
``status`` and ``source_hash`` from what the reviewer marked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lxml import etree

from . import __version__
from .errors import Diagnostic, InputError, UsageError
from .localize import language_tag
from .markup import PARAGRAPH_BREAK
from .model import TEXT_FIELDS, Release, Workspace
from .resources import PACKAGE_DIR
from .yamledit import unwritable, write_text_blocks

NS = "urn:oasis:names:tc:xliff:document:1.2"
SCHEMA = PACKAGE_DIR / "schemas" / "xliff-1.2-subset.xsd"
PARAGRAPH_FIELDS = ("body", "notes")
# Language status -> XLIFF target state (and qualifier); stale outranks the status.
STATES = {"machine": ("needs-review-translation", "mt-suggestion"), "draft": ("translated", None),
          "reviewed": ("final", None), "stale": ("needs-review-translation", None)}
FINAL_STATES = {"final", "signed-off"}


def _x(name: str) -> str:
    return f"{{{NS}}}{name}"


def paragraphs(text: str | None) -> list[str]:
    """Return the paragraphs of a Markdown field (split at blank lines, trimmed)."""
    return [p.strip("\n") for p in PARAGRAPH_BREAK.split((text or "").strip("\n")) if p.strip()]


def join_paragraphs(parts: list[str]) -> str:
    return "\n\n".join(parts) + "\n"


@dataclass(frozen=True)
class Unit:
    """One piece to review: a field, or one paragraph of a Markdown field."""

    id: str
    field: str
    source: str
    target: str | None


def units(release: Release, lang: str) -> list[Unit]:
    """Return the review units of ``lang`` against the source, in document order.

    A Markdown field whose translation has a different number of paragraphs is
    one unit, so that no target is paired with the wrong source paragraph.
    """
    source = release.text[release.source].fields()
    target = release.text[lang].fields() if lang in release.text else {}
    out: list[Unit] = []
    for name, text in source.items():
        if name in PARAGRAPH_FIELDS:
            source_parts, target_parts = paragraphs(text), paragraphs(target.get(name))
            if target_parts and len(target_parts) != len(source_parts):
                out.append(Unit(name, name, text.strip("\n"), target[name].strip("\n")))
                continue
            out += [Unit(f"{name}.{index}", name, part, target_parts[index - 1] if target_parts else None)
                    for index, part in enumerate(source_parts, start=1)]
        else:
            out.append(Unit(name, name, text, target.get(name)))
    return out


def _language_state(release: Release, lang: str) -> tuple[str, str | None]:
    status = release.translation_status(lang)
    return STATES.get(status, ("new", None))


def export_xliff(release: Release, workspace: Workspace, lang: str) -> bytes:
    """Return an XLIFF 1.2 document with one trans-unit per field and paragraph."""
    _check_language(release, lang)
    config = workspace.config
    root = etree.Element(_x("xliff"), nsmap={None: NS}, version="1.2")
    file = etree.SubElement(root, _x("file"), {
        "original": f"{release.id}.yaml", "datatype": "plaintext", "product-name": "pressgen",
        "source-language": language_tag(config.locale_for(release.source)),
        "target-language": language_tag(config.locale_for(lang))})
    header = etree.SubElement(file, _x("header"))
    etree.SubElement(header, _x("tool"), {"tool-id": "pressgen", "tool-name": "pressgen",
                                          "tool-version": __version__})
    etree.SubElement(header, _x("note")).text = (
        f"Release {release.id}: {release.source} → {lang}, source fingerprint {release.source_hash()}. "
        "Keep the Markdown (**bold**, *italic*, [links](…), ^superscript^). Mark a unit 'final' when reviewed.")
    body = etree.SubElement(file, _x("body"))
    state, qualifier = _language_state(release, lang)
    for unit in units(release, lang):
        element = etree.SubElement(body, _x("trans-unit"), id=unit.id, resname=unit.field)
        etree.SubElement(element, _x("source")).text = unit.source
        if unit.target is not None:
            target = etree.SubElement(element, _x("target"), state=state)
            if qualifier:
                target.set("state-qualifier", qualifier)
            target.text = unit.target
        etree.SubElement(element, _x("note"), {"from": "pressgen"}).text = \
            f"Release {release.id}, {unit.field}" + (f", paragraph {unit.id.split('.')[1]}" if "." in unit.id else "")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def export_docx(release: Release, workspace: Workspace, lang: str) -> bytes:
    """Return the bilingual review DOCX: source and translation side by side."""
    from .writers.bilingual import ReviewRow, write_bilingual_docx

    _check_language(release, lang)
    status = release.translation_status(lang)
    attention = {"machine": "machine", "stale": "stale"}.get(status)
    rows = [ReviewRow(unit.id, unit.source, unit.target or "", attention if unit.target else "missing")
            for unit in units(release, lang)]
    config = workspace.config
    legend = (f"Status of the {lang} text: {status}. Shaded translations need attention: yellow = machine "
              "draft, orange = the source changed since it was translated, grey = not translated yet. "
              "Correct the text in the release file or in the XLIFF export, then set 'status: reviewed'.")
    return write_bilingual_docx(f"Review of {release.id}: {release.source} → {lang}",
                                language_tag(config.locale_for(release.source)),
                                language_tag(config.locale_for(lang)) + f" ({status})", legend, rows,
                                release.created)


def _check_language(release: Release, lang: str) -> None:
    if lang == release.source:
        raise UsageError(f"{lang} is the source language of {release.id}; name a translation")


@lru_cache(maxsize=1)
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def read_xliff(path: Path) -> etree._ElementTree:
    """Parse and validate an XLIFF file safely (no entities, no network).

    Raises :class:`InputError` with positioned diagnostics.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        tree = etree.parse(str(path), parser)
    except etree.XMLSyntaxError as exc:
        line, col = exc.position
        raise InputError("malformed XLIFF", [Diagnostic(path, line, col + 1, f"not well-formed XML: {exc.msg}")]) \
            from None
    schema = _schema()
    if not schema.validate(tree):
        raise InputError("invalid XLIFF", [Diagnostic(path, error.line, error.column + 1,
                                                      f"not XLIFF 1.2 as pressgen writes it: {error.message}")
                                           for error in schema.error_log])
    return tree


@dataclass
class ImportReport:
    """What an import did: units applied, conflicts (not applied), the status set, whether it wrote."""

    applied: int = 0
    conflicts: list[Diagnostic] = field(default_factory=list)
    status: str | None = None
    written: bool = False


def import_xliff(xliff: Path, release: Release, workspace: Workspace, lang: str) -> ImportReport:
    """Apply a reviewed XLIFF file to the release's ``lang`` text.

    Raises :class:`InputError` for a file that is not valid XLIFF or belongs to
    another release or language.
    """
    _check_language(release, lang)
    tree = read_xliff(xliff)
    file = tree.getroot().find(_x("file"))
    assert file is not None  # the schema requires one
    problems = []
    if file.get("original") != f"{release.id}.yaml":
        problems.append(Diagnostic(xliff, file.sourceline or 1, 1,
                                   f"this file is for '{file.get('original')}', not {release.id}.yaml"))
    expected_tag = language_tag(workspace.config.locale_for(lang))
    if (file.get("target-language") or "").lower() != expected_tag.lower():
        problems.append(Diagnostic(xliff, file.sourceline or 1, 1,
                                   f"this file translates into '{file.get('target-language')}', not {expected_tag}"))
    if problems:
        raise InputError("wrong XLIFF file", problems)

    report = ImportReport()
    current = {unit.id: unit for unit in units(release, lang)}
    targets: dict[str, str] = {}
    states: dict[str, tuple[str | None, str | None]] = {}
    for element in file.iter(_x("trans-unit")):
        unit_id, line = element.get("id", ""), element.sourceline or 1
        unit = current.get(unit_id)
        source = element.findtext(_x("source")) or ""
        target_element = element.find(_x("target"))
        if unit is None:
            report.conflicts.append(Diagnostic(xliff, line, 1, f"unknown unit '{unit_id}': not in the release now",
                                               "export the release again and review the new file"))
        elif source != unit.source:
            report.conflicts.append(Diagnostic(xliff, line, 1, f"unit '{unit_id}': its source changed since the "
                                               "export; its target is not applied",
                                               "export again to review it against the current text"))
        elif target_element is not None and (target_element.text or "").strip():
            text = target_element.text or ""
            if (reason := unwritable(text)) is not None:
                report.conflicts.append(Diagnostic(xliff, target_element.sourceline or line, 1,
                                                   f"unit '{unit_id}': its target is not applied: {reason}",
                                                   "remove the character in the CAT tool and export again"))
                continue
            targets[unit_id] = text
            states[unit_id] = (target_element.get("state"), target_element.get("state-qualifier"))
    report.applied = len(targets)

    old = release.text[lang].fields() if lang in release.text else {}
    fields = dict(old)
    for name in release.text[release.source].fields():
        ids = [unit_id for unit_id, unit in current.items() if unit.field == name]
        parts = [part for unit_id in ids if (part := targets.get(unit_id, current[unit_id].target)) is not None]
        if len(parts) != len(ids):
            continue  # untranslated pieces remain: keep what the field had
        new = join_paragraphs(parts) if name in PARAGRAPH_FIELDS and ids != [name] else parts[0]
        if name in PARAGRAPH_FIELDS and paragraphs(new) == paragraphs(old.get(name)):
            continue  # same paragraphs: keep the file's own layout
        fields[name] = new
    fields = {name: fields[name] for name in TEXT_FIELDS if name in fields}

    complete = not report.conflicts and set(targets) == set(current)
    block = release.text.get(lang)
    if complete and all(state in FINAL_STATES for state, _ in states.values()):
        status = "reviewed"
    elif targets and all(qualifier == "mt-suggestion" for _, qualifier in states.values()):
        status = "machine"
    else:
        status = "draft" if targets else (block.status if block and block.status else "draft")
    old_hash = block.source_hash if block else None
    source_hash = release.source_hash() if complete else old_hash
    report.status = status
    values = {**fields, "status": status, **({"source_hash": source_hash} if source_hash else {})}
    before = {**old, "status": block.status if block else None, "source_hash": old_hash}
    if {k: v for k, v in values.items()} != {k: v for k, v in before.items() if v is not None}:
        write_text_blocks(release.path, {lang: values}, TEXT_FIELDS)
        report.written = True
    return report
