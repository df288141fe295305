"""Body markup: a small Markdown subset parsed once into a block/inline tree.

Supported: paragraphs, **bold**, *italic*, links (http, https, mailto),
``^superscript^``, bullet and numbered lists, block quotes (a last line
starting with — or -- is the attribution), ``## intertitles`` (one level), pipe
tables for key figures, hard line breaks. Raw HTML is not markup: it stays
text. Code stays as typed; other heading levels and images are reported.

This is pressgen's one Markdown reader. The writers read :func:`parse`'s blocks;
the translation tools read a segment line by line (:func:`source_lines`: the
markers that open its lines, and a table row's cells) and each line's inline
markup (:func:`parse_inline`), so that what they protect is what renders.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.superscript import superscript_plugin

ALLOWED_SCHEMES = ("http", "https", "mailto")
# A blank line (spaces or tabs allowed) separates paragraphs.
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
# How deep lists, quotes, bold, italics and links may nest; the tree is built
# recursively, and real releases nest two or three levels.
MAX_NESTING = 16
MAX_TABLE_COLUMNS = 8  # what fits across a page in readable type
MAX_TABLE_ROWS = 60
ATTRIBUTION = re.compile(r"^\s*(?:—|--)\s*")


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Strong:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Emph:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Sup:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Link:
    href: str
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Break:
    pass


Inline = Text | Strong | Emph | Sup | Link | Break


@dataclass(frozen=True)
class Paragraph:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class ListBlock:
    ordered: bool
    start: int
    items: tuple[tuple[Block, ...], ...]


@dataclass(frozen=True)
class Quote:
    children: tuple[Block, ...]
    attribution: tuple[Inline, ...] = ()  # "— Name, role": the quote's last line, styled apart


@dataclass(frozen=True)
class Heading:
    """An intertitle (``## Title``)."""

    children: tuple[Inline, ...]


Cell = tuple[Inline, ...]


@dataclass(frozen=True)
class Table:
    """A table of key figures: a header row, body rows, and each column's alignment (left, right, center)."""

    header: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]
    aligns: tuple[str, ...]


Block = Paragraph | ListBlock | Quote | Heading | Table


@dataclass(frozen=True)
class MarkupProblem:
    """A problem in the markup; ``line`` is 0-based within the text."""

    line: int
    message: str
    hint: str


def _parser() -> MarkdownIt:
    md = MarkdownIt("zero", {"html": False, "breaks": False})
    md.enable(["emphasis", "link", "list", "blockquote", "newline", "escape", "heading", "table", "image"])
    md.use(superscript_plugin)
    # Every link target reaches our own check, which reports instead of silently dropping.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


_MD = _parser()


@lru_cache(maxsize=1024)
def parse_inline(text: str) -> tuple[Inline, ...]:
    """Return one line's or one paragraph's inline markup as inlines (block syntax, "- " or
    "## ", is text here: :func:`source_lines` reads it).

    A soft line break is a space, a hard one a :class:`Break`. Unlike :func:`parse`, a link is
    kept whatever its scheme (checking it is parse's job, which reports it). Markup nested more
    than ``MAX_NESTING`` levels deep is returned as one text.
    """
    tokens = _MD.parseInline(text)
    children = (tokens[0].children or []) if tokens else []
    if any(child.level > MAX_NESTING for child in children):
        return (Text(text),) if text else ()
    root = SyntaxTreeNode(tokens)
    nodes = root.children[0].children if root.children else []
    return _inlines(nodes, [], 0, check_links=False)


def link_destination(href: str) -> str:
    """Return how to write ``href`` (as :func:`parse` gives it: normalised, percent-encoded) as
    a link's destination that reads back as the same target: decoded for reading where that
    reads back the same (``é``, not ``%C3%A9``), parentheses escaped when unbalanced."""
    target = _MD.normalizeLink(href)
    for candidate in (_MD.normalizeLinkText(href), href, re.sub(r"([()])", r"\\\1", href)):
        parsed = parse_inline(f"[x]({candidate})")
        if len(parsed) == 1 and isinstance(parsed[0], Link) and parsed[0].href == target:
            return candidate
    return f"<{href}>"


