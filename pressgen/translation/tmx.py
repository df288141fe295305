"""Translation memory exchange: the reviewed pairs of the memory as TMX 1.4b, and back.

A team shares its memory with a CAT tool (or another pressgen workspace)
through TMX: ``export`` writes every reviewed segment pair with the
workspace's language tags; ``import`` validates a TMX file and adds its pairs
as reviewed translations, so an exact match wins over the machine provider.
Segments hold the release's Markdown as text; a pair whose translation a returned
XLIFF unit could not be (:mod:`pressgen.translation.unitcheck`) refuses the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from pressgen import __version__
from pressgen.document.localize import language_tag
from pressgen.errors import Diagnostic, InputError
from pressgen.resources import PACKAGE_DIR
from pressgen.translation.memory import MEMORY_FILE, REVIEWED, TranslationMemory
from pressgen.translation.unitcheck import segment_problems
from pressgen.workspace.model import Workspace
from pressgen.workspace.safexml import capped, parse_xml
from pressgen.workspace.yamlio import read_regular_file

DTD = PACKAGE_DIR / "schemas" / "tmx-1.4b-subset.dtd"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MAX_TMX_BYTES = 64 * 1024 * 1024  # parsed whole: about 1 GiB of memory at most


def export_tmx(workspace: Workspace) -> tuple[bytes, int]:
    """Return the TMX document of the memory's reviewed pairs, and how many pairs it holds."""
    config = workspace.config
    memory = TranslationMemory(workspace.root / MEMORY_FILE)
    try:
        pairs = memory.pairs(REVIEWED)
    finally:
        memory.close()
    root = etree.Element("tmx", version="1.4")
    etree.SubElement(root, "header", {
        "creationtool": "pressgen", "creationtoolversion": __version__, "segtype": "paragraph",
        "o-tmf": "pressgen", "adminlang": "en", "srclang": "*all*", "datatype": "plaintext"})
    body = etree.SubElement(root, "body")
    for source_lang, target_lang, text, translation in pairs:
        unit = etree.SubElement(body, "tu", srclang=language_tag(config.locale_for(source_lang)))
        for lang, content in ((source_lang, text), (target_lang, translation)):
            variant = etree.SubElement(unit, "tuv", {XML_LANG: language_tag(config.locale_for(lang))})
            etree.SubElement(variant, "seg").text = content
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True,
                         doctype='<!DOCTYPE tmx SYSTEM "tmx14.dtd">')
    return data, len(pairs)


@dataclass
class TmxImport:
    pairs: int = 0
    skipped: int = 0  # units in languages the workspace does not have


def _language(tag: str, languages: dict[str, str]) -> str | None:
    """Return the workspace language of a TMX language tag (fr-BE, fr_BE and fr all mean fr)."""
    tag = tag.replace("_", "-").lower()
    for lang, wanted in languages.items():
        if tag == wanted.lower() or tag.split("-")[0] == lang:
            return lang
    return None


def import_tmx(path: Path, workspace: Workspace) -> TmxImport:
    """Add the pairs of a TMX file to the memory as reviewed translations.

    Parsed like an XLIFF file (bounded size and entities, nothing fetched) and
    stored in one transaction. Raises :class:`InputError`, positioned, for a
    file that is not TMX 1.4b or holds a pair that cannot be used (at each such
    unit), :class:`~pressgen.translation.memory.MemoryUnusable` for a memory
    that is damaged or locked.
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
    header = root.find("header")
    default_source = header.get("srclang", "*all*") if header is not None else "*all*"
    report = TmxImport()
    rows: list[tuple[str, str, str, str, str]] = []
    refused: list[Diagnostic] = []
    for unit in root.iter("tu"):
        variants = [(_language(v.get(XML_LANG, ""), tags), "".join(v.find("seg").itertext()))
                    for v in unit.findall("tuv") if v.find("seg") is not None]
        source_tag = unit.get("srclang", default_source)
        source = _language(source_tag, tags) if source_tag != "*all*" else (variants[0][0] if variants else None)
        texts = {lang: text for lang, text in variants if lang}
        if source is None or source not in texts or len(texts) < 2:
            report.skipped += 1
            continue
        pairs = [(lang, text) for lang, text in texts.items() if lang != source and text.strip()]
        for lang, text in pairs:  # the checks a returned XLIFF unit passes, before the memory offers it
            if problems := segment_problems(text, texts[source]):
                refused.append(Diagnostic(path, unit.sourceline or 1, 1, f"the {lang} translation of this unit "
                                          f"cannot be used: {'; '.join(problems)}", "correct the pair in the tool "
                                          "that wrote the file (or remove the unit), then import it again"))
        rows += [(REVIEWED, source, lang, texts[source], text) for lang, text in pairs]
    if refused:  # nothing imported: a file is imported whole or not at all
        raise InputError("TMX pairs that cannot be used", capped(refused))
    memory = TranslationMemory(workspace.root / MEMORY_FILE)
    try:
        memory.put_many(rows)  # one transaction: a file is imported whole or not at all
    finally:
        memory.close()
    report.pairs = len(rows)
    return report
