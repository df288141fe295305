"""Parsing XML a user gives (XLIFF, TMX, the parts of a DOCX) with bounds, and capping what is reported.

- Nothing is fetched: no network, no external DTD (``no_network``, ``load_dtd=False``);
  a reference to an external entity is refused, positioned at its declaration.
- Internal entities (``<!ENTITY org "IOM">``, which hand edits and some tools
  write) are expanded, within bounds: libxml2 refuses an entity "billion laughs"
  while parsing (its amplification limit), and before anything is expanded
  pressgen refuses a file declaring more than :data:`MAX_ENTITIES` entities or
  whose references would add more than :data:`MAX_ENTITY_TEXT` characters.
- ``huge_tree`` stays off, so libxml2's limits on depth and text size hold.
- Every failure is an :class:`InputError` positioned in the file; a file reports
  at most :data:`MAX_DIAGNOSTICS` problems, then one line saying how many more.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from lxml import etree

from pressgen.errors import Diagnostic, InputError

MAX_DIAGNOSTICS = 50
MAX_ENTITIES = 100
MAX_ENTITY_TEXT = 1024 * 1024  # characters entity references may add to a document
_REFERENCE = re.compile(r"&([^\s&;#]+);")
_BOMB_HINT = "pressgen expands a few short entities only; write the text itself into the file"


def capped(diagnostics: Sequence[Diagnostic], limit: int = MAX_DIAGNOSTICS) -> list[Diagnostic]:
    """Return the first ``limit`` diagnostics, then one saying how many more there are (at the next one's place)."""
    if len(diagnostics) <= limit:
        return list(diagnostics)
    following = diagnostics[limit]
    return [*diagnostics[:limit], Diagnostic(following.path, following.line, following.col,
                                             f"… and {len(diagnostics) - limit} more problems",
                                             "correct the problems above first", following.severity)]


def _parser(resolve_entities: bool | str) -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=resolve_entities, no_network=True, load_dtd=False, dtd_validation=False,
                           attribute_defaults=False, huge_tree=False)


def _position(raw: bytes, pattern: bytes) -> tuple[int, int]:
    """The 1-based line and column of the first match of ``pattern`` in ``raw`` (1, 1 when there is none)."""
    match = re.search(pattern, raw)
    if match is None:
        return 1, 1
    offset = match.start()
    return raw.count(b"\n", 0, offset) + 1, offset - (raw.rfind(b"\n", 0, offset) + 1) + 1


def _declaration(raw: bytes, name: str | None = None) -> tuple[int, int]:
    return _position(raw, rb"<!ENTITY\s+" + (re.escape(name.encode()) + rb"\s" if name else b""))


def _parse(path: Path, raw: bytes, what: str, resolve_entities: bool | str) -> etree._ElementTree:
    try:
        return etree.ElementTree(etree.fromstring(raw, _parser(resolve_entities)))
    except etree.XMLSyntaxError as exc:
        message = str(exc.msg or exc).split(", line ")[0]
        if "amplification" in message or "entity reference loop" in message:
            line, col = _declaration(raw)
            raise InputError(f"malformed {what}", [Diagnostic(
                path, line, col, "its entities expand to far more text than the file holds (an entity bomb); "
                "refused", _BOMB_HINT)]) from None
        line, col = exc.position
        raise InputError(f"malformed {what}", [Diagnostic(path, line or 1, col + 1,
                                                          f"not well-formed XML: {message}")]) from None


def _check_entities(path: Path, raw: bytes, what: str, tree: etree._ElementTree,
                    entities: list[etree._DTDEntityDecl]) -> None:
    """Refuse references to external or undeclared entities, too many entities, or references expanding too far."""
    def refuse(line: int, col: int, message: str, hint: str = _BOMB_HINT) -> InputError:
        return InputError(f"refused {what}", [Diagnostic(path, line, col, message, hint)])

    if len(entities) > MAX_ENTITIES:
        raise refuse(*_declaration(raw), f"it declares {len(entities)} entities (at most {MAX_ENTITIES}); refused")
    declared = {entity.name: entity for entity in entities}
    sizes: dict[str, int] = {}

    def size(name: str, seen: tuple[str, ...] = ()) -> int:
        """The characters one reference to ``name`` expands to (capped just above the bound)."""
        if name in sizes:
            return sizes[name]
        entity = declared.get(name)
        if entity is None or name in seen:
            return 0  # predefined (&amp;), or a loop libxml2 reports when it is used
        text = entity.orig or entity.content or ""
        total = len(_REFERENCE.sub("", text))
        for reference in _REFERENCE.findall(text):
            total = min(total + size(reference, (*seen, name)), MAX_ENTITY_TEXT + 1)
        sizes[name] = total
        return total

    added = 0
    for reference in tree.iter(etree.Entity):
        entity = declared.get(reference.name)
        if entity is None:  # kept by libxml2 because the file names an external DTD, which is never read
            parent = reference.getparent()
            line = reference.sourceline or (parent.sourceline if parent is not None else None) or 1
            raise refuse(line, 1, f"entity '&{reference.name};' is not declared in the file (pressgen reads no "
                         "external DTD); refused", "write the text itself instead of the entity")
        if entity.system_url is not None or entity.content is None:
            raise refuse(*_declaration(raw, reference.name),
                         f"external entity '{reference.name}' ({entity.system_url or 'no text'}) is not read; refused",
                         "pressgen reads no file or address an XML file points to; write the text itself instead")
        added += size(reference.name)
        if added > MAX_ENTITY_TEXT:
            line = reference.sourceline or 1
            raise refuse(line, 1, f"its entities expand to more than {MAX_ENTITY_TEXT // 1024} KiB of text; refused")


def parse_xml(path: Path, raw: bytes, what: str) -> etree._ElementTree:
    """Return the parsed tree of ``raw`` (the content of ``path``), internal entities expanded.

    ``what`` names the format in messages (``XLIFF``, ``TMX``). Raises
    :class:`InputError`, positioned, for XML that is not well-formed, refers to
    external entities, or whose entities expand beyond the bounds.
    """
    tree = _parse(path, raw, what, resolve_entities=False)  # entities kept as references: nothing expanded yet
    dtd = tree.docinfo.internalDTD
    entities = list(dtd.iterentities()) if dtd is not None else []
    if not entities and next(tree.iter(etree.Entity), None) is None:
        return tree
    _check_entities(path, raw, what, tree, entities)
    return _parse(path, raw, what, resolve_entities="internal")