@dataclass(frozen=True)
class SourceLine:
    """One line of a segment as the reader sees it.

    ``marker`` is what the block structure puts before the line's text: a list item's "- " or
    "1. " (with its indentation), a quote's "> ", an intertitle's "## ", a list item's
    continuation indent; a table's delimiter row is all marker. ``text`` is the inline Markdown
    after it. For a table row, ``cells`` holds each cell's inline Markdown (an escaped pipe
    read as a pipe), and ``text`` the row as written.
    """

    marker: str
    text: str
    cells: tuple[str, ...] | None = None


_QUOTE_MARK = re.compile(r"[ \t]*>[ \t]?")
_ITEM_MARK = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)")
_HEADING_MARK = re.compile(r"[ \t]*#{1,6}(?:[ \t]+|$)")
_INDENT = re.compile(r"[ \t]*")


@lru_cache(maxsize=512)
def source_lines(text: str) -> tuple[SourceLine, ...]:
    """Return the lines of ``text`` (one segment: no blank line in it) with the markers the
    block parse finds at their starts; a line no list, quote, intertitle or table opens has
    none (a "2017. " that continues a paragraph is text, as it renders)."""
    lines = text.split("\n")
    containers: list[list[tuple[str, bool]]] = [[] for _ in lines]  # per line: (token type, opens here)
    delimiters: set[int] = set()
    cells: dict[int, list[str]] = {}
    row: int | None = None
    in_cell = False
    for token in _MD.parse(text):
        if token.type in ("blockquote_open", "list_item_open", "heading_open") and token.map:
            start, end = token.map
            for index in range(start, min(end, len(lines))):
                containers[index].append((token.type, index == start))
        elif token.type == "table_open" and token.map:
            delimiters.add(token.map[0] + 1)
        elif token.type == "tr_open" and token.map:
            row = token.map[0]
            cells[row] = []
        elif token.type in ("th_open", "td_open"):
            in_cell = True
        elif token.type in ("th_close", "td_close"):
            in_cell = False
        elif token.type == "inline" and in_cell and row is not None:
            cells[row].append(token.content)
    out = []
    for index, line in enumerate(lines):
        if index in delimiters:
            out.append(SourceLine(line, ""))
            continue
        rest = line
        for kind, opens in containers[index]:
            if kind == "heading_open" and not opens:
                continue
            pattern = {"blockquote_open": _QUOTE_MARK, "heading_open": _HEADING_MARK,
                       "list_item_open": _ITEM_MARK if opens else _INDENT}[kind]
            match = pattern.match(rest)
            if match:
                rest = rest[match.end():]
        row_cells = tuple(cells[index]) if index in cells else None
        out.append(SourceLine(line[:len(line) - len(rest)], rest, row_cells))
    return tuple(out)


def link_allowed(href: str) -> bool:
    """Return whether ``href`` uses one of the allowed schemes (http, https, mailto)."""
    scheme = urlsplit(href.strip()).scheme.lower()
    return scheme in ALLOWED_SCHEMES


@lru_cache(maxsize=512)
def parse(text: str) -> tuple[tuple[Block, ...], tuple[MarkupProblem, ...]]:
    """Parse body markup into blocks; return them with the problems found.

    A link with a forbidden scheme becomes its plain text and is reported.
    Cached, so that checking and rendering the same text parse it once.
    """
    problems: list[MarkupProblem] = []
    tokens = _MD.parse(text)
    for token in tokens:
        deepest = max([token.level, *(token.level + child.level for child in token.children or ())])
        if deepest > MAX_NESTING:
            line = token.map[0] if token.map else 0
            problem = MarkupProblem(line, f"markup is nested more than {MAX_NESTING} levels deep",
                                    "use fewer nested lists, quotes or emphasis marks here")
            return (Paragraph((Text(text),)),), (problem,)
    root = SyntaxTreeNode(tokens)
    return _blocks(root.children, problems, 0), tuple(problems)


