"""Build stage: plan which documents to make, have an executor render them, write and report.

The planner (this module, in the main process) decides everything: which
releases are selected, which documents are out of date, which translations
``--final`` refuses. Executors only turn units into bytes. Files are written
here, atomically, so an interrupted or failed build never leaves a truncated
document; the cache and the manifest are saved with whatever was finished.
"""

from __future__ import annotations

import fnmatch
import hashlib
import itertools
import json
import os
import signal
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, Literal

from pressgen.builder.cache import BuildCache, WorkspaceFingerprints, document_key, file_digest, release_record
from pressgen.builder.executors import Executor, Unit, UnitResult, make_executor
from pressgen.check import WorkspaceCache, check_release, problems_of
from pressgen.check.content import no_press_contact
from pressgen.errors import Diagnostic, InputError, PressgenError, UsageError, errors_only
from pressgen.files import FolderLock, write_atomic
from pressgen.formats import unknown_format
from pressgen.resources import PACKAGED_LOCALES, PACKAGED_TEMPLATES
from pressgen.translation.segments import sidecar_path
from pressgen.translation.state import is_current
from pressgen.workspace import outputs
from pressgen.workspace.load import (
    CONFIG_NAME,
    EVERY_LANGUAGE,
    duplicate_ids,
    find_workspace,
    outside_workspace,
    release_languages,
)
from pressgen.workspace.model import Workspace
from pressgen.workspace.yamlio import read_regular_file

Status = Literal["built", "up-to-date", "failed", "refused", "cancelled"]
MANIFEST = "manifest.json"

__all__ = ["BuildOptions", "BuildReport", "Document", "Outcome", "Status", "build", "release_files", "summary_line"]


@dataclass(frozen=True)
class Document:
    """One output file: a release in one language and format."""

    release_id: str
    lang: str
    format: str
    path: Path


@dataclass
class Outcome:
    """What happened to one release: its documents and its errors."""

    release_path: Path
    release_id: str
    documents: list[tuple[Document, Status]] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    workspace_root: Path | None = None  # None when the release's workspace could not be loaded

    @property
    def failed(self) -> bool:
        return bool(errors_only(self.diagnostics)) or any(s in ("failed", "refused") for _, s in self.documents)


@dataclass
class BuildReport:
    outcomes: list[Outcome] = field(default_factory=list)
    interrupted: bool = False
    aborted: bool = False  # interrupted twice: workers were killed, not waited for
    seconds: float = 0.0
    worker_peak_kib: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.interrupted and not any(outcome.failed for outcome in self.outcomes)

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes for _, s in o.documents if s == status)


@dataclass(frozen=True)
class BuildOptions:
    """What to build and how; every field has the default a plain ``pressgen build`` uses."""

    langs: Sequence[str] | None = None
    formats: Sequence[str] | None = None
    tags: Sequence[str] | None = None
    out: Path | None = None
    final: bool = False
    force: bool = False
    jobs: int = 1
    executor: str = "local"
    scheduler: str | None = None
    # A language a release is not translated into yet leaves out its documents (with a warning) instead of
    # refusing the release: the studio's campaign builds build every language that can be built.
    pending: bool = False


# --- finding releases ------------------------------------------------------------------------

SKIPPED_DIRS = {"assets", "templates", "locales", "dist", ".pressgen", ".git", ".venv"}


def _releases_under(folder: Path) -> list[Path]:
    if (folder / CONFIG_NAME).is_file() and (folder / "releases").is_dir():
        folder = folder / "releases"
    return [candidate for candidate in sorted(folder.rglob("*.yaml"))
            if candidate.name != CONFIG_NAME  # a folder or FIFO named like a release stays, to be reported
            and not SKIPPED_DIRS.intersection(candidate.relative_to(folder).parts[:-1])]


