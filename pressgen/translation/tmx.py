"""Translation memory exchange: the workspace's reviewed pairs as TMX 1.4b, and back.

A team shares its memory with a CAT tool (or another pressgen workspace) through TMX.

``export`` writes every reviewed segment pair of the workspace's releases (and the
memory's reviewed pairs, which include those imported) with the workspace's language
tags. Inline markup is written as TMX codes that match the XLIFF export's tags
(``<bpt>``/``<ept>`` for ``<g>``, ``<ph>`` for ``<x/>``, each holding the XLIFF tag as
its native code), so a CAT tool that reads level-2 TMX (OmegaT) finds a tagged segment
as a 100 % match. Each unit carries its release (``<prop type="x-release">``), field,
the link targets and list markers its codes stand for, and its dates.

``import`` validates a TMX file against the TMX 1.4b DTD (entities declared in the file
are expanded, within bounds, nothing fetched: :mod:`pressgen.workspace.safexml`), turns
codes back into the release's Markdown, matches languages by the workspace's locales
(another region of a language is used and reported), resolves duplicates by
``changedate`` (reported), keeps notes, properties and dates, and adds the pairs as
reviewed translations. A pair whose translation a returned XLIFF unit could not be
(:mod:`pressgen.translation.unitcheck`) refuses the file.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from pressgen import __version__
from pressgen.document.inline import Inline, Token, to_markdown
from pressgen.document.localize import language_tag
from pressgen.errors import Diagnostic, InputError, PressgenError
from pressgen.resources import PACKAGE_DIR
from pressgen.translation.memory import BUSY_TIMEOUT, MEMORY_FILE, REVIEWED, MemoryUnusable, TranslationMemory
from pressgen.translation.segments import SEGMENTED, normalised
from pressgen.translation.unitcheck import segment_problems
from pressgen.translation.xliff import G_TYPES, X_TYPES, aligned, segment_inline, target_tokens
from pressgen.workspace.model import Workspace
from pressgen.workspace.safexml import capped, parse_xml
from pressgen.workspace.yamlio import read_regular_file

DTD = PACKAGE_DIR / "schemas" / "tmx14.dtd"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MAX_TMX_BYTES = 64 * 1024 * 1024  # parsed whole: about 1 GiB of memory at most
DATE_FORMAT = "%Y%m%dT%H%M%SZ"  # TMX's dates: ISO 8601, basic format, UTC
LINK_PROP, MARKER_PROP = "x-link:", "x-marker:"  # what a code stands for: a link's target, a list line's marker
# Code types (a TMX type attribute or a native code) -> inline kind, for codes other tools wrote.
_PAIRED_KINDS = {**{ctype: kind for kind, ctype in G_TYPES.items()}, "superscript": "sup", "x-sup": "sup",
                 "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "sup": "sup", "a": "link"}
_PLACED_KINDS = {**{ctype: kind for kind, ctype in X_TYPES.items()}, "br": "lb"}
_NATIVE = re.compile(r"<\s*(\w+)([^>]*)>")
_ATTRIBUTE = re.compile(r"""([\w:-]+)\s*=\s*["']([^"']*)["']""")


def _date(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime(DATE_FORMAT)


def _parse_date(text: str | None) -> str | None:
    """A TMX date as pressgen stores it (``YYYYMMDDThhmmssZ``), or None when absent or unreadable."""
    if not text:
        return None
    for form in (DATE_FORMAT, "%Y-%m-%dT%H:%M:%SZ"):
        try:
            return _date(dt.datetime.strptime(text.strip(), form).replace(tzinfo=dt.UTC))
        except ValueError:
            continue
    return None


# --- what the export writes, and what an import kept ----------------------------------------------


@dataclass
class TmxPair:
    """One reviewed pair: languages, texts (Markdown for Markdown fields), where it comes from, its history."""

    source_lang: str
    target_lang: str
    source: str
    target: str
    field_name: str | None = None  # headline, body…; None: not known (a pair from the memory)
    release: str | None = None
    created: str | None = None  # TMX dates, UTC
    changed: str | None = None
    notes: list[str] = field(default_factory=list)
    props: list[tuple[str, str]] = field(default_factory=list)  # other tools' properties, kept as read

    @property
    def key(self) -> tuple[str, str, str, str]:
        return self.source_lang, self.target_lang, normalised(self.source), normalised(self.target)


class _Kept:
    """What an import keeps of each pair beside the memory (its notes, properties and dates), in the memory's
    database (table ``tmx_pairs``): the memory holds the texts, this their history."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with self._guard():
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=BUSY_TIMEOUT)

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            if "locked" in str(exc):  # worded as the memory's own report
                message = (f"the translation memory is locked by another program (waited {BUSY_TIMEOUT:g} s)",
                           "wait until the other pressgen command (or the program holding it) has finished, "
                           "then run this one again")
            else:
                message = (f"the translation memory cannot be used: {exc}",
                           "check that the folder .pressgen is writable")
            raise MemoryUnusable("translation memory unusable", [Diagnostic(self.path, 1, 1, *message)]) from None

    def all(self) -> dict[tuple[str, str, str, str], TmxPair]:
        with self._guard():
            if self._db.execute("SELECT 1 FROM sqlite_master WHERE name='tmx_pairs'").fetchone() is None:
                return {}
            rows = self._db.execute("SELECT * FROM tmx_pairs").fetchall()
        out = {}
        for source, target, text, translation, release, name, created, changed, notes, props in rows:
            pair = TmxPair(source, target, text, translation, name, release, created, changed,
                           json.loads(notes), [tuple(p) for p in json.loads(props)])
            out[pair.key] = pair
        return out

    def put(self, pairs: list[TmxPair]) -> None:
        """Keep what the pairs carry besides their texts (those with notes, properties or dates only)."""
        pairs = [p for p in pairs if p.notes or p.props or p.created or p.changed or p.release]
        if not pairs:
            return
        with self._guard(), self._db:
            self._db.execute("CREATE TABLE IF NOT EXISTS tmx_pairs (source TEXT, target TEXT, text TEXT, "
                             "translation TEXT, release TEXT, field TEXT, created TEXT, changed TEXT, notes TEXT, "
                             "props TEXT, PRIMARY KEY (source, target, text, translation))")
            self._db.executemany("INSERT OR REPLACE INTO tmx_pairs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (
                (*pair.key, pair.release, pair.field_name, pair.created, pair.changed, json.dumps(pair.notes),
                 json.dumps(pair.props)) for pair in pairs))

    def close(self) -> None:
        self._db.close()


