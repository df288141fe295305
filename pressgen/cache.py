"""The build cache: what each document was made from, so unchanged ones are not rebuilt.

A document's key covers everything its bytes depend on: the release file, the
parts of pressgen.yaml it uses (global settings, its organisation and logo,
its contacts), the templates, the label catalogs of its language, and the
pressgen version. The cache lives in the workspace (``.pressgen/cache.json``)
and also remembers, per release file, what the planner needs to know without
parsing it again (id, languages, tags, translation statuses).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from . import __version__
from .errors import InputError
from .files import write_atomic
from .model import Contact, Release, Workspace
from .resources import catalog_paths, template_dirs
from .safejson import read_json

CACHE_DIR = ".pressgen"
CACHE_FORMAT = 1
MAX_CACHE_BYTES = 64 * 1024 * 1024
# What every entry of the cache must hold for the planner, is_current() and the manifest to trust it.
RELEASE_KEYS: dict[str, type | tuple[type, ...]] = {
    "sha256": str, "id": str, "date": str, "organization": str, "contacts": list, "inline_contacts": list,
    "languages": list, "tags": list, "images": list, "status": dict}
DOCUMENT_KEYS: dict[str, type | tuple[type, ...]] = {
    "key": str, "sha256": str, "size": int, "mtime_ns": int, "release": str, "language": str, "format": str,
    "pages": (int, type(None)), "status": str, "build_seconds": (int, float)}


def digest(*parts: bytes | str) -> str:
    """Return the sha256 hex digest of the parts, each length-prefixed."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


def file_digest(path: Path) -> str:
    """Return the sha256 hex digest of a file's content."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _well_formed(entries: Any, keys: dict[str, type | tuple[type, ...]]) -> bool:
    """Whether ``entries`` maps strings to mappings holding ``keys`` with values of their types."""
    return isinstance(entries, dict) and all(
        isinstance(name, str) and isinstance(entry, dict)
        and all(isinstance(entry.get(key), kind) for key, kind in keys.items())
        for name, entry in entries.items())


def _releases_well_formed(releases: Any) -> bool:
    """Whether every remembered release has the fields and the inner shapes the planner reads."""
    return _well_formed(releases, RELEASE_KEYS) and all(
        all(isinstance(item, str) for item in (*entry["contacts"], *entry["tags"], *entry["images"]))
        and all(isinstance(contact, dict) for contact in entry["inline_contacts"])
        and all(isinstance(lang, str) and lang in entry["status"] for lang in entry["languages"])
        for entry in releases.values())


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


@dataclass
class WorkspaceFingerprints:
    """Digests of the workspace parts documents depend on, computed once per run.

    A campaign asks for the same catalog, organisation and contacts hundreds of
    times; each digest is computed (and each file read) once.
    """

    workspace: Workspace
    _memo: dict[tuple[str, ...], str] = field(default_factory=dict, repr=False)

    def _once(self, key: tuple[str, ...], compute: Callable[[], str]) -> str:
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @cached_property
    def settings(self) -> str:
        config = self.workspace.config
        return digest(_json(config.model_dump(exclude={"organizations", "contacts"})))

    @cached_property
    def templates(self) -> str:
        parts: list[str] = []
        for folder in template_dirs(self.workspace.root):
            for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
                parts += [str(path.relative_to(folder)), file_digest(path)]
        return digest(*parts)

    def catalogs(self, lang: str) -> str:
        return self._once(("catalogs", lang), lambda: digest(
            *(file_digest(path) for path in catalog_paths(self.workspace.root, lang))))

    def organization(self, org_id: str) -> str:
        def compute() -> str:
            org = self.workspace.config.organizations.get(org_id)
            if org is None:
                return "missing"
            logo = self.workspace.root / org.logo if org.logo else None
            return digest(_json(org.model_dump()), file_digest(logo) if logo and logo.is_file() else "")

        return self._once(("organization", org_id), compute)

    def asset(self, relative: str) -> str:
        """The digest of a file of the workspace (a photo): a changed photo rebuilds its documents."""
        path = self.workspace.root / relative
        return self._once(("asset", relative), lambda: file_digest(path) if path.is_file() else "missing")

    def contacts(self, contact_ids: list[str]) -> str:
        known = self.workspace.config.contacts
        return self._once(("contacts", *contact_ids), lambda: digest(
            *(_json(known[c].model_dump()) if c in known else "missing" for c in contact_ids)))


def release_record(release: Release, file_sha: str, languages: list[str]) -> dict[str, Any]:
    """Return what the planner remembers of a valid release file."""
    return {
        "sha256": file_sha,
        "id": release.id,
        "date": release.date.isoformat(),
        "organization": release.organization,
        "contacts": [c for c in release.contacts if isinstance(c, str)],
        "inline_contacts": [c.model_dump() for c in release.contacts if isinstance(c, Contact)],
        "languages": languages,
        "tags": list(release.tags),
        "images": [image.file for image in release.images],
        "status": {lang: release.translation_status(lang) for lang in languages},
    }


def document_key(fingerprints: WorkspaceFingerprints, record: dict[str, Any], lang: str, fmt: str) -> str:
    """Return the key of one document: it changes whenever the document's bytes may change."""
    return digest(__version__, record["sha256"], fingerprints.settings, fingerprints.templates,
                  fingerprints.catalogs(lang), fingerprints.organization(record["organization"]),
                  fingerprints.contacts(record["contacts"]),
                  *(fingerprints.organization(c["organization"]) for c in record["inline_contacts"]
                    if c.get("organization")),
                  *(fingerprints.asset(image) for image in record.get("images", [])),
                  lang, fmt)