def _blocks(nodes: list[SyntaxTreeNode], problems: list[MarkupProblem], line: int) -> tuple[Block, ...]:
    blocks: list[Block] = []
    for node in nodes:
        node_line = node.map[0] if node.map else line
        if node.type == "paragraph":
            inline = node.children[0] if node.children else None
            children = _inlines(inline.children if inline else [], problems, node_line)
            blocks.append(Paragraph(children))
        elif node.type in ("bullet_list", "ordered_list"):
            start = int(node.attrs.get("start", 1)) if node.type == "ordered_list" else 1
            items = tuple(_blocks(item.children, problems, node_line) for item in node.children)
            blocks.append(ListBlock(node.type == "ordered_list", start, items))
        elif node.type == "blockquote":
            blocks.append(_quote(node, problems, node_line))
        elif node.type == "heading":
            inline = node.children[0] if node.children else None
            children = _inlines(inline.children if inline else [], problems, node_line)
            if node.tag != "h2":
                problems.append(MarkupProblem(node_line, f"'{'#' * int(node.tag[1])}' headings are not used in "
                                              "releases", "write intertitles as '## Title' (two #, one level)"))
                blocks.append(Paragraph(children))
            else:
                blocks.append(Heading(children))
        elif node.type == "table":
            blocks.append(_table(node, problems, node_line))
    return tuple(blocks)


def _quote(node: SyntaxTreeNode, problems: list[MarkupProblem], line: int) -> Quote:
    """A block quote, its last line split off as the attribution when it starts with — or --."""
    children = list(_blocks(node.children, problems, line))
    last = node.children[-1] if node.children else None
    if last is None or last.type != "paragraph" or not last.children:
        return Quote(tuple(children))
    tokens = last.children[0].children
    breaks = [i for i, token in enumerate(tokens) if token.type in ("softbreak", "hardbreak")]
    start = breaks[-1] + 1 if breaks else 0
    if start >= len(tokens) or tokens[start].type != "text" or not ATTRIBUTION.match(tokens[start].content):
        return Quote(tuple(children))
    attribution = _inlines(tokens[start:], problems, line)
    first = attribution[0]
    if isinstance(first, Text):
        attribution = (Text(ATTRIBUTION.sub("", first.text, count=1)), *attribution[1:])
    rest = _inlines(tokens[:breaks[-1]], problems, line) if breaks else ()
    children = children[:-1] + ([Paragraph(rest)] if rest else [])
    return Quote(tuple(children), attribution)


def _table(node: SyntaxTreeNode, problems: list[MarkupProblem], line: int) -> Table:
    rows: list[tuple[Cell, ...]] = []
    aligns: list[str] = []
    for section in node.children:  # thead, tbody
        for row in section.children:
            cells = []
            for cell in row.children:
                if section.type == "thead":
                    style = str(cell.attrs.get("style", ""))
                    aligns.append("right" if "right" in style else "center" if "center" in style else "left")
                inline = cell.children[0] if cell.children else None
                cells.append(_inlines(inline.children if inline else [], problems, line))
            rows.append(tuple(cells))
    if len(aligns) > MAX_TABLE_COLUMNS or len(rows) > MAX_TABLE_ROWS + 1:
        problems.append(MarkupProblem(line, f"the table has {len(aligns)} columns and {len(rows) - 1} rows; at "
                                      f"most {MAX_TABLE_COLUMNS} columns and {MAX_TABLE_ROWS} rows fit a release",
                                      "keep the key figures; link to the full data"))
    header, body = (rows[0] if rows else ()), rows[1:]
    # A column whose body cells are all figures is right-aligned, unless the author chose.
    for index, align in enumerate(aligns):
        texts = [plain_text(row[index]).strip() for row in body if index < len(row)]
        if align == "left" and any(texts) and all(FIGURE.fullmatch(text) for text in texts if text):
            aligns[index] = "right"
    return Table(header, tuple(body), tuple(aligns))


FIGURE = re.compile(r"[-+−]?[\d.,\s\u00a0\u202f]*\d[\d.,\s\u00a0\u202f]*\s?(%|‰|€|\$|£|[a-zA-Z]{1,3})?")


def _inlines(nodes: list[SyntaxTreeNode], problems: list[MarkupProblem], line: int,
             check_links: bool = True) -> tuple[Inline, ...]:
    out: list[Inline] = []
    for node in nodes:
        if node.type == "text":
            out.append(Text(node.content))
        elif node.type == "softbreak":
            out.append(Text(" "))
        elif node.type == "hardbreak":
            out.append(Break())
        elif node.type == "strong":
            out.append(Strong(_inlines(node.children, problems, line, check_links)))
        elif node.type == "em":
            out.append(Emph(_inlines(node.children, problems, line, check_links)))
        elif node.type == "sup":
            out.append(Sup(_inlines(node.children, problems, line, check_links)))
        elif node.type == "image":
            problems.append(MarkupProblem(line, "images cannot stand in the text",
                                          "list photos under 'images:' of the release, with file, alt, caption "
                                          "and credit"))
            out.append(Text(node.content or ""))
        elif node.type == "link":
            href = str(node.attrs.get("href", ""))
            children = _inlines(node.children, problems, line, check_links)
            if link_allowed(href) or not check_links:
                out.append(Link(href, children))
            else:
                problems.append(MarkupProblem(
                    line, f"link target '{href}' is not allowed",
                    "links may only use http:, https: or mailto:"))
                out.extend(children)
        else:  # anything else the subset does not know is kept as its source text
            out.append(Text(node.content or ""))
    return _merge_text(out)


