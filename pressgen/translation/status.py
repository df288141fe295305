"""Where each release's languages stand, segment by segment: source, reviewed, machine, draft, stale, missing."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pressgen.check import EVERY_LANGUAGE, WorkspaceCache, check_release, problems_of, release_languages
from pressgen.check.translation import alignments, attention, parity_problems
from pressgen.errors import Diagnostic, PressgenError, errors_only
from pressgen.translation.segments import Alignment, words


def word_counts(alignment: Alignment) -> dict[str, int]:
    """Source words to translate anew, to update, and already translated (for quotes)."""
    counts = {"new": 0, "changed": 0, "unchanged": 0}
    for pair in alignment.pairs:
        if pair.source is None:
            continue
        kind = "new" if pair.state == "missing" else "changed" if pair.state == "stale" else "unchanged"
        counts[kind] += words(pair.source)
    return counts


def status_table(files: Sequence[Path]) -> tuple[list[dict[str, Any]], list[str], list[Diagnostic]]:
    """Return one row per release (id, path, language -> status, segments, words), all languages seen, and errors.

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
            problems += problems_of(path, exc)
            continue
        checked = check_release(path, workspace, pending=EVERY_LANGUAGE)  # a missing language shows as missing
        if checked.release is None:
            problems += errors_only(checked.diagnostics)
            continue
        release = checked.release
        langs = release_languages(release, workspace.config)
        languages += [lang for lang in langs if lang not in languages]
        aligned = alignments(release, langs)
        rows.append({
            "release": release.id, "path": str(path), "source": release.source,
            "languages": {lang: "source" if lang == release.source else aligned[lang].summary for lang in langs},
            "segments": {lang: {"total": a.total,
                                "attention": attention(a), **a.counts()} for lang, a in aligned.items()},
            "words": {lang: word_counts(a) for lang, a in aligned.items()},
            "parity": {lang: len(parity_problems(a, release, workspace.config)) for lang, a in aligned.items()},
        })
    return rows, languages, problems


def cell(row: dict[str, Any], lang: str) -> str:
    """One language's status as the table shows it: 'reviewed', 'stale 1/12', 'machine 3/12', '-'."""
    status = row["languages"].get(lang)
    if status is None:
        return "-"
    segments = row["segments"].get(lang)
    shown = f"{status} {segments['attention']}/{segments['total']}" \
        if status in ("stale", "machine", "draft") and segments else str(status)
    facts = row.get("parity", {}).get(lang)
    return f"{shown} !{facts}" if facts else shown


# --- the workspace's own texts (issue 18) ------------------------------------------------------

WORKSPACE_ROW = "workspace texts"


def workspace_status(files: Sequence[Path]) -> list[dict[str, Any]]:
    """One row per workspace of ``files``, shaped as a release's row: its organisation and contact texts
    (pressgen.yaml) per language: state, segments, words and parity. Workspaces that do not load are left
    out (their errors are the releases')."""
    from pressgen.check.workspace_texts import workspace_texts

    workspaces = WorkspaceCache()
    rows: dict[Path, dict[str, Any]] = {}
    for path in files:
        try:
            workspace = workspaces.for_release(path)
        except PressgenError:
            continue
        if workspace.root in rows:
            continue
        texts = workspace_texts(workspace)
        if texts.errors:
            continue
        aligned = texts.alignments
        rows[workspace.root] = {
            "release": WORKSPACE_ROW, "path": str(workspace.config_path), "source": texts.source,
            "languages": {texts.source: "source", **{lang: a.summary for lang, a in aligned.items()}},
            "segments": {lang: {"total": a.total, "attention": attention(a), **a.counts()}
                         for lang, a in aligned.items()},
            "words": {lang: word_counts(a) for lang, a in aligned.items()},
            "parity": {lang: sum(p.parity for p in texts.problems.get(lang, [])) for lang in aligned},
        }
    return list(rows.values())
