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

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lxml import etree
from ruamel.yaml.comments import CommentedMap

from pressgen import __version__
from pressgen.document.inline import Inline, Token, from_markdown, markdown_problems, problems, to_markdown
from pressgen.document.localize import language_tag
from pressgen.errors import Diagnostic, InputError, UsageError
from pressgen.resources import PACKAGE_DIR
from pressgen.translation.segments import (
    SEGMENTED,
    Alignment,
    Filled,
    Pair,
    align,
    fields_and_records,
    read_records,
    save,
    unchanged_base,
)
from pressgen.workspace.model import Release, Workspace
from pressgen.workspace.safexml import capped, parse_xml
from pressgen.workspace.yamledit import normalize, unwritable
from pressgen.workspace.yamlio import LoadedYaml, read_regular_file

NS = "urn:oasis:names:tc:xliff:document:1.2"
XML_NS = "http://www.w3.org/XML/1998/namespace"
SCHEMA = PACKAGE_DIR / "schemas" / "xliff-1.2-subset.xsd"
# Segment state -> XLIFF target state and qualifier.
STATES = {"machine": ("needs-review-translation", "mt-suggestion"), "draft": ("translated", None),
          "reviewed": ("final", None), "stale": ("needs-review-translation", None), "missing": ("new", None)}
FINAL_STATES = {"final", "signed-off"}
# Inline kinds <-> XLIFF ctype (x- values are the specification's extension mechanism).
G_TYPES = {"bold": "bold", "italic": "italic", "sup": "x-superscript", "link": "link"}
X_TYPES = {"lb": "lb", "line": "x-line"}
MAX_XLIFF_BYTES = 20 * 1024 * 1024
MAX_UNITS = 10_000


def _x(name: str) -> str:
    return f"{{{NS}}}{name}"


def _check_language(release: Release, lang: str) -> None:
    if lang == release.source:
        raise UsageError(f"{lang} is the source language of {release.id}; name a translation")


def aligned(release: Release, lang: str) -> Alignment:
    """The release's ``lang`` pairs, by its segment records; damaged records raise :class:`InputError`.

    Export and import refuse them rather than pair one to one: import rewrites
    the records, and an export from wrong states would come back wrong.
    """
    return align(release, lang, read_records(release.path, strict=True))


def segment_inline(name: str, text: str) -> Inline:
    """A segment as tokens: Markdown fields (body, notes) parsed, other fields (headline…) plain text."""
    if name in SEGMENTED:
        return from_markdown(text)
    inline = Inline()
    inline.add("text", " ".join(text.split("\n")))
    return inline


# --- inline markup <-> XLIFF -----------------------------------------------------------------


def target_tokens(target: str, source: Inline, name: str = "body") -> list[Token]:
    """Return a translation's tokens with its links and line markers numbered as in the source.

    A link keeps the id of the source link with the same target, so a CAT tool
    pairs the tags; one whose target the source lacks keeps its own id (and
    import will report it).
    """
    inline = segment_inline(name, target)
    free = {ident: href for ident, href in source.links.items()}
    renamed: dict[str, str] = {}
    for ident, href in inline.links.items():
        match = next((s for s, h in free.items() if h == href), None)
        if match is not None:
            renamed[ident] = match
            del free[match]
        else:
            renamed[ident] = f"x-{ident}"
    markers = iter(source.markers)
    out: list[Token] = []
    for token in inline.tokens:
        if token[0] in ("open", "close") and token[1] == "link":
            out.append((token[0], "link", renamed[token[2]]))
        elif token[0] == "x" and token[1] == "line":
            out.append(("x", "line", next(markers, f"x-{token[2]}")))
        else:
            out.append(token)
    return out


def _put_tokens(element: etree._Element, tokens: Iterable[Token]) -> None:
    stack = [element]
    last: etree._Element | None = None  # the element whose tail takes the next text
    for token in tokens:
        current = stack[-1]
        if token[0] == "text":
            if last is not None and last.getparent() is current:
                last.tail = (last.tail or "") + token[1]
            else:
                current.text = (current.text or "") + token[1]
        elif token[0] == "open":
            child = etree.SubElement(current, _x("g"), id=token[2], ctype=G_TYPES[token[1]])
            stack.append(child)
            last = None
        elif token[0] == "close":
            last = stack.pop()
        else:
            last = etree.SubElement(current, _x("x"), id=token[2], ctype=X_TYPES[token[1]])