def reviewed_pairs(workspace: Workspace) -> tuple[list[TmxPair], list[Diagnostic]]:
    """Every reviewed pair of the workspace's releases (paragraph by paragraph), then the memory's others.

    A release that cannot be read is left out, its problems returned (warnings). Pairs the memory
    holds with notes or dates from an import keep them.
    """
    from pressgen.builder.plan import release_files
    from pressgen.check import EVERY_LANGUAGE, check_release, release_languages

    config = workspace.config
    out: dict[tuple[str, str, str, str], TmxPair] = {}
    left_out: list[Diagnostic] = []
    for path in release_files([workspace.root]):
        checked = check_release(path, workspace, pending=EVERY_LANGUAGE)
        release = checked.release
        if release is None:
            left_out.append(Diagnostic(path, 1, 1, "this release has errors: its pairs are not exported "
                                       "(run 'pressgen check' on it)", severity="warning"))
            continue
        changed = _date(dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC))
        for lang in release_languages(release, config):
            if lang == release.source:
                continue
            try:
                alignment = aligned(release, lang)
            except PressgenError as exc:
                left_out += [Diagnostic(d.path, d.line, d.col, f"{d.message}; its {lang} pairs are not exported",
                                        d.hint, "warning") for d in exc.diagnostics]
                continue
            for pair in alignment.pairs:
                if pair.state != "reviewed" or pair.source is None or pair.target is None or pair.whole:
                    continue
                item = TmxPair(release.source, lang, pair.source, pair.target, pair.field, release.id,
                               _date(release.created), changed)
                out.setdefault(item.key, item)
    memory = TranslationMemory(workspace.root / MEMORY_FILE)
    try:
        remembered = memory.pairs(REVIEWED)
    finally:
        memory.close()
    kept = _Kept(workspace.root / MEMORY_FILE)
    try:
        history = kept.all()
    finally:
        kept.close()
    for source_lang, target_lang, text, translation in remembered:
        item = TmxPair(source_lang, target_lang, text, translation)
        out.setdefault(item.key, history.get(item.key, item))
    for key, item in out.items():  # what an import kept of a pair the releases hold too
        if (old := history.get(key)) is not None and old is not item:
            item.notes, item.props = old.notes, old.props
            item.created = old.created or item.created
    return list(out.values()), left_out


