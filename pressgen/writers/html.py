"""HTML writer: a DocumentView rendered through the Jinja2 template, for WeasyPrint."""

from __future__ import annotations

import contextvars
import dataclasses
import io
import re
import types
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path, PurePath
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from pressgen.document.contrast import SMALL_TEXT, readable
from pressgen.document.hyphenation import Rules
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
    plain_text,
)
from pressgen.errors import Diagnostic, RenderError
from pressgen.resources import find_template, template_dirs
from pressgen.workspace.labels import translations

TEMPLATE = "release.html"


WordUses = dict[str, list[int]]  # a word in lower case -> [its kept uses, all its uses] in hyphenated text
_USES: contextvars.ContextVar[WordUses | None] = contextvars.ContextVar("pressgen_word_uses", default=None)
_WORDS = re.compile(r"\w+")


def _text_html(text: str, rules: Rules | None, start: int = 0) -> Markup:
    """A text run, its kept words and foreign phrases as spans (see pressgen.document.hyphenation);
    ``start``: where the run starts in its paragraph's plain text."""
    if rules is None:
        return escape(text)
    out = []
    uses = _USES.get()
    for piece, how in rules.pieces(text, start):
        if uses is not None:
            for word in _WORDS.findall(piece):
                counts = uses.setdefault(word.lower(), [0, 0])
                counts[0] += how == "keep"
                counts[1] += 1
        if how is None:
            out.append(escape(piece))
        elif how == "keep":
            out.append(Markup('<span class="keep">%s</span>') % piece)
        else:
            out.append(Markup('<span lang="%s">%s</span>') % (how, piece))
    return Markup("").join(out)


def inlines_html(items: tuple[Inline, ...], rules: Rules | None = None) -> Markup:
    """Return inline nodes as escaped HTML, hyphenated by ``rules`` when given."""
    return _inlines(items, rules, 0)[0]


def _inlines(items: tuple[Inline, ...], rules: Rules | None, start: int) -> tuple[Markup, int]:
    """Inline nodes as HTML, and where they end in their paragraph's plain text (see plain_text)."""
    out = []
    for item in items:
        if isinstance(item, Text):
            out.append(_text_html(item.text, rules, start))
            start += len(item.text)
        elif isinstance(item, Break):
            out.append(Markup("<br>"))
            start += 1
        elif isinstance(item, Strong | Emph | Sup | Link):
            inner, start = _inlines(item.children, rules, start)
            if isinstance(item, Link):
                out.append(Markup('<a href="%s">%s</a>') % (item.href, inner))
            else:
                tag = Markup("strong" if isinstance(item, Strong) else "em" if isinstance(item, Emph) else "sup")
                out.append(Markup("<%s>%s</%s>") % (tag, inner, tag))
    return Markup("").join(out), start


def _paragraph_html(items: tuple[Inline, ...], rules: Rules | None) -> Markup:
    """A paragraph's inline nodes as HTML, by its own rules (its last word, its words kept after layout)."""
    return _inlines(items, rules.for_paragraph(plain_text(items)) if rules else None, 0)[0]


def blocks_html(blocks: tuple[Block, ...], rules: Rules | None = None) -> Markup:
    """Return block nodes as escaped HTML, hyphenated by ``rules`` when given."""
    out = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append(Markup("<p>%s</p>") % _paragraph_html(block.children, rules))
        elif isinstance(block, Heading):
            out.append(Markup('<h2 class="intertitle">%s</h2>') % inlines_html(block.children, rules))
        elif isinstance(block, Quote):
            attribution = (Markup('<p class="attribution">— %s</p>') % _paragraph_html(block.attribution, rules)
                           if block.attribution else Markup(""))
            out.append(Markup("<blockquote>%s%s</blockquote>") % (blocks_html(block.children, rules), attribution))
        elif isinstance(block, Table):
            out.append(_table_html(block))
        elif isinstance(block, ListBlock):
            items = Markup("").join(Markup("<li>%s</li>") % blocks_html(item, rules) for item in block.items)
            if block.ordered:
                out.append(Markup('<ol start="%d">%s</ol>') % (block.start, items))
            else:
                out.append(Markup("<ul>%s</ul>") % items)
    return Markup("\n").join(out)


@jinja2.pass_context
def _blocks_filter(context: jinja2.runtime.Context, blocks: tuple[Block, ...]) -> Markup:
    """The templates' ``blocks`` filter: the blocks hyphenated by the rules of the view being rendered."""
    view = context.get("view")
    return blocks_html(blocks, view.hyphenation if isinstance(view, DocumentView) else None)


