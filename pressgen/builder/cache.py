"""The build cache: what each document was made from, so unchanged ones are not rebuilt.

A document's key covers everything its bytes depend on, which is what
:func:`pressgen.document.localize.localize` and the writers read: the release file and
its photos, the parts of pressgen.yaml it uses (global settings, its
organisation and logo, its contacts and the name and website of each
contact's organisation, every organisation's names, which the body never
hyphenates), the templates (and, when the workspace has templates of its own,
every file of assets/ they may show), the label catalogs of its language, the
installed fonts for a PDF, and the pressgen version. The cache lives in the workspace (``.pressgen/cache.json``)
and also remembers, per release file, what the planner needs to know without
parsing it again (id, languages, tags, translation statuses).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from pressgen.check.glyphs import fonts_fingerprint
from pressgen.errors import InputError
from pressgen.files import digest, file_digest, write_atomic
from pressgen.resources import catalog_paths, code_fingerprint, template_dirs
from pressgen.translation.state import language_states
from pressgen.workspace.model import Contact, Release, Workspace
from pressgen.workspace.safejson import read_json

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
        """The contacts a release names, each with what its block shows of its organisation."""
        known = self.workspace.config.contacts
        return self._once(("contacts", *contact_ids), lambda: digest(
            *(_json(known[c].model_dump()) + self.contact_organization(known[c].organization)
              if c in known else "missing" for c in contact_ids)))

    def contact_organization(self, org_id: str | None) -> str:
        """What a contact block shows of the contact's organisation: its name and website."""
        org = self.workspace.config.organizations.get(org_id) if org_id else None
        return _json({"name": org.name, "website": org.website}) if org else "none"

    @cached_property
    def organization_names(self) -> str:
        """Every organisation's names: the body text of every release never hyphenates them."""
        orgs = self.workspace.config.organizations
        return digest(_json([[org_id, org.name, org.short_name] for org_id, org in sorted(orgs.items())]))

    @cached_property
    def template_assets(self) -> str:
        """The files of assets/ when the workspace has templates of its own, which may show any of them
        (a background, a second logo); the packaged templates show only the logo and the photos."""
        own = self.workspace.root / "templates"
        if not (own.is_dir() and any(p.suffix in (".html", ".css") for p in own.rglob("*") if p.is_file())):
            return ""
        folder = self.workspace.root / "assets"
        return digest(*(part for path in sorted(p for p in folder.rglob("*") if p.is_file())
                        for part in (str(path.relative_to(folder)), file_digest(path))))


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
        "status": language_states(release, languages),
    }


def document_key(fingerprints: WorkspaceFingerprints, record: dict[str, Any], lang: str, fmt: str) -> str:
    """Return the key of one document: it changes whenever the document's bytes may change."""
    return digest(code_fingerprint(), record["sha256"], fingerprints.settings, fingerprints.templates,
                  fingerprints.template_assets, fingerprints.catalogs(lang),
                  fingerprints.organization(record["organization"]), fingerprints.organization_names,
                  fingerprints.contacts(record["contacts"]),
                  *(fingerprints.organization(c["organization"]) for c in record["inline_contacts"]
                    if c.get("organization")),
                  *(fingerprints.asset(image) for image in record.get("images", [])),
                  fonts_fingerprint() if fmt == "pdf" else "",
                  record["status"][lang], lang, fmt)  # the state decides the draft mark


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
        if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT or data.get("code") != code_fingerprint():
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
        data = {"format": CACHE_FORMAT, "code": code_fingerprint(), "releases": self.releases,
                "documents": self.documents}
        write_atomic(self.path, json.dumps(data, indent=1, sort_keys=True).encode())