class BuildCache:
    """The cache of one workspace, read at the start of a build and saved at its end."""

    def __init__(self, root: Path) -> None:
        self.path = root / CACHE_DIR / "cache.json"
        self.releases: dict[str, dict[str, Any]] = {}
        self.documents: dict[str, dict[str, Any]] = {}
        self.dropped: str | None = None  # why a cache file was there but not used ("cache unreadable: …")
        try:
            data = read_json(self.path, MAX_CACHE_BYTES)
        except FileNotFoundError:
            return  # no cache yet: build as if new
        except (InputError, OSError) as exc:  # damaged, hostile, unreadable: it is ours, so drop it
            reason = exc.diagnostics[0].format() if isinstance(exc, InputError) and exc.diagnostics else str(exc)
            self.dropped = f"cache unreadable: rebuilt ({reason})"
            return
        if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT or data.get("version") != __version__:
            return  # another pressgen's cache: build as if new
        releases, documents = data.get("releases", {}), data.get("documents", {})
        if _releases_well_formed(releases) and _well_formed(documents, DOCUMENT_KEYS):
            self.releases, self.documents = releases, documents
        else:
            self.dropped = f"cache unreadable: rebuilt ({self.path}: entries are not what pressgen writes)"

    def is_current(self, path: Path, key: str) -> bool:
        """Return whether ``path`` exists, was made with ``key`` and was not changed since."""
        entry = self.documents.get(str(path))
        if entry is None or entry.get("key") != key:
            return False
        try:
            stat = path.stat()
        except OSError:
            return False  # deleted by hand
        if stat.st_size == entry["size"] and stat.st_mtime_ns == entry["mtime_ns"]:
            return True
        if stat.st_size != entry["size"] or file_digest(path) != entry["sha256"]:
            return False  # edited by hand
        entry["mtime_ns"] = stat.st_mtime_ns  # touched but the same bytes
        return True

    def record_document(self, path: Path, key: str, sha256: str, size: int, **details: Any) -> None:
        self.documents[str(path)] = {"key": key, "sha256": sha256, "size": size,
                                     "mtime_ns": path.stat().st_mtime_ns, **details}

    def save(self) -> None:
        """Write the cache atomically."""
        data = {"format": CACHE_FORMAT, "version": __version__, "releases": self.releases,
                "documents": self.documents}
        write_atomic(self.path, json.dumps(data, indent=1, sort_keys=True).encode())