def release_files(paths: Iterable[Path | str], base: Path | None = None) -> list[Path]:
    """Return the release files named by ``paths``: files, folders, or release ids and globs.

    A folder is searched recursively (a workspace folder means its ``releases/``);
    a name that is not a path is matched against the release ids of the workspace
    around ``base`` (the current folder). Raises :class:`UsageError` for names that
    match nothing.
    """
    found: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.exists() and not path.is_dir():  # not only regular files: the loader says what is wrong
            found.append(path)
        elif path.is_dir():
            found += _releases_under(path)
        elif "/" not in str(item) and not str(item).endswith(".yaml"):
            candidates = _releases_under(find_workspace(base or Path.cwd()))
            matches = [c for c in candidates if fnmatch.fnmatchcase(c.stem, str(item))]
            if not matches:
                raise UsageError(f"no release file, folder or release id matches '{item}'")
            found += matches
        else:
            raise UsageError(f"no such file or folder: {item}")
    return list(dict.fromkeys(_as_built(p) for p in found))


def _as_built(path: Path) -> Path:
    """The path a release is built under: its real path, or, when that lies outside the workspace it is
    named in (a symbolic link from another workspace), the path as named, for the loader to refuse."""
    return path.resolve() if outside_workspace(path) is None else Path(os.path.abspath(path))


# --- output paths ----------------------------------------------------------------------------


def output_root(workspace: Workspace, out: Path | None) -> Path:
    """Return the folder the documents go to: ``out``, or the output pattern's leading folders."""
    return outputs.output_root(workspace.config.output, workspace.root, out)


def check_output_root(workspace: Workspace, out: Path | None, files: Iterable[Path] = ()) -> None:
    """Refuse an output folder that is, holds or lies inside a source folder (or is /, or the home folder).

    Raises :class:`UsageError` for ``out`` (``--out``), :class:`InputError` for the output pattern's
    folder (its leading folders can be a symbolic link to a source folder).
    """
    root = workspace.root
    sources = [root / name for name in sorted(outputs.SOURCE_FOLDERS)]
    sources += [PACKAGED_TEMPLATES, PACKAGED_LOCALES]
    sources += [path.parent for path in files if path.parent.resolve() != root.resolve()]
    problem = outputs.folder_problem(output_root(workspace, out), root, sources)
    if problem is None:
        return
    if out is not None:
        raise UsageError(f"--out {out}: {problem}; documents may not be written there "
                         "(name a folder of its own, such as dist/ or a new folder outside the workspace)")
    raise InputError("output refused", [Diagnostic(
        workspace.config_path, 1, 1, f"output folder refused: {problem}",
        "the output pattern's leading folders (dist/) must be a folder of their own, not a link to a "
        "source folder")])


# --- planning --------------------------------------------------------------------------------


@dataclass
class _WorkspaceState:
    workspace: Workspace
    fingerprints: WorkspaceFingerprints
    cache: BuildCache
    config_sha: str


@dataclass
class _Planned:
    unit: Unit
    documents: dict[str, Document]
    keys: dict[str, str]
    state: _WorkspaceState
    outcome: Outcome
    status: str


