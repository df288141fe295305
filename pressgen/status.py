"""Where each release's languages stand: source, reviewed, machine, draft, stale, missing."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .build import WorkspaceCache
from .errors import Diagnostic, PressgenError, errors_only
from .load import check_release, release_languages


def status_table(files: Sequence[Path]) -> tuple[list[dict[str, Any]], list[str], list[Diagnostic]]:
    """Return one row per release (id, path, language -> status), all languages seen, and errors.

    A release with errors has no row; its errors are returned instead.
    """
    workspaces = WorkspaceCache()
    rows: list[dict[str, Any]] = []
    problems: list[Diagnostic] = []
    languages: list[str] = []
    for path in files:
        try:
            workspace = workspaces.for_release(path)
        except PressgenError as exc:
            problems += exc.diagnostics or [Diagnostic(path, 1, 1, str(exc))]
            continue
        checked = check_release(path, workspace)
        if checked.release is None:
            problems += errors_only(checked.diagnostics)
            continue
        release = checked.release
        langs = release_languages(release, workspace.config)
        languages += [lang for lang in langs if lang not in languages]
        rows.append({"release": release.id, "path": str(path), "source": release.source,
                     "languages": {lang: release.translation_status(lang) for lang in langs}})
    return rows, languages, problems
