"""XLIFF 1.2, as CAT tools read and write it: a release's segments out as units, returned units in.

One unit per field and per paragraph, with an id made from the source segment's
fingerprint, so units stay valid when other paragraphs are inserted, deleted or
moved. Inline markup travels as ``<g>``/``<x/>`` tags whose link targets and list
markers come from the source on the way back. Reading is bounded and fetches
nothing (:mod:`pressgen.workspace.safexml`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree
from ruamel.yaml.comments import CommentedMap

from pressgen import __version__
from pressgen.document.inline import Inline, Token, from_markdown, to_markdown
from pressgen.document.localize import language_tag
from pressgen.errors import Diagnostic, InputError, UsageError
from pressgen.resources import PACKAGE_DIR
from pressgen.translation.memory import HumanVersion
from pressgen.translation.segments import (
    HUMAN,
    SEGMENTED,
    Alignment,
    Pair,
    align,
    fingerprint,
    normalised,
    read_records,
)
from pressgen.translation.similarity import FUZZY_THRESHOLD, similarity
from pressgen.workspace.model import Release, Workspace
from pressgen.workspace.safexml import capped, parse_xml
from pressgen.workspace.yamledit import normalize
from pressgen.workspace.yamlio import LoadedYaml, read_regular_file

NS = "urn:oasis:names:tc:xliff:document:1.2"
XML_NS = "http://www.w3.org/XML/1998/namespace"
# The official OASIS XLIFF 1.2 strict schema. Its extension points (attributes and elements of other
# namespaces, which CAT tools add: Okapi's okp:, memoQ's mq:, SDL's sdl:) are read laxly, as the
# transitional schema reads them: checked when their schema is known, accepted otherwise.
SCHEMA = PACKAGE_DIR / "schemas" / "xliff-core-1.2-strict.xsd"
# Segment state -> XLIFF target state and qualifier.
STATES = {"machine": ("needs-review-translation", "mt-suggestion"), "draft": ("translated", None),
          "reviewed": ("final", None), "stale": ("needs-review-translation", None), "missing": ("new", None)}
FINAL_STATES = {"final", "signed-off"}
# Inline kinds <-> XLIFF ctype (x- values are the specification's extension mechanism).
G_TYPES = {"bold": "bold", "italic": "italic", "sup": "x-superscript", "link": "link"}
X_TYPES = {"lb": "lb", "line": "x-line"}
UNTRANSLATED_STATES = {"new", "needs-translation"}
KIT_STATE = "needs-translation"  # a translation kit's targets: copies of the source, not translated yet
# What each exported unit carries of the release as it was exported, in the trans-unit's ``extradata``
# (XLIFF 1.2's own attribute for a tool's data, allowed by the strict schema, kept by CAT tools):
# "pressgen target=<fingerprint of the exported target, or -> state=<its segment state>".
BASE_PREFIX = "pressgen "
MAX_XLIFF_BYTES = 20 * 1024 * 1024
MAX_UNITS = 10_000


def qname(name: str) -> str:
    return f"{{{NS}}}{name}"


def check_language(release: Release, lang: str) -> None:
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


def target_key(text: str | None, source: str, name: str) -> str:
    """Return the fingerprint of a translation as a unit shows it ("" for none), white space aside.

    Markdown goes through the unit's tags and back, so a target exported and returned
    unchanged has the key of the release's text it was exported from.
    """
    if text is None or not text.strip():
        return ""
    if name in SEGMENTED:
        inline = from_markdown(source)
        tokens = target_tokens(text, inline, name)
        # A link whose target the source lacks has no tag to go through: the text is its own key.
        if all(token[2] in inline.links for token in tokens if token[0] in ("open", "close") and token[1] == "link"):
            text = to_markdown(tokens, inline)
    return fingerprint(" ".join(text.split()))


def base_data(pair: Pair) -> str:
    """The ``extradata`` of an exported unit: the target it carried and that target's state."""
    assert pair.source is not None
    key = target_key(pair.target, pair.source, pair.field) or "-"
    return f"{BASE_PREFIX}target={key} state={pair.state if pair.target is not None else 'missing'}"


def read_base(unit: etree._Element) -> tuple[str, str] | None:
    """Return (target key, state) recorded at export ("" for no target), or None for a unit without them."""
    return parse_base(unit.get("extradata") or "")