class Planner:
    """Decides which documents to (re)build; reads release files only when they changed."""

    def __init__(self, options: BuildOptions) -> None:
        self.options = options
        self.workspaces = WorkspaceCache()
        self.states: dict[Path, _WorkspaceState] = {}

    def state(self, path: Path) -> _WorkspaceState:
        workspace = self.workspaces.for_release(path)
        if workspace.root not in self.states:
            self.states[workspace.root] = _WorkspaceState(
                workspace, WorkspaceFingerprints(workspace), BuildCache(workspace.root),
                file_digest(workspace.config_path))
        return self.states[workspace.root]

    def plan(self, files: Sequence[Path], outcomes: list[Outcome],
             on_outcome: Callable[[Outcome], None] | None = None) -> Iterator[_Planned]:
        """Yield the work to do, release by release; every release's outcome goes to ``outcomes``.

        A generator, so that rendering starts while later releases are still planned.
        """
        duplicates = duplicate_ids(files)
        for path in files:
            try:
                state = self.state(path)
                if path in duplicates:
                    raise PressgenError("duplicate release id", [duplicates[path]])
            except PressgenError as exc:
                outcome: Outcome | None = Outcome(path, path.stem, diagnostics=problems_of(path, exc))
                work: list[_Planned] = []
            else:
                work = []
                outcome = self._plan_release(path, state, work)
                if outcome is not None:
                    outcome.workspace_root = state.workspace.root
            if outcome is not None:
                outcomes.append(outcome)
                if on_outcome:
                    on_outcome(outcome)
            yield from work

    def _plan_release(self, path: Path, state: _WorkspaceState, planned: list[_Planned]) -> Outcome | None:
        options, workspace = self.options, state.workspace
        try:  # a FIFO or device named like a release is refused here, without blocking on it
            file_sha = hashlib.sha256(read_regular_file(path)).hexdigest()
        except InputError as exc:
            return Outcome(path, path.stem, diagnostics=exc.diagnostics)
        sidecar_sha = _sidecar_digest(path)
        record = state.cache.releases.get(str(path))
        release = None
        pending = EVERY_LANGUAGE if options.pending else ()
        if record is None or record.get("sha256") != file_sha or record.get("config") != state.config_sha \
                or record.get("sidecar") != sidecar_sha \
                or record.get("pending", False) != options.pending:  # checked as this build checks
            checked = check_release(path, workspace, pending)
            if checked.release is None:
                state.cache.releases.pop(str(path), None)
                return Outcome(path, path.stem, diagnostics=errors_only(checked.diagnostics))
            release = checked.release
            record = release_record(release, file_sha, release_languages(release, workspace.config))
            record["config"] = state.config_sha
            record["sidecar"] = sidecar_sha
            if options.pending:
                record["pending"] = True
            state.cache.releases[str(path)] = record
        if options.tags and not set(options.tags) & set(record["tags"]):
            return None
        outcome = Outcome(path, record["id"])
        formats = list(options.formats or workspace.config.formats)
        for lang in record["languages"]:
            if options.langs and lang not in options.langs:
                continue
            values = {"id": record["id"], "date": record["date"], "lang": lang, "org": record["organization"]}
            try:
                documents = {fmt: Document(record["id"], lang, fmt, outputs.output_path(
                    workspace.config.output, workspace.root, {**values, "format": fmt}, options.out))
                    for fmt in formats}
            except outputs.OutsideOutput as exc:
                outcome.diagnostics.append(Diagnostic(workspace.config_path, 1, 1, f"output refused: {exc}",
                                                      "a symbolic link in the output folder points elsewhere"))
                continue
            status = record["status"][lang]
            if status == "missing":  # a workspace language this release is not translated into yet
                outcome.diagnostics.append(Diagnostic(
                    path, 1, 1, f"{record['id']}: no {lang} text yet, so no {lang} document",
                    f"run 'pressgen translate {record['id']} --to {lang}' (then review it)", severity="warning"))
                continue
            if options.final and not record["contacts"] and not record["inline_contacts"]:
                outcome.diagnostics.append(no_press_contact(path, severity="error"))
                outcome.documents += [(document, "refused") for document in documents.values()]
                continue
            if options.final and not is_current(status):
                outcome.diagnostics.append(Diagnostic(
                    path, 1, 1, f"{record['id']}: the {lang} text is {status}, not reviewed; --final refuses it",
                    f"review it against the source text and set 'status: reviewed' and its source_hash "
                    f"under text.{lang}"))
                outcome.documents += [(document, "refused") for document in documents.values()]
                continue
            if options.final and (texts := _workspace_texts_refused(workspace, record, lang, path)):
                outcome.diagnostics += texts  # issue 18: the organisation's and contacts' texts it prints
                outcome.documents += [(document, "refused") for document in documents.values()]
                continue
            keys = {fmt: document_key(state.fingerprints, record, lang, fmt) for fmt in formats}
            stale = [fmt for fmt in formats
                     if options.force or not state.cache.is_current(documents[fmt].path, keys[fmt])]
            outcome.documents += [(documents[fmt], "up-to-date") for fmt in formats if fmt not in stale]
            if not stale:
                continue
            if release is None:  # unchanged file, but some output is missing or edited
                checked = check_release(path, workspace, pending)
                if checked.release is None:
                    return Outcome(path, path.stem, diagnostics=errors_only(checked.diagnostics))
                release = checked.release
            planned.append(_Planned(Unit(workspace, release, lang, tuple(stale), draft=not is_current(status)),
                                    {fmt: documents[fmt] for fmt in stale}, keys, state, outcome, status))
        return outcome