def _table_html(table: Table) -> Markup:
    def cells(row: tuple[tuple[Inline, ...], ...], tag: str) -> Markup:
        return Markup("").join(Markup('<%s class="%s">%s</%s>') % (Markup(tag), align, inlines_html(cell), Markup(tag))
                               for cell, align in zip(row, table.aligns, strict=False))

    head = Markup("<thead><tr>%s</tr></thead>") % cells(table.header, "th")
    body = Markup("").join(Markup("<tr>%s</tr>") % cells(row, "td") for row in table.rows)
    return Markup('<table class="figures">%s<tbody>%s</tbody></table>') % (head, body)


# The draft watermark: an SVG drawn as the page background, which WeasyPrint marks as an artifact, so
# the words are on every page of a printout but not in the text a screen reader reads.
GENERATED_PREFIX = "pressgen-generated:"  # URLs of what pressgen makes for one document, not files
WATERMARK_URL = GENERATED_PREFIX + "watermark.svg"
_DIAGONAL_MM = 280  # the text's length across an A4 page, corner to corner with room to spare


def watermark_svg(text: str) -> bytes:
    """Return an A4-sized SVG with ``text`` across the page diagonal, in light red capitals."""
    words = text.upper()
    size = min(28.0, _DIAGONAL_MM / (0.64 * max(len(words), 1)))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" viewBox="0 0 210 297">'
            f'<text x="105" y="155" transform="rotate(-54.7 105 148.5)" text-anchor="middle" '
            f'font-family="Liberation Sans, DejaVu Sans, sans-serif" font-size="{size:.1f}" font-weight="bold" '
            f'fill="#B00020" fill-opacity="0.18">{escape(words)}</text></svg>').encode()


def readable_color(color: str, ratio: float = SMALL_TEXT) -> Markup:
    """The templates' ``readable`` filter: ``color`` (``#RRGGBB``), or the darker shade of it that text
    needs on white (WCAG AA: 4.5:1 for small text, ``ratio=3`` for large): see contrast.readable."""
    if not re.fullmatch(r"#[0-9A-Fa-f]{6}", color):
        raise ValueError(f"not a colour: {color!r}")
    return Markup(readable(color, ratio=float(ratio)))


def css_string(value: str) -> Markup:
    """Return ``value`` as a quoted CSS string literal."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ").replace("<", "\\3C ")
    return Markup(f'"{escaped}"')


@dataclasses.dataclass(frozen=True)
class FileRef:
    """A file as a template sees it: its URL (what ``<img src>`` takes) and its name, nothing that opens it."""

    uri: str
    name: str

    def as_uri(self) -> str:
        """The URL, as templates written for a ``Path`` ask for it (``view.org.logo.as_uri()``)."""
        return self.uri

    def __str__(self) -> str:
        return self.uri


def template_view(value: Any) -> Any:
    """Return ``value`` (a :class:`DocumentView`, or anything it holds) as templates see it: the same
    dataclasses and tuples, each file path a :class:`FileRef` (its URL and name) instead of a ``Path``,
    whose methods would read, list or write any file of the machine."""
    if isinstance(value, PurePath):
        return FileRef(Path(value).as_uri() if value.is_absolute() else value.as_posix(), value.name)
    if isinstance(value, tuple):
        items = tuple(template_view(item) for item in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changed = {}
        for item in dataclasses.fields(value):
            if item.init:
                before = getattr(value, item.name)
                after = template_view(before)
                if after is not before:
                    changed[item.name] = after
        return dataclasses.replace(value, **changed) if changed else value
    return value


# Values a template is never handed, wherever they come from: a file path, a module, an open file.
_REFUSED_VALUES = (PurePath, types.ModuleType, io.IOBase)


class TemplateSandbox(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox, for the workspace's own templates (untrusted input): no attribute
    starting with ``_``, no Python internals, no changing a list or dict in place; and here also no
    file path, module or open file, should one ever be reachable from the view."""

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return (super().is_safe_attribute(obj, attr, value) and not isinstance(obj, _REFUSED_VALUES)
                and not isinstance(value, _REFUSED_VALUES))