def _merge_text(items: list[Inline]) -> tuple[Inline, ...]:
    merged: list[Inline] = []
    for item in items:
        if isinstance(item, Text) and merged and isinstance(merged[-1], Text):
            merged[-1] = Text(merged[-1].text + item.text)
        else:
            merged.append(item)
    return tuple(merged)


def plain_text(items: tuple[Inline, ...] | tuple[Block, ...]) -> str:
    """Return the text of inlines or blocks without markup (blocks joined by blank lines)."""
    parts: list[str] = []
    for item in items:
        if isinstance(item, Text):
            parts.append(item.text)
        elif isinstance(item, Break):
            parts.append("\n")
        elif isinstance(item, Quote):
            parts.append(plain_text(item.children) + ("\n" + plain_text(item.attribution)
                                                      if item.attribution else ""))
        elif isinstance(item, Paragraph | Strong | Emph | Sup | Link | Heading):
            parts.append(plain_text(item.children))
        elif isinstance(item, ListBlock):
            parts.append("\n".join(plain_text(blocks) for blocks in item.items))
        elif isinstance(item, Table):
            parts.append("\n".join(" ".join(plain_text(cell) for cell in row)
                                   for row in (item.header, *item.rows)))
    separator = "\n\n" if items and not _is_inline(items[0]) else ""
    return separator.join(parts)


def _is_inline(item: object) -> bool:
    return isinstance(item, Text | Strong | Emph | Sup | Link | Break)


def map_text(blocks: tuple[Block, ...], change: Callable[[str], str]) -> tuple[Block, ...]:
    """Return ``blocks`` with ``change`` applied to each paragraph's text, as one string.

    ``change`` sees a paragraph's whole text, its text nodes joined by NUL (so
    quote pairing works across bold and links), and must keep those separators;
    the result is cut back into the original text nodes. Input never holds NUL:
    the loader refuses it.
    """
    return tuple(_map_block(block, change) for block in blocks)


def _map_block(block: Block, change: Callable[[str], str]) -> Block:
    if isinstance(block, Paragraph):
        return Paragraph(map_inlines(block.children, change))
    if isinstance(block, Heading):
        return Heading(map_inlines(block.children, change))
    if isinstance(block, Quote):
        return Quote(map_text(block.children, change), map_inlines(block.attribution, change))
    if isinstance(block, Table):
        return Table(tuple(map_inlines(cell, change) for cell in block.header),
                     tuple(tuple(map_inlines(cell, change) for cell in row) for row in block.rows), block.aligns)
    return replace(block, items=tuple(map_text(item, change) for item in block.items))


def _texts(items: tuple[Inline, ...]) -> list[str]:
    out: list[str] = []
    for item in items:
        if isinstance(item, Text):
            out.append(item.text)
        elif isinstance(item, Strong | Emph | Sup | Link):
            out.extend(_texts(item.children))
    return out


def map_inlines(items: tuple[Inline, ...], change: Callable[[str], str]) -> tuple[Inline, ...]:
    """Apply ``change`` to the joined text of ``items`` and return the rebuilt inlines."""
    originals = _texts(items)
    changed = change("\x00".join(originals)).split("\x00")
    if len(changed) != len(originals):  # the change merged or split nodes: keep the original
        return items
    feed = iter(changed)
    return _rebuild(items, feed)


def _rebuild(items: tuple[Inline, ...], feed: object) -> tuple[Inline, ...]:
    out: list[Inline] = []
    for item in items:
        if isinstance(item, Text):
            out.append(Text(next(feed)))  # type: ignore[call-overload]
        elif isinstance(item, Strong | Emph | Sup | Link):
            out.append(replace(item, children=_rebuild(item.children, feed)))
        else:
            out.append(item)
    return tuple(out)