class _Unsupported(ValueError):
    """Inline XLIFF that has no Markdown counterpart."""


def tokens_of(element: etree._Element) -> list[Token]:
    """Return the tokens of a source or target element (``<mrk>`` segments are read through).

    Raises :class:`_Unsupported` for inline elements pressgen cannot map back.
    """
    kinds = {ctype: kind for kind, ctype in G_TYPES.items()}
    places = {ctype: kind for kind, ctype in X_TYPES.items()}
    out: list[Token] = []

    def walk(node: etree._Element) -> None:
        if node.text:
            out.append(("text", node.text))
        for child in node:
            if not isinstance(child.tag, str):  # a comment or processing instruction
                pass
            elif child.tag == _x("g") and child.get("ctype") in kinds:
                kind = kinds[child.get("ctype")]
                out.append(("open", kind, child.get("id", "")))
                walk(child)
                out.append(("close", kind, child.get("id", "")))
            elif child.tag == _x("x") and child.get("ctype") in places:
                out.append(("x", places[child.get("ctype")], child.get("id", "")))
            elif child.tag in (_x("mrk"), _x("g")):  # segment markers, tags of unknown meaning: their text
                walk(child)
            else:
                raise _Unsupported(f"inline element <{etree.QName(child).localname}> cannot be mapped to the "
                                   "release's Markdown")
            if child.tail:
                out.append(("text", child.tail))

    walk(element)
    return [token if token[0] != "text" else ("text", " ".join(normalize(token[1]).split("\n"))) for token in out]


# --- export ------------------------------------------------------------------------------------


def _comments(loaded: LoadedYaml | None, lang: str, name: str) -> list[str]:
    """Return the ``# `` comment lines right above a field of a language block (notes for translators)."""
    if loaded is None:
        return []
    text = loaded.data.get("text")
    block = text.get(lang) if isinstance(text, CommentedMap) else None
    if not isinstance(block, CommentedMap) or name not in block:
        return []
    lines = loaded.text.splitlines()
    index = block.lc.key(name)[0] - 1  # 0-based line of the key, then upwards
    found: list[str] = []
    while index >= 0 and lines[index].strip().startswith("#"):
        found.insert(0, lines[index].strip().lstrip("#").strip())
        index -= 1
    return [comment for comment in found if comment]


def export_xliff(release: Release, workspace: Workspace, lang: str, loaded: LoadedYaml | None = None) -> bytes:
    """Return an XLIFF 1.2 document with one trans-unit per segment (a missing language: empty targets)."""
    _check_language(release, lang)
    config = workspace.config
    alignment = aligned(release, lang)
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
        "Tags stand for bold, italics, superscripts, links and list markers: keep them around the words they "
        "mark. Approve a unit (or mark it final) when it is reviewed.")
    body = etree.SubElement(file, _x("body"))
    numbers: dict[str, int] = {}
    for pair in alignment.pairs:
        if pair.source is None:
            continue  # an orphan: nothing to translate it from
        numbers[pair.field] = numbers.get(pair.field, 0) + 1
        _unit(body, release, lang, pair, numbers[pair.field], loaded)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _unit(body: etree._Element, release: Release, lang: str, pair: Pair, number: int,
          loaded: LoadedYaml | None) -> None:
    assert pair.source is not None
    element = etree.SubElement(body, _x("trans-unit"), id=pair.id, resname=pair.field)
    if pair.state == "reviewed":
        element.set("approved", "yes")
    source = segment_inline(pair.field, pair.source)
    source_element = etree.SubElement(element, _x("source"))
    source_element.set(f"{{{XML_NS}}}space", "preserve")
    _put_tokens(source_element, source.tokens)
    state, qualifier = STATES[pair.state if pair.target is not None else "missing"]
    target = etree.SubElement(element, _x("target"), state=state)
    target.set(f"{{{XML_NS}}}space", "preserve")
    if qualifier:
        target.set("state-qualifier", qualifier)
    if pair.target is not None:
        _put_tokens(target, target_tokens(pair.target, source, pair.field))
    where = f"{pair.field}, paragraph {number}" if pair.field in ("body", "notes") and not pair.whole else pair.field
    etree.SubElement(element, _x("note"), {"from": "pressgen"}).text = f"Release {release.id}, {where}"
    if pair.state == "stale" and pair.made_from:
        etree.SubElement(element, _x("note"), {"from": "pressgen", "annotates": "source"}).text = \
            f"The source changed since this was translated. Previous source: {pair.made_from}"
    for comment in _comments(loaded, release.source, pair.field) + _comments(loaded, lang, pair.field):
        etree.SubElement(element, _x("note"), {"from": "author"}).text = comment


