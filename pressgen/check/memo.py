"""Each release's check result, remembered on disk and keyed by everything the check read.

``pressgen check`` of a campaign reads hundreds of releases; most did not change since the
last run. A result is reused only when its key is the same: pressgen's own code, the
workspace's settings, catalogs, templates, assets and the installed fonts, the release
file and its segment records. Anything else (a damaged or foreign memo, an unwritable
``.pressgen/``) just means checking again.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from functools import cached_property
from pathlib import Path
from typing import Any

from pressgen.check.glyphs import fonts_fingerprint
from pressgen.errors import Diagnostic, InputError
from pressgen.files import digest, write_atomic
from pressgen.resources import code_fingerprint
from pressgen.translation.segments import sidecar_path
from pressgen.workspace.model import Workspace
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


class CheckMemo:
    """The check results of one workspace's releases, read at the start of a check and saved at its end."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.path = workspace.root / MEMO_FILE
        self.entries: dict[str, dict[str, Any]] = {}
        self.changed = False
        try:
            if self.path.stat().st_size <= MAX_MEMO_BYTES:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                if data.get("format") == MEMO_FORMAT and isinstance(data.get("releases"), dict):
                    self.entries = data["releases"]
        except (OSError, ValueError, RecursionError, AttributeError):
            pass  # none yet, or not one we can read: every release is checked again

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
        orphans = sorted(p.name for p in release.parent.glob("*.segments.json")
                         if not p.with_name(p.name[:-len(".segments.json")] + ".yaml").exists())
        return digest(self._workspace_key, data, _read(sidecar_path(release)) or b"", *orphans)

    def get(self, release: Path, key: str) -> list[Diagnostic] | None:
        """The remembered diagnostics of ``release`` for ``key``, or None when there are none."""
        entry = self.entries.get(str(release))
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        try:
            return [Diagnostic(**{**item, "path": Path(item["path"])}) for item in entry["diagnostics"]]
        except (KeyError, TypeError):
            return None

    def put(self, release: Path, key: str, diagnostics: list[Diagnostic]) -> None:
        self.entries[str(release)] = {"key": key, "diagnostics": [
            {**asdict(d), "path": str(d.path)} for d in diagnostics]}
        self.changed = True

    def save(self) -> None:
        """Write the memo when it changed; a memo that cannot be written is simply not kept."""
        if not self.changed:
            return
        try:
            write_atomic(self.path, json.dumps({"format": MEMO_FORMAT, "releases": self.entries},
                                               ensure_ascii=False).encode())
        except OSError:
            pass
