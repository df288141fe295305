"""Campaign builds from the studio: every language that can be built is built, and each one that
cannot is named with the reason, release by release.

Releases whose every language is written go through the builder (its cache and manifest). A release
with languages not translated yet would be refused whole by the builder; its written languages are
rendered here, one document at a time, and written atomically where the builder would put them.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pressgen.builder.executors import Unit, render_unit
from pressgen.builder.plan import BuildOptions, build
from pressgen.errors import PressgenError, errors_only
from pressgen.files import write_atomic
from pressgen.studio.state import RENDER_LOCK, Entry
from pressgen.translation.state import is_current
from pressgen.workspace import outputs

REASONS = {"missing": "not translated yet", "": "the release has errors"}


@dataclass
class ReleaseResult:
    """What a campaign build did with one release."""

    id: str
    headline: str
    lang: str = ""  # the language the headline is written in ("" when it is the file name)
    built: list[tuple[str, str, str]] = field(default_factory=list)  # (language, format, path in the workspace)
    not_built: dict[str, str] = field(default_factory=dict)  # language -> why, in the interface's words
    errors: list[str] = field(default_factory=list)


def plain(message: str) -> str:
    """A diagnostic's message without its file position (shown as a detail elsewhere)."""
    return message.split(": error: ", 1)[-1].split("\n")[0]


def run_campaign(entries: list[Entry], root: Path, executor: object,
                 progressed: Callable[[int, int], None]) -> list[ReleaseResult]:
    results = {entry.id: ReleaseResult(entry.id, entry.headline or entry.id,
                                       entry.model.source if entry.model and entry.headline else "")
               for entry in entries}
    whole = [e for e in entries if e.checked.release is not None and "missing" not in e.states.values()]
    partial = [e for e in entries if e not in whole]
    for entry in partial:
        result = results[entry.id]
        if entry.release is None or entry.model is None:
            result.errors = [plain(d.message) for d in errors_only(entry.checked.diagnostics)][:5]
            result.not_built = {lang: REASONS[""] for lang in entry.states}
            continue
        for lang, status in entry.states.items():
            if status in REASONS:
                result.not_built[lang] = REASONS[status]
    partial_units = [(e, lang) for e in partial if e.release is not None for lang in e.states
                     if lang not in results[e.id].not_built]
    formats = {e.id: list(e.workspace.config.formats) for e in entries}
    total = sum(len(formats[e.id]) for e, _ in partial_units)
    done = 0
    planned_whole = 0

    def on_plan(count: int) -> None:
        nonlocal planned_whole
        planned_whole = count
        progressed(done, total + planned_whole)

    def on_document(document: object, status: object) -> None:
        nonlocal done
        done += 1
        progressed(done, total + planned_whole)

    if whole:
        try:
            report = build([e.path for e in whole], BuildOptions(), on_document=on_document, on_plan=on_plan,
                           executor=executor)  # type: ignore[arg-type]
            for outcome in report.outcomes:
                found = results.get(outcome.release_id)
                if found is None:
                    continue
                for document, _ in outcome.documents:
                    found.built.append((document.lang, document.format, _relative(document.path, root)))
                found.errors += [plain(d.message) for d in errors_only(outcome.diagnostics)]
        except PressgenError as exc:
            for entry in whole:
                results[entry.id].errors.append(str(exc))
    for entry, lang in partial_units:
        release, result = entry.release, results[entry.id]
        assert release is not None
        status = entry.states.get(lang, "draft")
        values = {"id": release.id, "date": release.date.isoformat(), "lang": lang, "org": release.organization}
        with RENDER_LOCK:
            rendered = render_unit(Unit(entry.workspace, release, lang, tuple(formats[entry.id]),
                                        draft=not is_current(status)))
        if not rendered.outputs:
            result.not_built[lang] = "; ".join(plain(d.message) for d in rendered.diagnostics) or "it could not be made"
        for output in rendered.outputs:
            try:
                path = outputs.output_path(entry.workspace.config.output, entry.workspace.root,
                                           {**values, "format": output.format}, None)
            except outputs.OutsideOutput as exc:
                result.errors.append(f"not written: {exc}")
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, output.data)
            result.built.append((lang, output.format, _relative(path, root)))
            done += 1
            progressed(done, total + planned_whole)
    return [results[e.id] for e in entries]


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def archive(root: Path, paths: list[str]) -> bytes:
    """One zip of the documents a build wrote (paths relative to the workspace)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive_file:
        for name in dict.fromkeys(paths):
            path = (root / name).resolve()
            if path.is_relative_to(root) and path.is_file():
                archive_file.write(path, name)
    return buffer.getvalue()