# --- import ------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def read_xliff(path: Path) -> etree._ElementTree:
    """Parse and validate an XLIFF file safely (bounded size, units and entities; nothing fetched).

    Internal entities are expanded (see :mod:`pressgen.workspace.safexml`). Raises
    :class:`InputError` with positioned diagnostics, at most
    :data:`~pressgen.workspace.safexml.MAX_DIAGNOSTICS` of them.
    """
    raw = read_regular_file(path, limit=MAX_XLIFF_BYTES)
    tree = parse_xml(path, raw, "XLIFF")
    units = sum(1 for _ in tree.getroot().iter(_x("trans-unit")))
    if units > MAX_UNITS:
        raise InputError("too many units", [Diagnostic(
            path, 1, 1, f"the file holds {units} translation units, more than the {MAX_UNITS} pressgen reads "
            "(a release has one per field and paragraph); refused",
            "export the release again with 'pressgen review export' and review that file")])
    schema = _schema()
    try:
        valid = schema.validate(tree)
    except etree.XMLSchemaError as exc:  # libxml2 gives up on the tree instead of listing its errors
        raise InputError("invalid XLIFF", [Diagnostic(path, 1, 1, f"not XLIFF 1.2 as pressgen reads it: {exc}")]) \
            from None
    if not valid:
        raise InputError("invalid XLIFF", capped([Diagnostic(path, error.line, error.column + 1,
                                                             f"not XLIFF 1.2 as pressgen reads it: {error.message}")
                                                  for error in schema.error_log]))
    return tree


@dataclass
class ImportReport:
    """What an import did: units applied, conflicts (not applied), the status set, whether it wrote."""

    applied: int = 0
    conflicts: list[Diagnostic] = field(default_factory=list)
    status: str | None = None
    written: bool = False


@dataclass(frozen=True)
class Returned:
    """One translated unit as it came back from a reviewer: where, its text as tokens or Markdown, its state."""

    unit_id: str
    line: int
    tokens: list[Token] | None  # None: the text is Markdown typed as plain text
    text: str
    state: str
    untouched_stale: bool = False  # still marked as needing review, as exported: leave it stale


def _state_of(unit: etree._Element, target: etree._Element) -> str:
    if unit.get("approved") == "yes" or target.get("state") in FINAL_STATES:
        return "reviewed"
    if target.get("state-qualifier") == "mt-suggestion":
        return "machine"
    return "draft"


def returned_units(xliff: Path, tree: etree._ElementTree, conflicts: list[Diagnostic]) -> list[Returned]:
    """Return the units of an XLIFF file that carry a translation; unreadable ones go to ``conflicts``."""
    out = []
    for unit in tree.getroot().iter(_x("trans-unit")):
        target = unit.find(_x("target"))
        if target is None or not "".join(target.itertext()).strip():
            continue
        line = target.sourceline or unit.sourceline or 1
        source = unit.find(_x("seg-source"))
        source = source if source is not None else unit.find(_x("source"))
        try:
            tagged = source is not None and len(source) > 0 or len(target) > 0
            tokens = tokens_of(target) if tagged else None
        except _Unsupported as exc:
            conflicts.append(Diagnostic(xliff, line, 1, f"unit '{unit.get('id')}': {exc}; its target is not applied",
                                        "keep only the tags of the source in the translation"))
            continue
        state = _state_of(unit, target)
        untouched = target.get("state") == "needs-review-translation" and state != "reviewed" \
            and target.get("state-qualifier") != "mt-suggestion"
        out.append(Returned(unit.get("id", ""), line, tokens, "".join(target.itertext()), state, untouched))
    return out