# --- export -------------------------------------------------------------------------------------


def _put_codes(seg: etree._Element, tokens: list[Token], numbers: dict[str, int]) -> None:
    """Write tokens into ``seg``: text, and each tag as the TMX code of the XLIFF tag it is.

    ``numbers`` gives each tag id its number (``i`` pairs a bpt with its ept, ``x`` matches a code of
    the source with the same one of the translation); ids not in it get the next numbers.
    """
    last: etree._Element | None = None

    def text(value: str) -> None:
        if last is None:
            seg.text = (seg.text or "") + value
        else:
            last.tail = (last.tail or "") + value

    def number(ident: str) -> str:
        return str(numbers.setdefault(ident, len(numbers) + 1))

    for token in tokens:
        if token[0] == "text":
            text(token[1])
        elif token[0] == "open":
            last = etree.SubElement(seg, "bpt", i=number(token[2]), x=number(token[2]), type=G_TYPES[token[1]])
            last.text = f'<g id="{token[2]}" ctype="{G_TYPES[token[1]]}">'
        elif token[0] == "close":
            last = etree.SubElement(seg, "ept", i=number(token[2]))
            last.text = "</g>"
        else:
            last = etree.SubElement(seg, "ph", x=number(token[2]), type=X_TYPES[token[1]])
            last.text = f'<x id="{token[2]}" ctype="{X_TYPES[token[1]]}"/>'


def _tu(body: etree._Element, item: TmxPair, tags: dict[str, str]) -> None:
    name = item.field_name or "body"
    source = segment_inline(name, item.source)
    try:
        translation = target_tokens(item.target, source, name)
    except KeyError:  # markup its source lacks (an imported pair): written as its text
        translation = [("text", item.target)]
    attributes = {"srclang": tags[item.source_lang]}
    if item.created:
        attributes["creationdate"] = item.created
    if item.changed:
        attributes["changedate"] = item.changed
    unit = etree.SubElement(body, "tu", attributes)
    for note in item.notes:
        etree.SubElement(unit, "note").text = note
    props = [("x-release", item.release)] if item.release else []
    props += [("x-field", item.field_name)] if item.field_name else []
    props += [(f"{LINK_PROP}{ident}", href) for ident, href in source.links.items()]
    props += [(f"{MARKER_PROP}{ident}", marker) for ident, marker in source.markers.items()]
    for kind, value in props + [p for p in item.props if p[0] not in dict(props)]:
        etree.SubElement(unit, "prop", type=kind).text = value
    numbers: dict[str, int] = {}
    for lang, tokens, text in ((item.source_lang, source.tokens, item.source),
                               (item.target_lang, translation, item.target)):
        variant = etree.SubElement(unit, "tuv", {XML_LANG: tags[lang]})
        seg = etree.SubElement(variant, "seg")
        if all(token[0] == "text" for token in tokens):
            seg.text = text  # no markup: the text as the release holds it
        else:
            _put_codes(seg, tokens, numbers)


def export_tmx(workspace: Workspace) -> tuple[bytes, int]:
    """Return the TMX document of the workspace's reviewed pairs (:func:`reviewed_pairs`), and how many
    pairs it holds."""
    document, count, _ = export_tmx_report(workspace)
    return document, count


def export_tmx_report(workspace: Workspace) -> tuple[bytes, int, list[Diagnostic]]:
    """:func:`export_tmx`, with the warnings of releases left out."""
    config = workspace.config
    pairs, left_out = reviewed_pairs(workspace)
    tags = {lang: language_tag(config.locale_for(lang)) for lang in {p.source_lang for p in pairs}
            | {p.target_lang for p in pairs}}
    sources = {p.source_lang for p in pairs}
    root = etree.Element("tmx", version="1.4")
    etree.SubElement(root, "header", {
        "creationtool": "pressgen", "creationtoolversion": __version__, "segtype": "paragraph",
        "o-tmf": "pressgen", "adminlang": "en",
        "srclang": tags[next(iter(sources))] if len(sources) == 1 else "*all*", "datatype": "xml"})
    body = etree.SubElement(root, "body")
    for item in sorted(pairs, key=lambda p: (p.source_lang, p.target_lang, p.release or "~", p.source)):
        _tu(body, item, tags)
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True,
                          doctype='<!DOCTYPE tmx SYSTEM "tmx14.dtd">')
    return data, len(pairs), left_out


