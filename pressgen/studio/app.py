"""The studio's web application: Starlette, server-rendered Jinja2 pages, a little JavaScript.

The guards every request passes before any route are in :mod:`pressgen.studio.guards`.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import difflib
import hmac
import json
import os
import re
import secrets
import socket
import tempfile
import threading
import unicodedata
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path, PureWindowsPath
from typing import Any
from urllib.parse import quote

from markupsafe import Markup, escape
from starlette.applications import Starlette
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from pressgen.builder.executors import PoolExecutor
from pressgen.errors import Diagnostic, PressgenError, UsageError
from pressgen.formats import BY_NAME, media_type
from pressgen.studio import history
from pressgen.studio.campaign import archive, run_campaign
from pressgen.studio.edits import (
    At,
    Conflict,
    Invalid,
    at_segments,
    file_digest,
    place,
    save_source,
    save_translation,
    segment_where,
)
from pressgen.studio.guards import MAX_BODY, BodyTooLarge, Guard, SecurityHeaders
from pressgen.studio.merge import Merged, PageFields, as_form, page_fields, submitted, three_way
from pressgen.studio.state import Entry, Studio
from pressgen.translation.providers import unreachable
from pressgen.translation.review import export_docx, export_xliff, import_docx, import_xliff
from pressgen.translation.translate import translate_release
from pressgen.workspace.images import IMAGE_TYPES
from pressgen.workspace.scaffold import new_release

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "pressgen_session"
STATES = ("missing", "stale", "machine", "draft", "reviewed")
HEARTBEAT = 15.0  # seconds between keep-alive comments on an idle event stream
class StudioApp:
    """The routes, bound to one :class:`Studio`."""

    def __init__(self, studio: Studio) -> None:
        self.studio = studio
        self.stopping: Callable[[], bool] = lambda: False  # the server is shutting down: end the event streams
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))
        self.templates.env.globals["states"] = STATES
        self.templates.env.filters["changes"] = word_changes
        self.templates.env.globals["brief"] = self.brief
        self.templates.env.globals["segment_where"] = segment_where
        self.templates.env.globals["unfilled"] = unfilled
        self.templates.env.globals["said"] = self.said
        self.templates.env.globals["editor_script"] = editor_script
        self.templates.env.globals["max_upload_mib"] = MAX_BODY // 2**20
        self.build_state: dict[str, Any] = {"running": False, "done": 0, "total": 0, "documents": [], "errors": [],
                                            "results": []}

    # --- helpers ---------------------------------------------------------------------------------

    def page(self, request: Request, name: str, status: int = 200, **context: Any) -> Response:
        token = request.cookies.get(SESSION_COOKIE) or secrets.token_urlsafe(32)
        response = self.templates.TemplateResponse(request, name, {
            "csrf": token, "workspace_name": self.studio.root.name, "relative": self.relative, **context},
            status_code=status)
        if SESSION_COOKIE not in request.cookies:
            response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict")
        response.headers["Cache-Control"] = "no-store"
        return response

    def assets(self) -> list[str]:
        """The photos a release may use: PNG and JPEG files in assets/, as a release names them."""
        folder = self.studio.root / "assets"
        if not folder.is_dir():
            return []
        return sorted(f"assets/{path.relative_to(folder).as_posix()}" for path in folder.rglob("*")
                      if path.suffix.lower() in IMAGE_TYPES and path.is_file())

    def relative(self, diagnostic: Diagnostic) -> str:
        return diagnostic.format(relative_to=self.studio.root)

    def brief(self, diagnostic: Diagnostic, own: Path | None = None) -> Markup:
        """A diagnostic for a list beside its release, in the interface's words: its message, where
        (a muted "line 11:21" when it is in the release's own file; the full ``file:line:col`` in the
        tooltip), and below it a hint that is neither a command line nor a changed source's two versions
        (the release's page shows those beside the segment)."""
        try:
            name = diagnostic.path.resolve().relative_to(self.studio.root.resolve()).as_posix()
        except ValueError:
            name = diagnostic.path.name
        place = f"{name}:{diagnostic.line}:{diagnostic.col}"
        shown = f"line {diagnostic.line}:{diagnostic.col}" if diagnostic.path == own else place
        hint = diagnostic.hint or ""
        plain = hint and not _technical(hint) and not hint.startswith("was: ")  # a source's two versions
        hint_markup = Markup('<span class="hint">%s</span>') % hint if plain else Markup("")
        return Markup('%s <span class="where" title="%s">%s</span>%s') % (diagnostic.message, place, shown,
                                                                          hint_markup)

    def said(self, diagnostic: Diagnostic, at: At | None = None) -> Markup:
        """A problem in the interface's words: the message, where in the field (``at``: its line and
        words, which the editor marks), a hint that is not a command line, and where in the file, as a
        detail."""
        hint = diagnostic.hint or ""
        technical = _technical(hint)
        message = diagnostic.message
        if "TODO" in message:  # a new release's placeholder: the form shows an empty field with a hint
            message, hint, at = "not written yet", "", None
        shown = Markup('<span class="hint">%s</span>') % hint if hint and not technical else Markup("")
        detail = self.relative(diagnostic)
        if at is not None:
            words = at.text.strip()
            words = words if len(words) <= 60 else words[:59] + "…"
            message = Markup('%s<span class="at" data-line="%d" data-col="%d" data-length="%d" data-text="%s"> '
                             '(line %d of the %s: “%s”)</span>') % (
                message, at.line, at.col, at.length, at.text, at.line, at.field, words)
        return Markup('%s%s<details class="where"><summary>Where in the file</summary><code>%s</code></details>') % (
            message, shown, detail)

    async def form(self, request: Request) -> FormData:
        """The request's form, once its session token is checked (403 otherwise)."""
        form = await request.form(max_files=1, max_fields=5000, max_part_size=16 * 1024 * 1024)
        cookie = request.cookies.get(SESSION_COOKIE, "")
        sent = form.get("csrf")
        if not cookie or not isinstance(sent, str) or not hmac.compare_digest(cookie, sent):
            raise PermissionError
        return form

    def entry(self, request: Request) -> Entry | None:
        return self.studio.find(request.path_params["release_id"])

    @staticmethod
    def wants_json(request: Request) -> bool:
        return "application/json" in request.headers.get("accept", "")

    # --- index and campaign ----------------------------------------------------------------------

    async def index(self, request: Request) -> Response:
        entries, pending, problems = await asyncio.to_thread(self.studio.index_rows)
        tag = request.query_params.get("tag", "")
        state = request.query_params.get("state", "")
        order = request.query_params.get("sort", "date")
        tags = sorted({t for e in entries if e.model for t in e.model.tags})
        shown = [e for e in entries if shown_by(e, tag, state)]
        keys: dict[str, Callable[[Any], Any]] = {
            "date": lambda e: (e.model.date.isoformat() if e.model else "", e.id),
            "id": lambda e: e.id, "headline": lambda e: e.headline.lower(),
            "organization": lambda e: (e.model.organization if e.model else "", e.id)}
        shown.sort(key=keys.get(order, keys["date"]), reverse=order == "date")
        workspace, _ = self.studio.workspace()
        orgs = workspace.config.organizations if workspace else {}
        ticked = set(request.query_params.getlist("release"))
        return self.page(request, "index.html", entries=shown, pending=pending, total=len(entries) + len(pending),
                         problems=problems, tags=tags, ticked=ticked,
                         tag=tag, state=state, sort=order, orgs=orgs, build=self.build_state,
                         languages=workspace.config.languages if workspace else [])

    async def index_rows(self, request: Request) -> Response:
        """The rows of releases an index page listed as being checked, as each is checked: {"rows": {id:
        its row's HTML, or "" when the page's filter leaves it out}, "pending": how many are still to check}.
        Waits up to two seconds for at least one of them."""
        ids = request.query_params.getlist("id")[:500]
        tag = request.query_params.get("tag", "")
        state = request.query_params.get("state", "")
        ticked = set(request.query_params.getlist("release"))
        found: dict[str, Any] = {}
        for _ in range(20):
            found = await asyncio.to_thread(self.studio.rows_of, ids)
            if found or not ids:
                break
            await asyncio.sleep(0.1)
        workspace, _ = self.studio.workspace()
        orgs = workspace.config.organizations if workspace else {}
        macros = self.templates.env.get_template("_index_row.html").module
        rows = {release_id: str(macros.row(e, ticked, orgs)) if shown_by(e, tag, state) else ""  # type: ignore[attr-defined]
                for release_id, e in found.items()}
        return JSONResponse({"rows": rows, "pending": self.studio.pending_count()},
                            headers={"Cache-Control": "no-store"})

    async def events(self, request: Request) -> Response:
        queue = self.studio.broker.subscribe()

        async def stream() -> Any:
            try:
                yield "retry: 1000\n\n"
                idle = 0.0
                while not self.stopping():
                    try:
                        message = await asyncio.wait_for(queue.get(), 0.5)
                    except TimeoutError:
                        idle += 0.5
                        if idle >= HEARTBEAT:
                            idle = 0.0
                            yield ": still here\n\n"
                        continue
                    idle = 0.0
                    yield f"data: {message}\n\n"
            finally:
                self.studio.broker.unsubscribe(queue)

        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

    async def start_build(self, request: Request) -> Response:
        form = await self.form(request)
        ids = [value for value in form.getlist("release") if isinstance(value, str)]
        paths = [p for p in self.studio.release_paths() if p.stem in ids]
        back = "&".join(f"{key}={quote(str(form.get(key)))}" for key in ("tag", "state", "sort") if form.get(key))
        ticked = "&".join(f"release={quote(p.stem)}" for p in paths)  # the ticks stay after the build
        again = f"/?{'&'.join(part for part in (back, ticked) if part)}#build"
        if self.build_state["running"] or not paths:
            return RedirectResponse(again, 303)
        self.build_state.update(running=True, done=0, total=0, documents=[], errors=[], results=[])

        def run() -> None:
            def progressed(done: int, total: int) -> None:
                self.build_state.update(done=done, total=total)
                self.studio.broker.publish(f"build {done} {total}")

            # Worker processes for whole releases: the previews render here, and WeasyPrint is not thread-safe.
            pool = PoolExecutor(max(1, min(os.cpu_count() or 1, 4)))
            try:
                entries = [e for path in paths if (e := self.studio.entry_for(path)) is not None]
                results = run_campaign(entries, self.studio.root, pool, progressed)
                self.build_state["results"] = results
                self.build_state["documents"] = [(r.id, lang, fmt, path) for r in results
                                                 for lang, fmt, path in r.built]
            except PressgenError as exc:
                self.build_state["errors"] = [str(exc), *(self.relative(d) for d in exc.diagnostics)]
            finally:
                pool.close()
                self.build_state["running"] = False
                self.studio.broker.publish("built")

        threading.Thread(target=run, name="pressgen-studio-build", daemon=True).start()
        return RedirectResponse(again, 303)

    async def built_archive(self, request: Request) -> Response:
        """Every document the last build wrote, in one zip."""
        names = [path for *_, path in self.build_state["documents"]]
        if not names or self.build_state["running"]:
            return PlainTextResponse("no build to download\n", 404)
        data = await asyncio.to_thread(archive, self.studio.root, names)
        return Response(data, media_type="application/zip", headers={
            "Content-Disposition": f'attachment; filename="{self.studio.root.name}-documents.zip"',
            "Cache-Control": "no-store"})

    async def built(self, request: Request) -> Response:
        """A document the last build wrote (only those: no other file of the workspace is served)."""
        wanted = request.path_params["path"]
        listed = {path for *_, path in self.build_state["documents"]}
        if wanted not in listed:
            return PlainTextResponse("not found\n", 404)
        path = (self.studio.root / wanted).resolve()
        if not path.is_relative_to(self.studio.root) or not path.is_file():
            return PlainTextResponse("not found\n", 404)
        return FileResponse(path, media_type=media_type(path.suffix[1:]),
                            filename=path.name, content_disposition_type="attachment")

    # --- a release -------------------------------------------------------------------------------

    async def release_home(self, request: Request) -> Response:
        entry = await asyncio.to_thread(self.entry, request)
        if entry is None:
            return PlainTextResponse("no such release\n", 404)
        lang = entry.model.source if entry.model else next(iter(entry.states), "")
        return RedirectResponse(f"/release/{quote(entry.id)}/{quote(lang)}", 303)

    def editor(self, request: Request, entry: Entry, lang: str, status: int = 200, **context: Any) -> Response:
        release = entry.model
        loaded = entry.checked.loaded
        placed = place(entry.checked.diagnostics, loaded, list(entry.states))
        workspace = entry.workspace
        self.studio.viewed(entry.id, lang)
        context.setdefault("suggestions", machine_suggestions(entry, lang))
        context.setdefault("matches", fuzzy_matches_of(entry, lang))
        context.setdefault("versions", history.versions(self.studio.root, entry.id)[:30])
        zone = workspace.config.timezone or "UTC"
        context.setdefault("timezone", zone)
        context.setdefault("local_time", lambda moment: local_time(moment, zone))
        return self.page(
            request, "release.html", status, entry=entry, release=release, lang=lang, placed=placed,
            source=release.source if release else "", base=file_digest(entry.path),
            alignment=entry.alignments.get(lang), parity=entry.parity.get(lang, {}),
            contacts=workspace.config.contacts, orgs=workspace.config.organizations,
            provider=workspace.config.translation.provider, languages=workspace.config.languages,
            assets=self.assets(), **context)

    async def release_page(self, request: Request) -> Response:
        entry = await asyncio.to_thread(self.entry, request)
        lang = request.path_params["lang"]
        if entry is None or lang not in entry.states:
            return PlainTextResponse("no such release or language\n", 404)
        done = request.query_params.get("done", "")
        message = {"imported": "Review imported."}.get(done)
        if done == "restored" and request.query_params.get("version", "").isdigit():
            message = f"Version {request.query_params['version']} restored (the version before is kept too)."
        if done == "machine":
            message = machine_message(request.query_params)
        return self.editor(request, entry, lang, message=message)

    async def save(self, request: Request) -> Response:
        form = await self.form(request)
        entry = await asyncio.to_thread(self.entry, request)
        lang = request.path_params["lang"]
        if entry is None or lang not in entry.states:
            return PlainTextResponse("no such release or language\n", 404)
        items = [(key, value) for key, value in form.multi_items() if isinstance(value, str)]
        values = dict(items)
        ticked = {name: [v for v in form.getlist(name) if isinstance(v, str)] for name in ("contacts", "reviewed")}
        merged: Merged | None = None
        try:
            if values.get("base") != await asyncio.to_thread(file_digest, entry.path):
                # Saved meanwhile (another tab, person or program): merge field by field with the file now.
                fresh_entry = await asyncio.to_thread(self.studio.find, entry.id)
                if fresh_entry is None or lang not in fresh_entry.states:
                    return PlainTextResponse("no such release or language\n", 404)
                theirs = page_fields(bytes(self.editor(request, fresh_entry, lang).body))
                try:
                    original = json.loads(values["original"]) if values.get("original") else None
                except ValueError:
                    original = None
                if not isinstance(original, dict):
                    original = None
                keys = set(theirs.values) | set(original or {})
                merged = three_way(original, submitted(items, keys), theirs.values)
                if merged.conflicts:
                    return self.field_conflicts(request, fresh_entry, lang, merged, theirs)
                fields, boxes = as_form(merged.values)
                values = {**fields, "base": file_digest(fresh_entry.path)}
                ticked = {name: boxes.get(name, []) for name in ("contacts", "reviewed")}
                entry = fresh_entry
            await asyncio.to_thread(self.keep_first, entry.path)
            if values.get("embargo"):
                values["embargo"] = zoned(values["embargo"], entry.workspace.config.timezone or "UTC")
            if entry.model is not None and lang == entry.model.source:
                await asyncio.to_thread(save_source, entry, values, ticked["contacts"])
            else:
                await asyncio.to_thread(save_translation, entry, lang, values, set(ticked["reviewed"]))
        except Conflict as exc:  # saved meanwhile by someone else, between the merge and the write: ask again
            if self.wants_json(request):
                return JSONResponse({"ok": False, "message": str(exc), "retry": True, "errors": {}}, 409)
            return self.editor(request, entry, lang, 409, conflict=exc)
        except PressgenError as exc:  # Invalid, WriteBackRefused, InputError: the file is untouched
            loaded = exc.loaded if isinstance(exc, Invalid) and exc.loaded else entry.checked.loaded
            placed = exc.placed if isinstance(exc, Invalid) and exc.placed else at_segments(place(
                list(exc.diagnostics), loaded, list(entry.states)), entry, lang, values)
            if self.wants_json(request):
                return JSONResponse({"ok": False, "message": str(exc), "errors": {
                    name or "form": [self.relative(d) for d in found] for name, found in placed.by_field.items()},
                    "fields": {name or "form": [{"message": d.message, "html": str(self.said(d, placed.where(d)))}
                                                for d in found]
                               for name, found in placed.by_field.items()}}, 422)
            return self.editor(request, entry, lang, 422, refused=exc, refused_at=placed)
        fresh = await asyncio.to_thread(self.studio.find, entry.id)  # the watcher tells the open pages
        if fresh is not None:
            self.studio.render_soon(fresh, lang)  # the page asks for its preview next
        await asyncio.to_thread(self.keep, entry.path, values.get("author"), f"saved the {lang} text")
        if self.wants_json(request):
            alignment = fresh.alignments.get(lang) if fresh else None
            return JSONResponse({"ok": True, "base": file_digest(entry.path), "states": fresh.states if fresh else {},
                                 "headline": (fresh.headline or fresh.id) if fresh else "",
                                 "segments": {p.id: p.state for p in alignment.pairs} if alignment else {},
                                 "merged": merged.values if merged else None,
                                 "theirs_changed": merged.theirs_changed if merged else []})
        return RedirectResponse(f"/release/{quote(entry.id)}/{quote(lang)}", 303)

    def keep_first(self, path: Path) -> None:
        """Before the studio first writes a release, keep it as it was (so the first save can be undone)."""
        if not history.versions(self.studio.root, path.stem):
            self.keep(path, "", "as it was before the studio changed it")

    def keep(self, path: Path, author: str | None, what: str) -> None:
        try:
            history.record(self.studio.root, path, history.author_of(author), what)
        except (OSError, PressgenError):
            pass  # the save itself is done; a history that cannot be written does not undo it

    async def restore(self, request: Request) -> Response:
        form = await self.form(request)
        entry = await asyncio.to_thread(self.entry, request)
        lang = request.path_params["lang"]
        number = str(form.get("version") or "")
        if entry is None or lang not in entry.states or not number.isdigit():
            return PlainTextResponse("no such release, language or version\n", 404)
        if int(number) not in {v.number for v in history.versions(self.studio.root, entry.id)}:
            return PlainTextResponse("no such version\n", 404)
        try:
            await asyncio.to_thread(self.keep_first, entry.path)
            await asyncio.to_thread(history.restore, self.studio.root, entry.path, int(number),
                                    str(form.get("base") or ""))
        except PressgenError as exc:
            return self.editor(request, entry, lang, 409, refused=exc,
                               refused_heading="Not restored: the release changed since this page was opened; "
                                               "reload it and choose again", refused_at=place([], None, []))
        await asyncio.to_thread(self.keep, entry.path, str(form.get("author") or ""), f"restored version {number}")
        return RedirectResponse(f"/release/{quote(entry.id)}/{quote(lang)}?done=restored&version={number}", 303)

    def field_conflicts(self, request: Request, entry: Entry, lang: str, merged: Merged,
                        theirs: PageFields) -> Response:
        """A save whose fields changed on both sides: each such field with both texts, nothing written."""
        fields = [{"name": key, "label": theirs.labels.get(key, key), "mine": merged.values.get(key, ""),
                   "theirs": theirs.values.get(key, "(no longer in the file: its source paragraph changed)")}
                  for key in merged.conflicts]
        count = len(fields)
        message = (f"{count} field{'s' if count != 1 else ''} changed both here and elsewhere: the release "
                   "changed on disk since this page was opened; nothing was saved")
        if self.wants_json(request):
            return JSONResponse({"ok": False, "conflict": {"message": message, "fields": fields,
                                                            "base": file_digest(entry.path),
                                                            "merged": merged.values, "theirs": theirs.values}}, 409)
        return self.editor(request, entry, lang, 409, field_conflict={"message": message, "fields": fields})

    async def machine(self, request: Request) -> Response:
        form = await self.form(request)
        entry = await asyncio.to_thread(self.entry, request)
        lang = request.path_params["lang"]
        if entry is None or entry.model is None or lang not in entry.alignments:
            return PlainTextResponse("no such release or translation\n", 404)
        down = await asyncio.to_thread(unreachable, entry.workspace.config.translation)
        if down:  # said at once, not after the provider's timeouts and retries
            return self.editor(request, entry, lang, 503, refused=PressgenError(down),
                               refused_heading=f"No machine draft: {down}", refused_at=place([], None, []))
        await asyncio.to_thread(self.keep_first, entry.path)
        try:
            report = await asyncio.to_thread(translate_release, entry.path, entry.workspace, [lang])
        except PressgenError as exc:
            return self.editor(request, entry, lang, 422, refused=exc,
                               refused_at=place(list(exc.diagnostics), entry.checked.loaded, list(entry.states)))
        if report.diagnostics and lang not in report.written:
            error = PressgenError(f"no machine draft for '{lang}'", report.diagnostics)
            return self.editor(request, entry, lang, 422, refused=error,
                               refused_at=place(report.diagnostics, entry.checked.loaded, list(entry.states)))
        if lang in report.written:
            await asyncio.to_thread(self.keep, entry.path, str(form.get("author") or ""),
                                    f"machine draft of the {lang} text")
        counts = {"drafted": report.drafted.get(lang, 0) + report.reused.get(lang, 0),
                  "kept": len(report.kept.get(lang, [])), "replaced": report.replaced.get(lang, 0)}
        query = "&".join(f"{key}={value}" for key, value in counts.items())
        return RedirectResponse(f"/release/{quote(entry.id)}/{quote(lang)}?done=machine&{query}", 303)

    async def import_review(self, request: Request) -> Response:
        try:
            form = await self.form(request)
        except BodyTooLarge:
            form = None
        entry = await asyncio.to_thread(self.entry, request)
        lang = request.path_params["lang"]
        if entry is None or entry.model is None or lang not in entry.alignments:
            return PlainTextResponse("no such release or translation\n", 404)
        if form is None:
            return self.editor(request, entry, lang, 413, refused=PressgenError(BodyTooLarge.message),
                               refused_heading=f"Nothing saved: {BodyTooLarge.message}", refused_at=place([], None, []))
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return RedirectResponse(f"/release/{quote(entry.id)}/{quote(lang)}", 303)
        name = upload_name(upload.filename)
        suffix = ".docx" if name.lower().endswith(".docx") else ".xlf"
        data = await upload.read()
        nothing = place([], None, [])
        with tempfile.TemporaryDirectory(prefix="pressgen-import-") as folder:
            path = Path(folder) / f"{entry.id}.{lang}{suffix}"
            path.write_bytes(data)
            importer = import_docx if suffix == ".docx" else import_xliff
            await asyncio.to_thread(self.keep_first, entry.path)
            try:
                report = await asyncio.to_thread(importer, path, entry.model, entry.workspace, lang)
            except PressgenError as exc:  # the whole file refused (not XLIFF, another release...): nothing written
                refused = PressgenError(str(exc).replace(str(path), name), _named(exc.diagnostics, path, name))
                return self.editor(request, entry, lang, 422, refused=refused,
                                   refused_heading=f"Nothing saved: {refused}", refused_at=nothing)
            conflicts = _named(report.conflicts, path, name)
            skipped = _named(report.skipped, path, name)
        if report.written:
            await asyncio.to_thread(self.keep, entry.path, str(form.get("author") or ""), f"imported {name}")
        fresh = await asyncio.to_thread(self.entry, request) or entry
        # each unit by category, with its field, and why
        imported = {"name": name, "report": report, "skipped": skipped, "conflicts": conflicts}
        if conflicts:
            refused_count = f"{len(conflicts)} unit{'s' if len(conflicts) != 1 else ''} refused"
            heading = (f"Imported {report.applied} unit{'s' if report.applied != 1 else ''} of {name}; "
                       f"{refused_count}" if report.applied else f"Nothing saved: {refused_count} in {name}")
            error = PressgenError(heading, conflicts)
            return self.editor(request, fresh, lang, 200 if report.applied else 422, refused=error,
                               refused_heading=heading, refused_at=nothing, imported=imported)
        return self.editor(request, fresh, lang, message="Review imported.", imported=imported)

    async def document(self, request: Request) -> Response:
        entry = await asyncio.to_thread(self.entry, request)
        lang, what = request.path_params["lang"], request.path_params["what"]
        if entry is None or lang not in entry.states:
            return PlainTextResponse("no such release or language\n", 404)
        if what in BY_NAME:
            result = await asyncio.to_thread(self.studio.render, entry, lang, what)
            if not result.outputs:
                return PlainTextResponse("\n".join(self.relative(d) for d in result.diagnostics) + "\n", 422)
            return Response(result.outputs[0].data, media_type=BY_NAME[what].media_type, headers={
                "Content-Disposition": f'attachment; filename="{entry.id}.{lang}.{what}"',
                "Cache-Control": "no-store"})
        if what in ("review.xlf", "review.docx") and entry.model is not None and lang in entry.alignments:
            exporter = export_xliff if what == "review.xlf" else export_docx
            try:
                data = await asyncio.to_thread(exporter, entry.model, entry.workspace, lang)
            except PressgenError as exc:
                return PlainTextResponse(f"{exc}\n", 422)
            media = "application/xliff+xml" if what == "review.xlf" else BY_NAME["docx"].media_type
            name = f"{entry.id}.{lang}.{'xlf' if what == 'review.xlf' else 'review.docx'}"
            return Response(data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})
        if what == "preview":
            preview = await asyncio.to_thread(self.studio.preview, entry, lang)
            result = await asyncio.to_thread(self.studio.render, entry, lang, "pdf")
            return JSONResponse({"version": entry.version, "pages": preview.pages if preview else 0,
                                 "base": file_digest(entry.path),
                                 "errors": [self.relative(d) for d in result.diagnostics]},
                                headers={"Cache-Control": "no-store"})
        return PlainTextResponse("not found\n", 404)

    async def page_image(self, request: Request) -> Response:
        entry = await asyncio.to_thread(self.entry, request)
        lang, number = request.path_params["lang"], request.path_params["number"]
        if entry is None or lang not in entry.states:
            return PlainTextResponse("not found\n", 404)
        image = await asyncio.to_thread(self.studio.page_image, entry, lang, number)
        if image is None:
            return PlainTextResponse("not found\n", 404)
        return Response(image, media_type="image/png", headers={"Cache-Control": "max-age=3600"})

    # --- a new release ---------------------------------------------------------------------------

    async def new_form(self, request: Request) -> Response:
        workspace, problems = await asyncio.to_thread(self.studio.workspace)
        if workspace is None:
            return self.page(request, "index.html", 422, entries=[], pending=[], total=0, problems=problems, tags=[],
                             tag="",
                             ticked=set(),
                             state="", sort="date", orgs={}, build=self.build_state, languages=[])
        return self.page(request, "new.html", orgs=workspace.config.organizations,
                         languages=workspace.config.languages, error=None, values={})

    async def create(self, request: Request) -> Response:
        form = await self.form(request)
        workspace, _ = await asyncio.to_thread(self.studio.workspace)
        if workspace is None:
            return RedirectResponse("/", 303)
        values = {key: str(form.get(key) or "") for key in ("id", "organization", "source")}
        try:
            path = await asyncio.to_thread(new_release, workspace, values["id"].strip(),
                                           values["organization"] or None, values["source"] or None)
        except PressgenError as exc:
            return self.page(request, "new.html", 422, orgs=workspace.config.organizations,
                             languages=workspace.config.languages, error=str(exc), values=values)
        source = values["source"] or workspace.config.languages[0]
        return RedirectResponse(f"/release/{quote(path.stem)}/{quote(source)}", 303)