def parse_base(data: str) -> tuple[str, str] | None:
    """:func:`read_base` of the text :func:`base_data` wrote (an XLIFF ``extradata``, a review DOCX's id cell)."""
    if not data.startswith(BASE_PREFIX):
        return None
    values = dict(item.partition("=")[::2] for item in data[len(BASE_PREFIX):].split())
    key, state = values.get("target"), values.get("state")
    if key is None or state is None:
        return None
    return ("" if key == "-" else key), state


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
            child = etree.SubElement(current, qname("g"), id=token[2], ctype=G_TYPES[token[1]])
            stack.append(child)
            last = None
        elif token[0] == "close":
            last = stack.pop()
        else:
            last = etree.SubElement(current, qname("x"), id=token[2], ctype=X_TYPES[token[1]])


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
            elif child.tag == qname("g") and child.get("ctype") in kinds:
                kind = kinds[child.get("ctype")]
                out.append(("open", kind, child.get("id", "")))
                walk(child)
                out.append(("close", kind, child.get("id", "")))
            elif child.tag == qname("x") and child.get("ctype") in places:
                out.append(("x", places[child.get("ctype")], child.get("id", "")))
            elif child.tag in (qname("mrk"), qname("g")):  # segment markers, tags of unknown meaning: their text
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


def export_xliff(release: Release, workspace: Workspace, lang: str, loaded: LoadedYaml | None = None,
                 kit: bool = False) -> bytes:
    """Return an XLIFF 1.2 document with one trans-unit per segment (a missing language: empty targets).

    With ``kit``, a translation kit as OmegaT's and Okapi's XLIFF filters read it: they translate the
    text of ``<target>``, so every target holds a copy of the source, marked ``needs-translation``; the
    release's own translation is kept in the unit's record of the export (``extradata``), so the
    import still compares three ways, and offered with the memory's pairs (``pressgen tm export``).
    """
    check_language(release, lang)
    config = workspace.config
    alignment = aligned(release, lang)
    root = etree.Element(qname("xliff"), nsmap={None: NS}, version="1.2")
    file = etree.SubElement(root, qname("file"), {
        "original": f"{release.id}.yaml", "datatype": "plaintext", "product-name": "pressgen",
        "source-language": language_tag(config.locale_for(release.source)),
        "target-language": language_tag(config.locale_for(lang))})
    header = etree.SubElement(file, qname("header"))
    etree.SubElement(header, qname("tool"), {"tool-id": "pressgen", "tool-name": "pressgen",
                                          "tool-version": __version__})
    etree.SubElement(header, qname("note")).text = (
        f"Release {release.id}: {release.source} → {lang}, source fingerprint {release.source_hash()}. "
        "Tags stand for bold, italics, superscripts, links and list markers: keep them around the words they "
        "mark. Approve a unit (or mark it final) when it is reviewed.")
    body = etree.SubElement(file, qname("body"))
    finders = finders_for(release, workspace, lang)
    numbers: dict[str, int] = {}
    for pair in alignment.pairs:
        if pair.source is None:
            continue  # an orphan: nothing to translate it from
        numbers[pair.field] = numbers.get(pair.field, 0) + 1
        _unit(body, release, lang, pair, numbers[pair.field], loaded, kit, finders)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _unit(body: etree._Element, release: Release, lang: str, pair: Pair, number: int,
          loaded: LoadedYaml | None, kit: bool = False, finders: Sequence[Finder] | None = None) -> None:
    assert pair.source is not None
    element = etree.SubElement(body, qname("trans-unit"), id=pair.id, resname=pair.field, extradata=base_data(pair))
    if pair.state == "reviewed" and not kit:
        element.set("approved", "yes")
    source = segment_inline(pair.field, pair.source)
    source_element = etree.SubElement(element, qname("source"))
    source_element.set(f"{{{XML_NS}}}space", "preserve")
    _put_tokens(source_element, source.tokens)
    state, qualifier = STATES[pair.state if pair.target is not None else "missing"]
    if kit:  # what the CAT tool translates: a copy of the source, not translated yet
        state, qualifier = KIT_STATE, None
    target = etree.SubElement(element, qname("target"), state=state)
    target.set(f"{{{XML_NS}}}space", "preserve")
    if qualifier:
        target.set("state-qualifier", qualifier)
    if kit:
        _put_tokens(target, source.tokens)
    elif pair.target is not None:
        _put_tokens(target, target_tokens(pair.target, source, pair.field))
    where = f"{pair.field}, paragraph {number}" if pair.field in ("body", "notes") and not pair.whole else pair.field
    etree.SubElement(element, qname("note"), {"from": "pressgen"}).text = f"Release {release.id}, {where}"
    if pair.state == "stale" and pair.made_from:
        etree.SubElement(element, qname("note"), {"from": "pressgen", "annotates": "source"}).text = \
            f"The source changed since this was translated. Previous source: {pair.made_from}"
    for comment in _comments(loaded, release.source, pair.field) + _comments(loaded, lang, pair.field):
        etree.SubElement(element, qname("note"), {"from": "author"}).text = comment
    for author, text in pair.notes:  # the translator's notes kept in the segment's record
        etree.SubElement(element, qname("note"), {"from": author or "translator"}).text = text
    for candidate in candidates(pair, (previous_version,) if finders is None else finders):
        _alt_trans(element, pair, source, candidate)


