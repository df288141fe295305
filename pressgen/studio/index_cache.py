"""The index's rows remembered on disk, in the check layer's memo (``.pressgen/check.json``), so the first
index after a restart, or after ``pressgen check``, does not check every release again.

A row is a release's :class:`~pressgen.check.memo.Summary` (headline, date, organisation, tags, each
language's state) and its problems, under the check memo's key of the release (pressgen's code, the
workspace's settings, catalogs, templates, assets and fonts, the release file and its segment records):

- a release the studio checked keeps its problems in the memo's entry, as the studio sees them (a
  language not written yet is a state there, not an error);
- a release ``pressgen check`` checked gives its summary and check's own diagnostics,
  which are the studio's too when every language of it has a text (only a missing language is seen
  differently). Any other release is checked again.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pressgen.check.memo import CheckMemo, Summary, dump_diagnostics, load_diagnostics
from pressgen.errors import Diagnostic, errors_only
from pressgen.workspace.model import Workspace

STUDIO_PART = "studio"  # the memo entry's part the studio keeps its view of the problems in
OLD_INDEX_FILE = Path(".pressgen") / "studio-index.json"  # what the index used to keep on its own


@dataclass
class Row:
    """One release as the index lists it (the attributes the index page reads of an entry)."""

    id: str
    path: Path
    headline: str
    states: dict[str, str]
    problems: list[Diagnostic]
    model: Summary | None = None
    errors: list[Diagnostic] = field(default_factory=list)

    @classmethod
    def of(cls, entry: Any) -> Row:
        """The row of a :class:`pressgen.studio.state.Entry`."""
        model = Summary.of(entry.model, entry.states) if entry.model is not None else None
        return cls(entry.id, entry.path, entry.headline, dict(entry.states), list(entry.problems), model,
                   list(entry.errors))


class IndexCache:
    """The rows of one workspace's index in its check memo."""

    def __init__(self, workspace: Workspace) -> None:
        self.memo = CheckMemo(workspace)
        self._old = workspace.root / OLD_INDEX_FILE

    def key(self, release: Path) -> str | None:
        return self.memo.key(release)

    def get(self, release: Path, key: str | None) -> Row | None:
        """The row kept for ``release`` under ``key``, or None when it must be checked."""
        if key is None:
            return None
        summary = self.memo.summary(release, key)
        if summary is None:
            return None
        kept = self.memo.part(release, key, STUDIO_PART)
        try:
            problems = load_diagnostics(kept) if kept is not None else None
        except (KeyError, TypeError, ValueError, AttributeError):
            problems = None
        if problems is None and "missing" not in summary.states.values():
            problems = self.memo.get(release, key)  # check's, which are the studio's for such a release
        if problems is None:
            return None
        return Row(release.stem, release, summary.headline, dict(summary.states), problems, summary,
                   errors_only(problems))

    def put(self, release: Path, key: str | None, row: Row) -> None:
        """Keep a row the studio made (a release whose file does not even load is checked again instead)."""
        if key is None or row.model is None:
            return
        self.memo.put_part(release, key, "summary", row.model.dump())
        self.memo.put_part(release, key, STUDIO_PART, dump_diagnostics(row.problems))

    def save(self, paths: list[Path]) -> None:
        """Write the memo (the entries of releases no longer listed left out), when anything changed."""
        self.memo.forget_others(paths)
        self.memo.save()
        with contextlib.suppress(OSError):
            self._old.unlink(missing_ok=True)