def _technical(hint: str) -> bool:
    """Whether a hint speaks the command line or the YAML file (shown to people at a terminal, not here)."""
    return "pressgen " in hint or "'text'" in hint


def shown_by(row: Any, tag: str, state: str) -> bool:
    """Whether the index's filter (a tag, a state or "errors"; "" for any) shows this row."""
    return (not tag or bool(row.model and tag in row.model.tags)) and (
        not state or (state == "errors" and bool(row.errors)) or state in row.states.values())


def editor_script() -> str:
    """The address of the Markdown editor's bundle (built by scripts/setup-system.sh from studio/editor/),
    versioned by its time, or "" when it is not built: the pages then keep their plain text areas."""
    bundle = HERE / "static" / "vendor" / "editor.js"
    try:
        return f"/static/vendor/editor.js?v={bundle.stat().st_mtime_ns}"
    except OSError:
        return ""


def unfilled(value: str | None) -> tuple[str, str]:
    """A field as the form shows it: (value, placeholder). The "TODO …" text a new release starts with
    is shown as an empty field whose placeholder says what to write."""
    from pressgen.workspace.load import PLACEHOLDER

    text = value or ""
    parts = [part.strip() for part in text.split("\n\n") if part.strip()]
    if parts and all(part.startswith(PLACEHOLDER) for part in parts):
        hint = "\n\n".join(part.removeprefix(PLACEHOLDER).strip() for part in parts)
        return "", hint[:1].upper() + hint[1:]
    return text, ""