# --- matches offered beside a unit (<alt-trans>) --------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A translation offered beside a unit, never applied: the source it translated, its text (Markdown,
    or plain text for plain fields), how alike the two sources are (percent, :mod:`similarity`), and
    where it comes from (``origin``: ``previous-version``, or a memory's name)."""

    source: str
    target: str
    quality: int
    origin: str


Finder = Callable[[Pair], Iterable[Candidate]]  # the candidates one source offers for a unit


def previous_version(pair: Pair) -> Iterator[Candidate]:
    """A stale unit's previous version: the source its human translation was made from (the segment
    records) and that translation, which the release still holds."""
    if pair.source is not None and pair.state == "stale" and pair.made_from and pair.target is not None \
            and pair.basis in HUMAN:
        yield Candidate(pair.made_from, pair.target, similarity(pair.made_from, pair.source), "previous-version")


def replaced_versions(history: Sequence[HumanVersion]) -> Finder:
    """The human translations pressgen replaced (the memory's history), offered for the units whose source
    is like the one they were made from and whose translation is not that text already."""
    def find(pair: Pair) -> Iterator[Candidate]:
        if pair.source is None:
            return
        for version in history:
            if pair.target is not None and normalised(version.translation) == normalised(pair.target):
                continue
            yield Candidate(version.source, version.translation, similarity(version.source, pair.source),
                            "replaced-version")
    return find


def candidates(pair: Pair, finders: Sequence[Finder] = (previous_version,)) -> list[Candidate]:
    """The matches offered for one unit by each finder, best first, each at least
    :data:`~pressgen.translation.similarity.FUZZY_THRESHOLD` percent alike, each translation once.

    A new source of matches (the memory's fuzzy matches) is one more finder in ``finders``.
    """
    found: dict[str, Candidate] = {}
    for finder in finders:
        for candidate in finder(pair):
            key = normalised(candidate.target)
            if candidate.quality >= FUZZY_THRESHOLD and (key not in found or found[key].quality < candidate.quality):
                found[key] = candidate
    return sorted(found.values(), key=lambda candidate: -candidate.quality)


def finders_for(release: Release, workspace: Workspace, lang: str) -> list[Finder]:
    """The sources of matches an export offers: the previous version, the memory's replaced human
    translations (when the workspace has a memory; an export never creates one), and fuzzy matches."""
    from pressgen.translation.memory import MEMORY_FILE, TranslationMemory

    found: list[Finder] = [previous_version]
    if (workspace.root / MEMORY_FILE).is_file():
        memory = TranslationMemory(workspace.root / MEMORY_FILE)
        try:
            found.append(replaced_versions(memory.previous(release.source, lang)))
        finally:
            memory.close()
    found.append(fuzzy_matches(release, workspace, lang))
    return found


def fuzzy_matches(release: Release, workspace: Workspace, lang: str) -> Finder:
    """The fuzzy matches of the units still to translate or review (not reviewed): human translations of
    like sources from the memory and every release of the workspace (:mod:`pressgen.translation.analysis`),
    never the unit's own text."""
    from pressgen.translation.status import kept_workspace_leverage

    leverage, _ = kept_workspace_leverage(workspace)  # made once while the workspace's files stay as they are

    def find(pair: Pair) -> Iterator[Candidate]:
        if pair.source is None or pair.state == "reviewed":
            return
        for match in leverage.fuzzy(release.source, lang, pair.source, limit=3):
            if pair.target is None or normalised(match.target) != normalised(pair.target):
                yield Candidate(match.source, match.target, match.percent, match.origin)
    return find


def _alt_trans(element: etree._Element, pair: Pair, source: Inline, candidate: Candidate) -> None:
    """Add one candidate as ``<alt-trans match-quality="NN">`` with its source and translation, tags as the unit's."""
    alt = etree.SubElement(element, qname("alt-trans"), {"match-quality": str(candidate.quality),
                                                      "origin": f"pressgen {candidate.origin}"})
    old = segment_inline(pair.field, candidate.source)
    old_source = etree.SubElement(alt, qname("source"))
    _put_tokens(old_source, old.tokens)
    old_target = etree.SubElement(alt, qname("target"))
    try:
        _put_tokens(old_target, target_tokens(candidate.target, old, pair.field))
    except KeyError:  # a translation whose markup its old source lacks: offered as its text
        old_target.text = candidate.target


# --- import ------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _schema() -> etree.XMLSchema:
    """The OASIS strict schema, its extension points lax (see :data:`SCHEMA`); read from the package only."""
    text = SCHEMA.read_bytes().replace(b'processContents="strict"', b'processContents="lax"')
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.fromstring(text, parser, base_url=SCHEMA.as_uri()))


