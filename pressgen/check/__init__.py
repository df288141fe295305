"""The check layer: the one gate that ``pressgen check``, ``status``, the studio and the build planner call.

It sits above the load stage and the writers: loading turns YAML into a model
(:mod:`pressgen.workspace.load`); a check adds what needs the document stage and the
writers (Markdown as it is parsed, characters as the fonts print them, the workspace's
own templates and reference document) and, when asked, what it says of the
translations. Because ``check`` and ``build`` both ask here, what check passes,
build renders, and what build refuses, check reports in the same words.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path

from pressgen.check import content
from pressgen.errors import Diagnostic, InputError, PressgenError, errors_only
from pressgen.workspace.load import (
    EVERY_LANGUAGE,
    CheckedRelease,
    duplicate_ids,
    find_workspace,
    load_workspace,
    outside_workspace,
    read_release,
    release_languages,
)
from pressgen.workspace.model import Workspace

__all__ = ["EVERY_LANGUAGE", "CheckedRelease", "WorkspaceCache", "check_files", "check_release",
           "check_workspace", "duplicate_ids", "find_workspace", "release_languages"]


def check_workspace(root: Path) -> Workspace:
    """Load the workspace at ``root`` and check its own parts as the writers will use them.

    Raises :class:`InputError` with every problem found (pressgen.yaml, catalogs, boilerplate
    Markdown, templates, the reference document).
    """
    workspace = load_workspace(root)
    problems = content.workspace_checks(workspace)
    if errors_only(problems):
        raise InputError(f"{root}: invalid workspace", problems)
    return workspace


def check_release(path: Path, workspace: Workspace, pending: Collection[str] = (), *,
                  translation: bool = False) -> CheckedRelease:
    """Check one release file against its (checked) workspace; never raises for bad input.

    Languages in ``pending`` may lack their text (``translate`` is about to write it).
    ``translation`` adds check's warnings about the translations (stale segments, facts
    not carried over, unreviewed languages). The model is given only when there is no error.
    """
    checked = read_release(path, workspace, pending)
    problems = list(checked.diagnostics)
    if checked.loaded is not None:
        problems += content.text_markup_checks(checked.loaded)
    release = checked.release
    if release is not None and checked.loaded is not None and not errors_only(problems):
        problems += content.character_checks(checked.loaded, release, workspace)
        problems += content.press_convention_checks(checked.loaded, release, workspace)
        problems += content.workspace_template_checks(release, workspace)
        problems += content.contrast_checks(release, workspace)
    problems += content.reference_checks(workspace)
    if release is not None and not errors_only(problems):  # the segment records are part of the release
        from pressgen.check.translation import sidecar_diagnostics

        problems += sidecar_diagnostics(release, release_languages(release, workspace.config))
    release = release if not errors_only(problems) else None
    if translation and release is not None and checked.loaded is not None:
        from pressgen.check.translation import translation_diagnostics

        problems += translation_diagnostics(release, workspace, checked.loaded)
        from pressgen.check.workspace_texts import workspace_text_diagnostics  # issue 18: pressgen.yaml's texts

        problems += workspace_text_diagnostics(release, workspace, release_languages(release, workspace.config))
    return CheckedRelease(checked.path, release, problems, checked.loaded)


class WorkspaceCache:
    """Checked workspaces by root folder, each loaded once per run."""

    def __init__(self) -> None:
        self._loaded: dict[Path, Workspace | PressgenError] = {}

    def for_release(self, path: Path) -> Workspace:
        """Return the workspace of a release file; raises the workspace's own error if invalid, and
        :class:`InputError` for a release file that lies outside the workspace it is named in."""
        if (problem := outside_workspace(path)) is not None:
            raise InputError("release outside its workspace", [problem])
        root = find_workspace(path)
        if root not in self._loaded:
            try:
                self._loaded[root] = check_workspace(root)
            except PressgenError as exc:
                self._loaded[root] = exc
        loaded = self._loaded[root]
        if isinstance(loaded, PressgenError):
            raise loaded
        return loaded


def problems_of(path: Path, exc: PressgenError) -> list[Diagnostic]:
    """The diagnostics of an error raised for ``path`` (one made from its message when it has none)."""
    return exc.diagnostics or [Diagnostic(path, 1, 1, str(exc))]


def check_files(files: Sequence[Path], strict: bool = False, remember: bool = True
                ) -> Iterator[tuple[Path, list[Diagnostic]]]:
    """Check release files as ``pressgen check`` does: yield each file with all its diagnostics.

    Their workspaces, duplicate ids and the translations are checked too; ``strict``
    makes every warning an error. With ``remember``, each release's result is kept
    in its workspace's ``.pressgen/check.json`` and reused while nothing the check
    read has changed (:mod:`pressgen.check.memo`).
    """
    from pressgen.check.memo import CheckMemo, summary_of

    workspaces = WorkspaceCache()
    duplicates = duplicate_ids(files)
    memos: dict[Path, CheckMemo] = {}
    try:
        for path in files:
            try:
                workspace = workspaces.for_release(path)
            except PressgenError as exc:
                yield path, problems_of(path, exc)
                continue
            memo = memos.setdefault(workspace.root, CheckMemo(workspace)) if remember else None
            key = memo.key(path) if memo else None
            diagnostics = memo.get(path, key) if memo and key else None
            if diagnostics is None:
                checked = check_release(path, workspace, translation=True)
                diagnostics = checked.diagnostics
                if memo and key:  # with what an index lists of it (the studio's, after a check: see memo)
                    memo.put(path, key, diagnostics, summary_of(checked.release, workspace))
            if path in duplicates:
                diagnostics = [duplicates[path], *diagnostics]
            if strict:
                diagnostics = [dataclasses.replace(d, severity="error") for d in diagnostics]
            yield path, diagnostics
    finally:
        for memo in memos.values():
            memo.save()