def local_time(moment: Any, zone: str) -> str:
    """An embargo as a datetime-local field shows it: in the workspace's time zone, without offset."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    if not isinstance(moment, dt.datetime):
        return ""
    try:
        moment = moment.astimezone(ZoneInfo(zone)) if moment.tzinfo else moment
    except (KeyError, ValueError):
        pass
    return moment.strftime("%Y-%m-%dT%H:%M:%S" if moment.second else "%Y-%m-%dT%H:%M")


def zoned(value: str, zone: str) -> str:
    """A datetime-local value ("2027-05-26T10:00") as an ISO 8601 moment in the workspace's time zone;
    anything else as it is (check reports what it cannot read)."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    text = value.strip()
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return value
    if moment.tzinfo is not None:
        return text
    try:
        return moment.replace(tzinfo=ZoneInfo(zone)).isoformat()
    except (KeyError, ValueError):
        return value


def machine_message(query: Any) -> str:
    """What the machine-draft button did, in the interface's words: what was drafted, which human
    texts were kept (their machine draft shown beside them as a suggestion)."""
    def number(key: str) -> int:
        value = query.get(key, "0")
        return int(value) if value.isdigit() else 0

    drafted, kept = number("drafted"), number("kept")
    parts = []
    if drafted:
        parts.append(f"Machine draft written. {drafted} paragraph{'s' if drafted != 1 else ''} drafted.")
    if kept:
        parts.append(f"{kept} changed paragraph{'s' if kept != 1 else ''} kept the translator's text; "
                     "the machine draft is shown beside it as a suggestion.")
    return " ".join(parts) or "Nothing needed a machine draft: every paragraph is translated and current."


