"""What the studio knows about its workspace, kept fresh without reading everything on each request.

- Each release's check is cached until one of its inputs changes: the release
  file, its segment records, or a workspace source (pressgen.yaml, templates,
  catalogs, assets). The index of 200 releases re-checks only what changed.
- A watcher thread looks at those sources (and nothing else: an editor's swap
  or backup file is not a source) a few times a second and publishes which
  releases changed ("*": all) to every open page, as server-sent events.
- Documents are rendered one at a time (WeasyPrint is not thread-safe), cached
  by the version of their inputs, and the PDF's pages are turned into images
  for the preview, so a refreshed preview keeps its scroll position. A page
  becomes an image when it is first asked for (the first page does not wait for
  the others), and a render or image asked for twice at once is made once.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pressgen.builder.executors import Unit, UnitResult, render_unit
from pressgen.builder.plan import release_files
from pressgen.check import check_release, check_workspace
from pressgen.check.translation import alignments, parity_problems, translation_diagnostics
from pressgen.check.workspace_texts import workspace_text_diagnostics
from pressgen.errors import Diagnostic, PressgenError, errors_only
from pressgen.translation.segments import Alignment, sidecar_path
from pressgen.translation.state import is_current, language_states
from pressgen.workspace.load import CONFIG_NAME, EVERY_LANGUAGE, CheckedRelease, release_languages
from pressgen.workspace.model import Release, Workspace

WATCH_INTERVAL = 0.2  # seconds between two looks at the sources (a save shows at once: its page asks)
CHECKED_AT_ONCE = 20  # an index with more releases to check lists them at once and fills them in
RENDERED_KEPT = 48  # documents kept in memory, newest first
# One document at a time in the whole process: WeasyPrint is not thread-safe, and a process may run
# more than one studio (tests do). PDFium is not thread-safe either: its own lock, so that a page's
# image is not kept waiting by another document's render.
RENDER_LOCK = threading.Lock()
PDFIUM_LOCK = threading.Lock()
SOURCE_FOLDERS = {"templates": (".html", ".css", ".docx"), "locales": (".po",),
                  "assets": (".png", ".jpg", ".jpeg", ".svg")}


def is_source_name(name: str) -> bool:
    """Whether a file name can be a source at all: not hidden, a swap, backup or temporary file."""
    return not name.startswith((".", "#", "~")) and not name.endswith(("~", ".swp", ".swx", ".tmp", ".bak"))


@dataclass
class Entry:
    """One release as the studio shows it."""

    id: str
    path: Path
    checked: CheckedRelease
    workspace: Workspace
    version: str  # changes when any input of the release changes
    states: dict[str, str] = field(default_factory=dict)  # language -> status
    alignments: dict[str, Alignment] = field(default_factory=dict)
    parity: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # language -> pair id -> warnings
    model: Release | None = None  # the release as read, even when check finds errors in it (to edit them)
    translation: list[Diagnostic] = field(default_factory=list)  # check's warnings about the translations

    @property
    def release(self) -> Release | None:
        """The release when it passes check (what can be rendered)."""
        return self.checked.release

    @property
    def errors(self) -> list[Diagnostic]:
        return errors_only(self.checked.diagnostics)

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.checked.diagnostics if d.severity != "error"] + self.translation

    @property
    def problems(self) -> list[Diagnostic]:
        """Everything ``check`` says of the release: errors, then warnings."""
        return self.errors + self.warnings

    @property
    def headline(self) -> str:
        release = self.model
        if release is None or release.source not in release.text:
            return ""
        return release.text[release.source].headline


class Broker:
    """Fan-out of change messages from the watcher thread to every open page's event stream."""

    def __init__(self) -> None:
        self._queues: dict[asyncio.Queue[str], asyncio.AbstractEventLoop] = {}
        self._lock = threading.Lock()

    def subscribe(self) -> asyncio.Queue[str]:
        queue: asyncio.Queue[str] = asyncio.Queue(maxsize=64)
        with self._lock:
            self._queues[queue] = asyncio.get_running_loop()
        return queue

    def unsubscribe(self, queue: asyncio.Queue[str]) -> None:
        with self._lock:
            self._queues.pop(queue, None)

    @property
    def listeners(self) -> int:
        return len(self._queues)

    def publish(self, message: str) -> None:
        with self._lock:
            targets = list(self._queues.items())
        for queue, loop in targets:
            with contextlib.suppress(RuntimeError):  # the page's loop is closing
                loop.call_soon_threadsafe(_offer, queue, message)


