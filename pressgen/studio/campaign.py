"""Campaign builds from the studio: every language that can be built is built, and each one that
cannot is named with the reason, release by release.

Every readable release goes through the builder (its cache and manifest: a second build of unchanged
releases renders nothing), which leaves out the languages not translated yet instead of refusing the release.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pressgen.builder.plan import BuildOptions, build
from pressgen.errors import PressgenError, errors_only
from pressgen.studio.state import Entry

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
    readable = []
    for entry in entries:
        result = results[entry.id]
        if entry.release is None or entry.model is None:
            result.errors = [plain(d.message) for d in errors_only(entry.checked.diagnostics)][:5]
            result.not_built = {lang: REASONS[""] for lang in entry.states}
            continue
        readable.append(entry)
        for lang, status in entry.states.items():
            if status in REASONS:
                result.not_built[lang] = REASONS[status]
    done = planned = 0

    def on_plan(count: int) -> None:
        nonlocal planned
        planned = count
        progressed(done, planned)

    def on_document(document: object, status: object) -> None:
        nonlocal done
        done += 1
        progressed(done, planned)

    if readable:
        try:  # the languages not translated yet are left out, not the release: its others are built
            report = build([e.path for e in readable], BuildOptions(pending=True), on_document=on_document,
                           on_plan=on_plan, executor=executor)  # type: ignore[arg-type]
        except PressgenError as exc:
            for entry in readable:
                results[entry.id].errors.append(str(exc))
            return [results[e.id] for e in entries]
        for outcome in report.outcomes:
            found = results.get(outcome.release_id)
            if found is None:
                continue
            for document, status in outcome.documents:
                if status in ("built", "up-to-date"):
                    found.built.append((document.lang, document.format, _relative(document.path, root)))
                elif document.lang not in found.not_built:
                    found.not_built[document.lang] = "it could not be made"
            found.errors += [plain(d.message) for d in errors_only(outcome.diagnostics)]
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