def fuzzy_matches_of(entry: Entry, lang: str) -> dict[str, list[tuple[int, str, str]]]:
    """Segment id -> the fuzzy matches (percent, where from, translation) offered beside each segment not
    reviewed yet: the ones the XLIFF and the review DOCX offer (human translations of like sources from the
    memory and the workspace's releases). Offered, never applied; nothing is looked up when all is reviewed."""
    from pressgen.translation.xliff import candidates, fuzzy_matches

    alignment = entry.alignments.get(lang)
    release = entry.model
    if alignment is None or release is None or all(p.state == "reviewed" or p.source is None
                                                   for p in alignment.pairs):
        return {}
    finder = fuzzy_matches(release, entry.workspace, lang)
    found = {pair.id: [(c.quality, c.origin, c.target) for c in candidates(pair, [finder])]
             for pair in alignment.pairs if pair.source is not None and pair.state != "reviewed"}
    return {key: value for key, value in found.items() if value}


def machine_suggestions(entry: Entry, lang: str) -> dict[str, str]:
    """Segment id -> the machine draft of its new source, for each stale segment whose translation is a
    person's: ``translate`` keeps the human text and files the draft in the memory as a suggestion."""
    from pressgen.translation.memory import MEMORY_FILE, TranslationMemory
    from pressgen.translation.segments import is_human

    alignment = entry.alignments.get(lang)
    release = entry.model
    path = entry.workspace.root / MEMORY_FILE
    stale = [p for p in alignment.pairs if p.state == "stale" and p.source and is_human(p)] if alignment else []
    if not stale or release is None or not path.is_file():
        return {}
    settings = entry.workspace.config.translation
    try:
        memory = TranslationMemory(path)
        try:  # keyed by provider and server, as translate stores it
            found = {p.id: memory.get_machine(settings.provider, settings.url, release.source, lang, p.source or "")
                     for p in stale}
        finally:
            memory.close()
    except PressgenError:
        return {}
    return {key: value for key, value in found.items() if value and value.strip() != (
        next(p.target for p in stale if p.id == key) or "").strip()}