def _offer(queue: asyncio.Queue[str], message: str) -> None:
    if queue.full():  # a page that stopped reading loses old news, never blocks the others
        with contextlib.suppress(asyncio.QueueEmpty):
            queue.get_nowait()
    queue.put_nowait(message)


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


class Studio:
    """The studio's view of one workspace folder."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.broker = Broker()
        self._lock = threading.RLock()
        self._entries: dict[Path, Entry] = {}
        self._checking: dict[Path, threading.Lock] = {}  # one check of a release at a time
        self._workspace: tuple[str, Workspace | None, list[Diagnostic]] | None = None
        self._rendered: OrderedDict[tuple[str, ...], UnitResult] = OrderedDict()
        self._previews: OrderedDict[tuple[str, ...], Preview] = OrderedDict()
        self._seen: dict[Path, tuple[int, int]] = {}
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self._warmer: threading.Thread | None = None
        self._soon: list[threading.Thread] = []  # previews rendered after a save, before they are asked for
        self._viewed: dict[str, set[str]] = {}  # release id -> languages a page shows
        self._rows: dict[Path, tuple[str, Any]] = {}  # the index's rows, by release: (version, row)
        self._listed: tuple[tuple[Any, ...], list[Path]] | None = None  # (the folders' times, release files)
        self._filler: threading.Thread | None = None  # checks the releases a first index lists as pending
        self._filling: dict[Path, None] = {}  # those it has still to check, in the index's order

    # --- sources -------------------------------------------------------------------------------

    def workspace_sources(self) -> Iterator[Path]:
        """pressgen.yaml and the files of templates/, locales/ and assets/ (what every release uses)."""
        yield self.root / CONFIG_NAME
        for folder, suffixes in SOURCE_FOLDERS.items():
            base = self.root / folder
            if base.is_dir():
                for path in sorted(base.rglob("*")):
                    if path.suffix.lower() in suffixes and is_source_name(path.name) and path.is_file():
                        yield path

    def release_paths(self) -> list[Path]:
        """The workspace's release files, listed again only when a folder of them changed (a file added,
        removed or renamed changes its folder's time): the watcher asks several times a second."""
        folder = self.root / "releases" if (self.root / "releases").is_dir() else self.root
        stamp = tuple((base, _stamp(Path(base))) for base, _, _ in os.walk(folder))
        with self._lock:
            if self._listed is not None and self._listed[0] == stamp:
                return list(self._listed[1])
        try:
            paths = [p for p in release_files([self.root]) if is_source_name(p.name)]
        except PressgenError:
            return []
        with self._lock:
            self._listed = (stamp, paths)
        return list(paths)

    def workspace_version(self) -> str:
        hasher = hashlib.sha256()
        for path in self.workspace_sources():
            hasher.update(f"{path}\0{_stamp(path)}\n".encode())
        return hasher.hexdigest()[:16]

    def _current(self) -> tuple[str, Workspace | None, list[Diagnostic]]:
        """(version, workspace or None, the errors of pressgen.yaml), loaded again only when a source changed."""
        version = self.workspace_version()
        with self._lock:
            if self._workspace is None or self._workspace[0] != version:
                try:
                    self._workspace = (version, check_workspace(self.root), [])
                except PressgenError as exc:
                    self._workspace = (version, None, exc.diagnostics or [
                        Diagnostic(self.root / CONFIG_NAME, 1, 1, str(exc))])
            return self._workspace

    def workspace(self) -> tuple[Workspace | None, list[Diagnostic]]:
        """The workspace (or None and the errors of pressgen.yaml), loaded again only when a source changed."""
        _, workspace, problems = self._current()
        return workspace, problems

    # --- releases ------------------------------------------------------------------------------

    def entry_for(self, path: Path, current: tuple[str, Workspace | None, list[Diagnostic]] | None = None,
                  ) -> Entry | None:
        """The release at ``path``, checked again only if its inputs changed since the last time.

        ``current``: the workspace as :meth:`_current` gives it, when the caller looked already.
        """
        workspace_version, workspace, _ = current or self._current()
        if workspace is None:
            return None
        stamps = f"{_stamp(path)}\0{_stamp(sidecar_path(path))}\0{workspace_version}"
        version = hashlib.sha256(stamps.encode()).hexdigest()[:16]
        with self._lock:
            cached = self._entries.get(path)
            if cached is not None and cached.version == version:
                return cached
            checking = self._checking.setdefault(path, threading.Lock())
        with checking:  # a release asked for twice at once (the watcher and a page) is checked once
            with self._lock:
                cached = self._entries.get(path)
                if cached is not None and cached.version == version:
                    return cached
            return self._checked_entry(path, workspace, version)

    def _checked_entry(self, path: Path, workspace: Workspace, version: str) -> Entry:
        # A language not translated yet is a state ("missing"), not an error: the others render.
        checked = check_release(path, workspace, pending=EVERY_LANGUAGE)
        entry = Entry(path.stem, path, checked, workspace, version, model=checked.release or _lenient(checked))
        release = entry.model
        if release is not None:
            languages = release_languages(release, workspace.config)
            entry.states = dict(language_states(release, languages))
            entry.alignments = alignments(release, languages)
            for lang, alignment in entry.alignments.items():
                warnings: dict[str, list[str]] = {}
                for pair, message in parity_problems(alignment, release, workspace.config):
                    warnings.setdefault(pair.id, []).append(message)
                entry.parity[lang] = warnings
            if checked.loaded is not None:
                entry.translation = translation_diagnostics(release, workspace, checked.loaded, entry.alignments)
            if checked.release is not None:  # what check says of pressgen.yaml's texts this release prints
                entry.translation += workspace_text_diagnostics(checked.release, workspace, languages)
        else:
            entry.states = {lang: "" for lang in workspace.config.languages}
        with self._lock:
            self._entries[path] = entry
        return entry

    def entries(self) -> tuple[list[Entry], list[Diagnostic]]:
        current = self._current()
        if current[1] is None:
            return [], current[2]
        paths = self.release_paths()
        with self._lock:
            for gone in set(self._entries) - set(paths):
                del self._entries[gone]
                self._checking.pop(gone, None)
        return [entry for path in paths if (entry := self.entry_for(path, current)) is not None], []

    def index_rows(self) -> tuple[list[Any], list[Path], list[Diagnostic]]:
        """The index's rows, the releases still being checked, and the errors of pressgen.yaml.

        A release checked in this process gives its row; another one its row kept on disk
        (:mod:`pressgen.studio.index_cache`: the check layer's memo) while its inputs are the same. The
        others are checked now when they are few (:data:`CHECKED_AT_ONCE`); when there are more (a first
        index of a large workspace) they are listed as pending and checked in the background, so the
        page is there at once and fills in (:meth:`rows_of`).
        """
        from pressgen.studio.index_cache import IndexCache

        current = self._current()
        workspace = current[1]
        if workspace is None:
            return [], [], current[2]
        paths = self.release_paths()
        cache = IndexCache(workspace)
        rows: list[Any] = []
        unknown: list[tuple[Path, str | None]] = []
        for path in paths:
            row = self._known_row(path, current[0])
            if row is None:
                key = cache.key(path)
                row = cache.get(path, key)
                if row is None:
                    unknown.append((path, key))
                    continue
                self._keep_row(path, current[0], row)
            rows.append(row)
        if len(unknown) <= CHECKED_AT_ONCE:
            for path, key in unknown:
                if (row := self._check_row(path, current, cache, key)) is not None:
                    rows.append(row)
            unknown = []
        else:
            self._fill([path for path, _ in unknown])
        cache.save(paths)
        order = {path: number for number, path in enumerate(paths)}
        rows.sort(key=lambda row: order.get(row.path, 0))
        return rows, [path for path, _ in unknown], []

    def rows_of(self, ids: list[str]) -> dict[str, Any]:
        """The rows among these release ids that are known now (checked since the page listed them)."""
        current = self._current()
        wanted = set(ids)
        out = {}
        for path in self.release_paths():
            if path.stem in wanted and (row := self._known_row(path, current[0])) is not None:
                out[path.stem] = row
        return out

    def pending_count(self) -> int:
        """How many releases a first index listed are still to be checked."""
        with self._lock:
            busy = self._filler is not None and self._filler.is_alive()
            return len(self._filling) + (1 if busy else 0)

    def _version(self, path: Path, workspace_version: str) -> str:
        stamps = f"{_stamp(path)}\0{_stamp(sidecar_path(path))}\0{workspace_version}"
        return hashlib.sha256(stamps.encode()).hexdigest()[:16]

    def _known_row(self, path: Path, workspace_version: str) -> Any:
        """The row of a release checked in this process, or read from disk, while its inputs are the same."""
        from pressgen.studio.index_cache import Row

        version = self._version(path, workspace_version)
        with self._lock:
            cached = self._entries.get(path)
            kept = self._rows.get(path)
        if cached is not None and cached.version == version:
            return Row.of(cached)
        if kept is not None and kept[0] == version:
            return kept[1]
        return None

    def _keep_row(self, path: Path, workspace_version: str, row: Any) -> None:
        with self._lock:
            self._rows[path] = (self._version(path, workspace_version), row)

    def _check_row(self, path: Path, current: tuple[str, Workspace | None, list[Diagnostic]], cache: Any,
                   key: str | None) -> Any:
        from pressgen.studio.index_cache import Row

        entry = self.entry_for(path, current)
        if entry is None:
            return None
        row = Row.of(entry)
        cache.put(path, key, row)
        self._keep_row(path, current[0], row)
        return row

    def _fill(self, paths: list[Path]) -> None:
        """Check these releases in a background thread (one at a time; one such thread at once)."""
        with self._lock:
            if self._filler is not None and self._filler.is_alive():
                self._filling.update(dict.fromkeys(paths))
                return
            self._filling = dict.fromkeys(paths)
            self._filler = threading.Thread(target=self._check_pending, name="pressgen-studio-index", daemon=True)
            self._filler.start()

    def _check_pending(self) -> None:
        from pressgen.studio.index_cache import IndexCache

        current = self._current()
        if current[1] is None:
            return
        cache = IndexCache(current[1])
        done = 0
        self._stop.wait(0.3)  # the page that listed them is sent first
        while not self._stop.is_set():
            with self._lock:
                if not self._filling:
                    break
                path = next(iter(self._filling))
                del self._filling[path]
            try:
                if self._known_row(path, current[0]) is None:
                    self._check_row(path, current, cache, cache.key(path))
            except Exception:  # noqa: BLE001 (a file vanishing meanwhile: the next index lists what is there)
                continue
            done += 1
            if done % 50 == 0:
                cache.memo.save()
        cache.memo.save()

    def find(self, release_id: str) -> Entry | None:
        """The release with this id (looked up among the workspace's releases, never used as a path)."""
        path = next((p for p in self.release_paths() if p.stem == release_id), None)
        return self.entry_for(path) if path else None

    # --- documents -----------------------------------------------------------------------------

    def render(self, entry: Entry, lang: str, fmt: str) -> UnitResult:
        """The document of one release in one language and format, or why it cannot be made."""
        if entry.release is None:
            return UnitResult(diagnostics=tuple(entry.errors))
        key = (entry.id, lang, fmt, entry.version)
        with RENDER_LOCK:
            if key in self._rendered:
                self._rendered.move_to_end(key)
                return self._rendered[key]
            result = render_unit(Unit(entry.workspace, entry.release, lang, (fmt,),
                                          draft=not is_current(entry.states.get(lang, "draft"))))
            self._rendered[key] = result
            while len(self._rendered) > RENDERED_KEPT:
                self._rendered.popitem(last=False)
            return result

    def preview(self, entry: Entry, lang: str) -> Preview | None:
        """The PDF of one language for the preview (None when it cannot be made)."""
        key = (entry.id, lang, entry.version)
        with self._lock:
            if key in self._previews:
                self._previews.move_to_end(key)
                return self._previews[key]
        result = self.render(entry, lang, "pdf")
        if not result.outputs:
            return None
        made = Preview(result.outputs[0].data)  # (outside the studio's lock: it waits for PDFium's)
        with self._lock:
            preview = self._previews.setdefault(key, made)
            while len(self._previews) > RENDERED_KEPT:
                self._previews.popitem(last=False)
            return preview

    def page_image(self, entry: Entry, lang: str, number: int) -> bytes | None:
        """Page ``number`` (from 1) of the preview as a PNG image; None when there is no such page."""
        preview = self.preview(entry, lang)
        return preview.image(number) if preview is not None else None

    def warm(self, entry: Entry | None = None, lang: str | None = None) -> None:
        """Render one preview now (the first release's source language by default), so that the
        first page asked for does not pay for loading fonts and templates."""
        if self._stop.is_set():
            return
        try:
            if entry is None:  # the first release that renders (not all of them: the index keeps its rows)
                for path in self.release_paths():
                    entry = self.entry_for(path)
                    if entry is not None and entry.release is not None:
                        break
            if entry is not None and entry.release is not None:
                self.page_image(entry, lang or entry.release.source, 1)
        except Exception:  # noqa: BLE001 (warming is an optimisation; the page itself reports errors)
            pass

    def render_soon(self, entry: Entry, lang: str) -> None:
        """Render the first page of this language's preview in the background (a page asks for it next)."""
        thread = threading.Thread(target=self.warm, args=(entry, lang), name="pressgen-studio-preview", daemon=True)
        with self._lock:
            self._soon = [*(t for t in self._soon if t.is_alive()), thread]
        thread.start()

    # --- watching ------------------------------------------------------------------------------

    def _snapshot(self, releases: list[Path]) -> dict[Path, tuple[int, int]]:
        stamps = {}
        for path in [*self.workspace_sources(), *releases]:
            stamp = _stamp(path)
            if stamp is not None:
                stamps[path] = stamp
                if path.name != CONFIG_NAME and path.suffix == ".yaml" and (kept := _stamp(sidecar_path(path))):
                    stamps[sidecar_path(path)] = kept
        return stamps

    def changed_since_last_look(self) -> set[str]:
        """Compare the sources with the last look: the ids of changed releases, "*" for a workspace source."""
        releases = self.release_paths()
        now = self._snapshot(releases)
        changed = {path for path in set(now) | set(self._seen) if now.get(path) != self._seen.get(path)}
        self._seen = now
        out: set[str] = set()
        listed = set(releases)
        for path in changed:
            if path in listed:
                out.add(path.stem)
            elif path.name.endswith(".segments.json"):
                out.add(path.name[:-len(".segments.json")])
            else:
                out.add("*")
        return out

    def start_watching(self) -> None:
        """Watch the sources, and warm the renderer with one preview meanwhile."""
        self._seen = self._snapshot(self.release_paths())
        self._watcher = threading.Thread(target=self._watch, name="pressgen-studio-watcher", daemon=True)
        self._watcher.start()
        self._warmer = threading.Thread(target=self.warm, name="pressgen-studio-warm", daemon=True)
        self._warmer.start()

    def stop_watching(self) -> None:
        """Stop watching, and wait for a render in progress (nothing renders after the studio stops)."""
        self._stop.set()
        with self._lock:
            soon = list(self._soon)
        for thread in (self._watcher, self._warmer, self._filler, *soon):
            if thread is not None:
                thread.join(timeout=30)

    def _watch(self) -> None:
        while not self._stop.wait(WATCH_INTERVAL):
            try:
                changed = self.changed_since_last_look()
            except Exception:  # noqa: BLE001 (a file vanishing mid-look: look again next time)
                continue
            if changed:
                self.announce(changed)

    def announce(self, changed: set[str]) -> None:
        """Tell every open page which releases changed; render the changed previews meanwhile."""
        self.broker.publish(" ".join(sorted(changed)))
        if "*" not in changed and len(changed) <= 3:
            for release_id in changed:
                entry = self.find(release_id)
                if entry is not None and entry.release is not None:
                    for lang in sorted(self._viewed.get(release_id, set()) & set(entry.states)):
                        self.page_image(entry, lang, 1)

    def viewed(self, release_id: str, lang: str) -> None:
        """Remember that a page shows this language, so a change renders it before it is asked for."""
        with self._lock:
            self._viewed.setdefault(release_id, set()).add(lang)