# --- import -------------------------------------------------------------------------------------


@dataclass
class TmxImport:
    """What an import did: pairs added, units skipped (other languages), and the warnings: a language read
    by its other region, duplicates resolved by date, units whose codes have no Markdown counterpart."""

    pairs: int = 0
    skipped: int = 0  # units in languages the workspace does not have
    warnings: list[Diagnostic] = field(default_factory=list)


def _language(tag: str, languages: dict[str, str]) -> tuple[str, int] | None:
    """The workspace language of a TMX language tag and how well it matches: 0 its locale (fr-BE, fr_BE),
    1 the language without region (fr), 2 another region (fr-FR), which is reported."""
    tag = tag.replace("_", "-").lower()
    for lang, wanted in languages.items():
        if tag == wanted.lower():
            return lang, 0
    for lang, wanted in languages.items():
        primary = wanted.lower().split("-")[0]
        if tag == primary or tag == lang:
            return lang, 1
        if tag.split("-")[0] == primary:
            return lang, 2
    return None


class _Unmapped(ValueError):
    """A code with no counterpart in the release's Markdown."""


def _code_kind(element: etree._Element, kinds: dict[str, str]) -> tuple[str, dict[str, str]]:
    """The inline kind a code stands for (by its type, or its native code), and the native code's attributes."""
    native = "".join(element.itertext())
    match = _NATIVE.match(native.strip())
    attributes = dict(_ATTRIBUTE.findall(match.group(2))) if match else {}
    for candidate in (element.get("type"), attributes.get("ctype"), match.group(1).lower() if match else None):
        if candidate and candidate.lower() in kinds:
            return kinds[candidate.lower()], attributes
    if match and match.group(1).lower() == "cf":  # Trados' character formatting: <cf bold="True">
        for name, kind in (("bold", "bold"), ("italic", "italic"), ("superscript", "sup")):
            if attributes.get(name, "").lower() == "true":
                return kind, attributes
    raise _Unmapped(f"the code <{etree.QName(element).localname}>{native}</…> has no Markdown counterpart")


def _seg_tokens(seg: etree._Element, inline: Inline) -> list[Token]:
    """Return a ``<seg>`` as tokens; its links' targets and markers go into ``inline``. Raises :class:`_Unmapped`."""
    out: list[Token] = []
    opened: dict[str, tuple[str, str]] = {}  # i -> (kind, id)
    counters: dict[str, int] = {}

    def ident(kind: str, attributes: dict[str, str], number: str | None) -> str:
        if attributes.get("id"):
            return attributes["id"]
        counters[kind] = counters.get(kind, 0) + 1
        return f"{kind}{number or counters[kind]}"

    def walk(node: etree._Element) -> None:
        if node.text:
            out.append(("text", node.text))
        for child in node:
            if not isinstance(child.tag, str):
                pass
            elif child.tag == "bpt":
                kind, attributes = _code_kind(child, _PAIRED_KINDS)
                name = ident(kind, attributes, child.get("x") or child.get("i"))
                if kind == "link" and attributes.get("href"):
                    inline.links.setdefault(name, attributes["href"])
                opened[child.get("i", "")] = (kind, name)
                out.append(("open", kind, name))
            elif child.tag == "ept":
                if child.get("i", "") not in opened:
                    raise _Unmapped(f"<ept i=\"{child.get('i')}\"> closes no <bpt>")
                kind, name = opened.pop(child.get("i", ""))
                out.append(("close", kind, name))
            elif child.tag == "ph":
                kind, attributes = _code_kind(child, _PLACED_KINDS)
                out.append(("x", kind, ident(kind, attributes, child.get("x"))))
            elif child.tag == "hi":  # a highlight of text: its text
                walk(child)
            else:  # <it>, <ut>: half a pair, or a code without a meaning pressgen knows
                raise _Unmapped(f"the code <{child.tag}> has no Markdown counterpart")
            if child.tail:
                out.append(("text", child.tail))

    walk(seg)
    if opened:
        raise _Unmapped("a <bpt> is not closed by its <ept>")
    return out