def upload_name(filename: str) -> str:
    """The name a browser gave an upload, fit to show and to say where a problem is: its last path
    component (some browsers send the whole path), without control characters, at most 100 characters."""
    name = PureWindowsPath(filename).name  # splits at both / and \\
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    return name[-100:] or "upload"


def _named(diagnostics: list[Diagnostic], temporary: Path, name: str) -> list[Diagnostic]:
    """Diagnostics about the upload's temporary copy, said of the file the user chose."""
    return [dataclasses.replace(d, path=Path(name), message=d.message.replace(str(temporary), name))
            if d.path == temporary else d for d in diagnostics]


def word_changes(old: str, new: str) -> Markup:
    """The new source text with what changed since ``old`` marked: removed words struck, added ones
    underlined, so a translator sees at a glance what to update in a stale segment."""
    before, after = re.split(r"(\s+)", old), re.split(r"(\s+)", new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(after[j1:j2])))
            continue
        if i2 > i1 and "".join(before[i1:i2]).strip():
            out.append(Markup("<del>%s</del>") % "".join(before[i1:i2]))
        if j2 > j1:
            out.append(Markup("<ins>%s</ins>") % "".join(after[j1:j2]))
    return Markup("").join(out)


def listen(host: str, port: int) -> socket.socket:
    """Return a socket bound to ``host``:``port`` (0: any free port), ready for :func:`serve`.

    Raises :class:`UsageError` when the address cannot be had (in use, not this machine's).
    """
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        # IPPROTO_TCP by name: asyncio turns Nagle's algorithm off only on sockets that say so, and with it
        # on, every small answer (a save's, a preview's) waited 40 ms for the browser's delayed ACK.
        listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}"
                         + (f" (try --port {port + 1})" if port else "")) from None
    return listener