def _workspace_texts_refused(workspace: Workspace, record: dict[str, Any], lang: str, path: Path
                             ) -> list[Diagnostic]:
    """--final's errors for the workspace texts (pressgen.yaml) a release prints in ``lang`` that are not
    reviewed, in check's words, at the text; empty when every one is current."""
    import dataclasses

    from pressgen.check.workspace_texts import hint, printed_problems, workspace_texts
    from pressgen.workspace.model import Contact

    texts = workspace_texts(workspace)
    if texts.errors:
        return [dataclasses.replace(d, severity="error") for d in texts.errors]
    contacts: list[str | Contact] = [*record["contacts"],
                                     *(Contact.model_validate(c) for c in record["inline_contacts"])]
    return [Diagnostic(workspace.config_path, p.line, p.col, f"{record['id']}: {p.message}; --final refuses "
                       f"the {lang} documents", hint(p, texts.source))
            for p in printed_problems(workspace, record["organization"], contacts, [lang], parity=False)]


def _sidecar_digest(path: Path) -> str | None:
    """The digest of a release's segment records, or None when it has none (or they cannot be read)."""
    try:  # never blocking on a FIFO named like the records, as for the release file itself
        return hashlib.sha256(read_regular_file(sidecar_path(path))).hexdigest()
    except InputError:
        return None


# --- running ---------------------------------------------------------------------------------


class _Interrupts:
    """Ctrl-C and SIGTERM as KeyboardInterrupt, held back while files are written.

    A signal that arrives inside :meth:`held` is raised when the block ends, so
    an interrupt never splits a document from its cache entry. Outside the main
    thread signals cannot be caught, and this does nothing.
    """

    def __init__(self) -> None:
        self.pending = False
        self._depth = 0
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> _Interrupts:
        try:
            for signum in (signal.SIGINT, signal.SIGTERM):
                self._previous[signum] = signal.signal(signum, self._interrupt)
        except ValueError:  # not the main thread
            pass
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)

    def _interrupt(self, signum: int, frame: FrameType | None) -> None:
        if self._depth:
            self.pending = True
        else:
            raise KeyboardInterrupt

    @contextmanager
    def held(self, raise_pending: bool = True) -> Iterator[None]:
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
        if raise_pending and not self._depth and self.pending:
            self.pending = False
            raise KeyboardInterrupt


def _store(item: _Planned, result: UnitResult, report: BuildReport,
           on_document: Callable[[Document, Status], None] | None) -> None:
    report.worker_peak_kib[result.worker] = max(report.worker_peak_kib.get(result.worker, 0), result.peak_rss_kib)
    if result.diagnostics:
        item.outcome.diagnostics += result.diagnostics
    by_format = {output.format: output for output in result.outputs}
    for fmt, document in item.documents.items():
        output = by_format.get(fmt)
        if output is None:
            item.outcome.documents.append((document, "failed"))
            if on_document:
                on_document(document, "failed")
            continue
        try:
            write_atomic(document.path, output.data)
        except OSError as exc:  # a full disk or a read-only folder: this document fails, the batch goes on
            item.outcome.diagnostics.append(Diagnostic(
                item.outcome.release_path, 1, 1, f"cannot write {document.path}: {exc.strerror or exc}"))
            item.outcome.documents.append((document, "failed"))
            if on_document:
                on_document(document, "failed")
            continue
        item.state.cache.record_document(
            document.path, item.keys[fmt], hashlib.sha256(output.data).hexdigest(), len(output.data),
            release=document.release_id, language=document.lang, format=fmt, pages=output.pages,
            status=item.status, build_seconds=round(result.seconds / max(len(result.outputs), 1), 3))
        item.outcome.documents.append((document, "built"))
        if on_document:
            on_document(document, "built")