def _markdown(tokens: list[Token], inline: Inline, name: str | None) -> str:
    """Tokens as the release's text: text without codes as it is (the release's Markdown, as pressgen's
    TMX always held it), codes turned into Markdown (or left out of plain fields: headline…)."""
    if all(token[0] == "text" for token in tokens):
        return "".join(token[1] for token in tokens)
    if name is not None and name not in SEGMENTED:
        return " ".join("".join(t[1] for t in tokens if t[0] == "text").split())
    for token in tokens:
        if token[0] in ("open", "close") and token[1] == "link" and token[2] not in inline.links:
            raise _Unmapped(f"the link '{token[2]}' has no target (a '{LINK_PROP}{token[2]}' property)")
        if token[0] == "x" and token[1] == "line" and token[2] not in inline.markers:
            raise _Unmapped(f"the list line '{token[2]}' has no marker (a '{MARKER_PROP}{token[2]}' property)")
    return to_markdown(tokens, inline, minimal=True)


def _dated(unit: etree._Element, variant: etree._Element | None) -> str | None:
    """When a unit's translation was last changed (its tuv's changedate, the tu's, or their creationdate)."""
    for element, name in ((variant, "changedate"), (unit, "changedate"), (variant, "creationdate"),
                          (unit, "creationdate")):
        if element is not None and (value := _parse_date(element.get(name))):
            return value
    return None


def _read_units(path: Path, root: etree._Element, tags: dict[str, str], report: TmxImport,
                refused: list[Diagnostic]) -> list[tuple[TmxPair, int]]:
    """Every usable pair of the file with its line; fallbacks, unmapped codes and refused pairs reported."""
    header = root.find("header")
    default_source = header.get("srclang", "*all*") if header is not None else "*all*"
    found: list[tuple[TmxPair, int]] = []
    fallbacks: dict[str, list[int]] = {}
    for unit in root.iter("tu"):
        line = unit.sourceline or 1
        props = [(p.get("type", ""), p.text or "") for p in unit.findall("prop")]
        values = dict(props)
        inline = Inline(links={k[len(LINK_PROP):]: v for k, v in props if k.startswith(LINK_PROP)},
                        markers={k[len(MARKER_PROP):]: v for k, v in props if k.startswith(MARKER_PROP)})
        name = values.get("x-field")
        best: dict[str, tuple[int, etree._Element, str]] = {}
        for variant in unit.findall("tuv"):
            tag = variant.get(XML_LANG) or variant.get("lang") or ""
            matched = _language(tag, tags)
            if matched is None or variant.find("seg") is None:
                continue
            lang, rank = matched
            if lang not in best or rank < best[lang][0]:
                best[lang] = (rank, variant, tag)
        source_tag = unit.get("srclang", default_source)
        source_match = _language(source_tag, tags) if source_tag != "*all*" else None
        source = source_match[0] if source_match else (next(iter(best)) if source_tag == "*all*" and best else None)
        if source is None or source not in best or len(best) < 2:
            report.skipped += 1
            continue
        try:
            texts = {lang: _markdown(_seg_tokens(variant.find("seg"), inline), inline, name)  # type: ignore[arg-type]
                     for lang, (_, variant, _) in best.items()}
        except _Unmapped as exc:
            report.warnings.append(Diagnostic(path, line, 1, f"this unit is skipped: {exc}",
                                              "keep only bold, italics, superscripts, links and line breaks as "
                                              "codes", "warning"))
            report.skipped += 1
            continue
        notes = [note.text or "" for note in unit.iter("note")]
        for lang, (rank, variant, tag) in best.items():
            if lang == source or not texts[lang].strip():
                continue
            if rank == 2 or best[source][0] == 2:
                shown = tag if rank == 2 else best[source][2]
                fallbacks.setdefault(shown, []).append(line)
            if problems := segment_problems(texts[lang], texts[source]):
                refused.append(Diagnostic(path, line, 1, f"the {lang} translation of this unit cannot be used: "
                                          f"{'; '.join(problems)}", "correct the pair in the tool that wrote the "
                                          "file (or remove the unit), then import it again"))
                continue
            found.append((TmxPair(source, lang, texts[source], texts[lang], name, values.get("x-release"),
                                  _parse_date(unit.get("creationdate")), _dated(unit, variant), notes,
                                  [p for p in props if not p[0].startswith(("x-link:", "x-marker:"))
                                   and p[0] not in ("x-release", "x-field")]), line))
    for tag, lines in fallbacks.items():
        read = _language(tag, tags)
        assert read is not None
        report.warnings.append(Diagnostic(path, lines[0], 1, f"{len(lines)} unit(s) in {tag} are read as "
                                          f"{read[0]} ({tags[read[0]]} in this workspace): another region",
                                          "check their spelling and usage before publishing", "warning"))
    return found


