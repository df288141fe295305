"""Every save made in the studio is kept, and any kept version can be restored.

Each version of a release (its file and its segment records) is kept under
``.pressgen/history/<release id>/`` with who saved it, when and what; when the workspace is in a
git repository, each save is also a commit of those two files, its author and committer the name
the studio's user gave (the "Your name" field). A restore writes a kept version back through the
safe write-back (:func:`pressgen.files.replace_verified`): refused, writing nothing, when the file
changed since the page was opened.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pressgen.files import locked, replace_verified, write_atomic
from pressgen.studio.edits import digest
from pressgen.translation.segments import sidecar_path

HISTORY_DIR = Path(".pressgen") / "history"
DEFAULT_AUTHOR = "pressgen studio"


@dataclass(frozen=True)
class Version:
    number: int
    at: str  # ISO 8601, UTC
    author: str
    what: str
    digest: str

    @property
    def shown_at(self) -> str:
        return self.at.replace("T", " ").removesuffix("+00:00") + " UTC"


def _folder(root: Path, release_id: str) -> Path:
    return root / HISTORY_DIR / release_id


def versions(root: Path, release_id: str) -> list[Version]:
    """The kept versions of a release, newest first."""
    folder = _folder(root, release_id)
    found = []
    for meta in folder.glob("*.json") if folder.is_dir() else []:
        try:
            data = json.loads(meta.read_text(encoding="utf-8"))
            found.append(Version(int(meta.stem), str(data["at"]), str(data["author"]), str(data["what"]),
                                 str(data["digest"])))
        except (ValueError, KeyError, OSError):
            continue
    return sorted(found, key=lambda v: v.number, reverse=True)


def author_of(name: str | None) -> str:
    cleaned = " ".join("".join(c for c in (name or "") if c.isprintable()).split())[:80]
    return cleaned or DEFAULT_AUTHOR


def record(root: Path, path: Path, author: str, what: str) -> Version | None:
    """Keep the release at ``path`` as it is now (nothing when it is the last version kept)."""
    author = author_of(author)
    with locked(path):
        data = path.read_bytes()
        side = sidecar_path(path)
        records = side.read_bytes() if side.is_file() else None
    release_id = path.stem
    kept = versions(root, release_id)
    version_digest = digest(data + b"\0" + (records or b""))
    if kept and kept[0].digest == version_digest:
        return None
    number = (kept[0].number + 1) if kept else 1
    folder = _folder(root, release_id)
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(folder / f"{number:06d}.yaml", data)
    if records is not None:
        write_atomic(folder / f"{number:06d}.segments.json", records)
    at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    version = Version(number, at, author, what, version_digest)
    write_atomic(folder / f"{number:06d}.json", json.dumps(
        {"at": at, "author": author, "what": what, "digest": version_digest}).encode())
    _commit(root, [path, side], author, f"{release_id}: {what}")
    return version


def restore(root: Path, path: Path, number: int, base: str) -> None:
    """Write kept version ``number`` back; ``base``: the digest of the file the page was opened with."""
    folder = _folder(root, path.stem)
    data = (folder / f"{number:06d}.yaml").read_bytes()
    current = path.read_bytes()
    if digest(current) != base:
        from pressgen.files import changed_on_disk

        raise changed_on_disk(path)
    replace_verified(path, data, original=current)
    kept_records = folder / f"{number:06d}.segments.json"
    side = sidecar_path(path)
    if kept_records.is_file():
        replace_verified(side, kept_records.read_bytes(), original=side.read_bytes() if side.exists() else None)


def _git(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str] | None:
    git = shutil.which("git")
    if git is None:
        return None
    try:
        return subprocess.run([git, "-C", str(root), *args], capture_output=True, text=True, timeout=20,
                              env=env, check=False)
    except (OSError, subprocess.SubprocessError):
        return None


def _commit(root: Path, paths: list[Path], author: str, message: str) -> None:
    """A commit of ``paths`` when the workspace is in a git repository (never of anything else staged)."""
    inside = _git(root, "rev-parse", "--is-inside-work-tree")
    if inside is None or inside.returncode != 0 or inside.stdout.strip() != "true":
        return
    import os

    email = re.sub(r"[^a-z0-9]+", ".", author.lower()).strip(".") or "studio"
    env = {**os.environ, "GIT_AUTHOR_NAME": author, "GIT_COMMITTER_NAME": author,
           "GIT_AUTHOR_EMAIL": f"{email}@pressgen-studio.invalid",
           "GIT_COMMITTER_EMAIL": f"{email}@pressgen-studio.invalid"}
    names = [str(p) for p in paths if p.exists()]
    if not names:
        return
    _git(root, "add", "--", *names, env=env)
    _git(root, "commit", "--quiet", "--no-verify", "-m", message, "--", *names, env=env)
