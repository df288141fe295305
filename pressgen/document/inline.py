"""One segment's inline markup as tokens, for translation tools that must not edit it.

A CAT tool or a Word reviewer should translate words, not Markdown: bold,
italics, superscripts and links become tags (XLIFF ``<g>``, formatted runs in
DOCX), and what must not change at all (a link's target, a list item's
marker, a hard line break) becomes an opaque placeholder whose content is
taken from the source segment when the translation comes back.

Tokens:
    ("text", str)
    ("open", kind, id) / ("close", kind, id)   kind: bold, italic, sup, link
    ("x", kind, id)                             kind: lb (line break), line (a list or quote line's marker)

:func:`from_markdown` turns a segment into tokens and the protected values
(link targets and line markers by id); :func:`to_markdown` turns tokens back,
filling the protected values from the source; :func:`problems` compares a
translation's tokens with its source's. The Markdown is read by
:mod:`pressgen.document.markup`, the reader the documents are rendered from:
its line markers (:func:`~pressgen.document.markup.source_lines`) and inline
markup (:func:`~pressgen.document.markup.parse_inline`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from pressgen.document import markup

Token = tuple[str, ...]
PAIRED = ("bold", "italic", "sup", "link")
_MARKS = {"bold": ("**", "**"), "italic": ("*", "*"), "sup": ("^", "^")}
_KINDS = {markup.Strong: "bold", markup.Emph: "italic", markup.Sup: "sup"}
_ESCAPE = re.compile(r"([\\*_^\[\]`<])")
# What would open a block at a line's start: a list, quote or heading marker ("- ", "1. ", "> ", "# ").
_LEADING = re.compile(r"^(\s*)(?:([-+*]|#{1,6})(?=\s|$)|(>)|(\d{1,9})(?=[.)](?:\s|$)))")


@dataclass
class Inline:
    """A segment as tokens, with the values its placeholders stand for."""

    tokens: list[Token] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)  # id -> link target
    markers: dict[str, str] = field(default_factory=dict)  # id -> line marker

    def add(self, *token: str) -> None:
        if token[0] == "text" and self.tokens and self.tokens[-1][0] == "text":
            self.tokens[-1] = ("text", self.tokens[-1][1] + token[1])
        elif token[0] != "text" or token[1]:
            self.tokens.append(token)


def from_markdown(text: str) -> Inline:
    """Return a segment's Markdown as tokens; list and quote lines keep their marker as a placeholder."""
    out = Inline()
    counters: Counter[str] = Counter()
    lines = markup.source_lines(text.strip("\n"))
    if not any(line.marker or line.cells is not None for line in lines):
        _add(markup.parse_inline("\n".join(line.text.lstrip() for line in lines)), out, counters)
        return out
    for line in lines:
        counters["line"] += 1
        ident = f"line{counters['line']}"
        out.markers[ident] = line.marker
        out.add("x", "line", ident)
        _add(markup.parse_inline(line.text), out, counters)
    return out


def inline_tokens(text: str) -> Inline:
    """Return one line's inline Markdown as tokens, its line markers read as text."""
    out = Inline()
    _add(markup.parse_inline(text), out, Counter())
    return out


def _add(items: tuple[markup.Inline, ...], out: Inline, counters: Counter[str]) -> None:
    for item in items:
        if isinstance(item, markup.Text):
            out.add("text", item.text)
        elif isinstance(item, markup.Break):
            counters["lb"] += 1
            out.add("x", "lb", f"lb{counters['lb']}")
        else:
            kind = "link" if isinstance(item, markup.Link) else _KINDS[type(item)]
            counters[kind] += 1
            ident = f"{kind}{counters[kind]}"
            if isinstance(item, markup.Link):
                out.links[ident] = item.href
            out.add("open", kind, ident)
            _add(item.children, out, counters)
            out.add("close", kind, ident)


def shape(tokens: list[Token]) -> list[Token]:
    """Return tokens without their ids, texts merged: what two readings must share to be the same markup."""
    out: list[Token] = []
    for token in tokens:
        if token[0] == "text" and out and out[-1][0] == "text":
            out[-1] = ("text", out[-1][1] + token[1])
        elif token[0] != "text" or token[1]:
            out.append(token if token[0] == "text" else token[:2])
    return out


def escape(text: str, at_line_start: bool, inline: bool = True) -> str:
    """Return plain text that Markdown reads back as the same text (``inline=False``: only what
    would open a block at a line's start is escaped)."""
    text = _ESCAPE.sub(r"\\\1", text) if inline else text
    return _LEADING.sub(_escape_leading, text, count=1) if at_line_start else text