def import_tmx(path: Path, workspace: Workspace) -> TmxImport:
    """Add the pairs of a TMX file to the memory as reviewed translations.

    Parsed like an XLIFF file (bounded size and entities, nothing fetched) and validated against
    the TMX 1.4b DTD; stored in one transaction. Of two units with the same source that disagree
    (in the file, or with a pair imported before), the one changed last wins; each is reported.
    Raises :class:`InputError`, positioned, for a file that is not TMX 1.4b or holds a pair that
    cannot be used (at each such unit), :class:`~pressgen.translation.memory.MemoryUnusable` for a
    memory that is damaged or locked.
    """
    raw = read_regular_file(path, limit=MAX_TMX_BYTES)
    root = parse_xml(path, raw, "TMX").getroot()
    dtd = etree.DTD(str(DTD))
    if not dtd.validate(root):
        raise InputError("invalid TMX", capped([
            Diagnostic(path, error.line, error.column + 1, f"not TMX 1.4b: {error.message}")
            for error in dtd.error_log.filter_from_errors()]))
    config = workspace.config
    tags = {lang: language_tag(config.locale_for(lang)) for lang in dict.fromkeys([*config.languages,
                                                                                  *config.locales])}
    report = TmxImport()
    refused: list[Diagnostic] = []
    found = _read_units(path, root, tags, report, refused)
    if refused:  # nothing imported: a file is imported whole or not at all
        raise InputError("TMX pairs that cannot be used", capped(refused))
    memory = TranslationMemory(workspace.root / MEMORY_FILE)  # first: a damaged or locked memory is reported
    try:
        kept = _Kept(workspace.root / MEMORY_FILE)
        try:
            chosen = _resolve(path, found, kept.all(), memory, report)
            memory.put_many((REVIEWED, p.source_lang, p.target_lang, p.source, p.target) for p in chosen)
            kept.put(chosen)  # a second transaction: the texts are stored even if this one fails
        finally:
            kept.close()
    finally:
        memory.close()
    report.pairs = len(chosen)
    return report


def _resolve(path: Path, found: list[tuple[TmxPair, int]], history: dict[tuple[str, str, str, str], TmxPair],
             memory: TranslationMemory, report: TmxImport) -> list[TmxPair]:
    """One translation per source and language pair: the one changed last (the later in the file on a tie);
    each duplicate set aside is reported, as is a pair the memory holds from a later change."""
    by_source: dict[tuple[str, str, str], tuple[TmxPair, int]] = {}
    for item, line in found:
        key = (item.source_lang, item.target_lang, normalised(item.source))
        if (earlier := by_source.get(key)) is None:
            by_source[key] = (item, line)
            continue
        other, other_line = earlier
        if normalised(other.target) == normalised(item.target):
            other.notes += [n for n in item.notes if n not in other.notes]
            continue
        later = (item.changed or "") >= (other.changed or "")
        keep, drop = ((item, line), earlier) if later else (earlier, (item, line))
        by_source[key] = keep
        report.warnings.append(Diagnostic(
            path, drop[1], 1, f"duplicate: this unit's {item.target_lang} translation differs from the one at line "
            f"{keep[1]} for the same source; the one changed {'last' if keep[0].changed else 'later in the file'} "
            f"({keep[0].changed or 'no date'}) is kept", "remove the unit you do not want, then import again",
            "warning"))
    chosen = []
    for (source_lang, target_lang, _), (item, line) in by_source.items():
        now = memory.get(REVIEWED, source_lang, target_lang, item.source)
        before = history.get((source_lang, target_lang, normalised(item.source), normalised(now))) \
            if now is not None else None
        if now is not None and normalised(now) != normalised(item.target) and before is not None \
                and (before.changed or "") > (item.changed or ""):
            report.warnings.append(Diagnostic(
                path, line, 1, f"the memory holds a {target_lang} translation of this source changed later "
                f"({before.changed}) than this unit ({item.changed or 'no date'}); the memory's is kept",
                severity="warning"))
            continue
        chosen.append(item)
    return chosen
