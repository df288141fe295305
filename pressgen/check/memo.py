"""Each release's check result, remembered on disk and keyed by everything the check read.

``pressgen check`` of a campaign reads hundreds of releases; most did not change since the
last run. A result is reused only when its key is the same: pressgen's own code, the
workspace's settings, catalogs, templates, assets and the installed fonts, the release
file and its segment records. Anything else (a damaged or foreign memo, an unwritable
``.pressgen/``) just means checking again.

Beside a result, an entry may keep what an index of the workspace lists of the release (its
:class:`Summary`) and, under the same key, a reader's own view of the release (the studio's index keeps
its problems there: :mod:`pressgen.studio.index_cache`), so one file remembers every check of a release.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from pressgen.check.glyphs import fonts_fingerprint
from pressgen.errors import Diagnostic, InputError
from pressgen.files import digest, write_atomic
from pressgen.resources import code_fingerprint
from pressgen.translation.segments import sidecar_path
from pressgen.workspace.model import Release, Workspace
from pressgen.workspace.yamlio import read_regular_file

MEMO_FILE = Path(".pressgen") / "check.json"
MEMO_FORMAT = 1
MAX_MEMO_BYTES = 64 * 1024 * 1024  # a memo larger than this is not ours: check again


def _tree(folder: Path) -> str:
    """Names, sizes and modification times of every file under ``folder`` (cheap: no file is read)."""
    entries: list[str] = []
    for base, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            try:
                stat = os.stat(os.path.join(base, name))
            except OSError:
                continue
            entries.append(f"{os.path.relpath(os.path.join(base, name), folder)}:{stat.st_size}:{stat.st_mtime_ns}")
    return digest(*entries)


def _read(path: Path) -> bytes | None:
    """The bytes of a regular file (never blocking on a FIFO or device named like one); None otherwise."""
    try:
        return read_regular_file(path)
    except InputError:
        return None


@dataclass(frozen=True)
class Summary:
    """What an index lists of a release: headline (in its source language), date, organisation, tags,
    source language and each language's state (:func:`pressgen.translation.state.language_states`)."""

    headline: str
    date: dt.date
    organization: str
    tags: list[str]
    source: str
    states: dict[str, str]

    @classmethod
    def of(cls, release: Release, states: dict[str, str]) -> Summary:
        text = release.text.get(release.source)
        return cls(text.headline if text else "", release.date, release.organization, list(release.tags),
                   release.source, dict(states))

    def dump(self) -> dict[str, Any]:
        return {**asdict(self), "date": self.date.isoformat()}

    @classmethod
    def load(cls, data: dict[str, Any]) -> Summary:
        return cls(str(data["headline"]), dt.date.fromisoformat(data["date"]), str(data["organization"]),
                   [str(t) for t in data["tags"]], str(data["source"]),
                   {str(k): str(v) for k, v in data["states"].items()})


def summary_of(release: Release | None, workspace: Workspace) -> Summary | None:
    """The summary of a release that passed its check (None for one that did not: no model to list)."""
    if release is None:
        return None
    from pressgen.translation.state import language_states
    from pressgen.workspace.load import release_languages

    return Summary.of(release, dict(language_states(release, release_languages(release, workspace.config))))


def dump_diagnostics(diagnostics: list[Diagnostic]) -> list[dict[str, Any]]:
    return [{**asdict(d), "path": str(d.path)} for d in diagnostics]


def load_diagnostics(data: list[dict[str, Any]]) -> list[Diagnostic]:
    return [Diagnostic(**{**item, "path": Path(item["path"])}) for item in data]


