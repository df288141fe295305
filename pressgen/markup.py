"""Body markup: a small Markdown subset parsed once into a block/inline tree.

Supported: paragraphs, **bold**, *italic*, links (http, https, mailto),
``^superscript^``, bullet and numbered lists, block quotes, hard line breaks.
Raw HTML is not markup: it stays text. Everything else Markdown knows
(headings, code, images, tables) is switched off and so shows as typed.
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


Block = Paragraph | ListBlock | Quote


@dataclass(frozen=True)
class MarkupProblem:
    """A problem in the markup; ``line`` is 0-based within the text."""

    line: int
    message: str
    hint: str


def _parser() -> MarkdownIt:
    md = MarkdownIt("zero", {"html": False, "breaks": False})
    md.enable(["emphasis", "link", "list", "blockquote", "newline", "escape"])
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
            blocks.append(Quote(_blocks(node.children, problems, node_line)))
    return tuple(blocks)


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
        elif isinstance(item, Paragraph | Strong | Emph | Sup | Link | Quote):
            parts.append(plain_text(item.children))
        elif isinstance(item, ListBlock):
            parts.append("\n".join(plain_text(blocks) for blocks in item.items))
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
    if isinstance(block, Quote):
        return Quote(map_text(block.children, change))
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
