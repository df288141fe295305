"""HTML writer: a DocumentView rendered through the Jinja2 template, for WeasyPrint."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from ..i18n import translations
from ..localize import DocumentView
from ..markup import (
    Block,
    Break,
    Emph,
    Inline,
    Link,
    ListBlock,
    Paragraph,
    Quote,
    Strong,
    Sup,
    Text,
)
from ..resources import template_dirs

TEMPLATE = "release.html"


def inlines_html(items: tuple[Inline, ...]) -> Markup:
    """Return inline nodes as escaped HTML."""
    out = []
    for item in items:
        if isinstance(item, Text):
            out.append(escape(item.text))
        elif isinstance(item, Break):
            out.append(Markup("<br>"))
        elif isinstance(item, Strong):
            out.append(Markup("<strong>%s</strong>") % inlines_html(item.children))
        elif isinstance(item, Emph):
            out.append(Markup("<em>%s</em>") % inlines_html(item.children))
        elif isinstance(item, Sup):
            out.append(Markup("<sup>%s</sup>") % inlines_html(item.children))
        elif isinstance(item, Link):
            out.append(Markup('<a href="%s">%s</a>') % (item.href, inlines_html(item.children)))
    return Markup("").join(out)


def blocks_html(blocks: tuple[Block, ...]) -> Markup:
    """Return block nodes as escaped HTML."""
    out = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append(Markup("<p>%s</p>") % inlines_html(block.children))
        elif isinstance(block, Quote):
            out.append(Markup("<blockquote>%s</blockquote>") % blocks_html(block.children))
        elif isinstance(block, ListBlock):
            items = Markup("").join(Markup("<li>%s</li>") % blocks_html(item) for item in block.items)
            if block.ordered:
                out.append(Markup('<ol start="%d">%s</ol>') % (block.start, items))
            else:
                out.append(Markup("<ul>%s</ul>") % items)
    return Markup("\n").join(out)


def css_string(value: str) -> Markup:
    """Return ``value`` as a quoted CSS string literal."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ").replace("<", "\\3C ")
    return Markup(f'"{escaped}"')


@lru_cache(maxsize=16)
def environment(workspace_root: Path | None) -> jinja2.Environment:
    """Return the Jinja2 environment whose loader searches the workspace, then the package."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(workspace_root)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True,
    )
    env.filters["blocks"] = blocks_html
    env.filters["inlines"] = inlines_html
    env.filters["css_string"] = css_string
    return env


def render_html(view: DocumentView) -> str:
    """Return the HTML page of ``view``, with the template's own words in its language."""
    env = environment(view.workspace_root)
    template = env.get_template(TEMPLATE)
    t = translations(view.workspace_root, view.lang)
    return template.render(view=view, gettext=t.gettext, ngettext=t.ngettext,
                           _=t.gettext)
