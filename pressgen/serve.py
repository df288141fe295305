"""pressgen serve: a live preview of a workspace's releases in the browser.

The server reads the files on every request, so what it shows is what a build
would write now. Each release page shows the PDF of one language beside its
language switch and downloads; an edited release, catalog, template or logo
reloads the open page within a second, and a release with errors shows them as
``file:line:col`` lines instead. Release ids and languages in a URL are looked up
among the workspace's releases and never used as paths. Only requests whose
Host header names the address the server listens on are answered (see
:mod:`pressgen.hosts`), so a web page cannot read releases through DNS rebinding.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2

from .build import output_root, release_files
from .errors import Diagnostic, PressgenError, errors_only
from .executors import Unit, UnitResult, render_unit
from .hosts import host_allowed
from .load import CONFIG_NAME, check_release, load_workspace, release_languages
from .model import Release, Workspace

MEDIA_TYPES = {"pdf": "application/pdf",
               "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
RENDERED_KEPT = 32  # documents kept in memory, newest first

_PAGES = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 0; color: #222; }
header { display: flex; gap: 1.5em; align-items: baseline; padding: .6em 1em; background: #f3f3f3;
         border-bottom: 1px solid #ccc; flex-wrap: wrap; }
header h1 { font-size: 1.05em; margin: 0; }
main { padding: 1em; }
a.current { font-weight: bold; text-decoration: none; color: inherit; }
table { border-collapse: collapse; }
td, th { padding: .3em .8em; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }
.problems { color: #a00; white-space: pre-wrap; font-family: ui-monospace, monospace; }
.warnings { color: #850; white-space: pre-wrap; font-family: ui-monospace, monospace; }
iframe { border: 0; width: 100%; height: calc(100vh - 3.2em); display: block; }
"""

_RELOAD = """
<script>
const shown = {{ token|tojson }};
setInterval(async () => {
  try {
    const answer = await fetch("/changes", {cache: "no-store"});
    if ((await answer.text()) !== shown) location.reload();
  } catch (error) { /* the server is stopped or restarting: keep the page */ }
}, 1000);
</script>
"""

_INDEX = _PAGES.from_string("""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>pressgen preview: {{ name }}</title>
<style>""" + _STYLE + """</style></head><body>
<header><h1>pressgen preview: {{ name }}</h1><span>{{ entries|length }} release(s)</span></header>
<main>
{% if problems %}<div class="problems">{{ problems }}</div>{% endif %}
<table>
<tr><th>release</th><th>headline</th><th>languages</th></tr>
{% for entry in entries %}
<tr><td>{{ entry.id }}</td>
<td>{% if entry.errors %}<span class="problems">has errors</span>{% else %}{{ entry.headline }}{% endif %}</td>
<td>{% for lang, status in entry.languages %}
<a href="/release/{{ entry.id }}/{{ lang }}">{{ lang }}</a> <small>{{ status }}</small>
{%- if not loop.last %} · {% endif %}
{% endfor %}</td></tr>
{% endfor %}
</table>
</main>""" + _RELOAD + "</body></html>")

_RELEASE = _PAGES.from_string("""<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><title>{{ id }} ({{ lang }}): pressgen preview</title>
<style>""" + _STYLE + """</style></head><body>
<header><h1><a href="/">releases</a> / {{ id }}</h1>
<span>{% for other in languages %}<a href="/release/{{ id }}/{{ other }}"
{%- if other == lang %} class="current"{% endif %}>{{ other }}</a>
{%- if not loop.last %} · {% endif %}{% endfor %}</span>
{% if not problems %}<span>{{ status }}</span>
<span><a href="/release/{{ id }}/{{ lang }}.pdf" download>PDF</a> ·
<a href="/release/{{ id }}/{{ lang }}.docx" download>DOCX</a></span>{% endif %}
</header>
{% if problems %}<main><div class="problems">{{ problems }}</div></main>
{% else %}{% if warnings %}<main><div class="warnings">{{ warnings }}</div></main>{% endif %}
<iframe src="/release/{{ id }}/{{ lang }}.pdf?shown={{ token }}" title="{{ id }} ({{ lang }}), PDF"></iframe>
{% endif %}""" + _RELOAD + "</body></html>")


@dataclass
class Entry:
    """One release as the index lists it."""

    id: str
    path: Path
    headline: str = ""
    languages: list[tuple[str, str]] = field(default_factory=list)
    errors: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    release: Release | None = None  # None when it has errors
    workspace: Workspace | None = None