class CheckMemo:
    """The check results of one workspace's releases, read at the start of a check and saved at its end."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.path = workspace.root / MEMO_FILE
        self.entries: dict[str, dict[str, Any]] = {}
        self.changed = False
        self._orphans: dict[Path, list[str]] = {}
        self._touched: set[str] = set()  # the entries this memo changed or dropped (what a save writes)
        self.entries = self._load()

    def _load(self) -> dict[str, dict[str, Any]]:
        try:
            if self.path.stat().st_size <= MAX_MEMO_BYTES:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                if data.get("format") == MEMO_FORMAT and isinstance(data.get("releases"), dict):
                    return dict(data["releases"])
        except (OSError, ValueError, RecursionError, AttributeError):
            pass  # none yet, or not one we can read: every release is checked again
        return {}

    @cached_property
    def _workspace_key(self) -> str:
        root = self.workspace.root
        return digest(code_fingerprint(), fonts_fingerprint(), _read(self.workspace.config_path) or b"",
                       _read(sidecar_path(self.workspace.config_path)) or b"",  # the workspace texts' states
                       *(_tree(root / folder) for folder in ("locales", "templates", "assets")))

    def key(self, release: Path) -> str | None:
        """The key of a release's result: it changes whenever the check could say something else.

        None for a file that is not a regular file: its check is never remembered.
        """
        data = _read(release)
        if data is None:
            return None
        # Records left beside it by a release renamed without them: the check names them (check/translation.py).
        # Looked for once per folder and memo (a memo lives for one check run, or one index of the studio).
        folder = release.parent
        if folder not in self._orphans:
            self._orphans[folder] = sorted(
                p.name for p in folder.glob("*.segments.json")
                if not p.with_name(p.name[:-len(".segments.json")] + ".yaml").exists())
        return digest(self._workspace_key, data, _read(sidecar_path(release)) or b"", *self._orphans[folder])

    def get(self, release: Path, key: str) -> list[Diagnostic] | None:
        """The remembered diagnostics of ``release`` for ``key``, or None when there are none."""
        entry = self.entries.get(str(release))
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        try:
            return load_diagnostics(entry["diagnostics"])
        except (KeyError, TypeError):
            return None

    def put(self, release: Path, key: str, diagnostics: list[Diagnostic], summary: Summary | None = None) -> None:
        """Remember check's ``diagnostics`` of ``release`` (and its summary, when it passed the check)."""
        self.put_part(release, key, "diagnostics", dump_diagnostics(diagnostics))
        if summary is not None:
            self.put_part(release, key, "summary", summary.dump())

    def summary(self, release: Path, key: str) -> Summary | None:
        """The remembered summary of ``release`` for ``key``, or None."""
        data = self.part(release, key, "summary")
        try:
            return None if data is None else Summary.load(data)
        except (KeyError, TypeError, ValueError, AttributeError):
            return None

    def part(self, release: Path, key: str, name: str) -> Any:
        """One part of the entry of ``release`` (``diagnostics``, ``summary`` or a reader's own), when the
        entry's key is ``key``; None otherwise."""
        entry = self.entries.get(str(release))
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        return entry.get(name)

    def put_part(self, release: Path, key: str, name: str, value: Any) -> None:
        """Keep one part of the entry of ``release``; the entry's other parts stay while its key is the same."""
        entry = self.entries.get(str(release))
        if not isinstance(entry, dict) or entry.get("key") != key:
            entry = self.entries[str(release)] = {"key": key}
        entry[name] = value
        self._touched.add(str(release))
        self.changed = True

    def forget_others(self, releases: list[Path]) -> None:
        """Drop the entries of releases not in ``releases`` (deleted or renamed files)."""
        listed = {str(p) for p in releases}
        for name in [name for name in self.entries if name not in listed]:
            del self.entries[name]
            self._touched.add(name)
            self.changed = True

    def save(self) -> None:
        """Write the memo when it changed; a memo that cannot be written is simply not kept."""
        if not self.changed:
            return
        # What another run wrote meanwhile (the studio's background check, a 'pressgen check') stays: only
        # this memo's own entries are written over the file's.
        entries = self._load()
        for name in self._touched:
            if name in self.entries:
                entries[name] = self.entries[name]
            else:
                entries.pop(name, None)
        try:
            write_atomic(self.path, json.dumps({"format": MEMO_FORMAT, "releases": entries},
                                               ensure_ascii=False).encode())
        except OSError:
            return
        self.entries, self._touched, self.changed = entries, set(), False
