"""The index's rows remembered on disk, so the first index after a restart does not check every release.

A row (headline, date, organisation, tags, each language's state, the problems ``check`` reports)
is kept in ``.pressgen/studio-index.json`` under the check memo's key of its release
(:meth:`pressgen.check.memo.CheckMemo.key`: pressgen's code, the workspace's settings, catalogs,
templates, assets and fonts, the release file and its segment records). A row whose key changed,
or a file that cannot be read, means checking that release again.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pressgen.check.memo import CheckMemo, _read
from pressgen.errors import Diagnostic, errors_only
from pressgen.files import digest, write_atomic
from pressgen.translation.segments import sidecar_path
from pressgen.workspace.model import Workspace

INDEX_FILE = Path(".pressgen") / "studio-index.json"
FORMAT = 1
MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Summary:
    """What the index shows of a release's model."""

    date: dt.date
    organization: str
    tags: list[str]
    source: str


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
        model = entry.model
        summary = Summary(model.date, model.organization, list(model.tags), model.source) if model else None
        return cls(entry.id, entry.path, entry.headline, dict(entry.states), list(entry.problems), summary,
                   list(entry.errors))

    def dump(self) -> dict[str, Any]:
        return {"id": self.id, "headline": self.headline, "states": self.states,
                "problems": [{**asdict(d), "path": str(d.path)} for d in self.problems],
                "model": None if self.model is None else {**asdict(self.model), "date": self.model.date.isoformat()}}

    @classmethod
    def load(cls, path: Path, data: dict[str, Any]) -> Row:
        problems = [Diagnostic(**{**item, "path": Path(item["path"])}) for item in data["problems"]]
        model = data["model"]
        summary = None if model is None else Summary(dt.date.fromisoformat(model["date"]), str(model["organization"]),
                                                     [str(t) for t in model["tags"]], str(model["source"]))
        return cls(str(data["id"]), path, str(data["headline"]), {str(k): str(v) for k, v in data["states"].items()},
                   problems, summary, errors_only(problems))


class IndexCache:
    def __init__(self, workspace: Workspace) -> None:
        self.path = workspace.root / INDEX_FILE
        self.memo = CheckMemo(workspace)
        self.rows: dict[str, dict[str, Any]] = {}
        self.changed = False
        self._orphans: dict[Path, list[str]] = {}
        try:
            if self.path.stat().st_size <= MAX_BYTES:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                if data.get("format") == FORMAT and isinstance(data.get("rows"), dict):
                    self.rows = data["rows"]
        except (OSError, ValueError, RecursionError, AttributeError):
            pass

    def key(self, release: Path) -> str | None:
        """The check memo's key of a release (:meth:`CheckMemo.key`), with the workspace's part and the
        records left without their release worked out once for the whole index, not once per release."""
        data = _read(release)
        if data is None:
            return None
        folder = release.parent
        if folder not in self._orphans:
            self._orphans[folder] = sorted(
                p.name for p in folder.glob("*.segments.json")
                if not p.with_name(p.name[:-len(".segments.json")] + ".yaml").exists())
        return digest(self.memo._workspace_key, data, _read(sidecar_path(release)) or b"", *self._orphans[folder])

    def get(self, release: Path, key: str | None) -> Row | None:
        kept = self.rows.get(str(release))
        if key is None or not isinstance(kept, dict) or kept.get("key") != key:
            return None
        try:
            return Row.load(release, kept["row"])
        except (KeyError, TypeError, ValueError, AttributeError):
            return None

    def put(self, release: Path, key: str | None, row: Row) -> None:
        if key is None:
            return
        self.rows[str(release)] = {"key": key, "row": row.dump()}
        self.changed = True

    def save(self, paths: list[Path]) -> None:
        listed = {str(p) for p in paths}
        gone = set(self.rows) - listed
        for name in gone:
            del self.rows[name]
        if not (self.changed or gone):
            return
        try:
            write_atomic(self.path, json.dumps({"format": FORMAT, "rows": self.rows}, ensure_ascii=False).encode())
        except OSError:
            pass