def apply_units(source_path: Path, returned: list[Returned], release: Release, workspace: Workspace, lang: str,
                report: ImportReport, alignment: Alignment | None = None) -> None:
    """Check each returned unit against the release (``alignment``: its pairs, when already known),
    then write those that pass (and the records)."""
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
            continue
        if pair.state == "stale" and unit.untouched_stale:
            continue  # exported as needing review and sent back as it was: it stays stale
        markdown, reasons = _markdown(unit, pair)
        if markdown is not None and (reason := unwritable(markdown)) is not None:
            reasons.append(reason)
        if reasons or markdown is None:
            report.conflicts.append(Diagnostic(source_path, unit.line, 1,
                                               f"unit '{unit.unit_id}': its target is not applied: "
                                               + "; ".join(reasons),
                                               "correct the translation in the review tool and export it again"))
            continue
        filled[pair.id] = Filled(pair, markdown, unit.state)
    report.applied = len(filled)
    report.conflicts = capped(report.conflicts)
    reviewed = [f for f in filled.values() if f.state == "reviewed" and not f.pair.whole]
    if reviewed:  # the memory first: a damaged or locked one is reported while the release is untouched
        memory = TranslationMemory(workspace.root / MEMORY_FILE)
        try:
            memory.put_many((REVIEWED, release.source, lang, item.pair.source or "", item.text) for item in reviewed)
        finally:
            memory.close()
    _write(release, workspace, lang, alignment, filled, report)


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
    markdown = to_markdown(unit.tokens, source)
    if pair.target is not None and to_markdown(target_tokens(pair.target, source, pair.field), source) == markdown:
        return pair.target, []  # unchanged: keep the file's own text
    return markdown, []


def _write(release: Release, workspace: Workspace, lang: str, alignment: Alignment, filled: dict[str, Filled],
           report: ImportReport) -> None:
    block = release.text.get(lang)
    fields, records, summary, _ = fields_and_records(alignment.pairs, filled, block)
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


def import_xliff(xliff: Path, release: Release, workspace: Workspace, lang: str) -> ImportReport:
    """Apply a reviewed XLIFF file to the release's ``lang`` text.

    Raises :class:`InputError` for a file that is not valid XLIFF or belongs to
    another release or language.
    """
    _check_language(release, lang)
    tree = read_xliff(xliff)
    file = tree.getroot().find(_x("file"))
    assert file is not None  # the schema requires one
    problems_found = []
    if file.get("original") != f"{release.id}.yaml":
        problems_found.append(Diagnostic(xliff, file.sourceline or 1, 1,
                                         f"this file is for '{file.get('original')}', not {release.id}.yaml"))
    expected_tag = language_tag(workspace.config.locale_for(lang))
    if (file.get("target-language") or "").lower() != expected_tag.lower():
        problems_found.append(Diagnostic(xliff, file.sourceline or 1, 1, f"this file translates into "
                                         f"'{file.get('target-language')}', not {expected_tag}"))
    if problems_found:
        raise InputError("wrong XLIFF file", problems_found)
    report = ImportReport()
    returned = returned_units(xliff, tree, report.conflicts)
    apply_units(xliff, returned, release, workspace, lang, report)
    return report


# --- the bilingual DOCX -------------------------------------------------------------------------


def export_docx(release: Release, workspace: Workspace, lang: str) -> bytes:
    """Return the bilingual review DOCX: one row per segment, source and translation side by side."""
    from pressgen.check.translation import parity_problems
    from pressgen.translation.review_docx import ReviewRow, write_bilingual_docx

    _check_language(release, lang)
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

    _check_language(release, lang)
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
