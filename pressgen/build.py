"""Build stage: which documents to make, making them, writing them atomically, reporting.

A release that fails (invalid input, refused draft, a writer error) is reported
and the others are still built; no output is ever left half-written.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal

from .errors import Diagnostic, PressgenError, UsageError, errors_only
from .load import (
    CONFIG_NAME,
    CheckedRelease,
    check_release,
    find_workspace,
    load_workspace,
    release_languages,
)
from .localize import localize
from .model import Release, Workspace
from .writers import FORMATS, get_writer

Status = Literal["built", "failed", "refused"]


@dataclass(frozen=True)
class Document:
    """One output file: a release in one language and format."""

    release_id: str
    lang: str
    format: str
    path: Path


@dataclass
class Outcome:
    """What happened to one release: its documents and the problems found."""

    release_path: Path
    release_id: str
    documents: list[tuple[Document, Status]] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return bool(errors_only(self.diagnostics)) or any(s != "built" for _, s in self.documents)


@dataclass
class BuildReport:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(outcome.failed for outcome in self.outcomes)

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes for _, s in o.documents if s == status)


# --- finding releases ------------------------------------------------------------------------

SKIPPED_DIRS = {"assets", "templates", "locales", "dist", ".pressgen", ".git", ".venv"}


def release_files(paths: Iterable[Path]) -> list[Path]:
    """Return the release files named by ``paths`` (files, or folders searched recursively).

    A workspace folder means its ``releases/`` folder. Raises :class:`UsageError`
    for a path that does not exist.
    """
    found: list[Path] = []
    for path in paths:
        path = Path(path)
        if not path.exists():
            raise UsageError(f"no such file or folder: {path}")
        if path.is_file():
            found.append(path)
            continue
        if (path / CONFIG_NAME).is_file() and (path / "releases").is_dir():
            path = path / "releases"
        for candidate in sorted(path.rglob("*.yaml")):
            relative = candidate.relative_to(path).parts
            if candidate.name != CONFIG_NAME and not SKIPPED_DIRS.intersection(relative[:-1]):
                found.append(candidate)
    unique = list(dict.fromkeys(p.resolve() for p in found))
    return unique


class WorkspaceCache:
    """Workspaces by root folder, each loaded once per run."""

    def __init__(self) -> None:
        self._loaded: dict[Path, Workspace | PressgenError] = {}

    def for_release(self, path: Path) -> Workspace:
        """Return the workspace of a release file; raises the workspace's own error if invalid."""
        root = find_workspace(path)
        if root not in self._loaded:
            try:
                self._loaded[root] = load_workspace(root)
            except PressgenError as exc:
                self._loaded[root] = exc
        loaded = self._loaded[root]
        if isinstance(loaded, PressgenError):
            raise loaded
        return loaded


# --- output paths and writing ------------------------------------------------------------------


def output_path(workspace: Workspace, release: Release, lang: str, fmt: str, out: Path | None) -> Path:
    """Return where a document goes, from the workspace's output pattern.

    With ``out``, the pattern's leading folders that hold no placeholder (``dist/``)
    are replaced by ``out``.
    """
    pattern = PurePosixPath(workspace.config.output)
    parts = list(pattern.parts)
    base = workspace.root
    if out is not None:
        base = out
        while len(parts) > 1 and "{" not in parts[0]:
            parts.pop(0)
    values = {"id": release.id, "date": release.date.isoformat(), "lang": lang, "format": fmt,
              "org": release.organization}
    return base.joinpath(*(part.format(**values) for part in parts))


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    A reader sees the old file or the new one, never a part; a failure leaves no
    temporary file behind.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# --- building --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildOptions:
    langs: Sequence[str] | None = None
    formats: Sequence[str] | None = None
    out: Path | None = None
    final: bool = False


def render_release(checked: CheckedRelease, workspace: Workspace, options: BuildOptions,
                   on_document: Callable[[Document, Status], None] | None = None) -> Outcome:
    """Render every requested document of one valid release and write it.

    Problems are recorded in the returned outcome, never raised.
    """
    release = checked.release
    assert release is not None
    outcome = Outcome(checked.path, release.id, diagnostics=list(checked.diagnostics))
    started = time.perf_counter()
    formats = list(options.formats or workspace.config.formats)
    for lang in release_languages(release, workspace.config):
        if options.langs and lang not in options.langs:
            continue
        documents = [Document(release.id, lang, fmt, output_path(workspace, release, lang, fmt, options.out))
                     for fmt in formats]
        status = release.translation_status(lang)
        if options.final and status not in ("source", "reviewed"):
            outcome.diagnostics.append(Diagnostic(
                checked.path, 1, 1, f"{release.id}: the {lang} text is {status}, not reviewed; "
                "--final refuses it", f"review it against the {release.source} text and set "
                f"'status: reviewed' and its source_hash under text.{lang}"))
            for document in documents:
                outcome.documents.append((document, "refused"))
                if on_document:
                    on_document(document, "refused")
            continue
        try:
            view = localize(release, workspace, lang)
            for document in documents:
                write_atomic(document.path, get_writer(document.format)(view))
                outcome.documents.append((document, "built"))
                if on_document:
                    on_document(document, "built")
        except PressgenError as exc:
            outcome.diagnostics += exc.diagnostics or [Diagnostic(checked.path, 1, 1, str(exc))]
            _mark_failed(outcome, documents, on_document)
        except Exception as exc:  # a writer bug must not stop the other releases
            outcome.diagnostics.append(Diagnostic(
                checked.path, 1, 1, f"internal error while rendering {lang}: {type(exc).__name__}: {exc}",
                "this is a bug in pressgen; please report it with the release file"))
            _mark_failed(outcome, documents, on_document)
    outcome.seconds = time.perf_counter() - started
    return outcome


def _mark_failed(outcome: Outcome, documents: list[Document],
                 on_document: Callable[[Document, Status], None] | None) -> None:
    done = {d for d, _ in outcome.documents}
    for document in documents:
        if document not in done:
            outcome.documents.append((document, "failed"))
            if on_document:
                on_document(document, "failed")


def build(paths: Iterable[Path], options: BuildOptions = BuildOptions(),
          on_document: Callable[[Document, Status], None] | None = None) -> BuildReport:
    """Build every release under ``paths`` and return the report.

    Raises :class:`UsageError` for unknown paths or formats; everything that is
    wrong with a release is in the report instead.
    """
    for fmt in options.formats or ():
        if fmt not in FORMATS:
            raise UsageError(f"unknown format '{fmt}' (known: {', '.join(FORMATS)})")
    report = BuildReport()
    workspaces = WorkspaceCache()
    for path in release_files(paths):
        try:
            workspace = workspaces.for_release(path)
        except PressgenError as exc:
            report.outcomes.append(Outcome(path, path.stem, diagnostics=exc.diagnostics
                                           or [Diagnostic(path, 1, 1, str(exc))]))
            continue
        checked = check_release(path, workspace)
        if not checked.ok:
            report.outcomes.append(Outcome(path, path.stem, diagnostics=checked.diagnostics))
            continue
        report.outcomes.append(render_release(checked, workspace, options, on_document))
    return report