def _save_caches(planner: Planner, report: BuildReport) -> None:
    """Save each workspace's cache; one that cannot be written is a warning of every release of its workspace.

    The documents are complete without it: the next build only rebuilds them all.
    """
    for state in planner.states.values():
        try:
            state.cache.save()
        except OSError as exc:
            warning = Diagnostic(state.cache.path, 1, 1,
                                 f"cannot write the build cache {state.cache.path}: {exc.strerror or exc}",
                                 f"the documents were written, but the next build makes them all again; make "
                                 f"{state.cache.path.parent} writable", severity="warning")
            for outcome in report.outcomes:
                if outcome.workspace_root == state.workspace.root:
                    outcome.diagnostics.append(warning)


def _write_manifests(planner: Planner, roots: set[Path], report: BuildReport) -> None:
    """Write manifest.json in each output folder: every document there that pressgen made.

    One that cannot be written (a full disk) is an error of the releases with documents in that folder.
    """
    for root in roots:
        try:
            _write_manifest(planner, root)
        except OSError as exc:
            error = Diagnostic(root / MANIFEST, 1, 1, f"cannot write {root / MANIFEST}: {exc.strerror or exc}",
                               "free some space (or make the folder writable) and build again")
            concerned = [o for o in report.outcomes if any(d.path.is_relative_to(root) for d, _ in o.documents)]
            for outcome in concerned or report.outcomes:
                outcome.diagnostics.append(error)


def _write_manifest(planner: Planner, root: Path) -> None:
    """Write ``root``/manifest.json: every document there that the cache knows."""
    entries = []
    for state in planner.states.values():
        for path_text, entry in state.cache.documents.items():
            path = Path(path_text)
            if path.is_relative_to(root) and path.is_file():
                entries.append({"path": str(path.relative_to(root)), "release": entry["release"],
                                "language": entry["language"], "format": entry["format"],
                                "sha256": entry["sha256"], "size": entry["size"], "pages": entry["pages"],
                                "translation": entry["status"], "build_seconds": entry["build_seconds"]})
    if entries or (root / MANIFEST).exists():
        entries.sort(key=lambda e: e["path"])
        data = json.dumps({"documents": entries}, indent=2, ensure_ascii=False) + "\n"
        write_atomic(root / MANIFEST, data.encode())