def serve(app: Starlette, listener: socket.socket) -> None:
    """Run the studio with uvicorn on an open listening socket until Ctrl-C or SIGTERM."""
    import uvicorn

    config = uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=2, lifespan="on")
    server = uvicorn.Server(config)
    app.state.routes.stopping = lambda: server.should_exit  # open pages' event streams end, so shutdown is quick
    server.run(sockets=[listener])


def create_app(root: Path, listening: str = "127.0.0.1", watch: bool = True) -> Starlette:
    """The studio for the workspace at ``root``, answering requests addressed to ``listening``."""
    studio = Studio(root)
    routes_of = StudioApp(studio)

    def refusing(handler: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except PermissionError:
                return PlainTextResponse("refused: the form's session token is missing or wrong; "
                                         "reload the page and try again\n", 403)
            except BodyTooLarge:
                if StudioApp.wants_json(request):
                    return JSONResponse({"ok": False, "message": BodyTooLarge.message, "errors": {}}, 413)
                return PlainTextResponse(f"refused: {BodyTooLarge.message}\n", 413)
        return guarded

    routes = [
        Route("/", routes_of.index),
        Route("/events", routes_of.events),
        Route("/rows", routes_of.index_rows),
        Route("/new", routes_of.new_form),
        Route("/new", refusing(routes_of.create), methods=["POST"]),
        Route("/build", refusing(routes_of.start_build), methods=["POST"]),
        Route("/built.zip", routes_of.built_archive),
        Route("/built/{path:path}", routes_of.built),
        Route("/release/{release_id}", routes_of.release_home),
        Route("/release/{release_id}/{lang}", routes_of.release_page),
        Route("/release/{release_id}/{lang}/save", refusing(routes_of.save), methods=["POST"]),
        Route("/release/{release_id}/{lang}/machine", refusing(routes_of.machine), methods=["POST"]),
        Route("/release/{release_id}/{lang}/import", refusing(routes_of.import_review), methods=["POST"]),
        Route("/release/{release_id}/{lang}/restore", refusing(routes_of.restore), methods=["POST"]),
        Route("/release/{release_id}/{lang}/page/{number:int}.png", routes_of.page_image),
        Route("/release/{release_id}/{lang}/{what}", routes_of.document),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if watch:
            studio.start_watching()
        yield
        studio.stop_watching()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.studio = studio
    app.state.routes = routes_of
    app.add_middleware(Guard, listening=listening)
    app.add_middleware(SecurityHeaders)  # the outermost: the guards' own answers carry the headers too
    return app

