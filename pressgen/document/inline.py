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
translation's tokens with its source's.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from pressgen.document.markup import _MD

Token = tuple[str, ...]
PAIRED = ("bold", "italic", "sup", "link")
_MARKS = {"bold": ("**", "**"), "italic": ("*", "*"), "sup": ("^", "^")}
_OPEN = {"strong_open": "bold", "em_open": "italic", "sup_open": "sup", "link_open": "link"}
_CLOSE = {"strong_close": "bold", "em_close": "italic", "sup_close": "sup", "link_close": "link"}
# What opens a line and is not text to translate: a list or quote marker ("- ", "1. ", "> "), an
# intertitle's "## ", or a whole table separator row ("|---|--:|").
LINE_MARKER = re.compile(r"^(\s*(?:[-*+]|\d+[.)])\s+|\s*>\s?|\s*#{1,6}\s+|\s*\|(?:\s*:?-+:?\s*\|)+\s*$)")
_ESCAPE = re.compile(r"([\\*_^\[\]`<])")
_LEADING = re.compile(r"^(\s*)([-+>#]|\d+[.)])")


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
    lines = text.strip("\n").split("\n")
    if not any(LINE_MARKER.match(line) for line in lines):
        _inline_tokens("\n".join(line.lstrip() for line in lines), out, counters)
        return out
    for line in lines:
        match = LINE_MARKER.match(line)
        marker = match.group(0) if match else ""
        counters["line"] += 1
        ident = f"line{counters['line']}"
        out.markers[ident] = marker
        out.add("x", "line", ident)
        _inline_tokens(line[len(marker):], out, counters)
    return out


def _inline_tokens(text: str, out: Inline, counters: Counter[str]) -> None:
    stack: list[tuple[str, str]] = []
    for block in _MD.parseInline(text):
        for token in block.children or []:
            if token.type in _OPEN:
                kind = _OPEN[token.type]
                counters[kind] += 1
                ident = f"{kind}{counters[kind]}"
                if kind == "link":
                    out.links[ident] = str(token.attrs.get("href", ""))
                stack.append((kind, ident))
                out.add("open", kind, ident)
            elif token.type in _CLOSE and stack:
                kind, ident = stack.pop()
                out.add("close", kind, ident)
            elif token.type == "hardbreak":
                counters["lb"] += 1
                out.add("x", "lb", f"lb{counters['lb']}")
            elif token.type == "softbreak":
                out.add("text", " ")
            else:
                out.add("text", token.content)


def escape(text: str, at_line_start: bool) -> str:
    """Return plain text that Markdown reads back as the same text."""
    text = _ESCAPE.sub(r"\\\1", text)
    return _LEADING.sub(r"\1\\\2", text) if at_line_start else text


def to_markdown(tokens: list[Token], source: Inline) -> str:
    """Return tokens as Markdown, with link targets and line markers taken from ``source``.

    Raises KeyError for a placeholder the source does not have (see :func:`problems`).
    """
    parts: list[str] = []
    line_start = True
    for token in tokens:
        if token[0] == "text":
            parts.append(escape(token[1], line_start))
            line_start = False
        elif token[0] == "x" and token[1] == "line":
            if parts:
                parts.append("\n")
            parts.append(source.markers[token[2]])
            line_start = not source.markers[token[2]]
        elif token[0] == "x":
            parts.append("\\\n")
            line_start = True
        elif token[1] == "link":
            parts.append("[" if token[0] == "open" else f"]({source.links[token[2]]})")
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
    """Markup characters left as text after parsing: the marks of an unclosed emphasis or link."""
    text = "".join(t[1] for t in inline.tokens if t[0] == "text")
    return len(re.findall(r"\*|\^|\[|\]", text))


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
