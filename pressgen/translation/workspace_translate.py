"""Machine drafts of the workspace's own texts (``pressgen translate --workspace --to fr``).

The organisation and contact texts of pressgen.yaml that have no translation in a language
(and those a machine drafted before their source changed) are drafted by the translation
provider, the memory first, as a release's segments are. Human text is never replaced: a
stale text a person wrote stays as it is (its machine draft goes into the memory as a
suggestion). pressgen.yaml is written through the safe write-back in place (comments and
layout kept), onto the version the drafts were made from, then the records in
pressgen.segments.json, as ``review workspace import`` does.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable
from typing import Any

from pressgen.errors import Diagnostic
from pressgen.files import locked
from pressgen.translation.memory import MEMORY_FILE, REVIEWED, TranslationMemory
from pressgen.translation.providers import SEGMENT_LIMITS, make_client
from pressgen.translation.segments import Filled, Pair, is_human, read_records
from pressgen.translation.translate import ParagraphFailure, SegmentTranslator, _setting_diagnostic, translate_markdown
from pressgen.translation.workspace_review import _save, check_workspace_language
from pressgen.translation.workspace_segments import _where, source_language, workspace_alignment
from pressgen.translation.writeback import ImportReport
from pressgen.workspace.model import Workspace
from pressgen.workspace.yamledit import base_of
from pressgen.workspace.yamlio import load_yaml

MULTI_PARAGRAPH = ("boilerplate",)  # the texts that may hold paragraphs; the others are one line


@dataclasses.dataclass
class WorkspaceTranslateReport:
    """What ``translate --workspace`` did, per language."""

    drafted: dict[str, list[str]] = dataclasses.field(default_factory=dict)  # texts drafted, by place
    kept: dict[str, list[str]] = dataclasses.field(default_factory=dict)  # stale human texts kept
    skipped: dict[str, str] = dataclasses.field(default_factory=dict)
    requests: int = 0
    diagnostics: list[Diagnostic] = dataclasses.field(default_factory=list)


def _one_line(pair: Pair, text: str) -> str:
    if pair.field.rsplit(".", 1)[-1] in MULTI_PARAGRAPH:
        return text.strip()
    return " ".join(text.split())


def translate_workspace(workspace: Workspace, targets: list[str], provider: str | None = None,
                        environ: dict[str, str] | None = None, sleep: Callable[[float], None] = time.sleep,
                        client_factory: Callable[..., Any] = make_client) -> WorkspaceTranslateReport:
    """Draft the missing workspace texts of each of ``targets`` (and the stale machine drafts) into pressgen.yaml.

    Raises :class:`~pressgen.errors.UsageError` for the workspace's source language or one it does not have,
    :class:`InputError` for damaged records, and :class:`~pressgen.files.ChangedOnDisk`, writing nothing more,
    when pressgen.yaml was saved while the provider answered (the drafts stay in the memory).
    """
    for lang in targets:
        check_workspace_language(workspace, lang)
    config = workspace.config
    settings = config.translation
    if provider:
        settings = settings.model_copy(update={"provider": provider})
    source = source_language(workspace)
    report = WorkspaceTranslateReport()
    memory = TranslationMemory(workspace.root / MEMORY_FILE)
    try:
        for lang in targets:
            with locked(workspace.config_path):  # the file and its records read as a pair
                loaded = load_yaml(workspace.config_path)
                base = base_of(loaded)
                records = read_records(workspace.config_path, strict=True)
            alignment = workspace_alignment(workspace, lang, records)
            todo = [pair for pair in alignment.pairs if pair.source and (
                pair.state == "missing" or (pair.state == "stale" and not is_human(pair)))]
            suggest = [pair for pair in alignment.pairs if pair.source and pair.state == "stale" and is_human(pair)]
            if not todo and not suggest:
                report.skipped[lang] = f"its workspace texts are {alignment.summary} (nothing missing)"
                continue
            client = client_factory(settings, source, lang, config.locales,
                                    environ if environ is not None else dict(os.environ))
            segments = SegmentTranslator(client, settings, source, lang, memory, sleep)
            limit = SEGMENT_LIMITS[settings.provider]
            filled: dict[str, Filled] = {}
            current: Pair | None = None
            try:
                for current in suggest:  # human text kept: the draft is only a suggestion, in the memory
                    assert current.source is not None
                    translate_markdown(current.source, segments, limit)
                for current in todo:
                    assert current.source is not None
                    reviewed = memory.get(REVIEWED, source, lang, current.source)
                    if reviewed is not None:
                        filled[current.id] = Filled(current, _one_line(current, reviewed), "draft")
                    else:
                        filled[current.id] = Filled(current, _one_line(
                            current, translate_markdown(current.source, segments, limit)), "machine")
            except ParagraphFailure as failure:
                report.requests += segments.requests
                if failure.setting:
                    report.diagnostics.append(_setting_diagnostic(workspace, settings, failure))
                    break
                assert current is not None
                loc = tuple(current.field.split(".", 2))
                line, col = loaded.locate((*loc, source))
                report.diagnostics.append(Diagnostic(
                    workspace.config_path, line, col, f"translating the workspace text {current.field} "
                    f"({_where(current)}) {source}→{lang} failed: {failure.reason}",
                    f"nothing was written for {lang}; the texts translated so far are remembered for the next run"))
                continue
            report.requests += segments.requests
            if suggest:
                report.kept[lang] = [_where(pair) for pair in suggest]
            if not filled:
                continue
            _save(workspace, lang, alignment, filled, {}, base, ImportReport())
            report.drafted[lang] = [_where(f.pair) for f in filled.values()]
            workspace = _reloaded(workspace)
    finally:
        memory.close()
    return report


def _reloaded(workspace: Workspace) -> Workspace:
    """The workspace as pressgen.yaml is now (the next language is drafted onto what was just written)."""
    from pressgen.workspace.load import load_workspace

    return load_workspace(workspace.root)
