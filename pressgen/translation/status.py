"""Where each release's languages stand, segment by segment: source, reviewed, machine, draft, stale, missing."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pressgen.builder.plan import release_files
from pressgen.check import EVERY_LANGUAGE, WorkspaceCache, check_release, problems_of, release_languages
from pressgen.check.translation import alignments, attention, parity_problems
from pressgen.errors import Diagnostic, InputError, PressgenError, UsageError, errors_only
from pressgen.translation.analysis import Leverage, analyse, count_words, human_current, own_history
from pressgen.translation.memory import MEMORY_FILE, FuzzyMatch, MemoryUnusable, TranslationMemory
from pressgen.translation.segments import Alignment
from pressgen.workspace.load import CONFIG_NAME, read_release
from pressgen.workspace.model import Release, Workspace


def word_counts(alignment: Alignment) -> dict[str, int]:
    """Source words to translate anew, to update, and already translated (for quotes)."""
    counts = {"new": 0, "changed": 0, "unchanged": 0}
    for pair in alignment.pairs:
        if pair.source is None:
            continue
        kind = "new" if pair.state == "missing" else "changed" if pair.state == "stale" else "unchanged"
        counts[kind] += count_words(pair.source, pair.field)
    return counts


def status_table(files: Sequence[Path]) -> tuple[list[dict[str, Any]], list[str], list[Diagnostic]]:
    """Return one row per release (id, path, language -> status, segments, words), all languages seen, and errors.

    A release with errors has no row; its errors are returned instead.
    """
    workspaces = WorkspaceCache()
    rows: list[dict[str, Any]] = []
    problems: list[Diagnostic] = []
    languages: list[str] = []
    leverages: dict[Path, Leverage] = {}
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
        if workspace.root not in leverages:
            leverages[workspace.root], found = workspace_leverage(workspace)
            problems += found
        leverage = leverages[workspace.root]
        rows.append({
            "release": release.id, "path": str(path), "source": release.source,
            "languages": {lang: "source" if lang == release.source else aligned[lang].summary for lang in langs},
            "segments": {lang: {"total": a.total,
                                "attention": attention(a), **a.counts()} for lang, a in aligned.items()},
            "words": {lang: word_counts(a) for lang, a in aligned.items()},
            "parity": {lang: len(parity_problems(a, release, workspace.config)) for lang, a in aligned.items()},
            "analysis": {lang: _analysis_json(release, a, leverage) for lang, a in aligned.items()},
        })
    return rows, languages, problems


def _analysis_json(release: Release, alignment: Alignment, leverage: Leverage) -> dict[str, Any]:
    analysis = analyse(release, alignment, leverage)
    return {"bands": analysis.bands(), "segments": [segment.as_json() for segment in analysis.segments]}


def workspace_leverage(workspace: Workspace) -> tuple[Leverage, list[Diagnostic]]:
    """The human translations a workspace can reuse: its translation memory's (when there is one; status
    does not create it) and those of every valid release. A memory that cannot be read is a warning."""
    memory: TranslationMemory | None = None
    problems: list[Diagnostic] = []
    if (workspace.root / MEMORY_FILE).is_file():
        try:
            memory = TranslationMemory(workspace.root / MEMORY_FILE)
        except MemoryUnusable as exc:
            problems += [dataclasses.replace(d, severity="warning",
                                             message=f"{d.message}; the word bands leave it out")
                         for d in exc.diagnostics]
    leverage = Leverage(memory)
    pairs = {(lang, other) for lang in workspace.config.languages for other in workspace.config.languages
             if lang != other}
    for path in release_files([workspace.root]):
        checked = read_release(path, workspace, EVERY_LANGUAGE)
        if checked.release is not None:
            release = checked.release
            aligned = alignments(release, release_languages(release, workspace.config))
            leverage.add_release(release, aligned)
            pairs |= {(release.source, lang) for lang in aligned}
    if memory is not None:
        for pair in sorted(pairs):  # read now: the memory is closed before the table is made
            leverage.index(*pair)
        memory.close()
        leverage.memory = None  # a pair not read above (none should be) goes without the memory
    return leverage, problems


# The leverage of a workspace, kept while none of the files it is made from changed: a long-lived
# process (the studio, offering fuzzy matches on each view of a language not reviewed) does not read
# every release of the workspace again for each page.
_KEPT: dict[Path, tuple[tuple[object, ...], tuple[Leverage, list[Diagnostic]]]] = {}
_KEPT_LOCK = threading.Lock()
KEPT_WORKSPACES = 4


def _made_from(workspace: Workspace) -> tuple[object, ...]:
    """What a workspace's leverage is made from, as the file system says it now: the languages, and the
    inode, size and change time of its configuration, its memory (and the memory's journal) and each release."""
    marks: list[object] = [tuple(workspace.config.languages)]
    memory = workspace.root / MEMORY_FILE
    for path in (workspace.root / CONFIG_NAME, memory, memory.with_name(memory.name + "-wal"),
                 *release_files([workspace.root])):
        try:
            found = path.stat()
        except OSError:
            marks.append((str(path), None))
            continue
        marks.append((str(path), found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns))
    return tuple(marks)


def kept_workspace_leverage(workspace: Workspace) -> tuple[Leverage, list[Diagnostic]]:
    """:func:`workspace_leverage`, made again only when one of the files it is made from changed."""
    key = workspace.root.resolve()
    marks = _made_from(workspace)
    with _KEPT_LOCK:
        kept = _KEPT.get(key)
    if kept is not None and kept[0] == marks:
        return kept[1]
    made = workspace_leverage(workspace)
    if _made_from(workspace) == marks:  # nothing changed while it was made
        with _KEPT_LOCK:
            _KEPT.pop(key, None)
            _KEPT[key] = (marks, made)
            while len(_KEPT) > KEPT_WORKSPACES:  # the oldest made goes first
                del _KEPT[next(iter(_KEPT))]
    return made


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


def release_matches(path: Path, lang: str, limit: int = 3, every: bool = False
                    ) -> tuple[str, list[tuple[str, str, str, list[FuzzyMatch]]]]:
    """The fuzzy matches (≥ 75 %, best first) of each segment of a release's ``lang`` translation that has no
    human translation of its current source (every segment with ``every``): (release id, [(segment id, field,
    source, matches)]). From the translation memory, the workspace's releases and the segment's own history;
    offered, never applied. Raises :class:`InputError` for an invalid release or workspace."""
    workspace = WorkspaceCache().for_release(path)
    checked = check_release(path, workspace, pending=EVERY_LANGUAGE)
    if checked.release is None:
        raise InputError(f"{path}: invalid release", errors_only(checked.diagnostics))
    release = checked.release
    if lang == release.source or lang not in release_languages(release, workspace.config):
        raise UsageError(f"{release.id} has no {lang} translation: it is "
                         f"{'the source language' if lang == release.source else 'not one of its languages'}")
    leverage, _ = workspace_leverage(workspace)
    alignment = alignments(release, [lang])[lang]
    own = own_history(release, alignment)
    out = []
    for pair in alignment.pairs:
        if pair.source is None or (human_current(pair) and not every):
            continue
        matches = [m for m in leverage.fuzzy(release.source, lang, pair.source, own, limit + 1)
                   if not (m.source == pair.source and m.target == pair.target)][:limit]
        out.append((pair.id, pair.field, pair.source, matches))
    return release.id, out


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
