"""Mail writer: a DocumentView as the plain-text and HTML bodies of a message to journalists.

Both bodies come from the same view, through the templates ``mail/message.txt`` and
``mail/message.html`` (the workspace's ``templates/mail/`` first, then the packaged ones),
run in the same sandbox as the page template. The lines a message puts above the release
(the embargo, the draft mark, a correction note) are decided by the caller and handed in
as :class:`MailNotices`; the headers and the PDF attachment are the distribution stage's.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jinja2

from pressgen.document.localize import DocumentView
from pressgen.document.markup import (
    Block,
    Break,
    Emph,
    Heading,
    Inline,
    Link,
    ListBlock,
    Paragraph,
    Quote,
    Strong,
    Sup,
    Table,
    Text,
)
from pressgen.errors import RenderError
from pressgen.resources import find_template, template_dirs
from pressgen.workspace.labels import translations
from pressgen.writers.html import (
    ConfinedLoader,
    TemplateSandbox,
    blocks_html,
    inlines_html,
    template_diagnostic,
    template_view,
)

TEXT_TEMPLATE = "mail/message.txt"
HTML_TEMPLATE = "mail/message.html"


@dataclass(frozen=True)
class MailNotices:
    """What a message says before the release: each line in the message's language, first the most urgent."""

    lines: tuple[str, ...] = ()  # "EMBARGOED UNTIL …", the draft mark, the correction note
    embargoed: bool = False


def inlines_text(items: tuple[Inline, ...]) -> str:
    """Inline nodes as plain text; a link keeps its address after its words."""
    out = []
    for item in items:
        if isinstance(item, Text):
            out.append(item.text)
        elif isinstance(item, Break):
            out.append("\n")
        elif isinstance(item, Strong | Emph | Sup):
            out.append(inlines_text(item.children))
        elif isinstance(item, Link):
            words = inlines_text(item.children)
            address = item.href.removeprefix("mailto:")
            out.append(words if words == address else f"{words} <{item.href.removeprefix('mailto:')}>")
    return "".join(out)


def blocks_text(blocks: tuple[Block, ...]) -> str:
    """Block nodes as plain text: paragraphs apart by a blank line, lists with their marks, quotes with '>'."""
    out = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append(inlines_text(block.children))
        elif isinstance(block, Heading):
            title = inlines_text(block.children)
            out.append(f"{title}\n{'-' * len(title)}")
        elif isinstance(block, Quote):
            text = blocks_text(block.children)
            if block.attribution:
                text += f"\n— {inlines_text(block.attribution)}"
            out.append("\n".join(f"> {line}" if line else ">" for line in text.splitlines()))
        elif isinstance(block, ListBlock):
            items = []
            for number, item in enumerate(block.items, start=block.start if block.ordered else 1):
                mark = f"{number}. " if block.ordered else "- "
                text = blocks_text(item).replace("\n", "\n" + " " * len(mark))
                items.append(mark + text)
            out.append("\n".join(items))
        elif isinstance(block, Table):
            rows = [block.header, *block.rows]
            out.append("\n".join(" | ".join(inlines_text(cell) for cell in row) for row in rows))
    return "\n\n".join(out)


@lru_cache(maxsize=16)
def environment(workspace_root: Path | None) -> jinja2.Environment:
    """The sandboxed environment of the mail templates: HTML escaped, plain text not."""
    env = TemplateSandbox(
        loader=ConfinedLoader([str(d) for d in template_dirs(workspace_root)]),
        autoescape=jinja2.select_autoescape(["html"], default_for_string=False),
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["blocks"] = blocks_html
    env.filters["inlines"] = inlines_html
    env.filters["blocks_text"] = blocks_text
    env.filters["inlines_text"] = inlines_text
    return env


def render_mail(view: DocumentView, notices: MailNotices) -> tuple[str, str]:
    """Return the (plain text, HTML) bodies of a message carrying ``view``.

    Raises :class:`RenderError` at the template's file and line when a workspace's mail template
    fails or does what the sandbox refuses.
    """
    env = environment(view.workspace_root)
    t = translations(view.workspace_root, view.lang)
    context = {"view": template_view(view), "notices": notices, "gettext": t.gettext, "ngettext": t.ngettext,
               "_": t.gettext}
    bodies = []
    for name in (TEXT_TEMPLATE, HTML_TEMPLATE):
        path = find_template(view.workspace_root, name)
        try:
            bodies.append(env.get_template(name).render(context))
        except jinja2.TemplateError as exc:
            raise RenderError("mail template failed", [template_diagnostic(exc, view.workspace_root, path)]) from None
        except Exception as exc:  # the workspace's template's fault, at its line
            diagnostic = template_diagnostic(exc, view.workspace_root, path)
            if view.workspace_root is None or not diagnostic.path.resolve().is_relative_to(
                    (view.workspace_root / "templates").resolve()):
                raise
            raise RenderError("mail template failed", [diagnostic]) from None
    return bodies[0], bodies[1]