def _escape_leading(match: re.Match[str]) -> str:
    space, mark, quote, number = match.groups()
    return f"{space}\\{mark or quote}" if number is None else f"{space}{number}\\"  # "\- ", but "2017\. "


def to_markdown(tokens: list[Token], source: Inline, minimal: bool = False) -> str:
    """Return tokens as Markdown, with link targets and line markers taken from ``source``.

    Text is escaped wherever Markdown could read it as markup; with ``minimal``, only where it
    would (the text as typed, when the reader gives it back as the same tokens).
    Raises KeyError for a placeholder the source does not have (see :func:`problems`).
    """
    escaped = _write(tokens, source, inline_escapes=True)
    if minimal:
        plain = _write(tokens, source, inline_escapes=False)
        if shape(_reread(plain, source)) == shape(_reread(escaped, source)):
            return plain
    return escaped


def _reread(text: str, source: Inline) -> list[Token]:
    return from_markdown(text).tokens if source.markers else inline_tokens(text).tokens


def _write(tokens: list[Token], source: Inline, inline_escapes: bool) -> str:
    parts: list[str] = []
    line_start = True
    for token in tokens:
        if token[0] == "text":
            parts.append(escape(token[1], line_start, inline_escapes))
            line_start = False
        elif token[0] == "x" and token[1] == "line":
            if parts:
                parts.append("\n")
            parts.append(source.markers[token[2]])
            line_start = True  # "- 2017. " would open a list inside the item
        elif token[0] == "x":
            parts.append("\\\n")
            line_start = True
        elif token[1] == "link":
            parts.append("[" if token[0] == "open" else f"]({markup.link_destination(source.links[token[2]])})")
            line_start = False
        else:
            opening, closing = _MARKS[token[1]]
            parts.append(opening if token[0] == "open" else closing)
            line_start = False
    return "".join(parts).strip(" ")


def problems(target: list[Token], source: Inline) -> list[str]:
    """Return what a translation's tokens break: links and their targets, superscripts, line markers."""
    found = []
    placeholders = [t[2] for t in target if t[0] == "x" and t[1] == "line"]
    if placeholders != list(source.markers):
        found.append("the list or quote lines differ from the source; keep every line marker tag")
    links = Counter(t[2] for t in target if t[0] == "open" and t[1] == "link")
    if any(ident not in source.links for ident in links) or set(links) != set(source.links):
        found.append("a link was removed, added or changed; keep every link tag of the source")
    sups = sum(1 for t in target if t[0] == "open" and t[1] == "sup")
    source_sups = sum(1 for ident in _ids(source, "sup"))
    if sups != source_sups:
        found.append(f"the source has {source_sups} superscript(s), the translation {sups}")
    return found


def _stray_marks(inline: Inline) -> int:
    """Markup characters left as text after parsing: the marks of an unclosed emphasis or link.

    Square brackets that pair up in the text ("[sic]", "[…]", "[fr] …") are text, as the reader
    reads them: only a bracket without its partner counts, and a "](" whose link target was not
    closed ("[text](https://… " with no ")").
    """
    text = "".join(t[1] for t in inline.tokens if t[0] == "text")
    stray = len(re.findall(r"\*|\^|\]\(", text))
    depth = 0
    for bracket in re.findall(r"[\[\]]", text):
        if bracket == "[":
            depth += 1
        elif depth:
            depth -= 1
        else:
            stray += 1
    return stray + depth


def _ids(source: Inline, kind: str) -> list[str]:
    return [t[2] for t in source.tokens if t[0] == "open" and t[1] == kind]


def markdown_problems(text: str, source_markdown: str) -> list[str]:
    """Return what a translation written as Markdown breaks, against its source.

    Used where a tool sent Markdown as plain text (an older export, a tool that
    drops tags): unbalanced emphasis or brackets left as literal characters,
    and links, superscripts and line markers compared as in :func:`problems`.
    """
    source = from_markdown(source_markdown)
    target = from_markdown(text)
    found = []
    if _stray_marks(target) > _stray_marks(source):
        found.append("unbalanced markup: a '**', '*', '^' or link bracket is not closed")
    if Counter(target.links.values()) != Counter(source.links.values()):
        found.append("the link targets differ from the source's")
    if len(_ids(target, "sup")) != len(_ids(source, "sup")):
        found.append(f"the source has {len(_ids(source, 'sup'))} superscript(s), "
                     f"the translation {len(_ids(target, 'sup'))}")
    if len(target.markers) != len(source.markers):
        found.append("the number of list or quote lines differs from the source")
    return found