def build(paths: Iterable[Path | str], options: BuildOptions = BuildOptions(),
          on_document: Callable[[Document, Status], None] | None = None,
          on_plan: Callable[[int], None] | None = None,
          executor: Executor | None = None,
          on_interrupt: Callable[[], None] | None = None) -> BuildReport:
    """Build the releases under ``paths`` and return the report.

    Only out-of-date documents are rendered (all of them with ``force``); the
    others are reported up to date. An interrupt (Ctrl-C, SIGTERM) starts no
    more documents, keeps those the workers are finishing, and returns a report
    with ``interrupted`` set; a second interrupt kills the workers at once and
    also sets ``aborted``. Either way every file on disk is complete and the
    cache knows it. A document that cannot be written (a full disk) fails alone; a cache that
    cannot be written is a warning. Raises :class:`UsageError` for unknown paths, formats or
    executors and for an ``out`` folder that is, holds or lies inside a source folder (or is /
    or the home folder), :class:`InputError` when the output pattern's folder is such a folder,
    and :class:`~pressgen.files.BuildLocked` when another build holds the output.
    """
    started = time.perf_counter()
    for fmt in options.formats or ():
        if (problem := unknown_format(fmt)) is not None:
            raise UsageError(problem)
    files = release_files(paths)
    planner = Planner(options)
    report = BuildReport()
    with ExitStack() as stack:
        locked: set[Path] = set()
        checked: set[Path] = set()
        for path in files:  # lock each workspace (its cache) and each output folder before planning
            try:
                state = planner.state(path)
            except PressgenError:
                continue  # reported by the planner
            if state.workspace.root not in checked:
                check_output_root(state.workspace, options.out, files)
                checked.add(state.workspace.root)
            for folder in (state.workspace.root / ".pressgen", output_root(state.workspace, options.out)):
                if folder not in locked:
                    stack.enter_context(FolderLock(folder))
                    locked.add(folder)
        planned: list[_Planned] = []

        def announce(outcome: Outcome) -> None:  # up-to-date and refused documents, as soon as known
            if on_document:
                for document, status in outcome.documents:
                    on_document(document, status)

        def units() -> Iterator[Unit]:
            total = 0
            for item in planner.plan(files, report.outcomes, announce):
                planned.append(item)
                total += len(item.documents)
                if on_plan:
                    on_plan(total)
                yield item.unit

        runner: Executor | None = None
        done: set[int] = set()
        interrupts = stack.enter_context(_Interrupts())

        def store(index: int, result: UnitResult) -> None:
            if index not in done:
                with interrupts.held():
                    done.add(index)
                    _store(planned[index], result, report, on_document)

        try:
            stream = units()
            first = next(stream, None)
            if first is not None:  # no executor (no pool, no cluster) when all is up to date
                runner = executor or make_executor(options.executor, options.jobs, options.scheduler)
                for index, result in runner.run(itertools.chain([first], stream)):
                    store(index, result)
            elif on_plan:
                on_plan(0)
        except KeyboardInterrupt:
            report.interrupted = True
            try:  # start nothing new; keep what the workers are finishing
                if on_interrupt:
                    on_interrupt()
                for index, result in runner.cancel() if runner is not None else ():
                    store(index, result)
            except KeyboardInterrupt:  # asked again: stop at once
                report.aborted = True
                if runner is not None:
                    runner.abort()
            for index, item in enumerate(planned):
                if index not in done:
                    item.outcome.documents += [(d, "cancelled") for d in item.documents.values()]
        except Exception:  # a bug here: let the workers finish their unit and stop, then surface it
            if runner is not None:
                for _ in runner.cancel():
                    pass
            raise
        with interrupts.held(raise_pending=False):  # what finished is remembered, even if asked to stop now
            if runner is not None and executor is None and not report.interrupted:
                runner.close()
            _save_caches(planner, report)
            _write_manifests(planner, {output_root(s.workspace, options.out) for s in planner.states.values()},
                             report)
        report.interrupted |= interrupts.pending
    report.seconds = time.perf_counter() - started
    return report


def summary_line(report: BuildReport) -> str:
    """Return the one-line summary of a build."""
    failed = [o.release_id for o in report.outcomes if o.failed]
    built, current = report.count("built"), report.count("up-to-date")
    if built == 0 and not failed and current and not report.interrupted:
        line = f"nothing to do: {current} document(s) up to date"
    else:
        line = (f"{built} built, {current} up to date, "
                f"{report.count('failed') + report.count('refused')} failed")
        if report.count("cancelled"):
            line += f", {report.count('cancelled')} cancelled"
    if failed:
        line += f" (releases with errors: {', '.join(failed)})"
    if report.interrupted:
        line = ("interrupted, stopped at once: " if report.aborted else "interrupted: ") + line
    return line + f" in {report.seconds:.1f} s"