def same_language(tag: str, wanted: str) -> bool:
    """Whether an XLIFF language tag names the language of the workspace locale tag ``wanted``.

    ``fr`` (no region) and ``fr-BE``/``fr_be`` are fr-BE's language; another region (``fr-FR``) is not:
    a file made for another market is refused, with the tag it names.
    """
    tag, wanted = tag.replace("_", "-").lower(), wanted.replace("_", "-").lower()
    return tag == wanted or tag == wanted.split("-")[0]


def read_xliff(path: Path) -> etree._ElementTree:
    """Parse and validate an XLIFF file safely (bounded size, units and entities; nothing fetched).

    Internal entities are expanded (see :mod:`pressgen.workspace.safexml`). Raises
    :class:`InputError` with positioned diagnostics, at most
    :data:`~pressgen.workspace.safexml.MAX_DIAGNOSTICS` of them.
    """
    raw = read_regular_file(path, limit=MAX_XLIFF_BYTES)
    tree = parse_xml(path, raw, "XLIFF")
    units = sum(1 for _ in tree.getroot().iter(qname("trans-unit")))
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


@dataclass(frozen=True)
class Returned:
    """One unit as it came back from a reviewer: where, its text as tokens or Markdown, its state.

    ``state`` is the state its text takes when the reviewer changed it. A unit
    that is ``tracked`` (XLIFF) also says what it was exported with: ``base``, the
    key of its target then (:func:`target_key`; "" for none; None: an export made
    before pressgen recorded it), ``exported``, its state then (None: unknown),
    ``returned_as``, the state its attributes give when the text came back as
    exported (None: none to apply), and ``untranslated``, why a changed target is
    no translation (a copy of the source marked new).
    """

    unit_id: str
    line: int
    tokens: list[Token] | None  # None: the text is Markdown typed as plain text
    text: str
    state: str
    untouched_stale: bool = False  # still marked as needing review, as exported: leave it stale
    tracked: bool = False
    base: str | None = None
    exported: str | None = None
    returned_as: str | None = None
    untranslated: str | None = None


def _read_state(unit: etree._Element, target: etree._Element) -> str | None:
    """The segment state a unit's attributes stand for, as XLIFF 1.2 defines them (None: not translated)."""
    state = target.get("state")
    if unit.get("approved") == "yes" or state in FINAL_STATES:
        return "reviewed"
    if target.get("state-qualifier") == "mt-suggestion":
        return "machine"
    if state == "translated":
        return "draft"
    if state is not None and state.startswith("needs-review"):
        return "stale"
    return None


def _text(element: etree._Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def returned_units(xliff: Path, file: etree._Element, conflicts: list[Diagnostic]) -> list[Returned]:
    """Return the units of one ``<file>`` of an XLIFF document; unreadable ones go to ``conflicts``."""
    out = []
    for unit in file.iter(qname("trans-unit")):
        if unit.get("translate") == "no":
            continue
        target = unit.find(qname("target"))
        base = read_base(unit)
        line = (target.sourceline if target is not None else None) or unit.sourceline or 1
        if target is None or not "".join(target.itertext()).strip():
            if base is not None:  # tracked: an emptied target is reported, an empty one counted as unchanged
                out.append(Returned(unit.get("id", ""), line, [], "", "draft", tracked=True, base=base[0],
                                    exported=base[1]))
            continue
        source = unit.find(qname("seg-source"))
        source = source if source is not None else unit.find(qname("source"))
        try:
            tagged = source is not None and len(source) > 0 or len(target) > 0
            tokens = tokens_of(target) if tagged else None
        except _Unsupported as exc:
            conflicts.append(Diagnostic(xliff, line, 1, f"unit '{unit.get('id')}': {exc}; its target is not applied",
                                        "keep only the tags of the source in the translation"))
            continue
        read = _read_state(unit, target)
        untranslated = None
        if target.get("state") in UNTRANSLATED_STATES and _text(target) == _text(unit.find(qname("source"))):
            untranslated = (f"its target is a copy of the source marked '{target.get('state')}': not translated "
                            "yet, so not imported")
        out.append(Returned(unit.get("id", ""), line, tokens, "".join(target.itertext()),
                            "reviewed" if read == "reviewed" else "draft", tracked=True,
                            base=base[0] if base else None, exported=base[1] if base else None,
                            returned_as=read, untranslated=untranslated))
    return out
