"""Body markup: a small Markdown subset parsed once into a block/inline tree.

Supported: paragraphs, **bold**, *italic*, links (http, https, mailto),
``^superscript^``, bullet and numbered lists, block quotes (a last line
starting with — or -- is the attribution), ``## intertitles`` (one level), pipe
tables for key figures, hard line breaks. Raw HTML is not markup: it stays
text. Code stays as typed; other heading levels and images are reported.
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


def _inlines(nodes: list[SyntaxTreeNode], problems: list[MarkupProblem], line: int) -> tuple[Inline, ...]:
    out: list[Inline] = []
    for node in nodes:
        if node.type == "text":
            out.append(Text(node.content))
        elif node.type == "softbreak":
            out.append(Text(" "))
        elif node.type == "hardbreak":
            out.append(Break())
        elif node.type == "strong":
            out.append(Strong(_inlines(node.children, problems, line)))
        elif node.type == "em":
            out.append(Emph(_inlines(node.children, problems, line)))
        elif node.type == "sup":
            out.append(Sup(_inlines(node.children, problems, line)))
        elif node.type == "image":
            problems.append(MarkupProblem(line, "images cannot stand in the text",
                                          "list photos under 'images:' of the release, with file, alt, caption "
                                          "and credit"))
            out.append(Text(node.content or ""))
        elif node.type == "link":
            href = str(node.attrs.get("href", ""))
            children = _inlines(node.children, problems, line)
            if link_allowed(href):
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