class ConfinedLoader(jinja2.FileSystemLoader):
    """The template search path, refusing a template that is a link to a file outside its folder
    (a workspace's ``templates/notes.html`` linked to ``~/.ssh/id_rsa`` would print it)."""

    def get_source(self, environment: jinja2.Environment, template: str,
                   ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        if not any(Path(filename).resolve().is_relative_to(Path(folder).resolve()) for folder in self.searchpath):
            raise SecurityError(f"{template} is a link to a file outside its templates folder")
        return source, filename, uptodate


@lru_cache(maxsize=16)
def environment(workspace_root: Path | None) -> jinja2.Environment:
    """Return the sandboxed Jinja2 environment whose loader searches the workspace, then the package."""
    env = TemplateSandbox(
        loader=ConfinedLoader([str(d) for d in template_dirs(workspace_root)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True,
    )
    env.filters["blocks"] = _blocks_filter
    env.filters["inlines"] = inlines_html
    env.filters["css_string"] = css_string
    env.filters["readable"] = readable_color
    return env


def render_html(view: DocumentView, uses: WordUses | None = None) -> str:
    """Return the HTML page of ``view``, with the template's own words in its language.

    The template runs sandboxed and sees :func:`template_view` of ``view``.
    ``uses``: filled in with each word of the hyphenated text, its kept and all uses (for
    pressgen.writers.pdf.kept_by_patterns).
    Raises :class:`RenderError` naming the template file and line when a
    (workspace) template fails or does what the sandbox refuses.
    """
    env = environment(view.workspace_root)
    t = translations(view.workspace_root, view.lang)
    token = _USES.set(uses)
    try:
        template = env.get_template(TEMPLATE)
        return template.render(view=template_view(view), gettext=t.gettext, ngettext=t.ngettext, _=t.gettext)
    except jinja2.TemplateError as exc:
        raise RenderError("template failed", [template_diagnostic(exc, view.workspace_root)]) from None
    except Exception as exc:  # 1/0, a wrong argument...: the workspace's template's fault, at its line
        diagnostic = template_diagnostic(exc, view.workspace_root)
        if not _in_workspace(diagnostic.path, view.workspace_root):
            raise  # the packaged template failing is a bug in pressgen
        raise RenderError("template failed", [diagnostic]) from None
    finally:
        _USES.reset(token)


def _in_workspace(path: Path, workspace_root: Path | None) -> bool:
    return workspace_root is not None and path.resolve().is_relative_to((workspace_root / "templates").resolve())


def _template_path(name: str | None, workspace_root: Path | None) -> Path:
    if name and Path(name).is_absolute():
        return Path(name)
    try:
        return find_template(workspace_root, name or TEMPLATE)
    except FileNotFoundError:
        return Path("templates") / (name or TEMPLATE)


SANDBOX_HINT = ("a workspace's templates run sandboxed: they may use the view's values, filters and tests, "
                "not Python internals, files or programs")


def template_diagnostic(exc: Exception, workspace_root: Path | None, template: Path | None = None) -> Diagnostic:
    """Return a template error as a diagnostic at the template's file and line.

    Jinja2 gives syntax errors their place; for errors while rendering, the
    place is the innermost traceback frame that belongs to a template file,
    else ``template`` (the one being loaded), else the page template.
    What the sandbox refuses is said as such.
    """
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return Diagnostic(_template_path(exc.filename or exc.name, workspace_root), exc.lineno or 1, 1,
                          f"template error: {exc.message}", "fix the template, or remove it to use the packaged one")
    path, line = template or _template_path(None, workspace_root), 1
    trace = exc.__traceback__
    while trace is not None:
        filename = trace.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".htm", ".jinja", ".txt")):  # .txt: the plain-text mail template
            path, line = Path(filename), trace.tb_lineno
        trace = trace.tb_next
    if isinstance(exc, SecurityError):
        return Diagnostic(path, line, 1, f"template {path.name} not allowed: {exc}", SANDBOX_HINT)
    what = str(exc) if isinstance(exc, jinja2.TemplateError) else f"{type(exc).__name__}: {exc}"
    return Diagnostic(path, line, 1, f"template error: {what}",
                      "fix the template, or remove it to use the packaged one")


def template_problems(workspace_root: Path) -> list[Diagnostic]:
    """Return the syntax errors of the workspace's own HTML templates (the packaged ones are known good)."""
    folder = workspace_root / "templates"
    if not folder.is_dir():
        return []
    env = environment(workspace_root)
    problems = []
    for path in sorted(folder.glob("*.html")):
        try:
            env.get_template(path.name)
        except jinja2.TemplateError as exc:
            problems.append(template_diagnostic(exc, workspace_root, path))
    return problems