class Preview:
    """What the server shows, read from the workspace's files on each request."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._render_lock = threading.Lock()  # one render at a time: WeasyPrint is not thread-safe
        self._rendered: OrderedDict[tuple[str, ...], UnitResult] = OrderedDict()

    def _workspace(self) -> tuple[Workspace | None, list[Diagnostic]]:
        """The workspace, or None and the errors of its pressgen.yaml."""
        try:
            return load_workspace(self.root), []
        except PressgenError as exc:
            return None, exc.diagnostics or [Diagnostic(self.root / CONFIG_NAME, 1, 1, str(exc))]

    def token(self) -> str:
        """A fingerprint of every file a document depends on; it changes when one does."""
        workspace, _ = self._workspace()
        skipped = (output_root(workspace, None) if workspace else self.root / "dist").resolve()
        hasher = hashlib.sha256()
        for path in sorted(self._files(skipped)):
            try:
                stat = path.stat()
            except OSError:
                continue
            hasher.update(f"{path}\0{stat.st_mtime_ns}\0{stat.st_size}\n".encode())
        return hasher.hexdigest()[:16]

    def _files(self, skipped: Path) -> Iterator[Path]:
        for folder, folders, names in os.walk(self.root):
            here = Path(folder)
            folders[:] = [name for name in folders
                          if not name.startswith(".") and (here / name).resolve() != skipped]
            yield from (here / name for name in names)

    def entries(self) -> tuple[list[Entry], list[Diagnostic]]:
        """Every release of the workspace, and the workspace's own errors."""
        workspace, problems = self._workspace()
        if workspace is None:
            return [], problems
        return [self._entry(path, workspace) for path in release_files([self.root])], []

    def entry(self, release_id: str) -> tuple[Entry | None, list[Diagnostic]]:
        """One release (None if the workspace has no such release), and the workspace's errors."""
        workspace, problems = self._workspace()
        if workspace is None:
            return None, problems
        path = next((path for path in release_files([self.root]) if path.stem == release_id), None)
        return (self._entry(path, workspace) if path else None), []

    @staticmethod
    def _entry(path: Path, workspace: Workspace) -> Entry:
        entry = Entry(path.stem, path, workspace=workspace)
        checked = check_release(path, workspace)
        entry.errors = errors_only(checked.diagnostics)
        entry.warnings = [d for d in checked.diagnostics if d not in entry.errors]
        release = entry.release = checked.release
        if release is None:
            entry.languages = [(lang, "") for lang in workspace.config.languages]
            return entry
        entry.headline = release.text[release.source].headline if release.source in release.text else ""
        entry.languages = [(lang, release.translation_status(lang))
                           for lang in release_languages(release, workspace.config)]
        return entry

    def render(self, release_id: str, lang: str, fmt: str) -> UnitResult | None:
        """The document, or why it cannot be made; None for an unknown release or language."""
        token = self.token()
        key = (token, release_id, lang, fmt)
        with self._render_lock:
            if key in self._rendered:
                self._rendered.move_to_end(key)
                return self._rendered[key]
            entry, problems = self.entry(release_id)
            if problems:  # the workspace itself is broken: no release can be made
                return UnitResult(diagnostics=tuple(problems))
            if entry is None or lang not in dict(entry.languages):
                return None
            if entry.release is None or entry.workspace is None:
                return UnitResult(diagnostics=tuple(entry.errors))
            result = render_unit(Unit(entry.workspace, entry.release, lang, (fmt,)))
            self._rendered[key] = result
            while len(self._rendered) > RENDERED_KEPT:
                self._rendered.popitem(last=False)
            return result

    def describe(self, diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]) -> str:
        return "\n".join(d.format(relative_to=self.root) for d in diagnostics)


class _Handler(BaseHTTPRequestHandler):
    server: PreviewServer

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        if not host_allowed(self.headers.get("Host"), self.server.listening):
            self._send(HTTPStatus.MISDIRECTED_REQUEST, "text/plain; charset=utf-8",
                       b"this preview answers only requests addressed to the host it listens on\n")
            return
        preview = self.server.preview
        parts = [unquote(part) for part in urlsplit(self.path).path.split("/") if part]
        if not parts:
            entries, problems = preview.entries()
            self._send(HTTPStatus.OK, "text/html; charset=utf-8", _INDEX.render(
                name=preview.root.name, entries=entries, problems=preview.describe(problems),
                token=preview.token()).encode())
        elif parts == ["changes"]:
            self._send(HTTPStatus.OK, "text/plain; charset=utf-8", preview.token().encode())
        elif len(parts) == 3 and parts[0] == "release" and "." in parts[2]:
            self._document(parts[1], *parts[2].rsplit(".", 1))
        elif len(parts) == 3 and parts[0] == "release":
            self._release_page(parts[1], parts[2])
        else:
            self._not_found()

    def _release_page(self, release_id: str, lang: str) -> None:
        preview = self.server.preview
        token = preview.token()
        entry, problems = preview.entry(release_id)
        if problems:  # the workspace itself is broken: show why until it is mended
            page = _RELEASE.render(id=release_id, lang=lang, languages=[lang], status="", token=token,
                                   problems=preview.describe(problems), warnings="")
        elif entry is None or lang not in dict(entry.languages):
            self._not_found()
            return
        else:
            page = _RELEASE.render(id=entry.id, lang=lang, languages=[code for code, _ in entry.languages],
                                   status=dict(entry.languages)[lang], token=token,
                                   problems=preview.describe(entry.errors),
                                   warnings=preview.describe(entry.warnings))
        self._send(HTTPStatus.OK, "text/html; charset=utf-8", page.encode())

    def _document(self, release_id: str, lang: str, fmt: str) -> None:
        if fmt not in MEDIA_TYPES:
            self._not_found()
            return
        result = self.server.preview.render(release_id, lang, fmt)
        if result is None:
            self._not_found()
        elif result.outputs:
            disposition = f'inline; filename="{release_id}.{lang}.{fmt}"'
            self._send(HTTPStatus.OK, MEDIA_TYPES[fmt], result.outputs[0].data, disposition)
        else:
            text = self.server.preview.describe(result.diagnostics)
            self._send(HTTPStatus.UNPROCESSABLE_ENTITY, "text/plain; charset=utf-8", text.encode())

    def _not_found(self) -> None:
        self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found\n")

    def _send(self, status: HTTPStatus, media_type: str, body: bytes, disposition: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        if disposition:
            self.send_header("Content-Disposition", disposition)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's name)
        pass  # one line per request would drown the messages that matter


class PreviewServer(ThreadingHTTPServer):
    """The HTTP server of ``pressgen serve``, bound to ``host:port`` (port 0: any free one)."""

    daemon_threads = True

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 8000) -> None:
        self.preview = Preview(root)
        self.listening = host
        super().__init__((host, port), _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}/"