def _lenient(checked: CheckedRelease) -> Release | None:
    """The release model of a file that loads but fails a content check (a placeholder, a missing
    translation), so that the studio can show it in its form; None when the file itself is unreadable."""
    if checked.loaded is None or not isinstance(checked.loaded.data, dict):
        return None
    try:
        return Release.model_validate({**checked.loaded.data, "id": checked.path.stem, "path": checked.path})
    except ValueError:
        return None


class Preview:
    """A PDF for the preview: its number of pages, and each page as an image once it was asked for."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self._images: dict[int, bytes] = {}
        with PDFIUM_LOCK:
            document = _pdfium().PdfDocument(data)
            try:
                self.pages = len(document)
            finally:
                document.close()

    def image(self, number: int) -> bytes | None:
        if not 1 <= number <= self.pages:
            return None
        with PDFIUM_LOCK:  # one at a time: a page asked for twice at once is made once
            if number not in self._images:
                self._images[number] = pdf_page_image(self.data, number)
            return self._images[number]


def _pdfium() -> Any:
    import pypdfium2

    return pypdfium2


def pdf_page_image(data: bytes, number: int, dpi: int = 96) -> bytes:
    """Page ``number`` (from 1) of a PDF as a PNG image (quickly compressed: it is sent over loopback)."""
    document = _pdfium().PdfDocument(data)
    try:
        bitmap = document[number - 1].render(scale=dpi / 72)
        buffer = io.BytesIO()
        bitmap.to_pil().save(buffer, format="PNG", compress_level=1)
        return buffer.getvalue()
    finally:
        document.close()
