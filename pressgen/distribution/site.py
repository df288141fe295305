"""``pressgen publish``: the static multilingual newsroom, embargo-safe, incremental and atomic.

What goes out is decided by :mod:`pressgen.check.readiness` (the one gate: a language with
errors, stale or unreviewed segments or fact-parity differences stays out, unless
``allow_draft``) and by the clock (``now``): a release before its embargo lifts is in no
public file; it has preview pages under ``preview/TOKEN/`` instead, a random token per
release kept in the workspace's ``.pressgen/previews.json``, marked ``noindex`` and linked
from nowhere.

The site folder is never half-updated: the new state is made in a staging folder beside
it (files that did not change are hard links to the old ones, so they keep their inode and
mtime), then exchanged with the site folder in one ``renameat2(RENAME_EXCHANGE)``. Only files
whose inputs changed are rendered; a publish that changes nothing writes nothing. The site's
own ``.pressgen-site.json`` (every public file's key and digest, and each release's versions)
goes in the same exchange; what is private (preview files) is remembered in ``.pressgen/``.

Layout (every link relative, so the folder works from ``file://``; absolute URLs from
``site: {base_url: ...}`` in hreflang, canonical, Open Graph, JSON-LD, sitemap, feeds and ninjs)::

    index.html                      the choice of language (x-default of the indexes)
    newsroom.css  logos/ORG.png     sitemap.xml (with base_url)
    LANG/index.html, page-N.html    the language's index, newest first
    LANG/tags/TAG.html              the releases with a tag
    LANG/feed.atom                  the language's Atom feed
    LANG/RELEASE.html, RELEASE.json a release's page and its IPTC ninjs
    downloads/RELEASE/…             PDF and DOCX (made by the builder, its cache reused)
    photos/RELEASE/…                each photo in full and at the srcset widths
    preview/TOKEN/…                 an embargoed release, for journalists
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import posixpath
import re
import secrets
import shutil
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pressgen.builder.plan import BuildOptions, build, release_files
from pressgen.check import WorkspaceCache
from pressgen.check.readiness import readiness
from pressgen.distribution import feeds, ninjs
from pressgen.document.localize import DocumentView, language_tag, localize
from pressgen.document.markup import Paragraph, plain_text
from pressgen.errors import Diagnostic, PressgenError, UsageError
from pressgen.files import FolderLock, digest, exchange_folders, file_digest, write_atomic
from pressgen.formats import BY_NAME
from pressgen.resources import PACKAGED_LOCALES, PACKAGED_TEMPLATES, catalog_paths, code_fingerprint, template_dirs
from pressgen.translation.segments import sidecar_path
from pressgen.workspace import outputs
from pressgen.workspace.images import prepared
from pressgen.workspace.model import Release, Workspace, pick
from pressgen.workspace.safejson import read_json
from pressgen.workspace.yamlio import read_regular_file
from pressgen.writers import page as writer
from pressgen.writers.html import blocks_html
from pressgen.writers.page import IndexEntry, Link, PageContext, Photo

SITE_MANIFEST = ".pressgen-site.json"
CACHE_FILE = "publish-cache.json"
BODIES_FILE = "publish-bodies.json"  # each release's body as HTML, read only when a feed is made
PREVIEWS_FILE = "previews.json"
STATE_FORMAT = 1
PHOTO_WIDTHS = (480, 960, 1440)
FEED_ENTRIES = 50
SUMMARY_CHARS = 300
MAX_STATE_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class PublishOptions:
    """How to publish; every field has the default a plain ``pressgen publish`` uses."""

    out: Path | None = None  # the site folder (default: site/ in the workspace)
    now: dt.datetime | None = None  # the clock embargoes are measured against (default: the system's)
    allow_draft: bool = False  # publish languages the gate holds back, marked draft
    downloads: bool = True  # PDF and DOCX downloads, made by the builder (its cache reused)
    jobs: int = 1  # the builder's workers for the downloads


@dataclass
class PublishReport:
    """What a publish did and decided."""

    site: Path
    written: list[str] = field(default_factory=list)  # files made or changed (site-relative)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    published: dict[str, list[str]] = field(default_factory=dict)  # release id -> languages on the site
    held_back: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # id -> lang -> reasons
    drafts: dict[str, list[str]] = field(default_factory=dict)  # published by --allow-draft
    embargoed: dict[str, tuple[dt.datetime, dict[str, str]]] = field(default_factory=dict)  # id -> lift, previews
    corrected: dict[str, dict[str, int]] = field(default_factory=dict)  # id -> lang -> new version
    diagnostics: list[Diagnostic] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # releases with errors
    seconds: float = 0.0
    atomic: bool = True
    base_url: str | None = None  # site: base_url, for the preview links the command prints

    @property
    def ok(self) -> bool:
        return not self.failed and not any(d.severity == "error" for d in self.diagnostics)


# --- what is remembered between runs ----------------------------------------------------------------


def _read_state(path: Path) -> dict[str, Any]:
    """A JSON state file of ours, or {} when missing, unreadable or of another format (then rebuilt)."""
    try:
        data = read_json(path, MAX_STATE_BYTES)
    except (FileNotFoundError, PressgenError, OSError):
        return {}
    return data if isinstance(data, dict) and data.get("format") == STATE_FORMAT else {}


def _dump(data: dict[str, Any]) -> bytes:
    return (json.dumps({"format": STATE_FORMAT, **data}, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode()


# --- one release, read once per version of its files --------------------------------------------------


def _content_digest(release: Release, lang: str) -> str:
    """What a reader of ``lang`` sees of the release, without the translation bookkeeping: a change is a
    correction (a review that changes no word is not)."""
    shared = release.model_dump(mode="json", exclude={"text", "languages"})
    text = release.text[lang].model_dump(mode="json", exclude={"status", "source_hash"})
    return digest(json.dumps([shared, text], sort_keys=True, ensure_ascii=False))


def _summary(view: DocumentView) -> str:
    first = next((block for block in view.body if isinstance(block, Paragraph)), None)
    text = plain_text(first.children) if first else ""
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_CHARS else text[:SUMMARY_CHARS - 1].rstrip() + "…"


def _record(path: Path, workspace: Workspace, views: dict[tuple[Path, str], DocumentView]
            ) -> tuple[dict[str, Any], Release | None]:
    """What publishing needs to know of one release file, from the gate and the localised views (which
    go to ``views``, for the pages made in this run)."""
    verdict = readiness(path, workspace)
    release = verdict.release
    if release is None:
        return {"error": [[str(d.path), d.line, d.col, d.message, d.hint, d.severity]
                          for d in verdict.diagnostics]}, None
    languages: dict[str, Any] = {}
    for lang, state in verdict.languages.items():
        if state.state == "missing":
            continue
        view = views[(path, lang)] = localize(release, workspace, lang, draft=False)
        languages[lang] = {
            "state": state.state, "reasons": state.reasons, "headline": view.headline,
            "subheadline": view.subheadline, "summary": _summary(view),
            "digest": _content_digest(release, lang),
            "org": view.org.name, "dateline": release.text[lang].dateline, "date_text": view.date,
        }
    return {
        "id": release.id, "date": release.date.isoformat(),
        "embargo": release.embargo.isoformat() if release.embargo else None,
        "tags": list(release.tags), "source": release.source, "organization": release.organization,
        "images": [image.file for image in release.images],
        "image_info": [_image_info(workspace.root / image.file) for image in release.images],
        "ready": verdict.ready(False), "ready_draft": verdict.ready(True),
        "held": verdict.held_back(False), "held_draft": verdict.held_back(True),
        "languages": languages,
        "warnings": [[str(d.path), d.line, d.col, d.message, d.hint, d.severity] for d in verdict.diagnostics
                     if d.severity != "error"],
    }, release


def _image_info(path: Path) -> list[Any]:
    image = prepared(path)
    return [image.width, image.height, image.format]


def _diagnostic(item: list[Any]) -> Diagnostic:
    return Diagnostic(Path(item[0]), int(item[1]), int(item[2]), str(item[3]), item[4], item[5])


# --- the site: paths and links ------------------------------------------------------------------------


def _slug(tag: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", tag.lower()).strip("-") or "tag"
    return slug if slug == tag else f"{slug}-{hashlib.sha256(tag.encode()).hexdigest()[:6]}"


def _href(source: str, target: str) -> str:
    """The relative URL from the site file ``source`` to the site file ``target`` (both site-relative,
    normalised: pressgen makes them): down from the source's folder, else up to the top and down."""
    folder = source.rpartition("/")[0]
    if not folder:
        return quote(target)
    if target.startswith(folder + "/"):
        return quote(target[len(folder) + 1:])
    return "../" * (folder.count("/") + 1) + quote(target)


@dataclass
class _Site:
    workspace: Workspace
    base_url: str | None
    now: dt.datetime
    allow_draft: bool

    def url(self, source: str, target: str) -> str:
        """Absolute with a base URL (hreflang, canonical, feeds), else relative to ``source``."""
        return self.base_url + quote(target) if self.base_url else _href(source, target)

    def tag(self, lang: str) -> str:
        return language_tag(self.workspace.config.locale_for(lang))


@dataclass
class _Target:
    """A file of the new site: the digest of everything its bytes depend on, and how to make them."""

    key: str
    make: Callable[[], bytes | None]  # None: could not be made now (its download failed): left out
    private: bool = False  # under preview/: remembered in .pressgen/, never in the public manifest


@dataclass
class _Item:
    """A release going out: its record, languages, clock and (embargoed) preview token."""

    path: Path
    record: dict[str, Any]
    input_key: str
    langs: list[str]
    drafts: set[str]
    public: bool
    lift: dt.datetime | None
    published_at: dt.datetime
    token: str | None = None

    @property
    def id(self) -> str:
        return str(self.record["id"])

    def folder(self) -> str:
        """Where its pages are: the site's root (public) or its preview folder."""
        return "" if self.public else f"preview/{self.token}/"

    def page(self, lang: str) -> str:
        return f"{lang}/{self.id}.html" if self.public else f"preview/{self.token}/{lang}.html"

    def ninjs(self, lang: str) -> str:
        return f"{lang}/{self.id}.json" if self.public else f"preview/{self.token}/{lang}.json"


def _published_at(record: dict[str, Any], workspace: Workspace) -> dt.datetime:
    """datePublished: the embargo's lift, else the release date at midnight in the workspace's time zone."""
    if record["embargo"]:
        return dt.datetime.fromisoformat(record["embargo"])
    day = dt.date.fromisoformat(record["date"])
    zone: dt.tzinfo = dt.UTC
    if workspace.config.timezone:
        from babel.dates import get_timezone

        zone = get_timezone(workspace.config.timezone)
    return dt.datetime.combine(day, dt.time(0), tzinfo=zone)


def _stamp(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- publishing ---------------------------------------------------------------------------------------


def _workspace_key(workspace: Workspace) -> str:
    """Everything of the workspace (not of one release) that any file of the site depends on."""
    parts = [code_fingerprint(), file_digest(workspace.config_path)]
    for folder in [*template_dirs(workspace.root), workspace.root / "assets"]:
        if folder.is_dir():
            for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
                parts += [str(path), file_digest(path)]
    for lang in workspace.config.languages:
        parts += [file_digest(path) for path in catalog_paths(workspace.root, lang)]
    return digest(*parts)


def _input_key(path: Path, workspace_key: str) -> str:
    try:
        sidecar = read_regular_file(sidecar_path(path))
    except PressgenError:
        sidecar = b""
    return digest(workspace_key, read_regular_file(path), sidecar)


def _site_folder(workspace: Workspace, out: Path | None, files: Iterable[Path]) -> Path:
    site = (out if out is not None else workspace.root / "site").absolute()
    sources = [workspace.root / name for name in sorted(outputs.SOURCE_FOLDERS)]
    sources += [PACKAGED_TEMPLATES, PACKAGED_LOCALES, workspace.root / ".pressgen"]
    sources += [path.parent for path in files if path.parent.resolve() != workspace.root.resolve()]
    problem = outputs.folder_problem(site, workspace.root, sources)
    if problem is not None:
        raise UsageError(f"--out {site}: {problem}; the newsroom may not be written there "
                         "(name a folder of its own, such as site/)")
    if site.exists() and not site.is_dir():
        raise UsageError(f"--out {site}: not a folder")
    if site.is_dir() and any(site.iterdir()) and not (site / SITE_MANIFEST).is_file():
        raise UsageError(f"--out {site}: the folder holds files that pressgen did not publish; "
                         "name an empty or new folder (publish replaces the whole folder)")
    return site


def publish(paths: Iterable[Path | str], options: PublishOptions = PublishOptions(),
            on_progress: Callable[[str], None] | None = None) -> PublishReport:
    """Publish the releases under ``paths`` (default the workspace's) as the newsroom; return the report.

    Raises :class:`UsageError` for paths that name nothing, releases of more than one workspace, a site
    folder that may not be written, a ``now`` without time zone; the workspace's own errors as
    :class:`~pressgen.errors.InputError`; :class:`~pressgen.files.BuildLocked` when another publish
    holds the site. Releases with errors are reported and left out; the others are published.
    """
    started = time.perf_counter()
    files = release_files(paths)
    now = options.now or dt.datetime.now(dt.UTC)
    if now.tzinfo is None:
        raise UsageError("--now needs a time zone, e.g. 2017-05-26T10:00:00+02:00 or 2017-05-26T08:00Z")
    workspaces = WorkspaceCache()
    roots: dict[Path, Workspace] = {}
    for path in files:
        workspace = workspaces.for_release(path)
        roots[workspace.root] = workspace
    if len(roots) > 1:
        raise UsageError("the releases belong to more than one workspace; publish one workspace at a time")
    if not roots:
        raise UsageError("no release to publish: name release files or the workspace folder")
    workspace = next(iter(roots.values()))
    site_dir = _site_folder(workspace, options.out, files)
    report = PublishReport(site_dir)
    with FolderLock(site_dir):
        _publish(files, workspace, site_dir, now, options, report, on_progress)
    report.seconds = time.perf_counter() - started
    return report


def _publish(files: list[Path], workspace: Workspace, site_dir: Path, now: dt.datetime, options: PublishOptions,
             report: PublishReport, on_progress: Callable[[str], None] | None) -> None:
    state_dir = workspace.root / ".pressgen"
    cache_path, previews_path = state_dir / CACHE_FILE, state_dir / PREVIEWS_FILE
    workspace_key = _workspace_key(workspace)
    cache = _read_state(cache_path)
    cached: dict[str, Any] = cache.get("releases", {}) if isinstance(cache.get("releases"), dict) else {}
    fresh: dict[str, Any] = {}
    records: list[tuple[Path, str, dict[str, Any]]] = []
    loaded: dict[Path, Release] = {}  # the releases read in this run, for their pages
    views: dict[tuple[Path, str], DocumentView] = {}
    for path in files:
        key = _input_key(path, workspace_key)
        entry = cached.get(str(path))
        if isinstance(entry, dict) and entry.get("key") == key and isinstance(entry.get("record"), dict):
            record = entry["record"]
        else:
            record, release = _record(path, workspace, views)
            if release is not None:
                loaded[path] = release
        fresh[str(path)] = {"key": key, "record": record}
        records.append((path, key, record))
    if fresh != cached:
        write_atomic(cache_path, _dump({"releases": fresh}))

    previews = _read_state(previews_path)
    tokens: dict[str, str] = dict(previews.get("tokens", {})) if isinstance(previews.get("tokens"), dict) else {}
    site = _Site(workspace, workspace.config.site.base_url, now, options.allow_draft)
    report.base_url = site.base_url
    items: list[_Item] = []
    for path, key, record in records:
        if "error" in record:
            report.failed.append(path.stem)
            report.diagnostics += [_diagnostic(item) for item in record["error"]]
            continue
        report.diagnostics += [_diagnostic(item) for item in record.get("warnings", [])]
        rid = record["id"]
        langs = [lang for lang in record["ready_draft" if options.allow_draft else "ready"]
                 if lang in record["languages"]]
        held = record["held_draft" if options.allow_draft else "held"]
        if held:
            report.held_back[rid] = held
        drafts = {lang for lang in langs if lang not in record["ready"]}
        if drafts:
            report.drafts[rid] = sorted(drafts)
        if not langs:
            continue
        lift = dt.datetime.fromisoformat(record["embargo"]) if record["embargo"] else None
        public = lift is None or lift <= now
        item = _Item(path, record, key, langs, drafts, public, lift, _published_at(record, workspace))
        if not public:
            item.token = tokens.setdefault(rid, secrets.token_urlsafe(18))
        items.append(item)
    if tokens != previews.get("tokens"):  # a token is remembered before any page carries it
        write_atomic(previews_path, _dump({"tokens": tokens, "files": previews.get("files", {})}))

    old = _read_state(site_dir / SITE_MANIFEST)
    old_files: dict[str, Any] = old.get("files", {}) if isinstance(old.get("files"), dict) else {}
    old_private: dict[str, Any] = previews.get("files", {}) if isinstance(previews.get("files"), dict) else {}
    versions = _versions(old.get("versions", {}), items, now, report)
    bodies = _Bodies(state_dir / BODIES_FILE)
    maker = _Targets(site, workspace, items, versions, options, report, workspace_key, loaded, views, bodies)
    targets = maker.all()

    plan: dict[str, bytes | None] = {}  # path -> new bytes (None: carried over from the old site)
    keys: dict[str, dict[str, Any]] = {}
    private_keys: dict[str, dict[str, Any]] = {}
    for rel, target in targets.items():
        known = (old_private if target.private else old_files).get(rel)
        existing = site_dir / rel
        if isinstance(known, dict) and known.get("key") == target.key and _same_size(existing, known.get("size")):
            plan[rel] = None
            (private_keys if target.private else keys)[rel] = known
    needed = [rel for rel in targets if rel not in plan]
    maker.downloads = builder = _Downloads(workspace, items, options, report)
    builder.prepare([rel for rel in needed if rel.startswith(("downloads/", "preview/"))] if options.downloads else [])
    for rel in needed:
        target = targets[rel]
        data = target.make()
        if data is None:
            continue
        existing = site_dir / rel
        sha = hashlib.sha256(data).hexdigest()
        entry = {"key": target.key, "sha256": sha, "size": len(data)}
        if _same_bytes(existing, data):
            plan[rel] = None
        else:
            plan[rel] = data
            report.written.append(rel)
        (private_keys if target.private else keys)[rel] = entry
    report.unchanged = sum(1 for data in plan.values() if data is None)
    report.removed = sorted(rel for rel in {*old_files, *old_private} if rel not in plan and (site_dir / rel).exists())
    manifest = {"files": keys, "versions": versions}
    manifest_changed = manifest != {"files": old_files, "versions": old.get("versions", {})}
    if report.written or report.removed or manifest_changed and not site_dir.exists():
        try:
            report.atomic = _switch(site_dir, plan, _dump(manifest), on_progress)
        except OSError as exc:  # a full disk, a read-only folder: the old site is untouched
            raise PressgenError(f"cannot write the site: {exc.strerror or exc}", [Diagnostic(
                site_dir, 1, 1, f"cannot write the site {site_dir}: {exc.strerror or exc}; the site is "
                f"unchanged", "free some space (or make the folder beside it writable) and publish again")]) \
                from None
    elif manifest_changed:  # the same bytes everywhere, only what they were made from is new
        write_atomic(site_dir / SITE_MANIFEST, _dump(manifest))
    bodies.save({item.input_key for item in items}, views, {path: key for path, key, _ in records})
    if private_keys != old_private:
        write_atomic(previews_path, _dump({"tokens": tokens, "files": private_keys}))
    for item in items:
        if item.public:
            report.published[item.id] = item.langs
        else:
            assert item.lift is not None
            report.embargoed[item.id] = (item.lift, {lang: item.page(lang) for lang in item.langs})


def _same_size(path: Path, size: Any) -> bool:
    try:
        return path.stat().st_size == size
    except OSError:
        return False


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def _versions(old: Any, items: list[_Item], now: dt.datetime, report: PublishReport) -> dict[str, Any]:
    """Each public release's version per language: 1 when first published, one more at each change of
    what its readers see (a correction), with the time of the change."""
    versions: dict[str, Any] = {rid: dict(langs) for rid, langs in old.items() if isinstance(langs, dict)} \
        if isinstance(old, dict) else {}
    for item in items:
        if not item.public:
            continue
        mine = versions.setdefault(item.id, {})
        for lang in item.langs:
            content = item.record["languages"][lang]["digest"]
            before = mine.get(lang)
            if not isinstance(before, dict) or not isinstance(before.get("version"), int):
                mine[lang] = {"version": 1, "digest": content, "corrected": None}
            elif before.get("digest") != content:
                mine[lang] = {"version": before["version"] + 1, "digest": content, "corrected": _stamp(now)}
                report.corrected.setdefault(item.id, {})[lang] = before["version"] + 1
    # the site's manifest is public: it names only what is on the site now (a release taken off, or
    # embargoed again, starts at version 1 when it comes back)
    public = {item.id for item in items if item.public}
    return {rid: langs for rid, langs in versions.items() if rid in public}


def _switch(site_dir: Path, plan: dict[str, bytes | None], manifest: bytes,
            on_progress: Callable[[str], None] | None) -> bool:
    """Make the new site in a staging folder beside ``site_dir`` and exchange the two at once.

    An interruption or failure before the exchange leaves the old site as it was (the staging
    folder is removed, or by the next publish). Returns whether the exchange was atomic.
    """
    parent = site_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    for leftover in parent.glob(f".{site_dir.name}.publishing-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    staging = parent / f".{site_dir.name}.publishing-{os.getpid()}"
    try:
        staging.mkdir()
        made: set[str] = set()
        for rel, data in plan.items():
            target = staging / rel
            folder = posixpath.dirname(rel)
            if folder and folder not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(folder)
            if data is None:
                try:
                    os.link(site_dir / rel, target)
                except OSError:
                    shutil.copy2(site_dir / rel, target)
            else:
                target.write_bytes(data)
        if any(rel.startswith("preview/") for rel in plan):
            (staging / "preview").mkdir(exist_ok=True)
            if not (staging / "preview" / "index.html").exists():  # a listing of the folder shows nothing
                (staging / "preview" / "index.html").write_bytes(b"")
        (staging / SITE_MANIFEST).write_bytes(manifest)
        if on_progress:
            on_progress("switching")
        os.sync()  # every new file on disk before the site shows it
        atomic = exchange_folders(staging, site_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(staging, ignore_errors=True)  # now the old site
    return atomic


# --- the files of the site ----------------------------------------------------------------------------


class _Targets:
    """Every file of the new site with its key; the bytes are made only for those whose key changed."""

    def __init__(self, site: _Site, workspace: Workspace, items: list[_Item], versions: dict[str, Any],
                 options: PublishOptions, report: PublishReport, workspace_key: str,
                 loaded: dict[Path, Release], views: dict[tuple[Path, str], DocumentView],
                 bodies: _Bodies) -> None:
        self.site, self.workspace, self.items, self.versions = site, workspace, items, versions
        self.loaded, self.views, self.bodies = loaded, views, bodies
        self.options, self.report, self.workspace_key = options, report, workspace_key
        self.public = sorted((item for item in items if item.public),
                             key=lambda item: (item.published_at, item.id), reverse=True)
        self.languages = list(workspace.config.languages)
        self.targets: dict[str, _Target] = {}
        self.downloads: _Downloads | None = None
        self._lists: dict[tuple[str, str | None], list[_Item]] = {}

    def all(self) -> dict[str, _Target]:
        shared = digest(self.workspace_key, str(self.options.allow_draft), str(self.options.downloads),
                        str(self.site.base_url))
        for item in self.items:
            self._release(item, shared)
        summary = [[item.id, _stamp(item.published_at), item.record["tags"], item.langs, sorted(item.drafts),
                    {lang: [item.record["languages"][lang]["headline"], item.record["languages"][lang]["summary"],
                            self.versions.get(item.id, {}).get(lang)] for lang in item.langs}]
                   for item in self.public]
        everything = digest(shared, json.dumps(summary, sort_keys=True, ensure_ascii=False))
        self.targets["newsroom.css"] = _Target(shared, lambda: writer.stylesheet(self.workspace.root))
        self.targets["index.html"] = _Target(shared, self._chooser)
        for org_id, org in sorted(self.workspace.config.organizations.items()):
            if org.logo and any(item.record["organization"] == org_id for item in self.items):
                logo = self.workspace.root / org.logo
                self.targets[self._logo_path(org_id)] = _Target(shared, partial(_prepared_bytes, logo))
        for lang in self.languages:
            self._indexes(lang, shared)
            self.targets[f"{lang}/feed.atom"] = _Target(
                self._listing_key(shared, lang, self._in(lang)[:FEED_ENTRIES]), partial(self._feed, lang))
        if self.site.base_url:
            self.targets["sitemap.xml"] = _Target(everything, self._sitemap)
        return self.targets

    # -- a release: pages, ninjs, photos, downloads

    def _release(self, item: _Item, shared: str) -> None:
        mine = self.versions.get(item.id, {})
        key = digest(shared, item.input_key, json.dumps([item.langs, sorted(item.drafts), item.public, item.token,
                                                         [mine.get(lang) for lang in item.langs]], sort_keys=True))
        for lang in item.langs:
            self.targets[item.page(lang)] = _Target(key, partial(self._page, item, lang), not item.public)
            self.targets[item.ninjs(lang)] = _Target(key, partial(self._ninjs, item, lang), not item.public)
        for index, image in enumerate(item.record["images"]):
            for rel, width in self._photo_files(item, index, image):
                self.targets[rel] = _Target(digest(shared, image, str(width)),
                                            partial(self._photo, image, width),
                                            not item.public)
        if self.options.downloads:
            for lang in item.langs:
                for fmt in self.workspace.config.formats:
                    rel = self._download_path(item, lang, fmt)
                    self.targets[rel] = _Target(digest(key, lang, fmt), partial(self._download, item, lang, fmt),
                                                not item.public)

    def _download_path(self, item: _Item, lang: str, fmt: str) -> str:
        return f"{item.folder()}downloads/{item.id}/{item.id}.{lang}.{BY_NAME[fmt].extension}"

    def _download(self, item: _Item, lang: str, fmt: str) -> bytes | None:
        assert self.downloads is not None
        return self.downloads.data(item.id, lang, fmt)

    def _photo_files(self, item: _Item, index: int, image: str) -> list[tuple[str, int]]:
        full_width, _, kind = item.record["image_info"][index]
        stem = posixpath.splitext(posixpath.basename(image))[0]
        suffix = ".jpg" if kind == "JPEG" else ".png"
        base = f"{item.folder()}photos/{item.id}/{index + 1}-{stem}"
        files = [(f"{base}-{width}w{suffix}", width) for width in PHOTO_WIDTHS if width < full_width]
        return [*files, (f"{base}{suffix}", 0)]

    def _photo(self, image: str, width: int) -> bytes:
        import io

        from PIL import Image

        source = prepared(self.workspace.root / image)
        if not width:
            return source.data  # upright, no EXIF (no camera or GPS data), at most 2000 pixels a side
        with Image.open(io.BytesIO(source.data)) as picture:
            height = round(source.height * width / source.width)
            smaller = picture.resize((width, height), Image.Resampling.LANCZOS)
            buffer = io.BytesIO()
            smaller.save(buffer, source.format, **({"quality": 82, "optimize": True} if source.format == "JPEG"
                                                  else {"optimize": True}))
            return buffer.getvalue()

    def _logo_path(self, org_id: str) -> str:
        org = self.workspace.config.organizations[org_id]
        suffix = posixpath.splitext(org.logo or "")[1].lower() or ".png"
        return f"logos/{org_id}{'.jpg' if suffix == '.jpeg' else suffix}"

    def _view(self, item: _Item, lang: str) -> DocumentView:
        from pressgen.check import check_release

        view = self.views.get((item.path, lang))
        if view is not None:
            return dataclasses.replace(view, draft=lang in item.drafts)
        release = self.loaded.get(item.path) or check_release(item.path, self.workspace).release
        if release is None:  # changed between reading and now: the next publish reports it
            raise PressgenError(f"{item.path} changed while publishing; publish again")
        self.loaded[item.path] = release  # its other languages' pages read it once
        return localize(release, self.workspace, lang, draft=lang in item.drafts)

    def _alternates(self, item: _Item, source: str) -> tuple[tuple[Link, ...], str | None]:
        links = tuple(Link(self.site.url(source, item.page(lang)) if item.public else _href(source, item.page(lang)),
                           writer.language_name(lang), lang, self.site.tag(lang), item.page(lang) == source,
                           switch=_href(source, item.page(lang)))
                      for lang in item.langs)
        default_lang = item.record["source"] if item.record["source"] in item.langs else item.langs[0]
        x_default = self.site.url(source, item.page(default_lang)) if item.public else None
        return links, x_default

    def _page(self, item: _Item, lang: str) -> bytes:
        view = self._view(item, lang)
        rel = item.page(lang)
        t = writer.words(self.workspace.root, lang)
        alternates, x_default = self._alternates(item, rel)
        words = writer.download_words(t)
        photos = []
        downloads: list[Link] = []
        for index, image in enumerate(item.record["images"]):
            files = self._photo_files(item, index, image)
            source = prepared(self.workspace.root / image)
            srcset = ", ".join(f"{_href(rel, path)} {width or source.width}w" for path, width in files)
            full = Link(_href(rel, files[-1][0]), words["photo"] % {"width": source.width, "height": source.height},
                        media_type=source.media_type)
            middle = next((path for path, width in files if width == 960), files[-1][0])
            photos.append(Photo(_href(rel, middle), srcset, source.width, source.height, full))
        if self.options.downloads:
            for fmt in self.workspace.config.formats:
                path = self._download_path(item, lang, fmt)
                if self.downloads is not None and self.downloads.has(item.id, lang, fmt):
                    downloads.append(Link(_href(rel, path), words.get(fmt, BY_NAME[fmt].title),
                                          media_type=BY_NAME[fmt].media_type))
        downloads += [photo.full for photo in photos]
        record = item.record["languages"][lang]
        version = self.versions.get(item.id, {}).get(lang) or {"version": 1, "corrected": None}
        correction = writer.correction_note(version["version"], dt.datetime.fromisoformat(
            version["corrected"].replace("Z", "+00:00")).date(), view.locale, t) \
            if version.get("corrected") and item.public else None
        org_id = item.record["organization"]
        logo = self._logo_path(org_id) if self.workspace.config.organizations[org_id].logo else None
        title = writer.site_title(pick(self.workspace.config.site.title, lang, fallback=True), t)
        home = f"{lang}/index.html"
        banner = None if item.public or item.lift is None else writer.embargo_banner(
            item.lift, view.locale, self.workspace.config.timezone, t)
        page = PageContext(
            stylesheet=_href(rel, "newsroom.css"),
            home=Link(_href(rel, home), title),
            canonical=self.site.url(rel, rel) if item.public else "",
            alternates=alternates, x_default=x_default,
            logo=_href(rel, logo) if logo else None,
            photos=tuple(photos), downloads=tuple(downloads),
            tags=tuple(Link(_href(rel, f"{lang}/tags/{_slug(tag)}.html"), tag) for tag in item.record["tags"])
            if item.public else (),
            feed=Link(_href(rel, f"{lang}/feed.atom"), self._feed_title(t, title)) if item.public else None,
            ninjs=_href(rel, item.ninjs(lang)),
            json_ld=self._json_ld(item, lang, rel, view, photos, version) if item.public else "",
            meta=self._meta(item, lang, rel, record, photos) if item.public else (),
            description=record["summary"], date_iso=_stamp(item.published_at), noindex=not item.public,
            embargo_banner=banner, correction=correction, version=int(version["version"]), site_name=title)
        return writer.write_page(view, page).data

    def _feed_title(self, t: Any, title: str) -> str:
        # TRANSLATORS: the link to (and title of) a language's Atom feed of the newsroom.
        return str(t.gettext("%(site)s – Atom feed") % {"site": title})

    def _image_urls(self, item: _Item, rel: str, photos: list[Photo]) -> list[str]:
        """The release's photos in full; without photos, the organisation's logo (a NewsArticle has an image)."""
        files = [self._photo_files(item, index, image)[-1][0] for index, image in enumerate(item.record["images"])]
        org_id = item.record["organization"]
        if not files and self.workspace.config.organizations[org_id].logo:
            files = [self._logo_path(org_id)]
        return [self.site.url(rel, path) for path in files]

    def _json_ld(self, item: _Item, lang: str, rel: str, view: DocumentView, photos: list[Photo],
                 version: dict[str, Any]) -> str:
        record = item.record["languages"][lang]
        org_id = item.record["organization"]
        org = self.workspace.config.organizations[org_id]
        publisher: dict[str, Any] = {"@type": "Organization", "name": view.org.name}
        if org.website:
            publisher["url"] = org.website
        if org.logo:
            publisher["logo"] = {"@type": "ImageObject", "url": self.site.url(rel, self._logo_path(org_id))}
        url = self.site.url(rel, rel)
        data: dict[str, Any] = {
            "@context": "https://schema.org", "@type": "NewsArticle", "@id": url, "url": url,
            "mainEntityOfPage": url, "headline": view.headline, "inLanguage": self.site.tag(lang),
            "datePublished": item.published_at.isoformat(),
            "dateModified": version.get("corrected") or item.published_at.isoformat(),
            "description": record["summary"], "publisher": publisher, "author": publisher,
            "version": str(version["version"]),
        }
        if item.record["tags"]:
            data["keywords"] = ", ".join(item.record["tags"])
        images = self._image_urls(item, rel, photos)
        if images:
            data["image"] = images
        source = item.record["source"]
        if lang == source:
            others = [other for other in item.langs if other != lang]
            if others:
                data["workTranslation"] = [{"@type": "NewsArticle", "@id": self.site.url(rel, item.page(other)),
                                            "inLanguage": self.site.tag(other)} for other in others]
        elif source in item.langs:
            data["translationOfWork"] = {"@type": "NewsArticle", "@id": self.site.url(rel, item.page(source)),
                                         "inLanguage": self.site.tag(source)}
        return writer.script_json(data)

    def _meta(self, item: _Item, lang: str, rel: str, record: dict[str, Any],
              photos: list[Photo]) -> tuple[tuple[str, str, str], ...]:
        locale = self.workspace.config.locale_for(lang)
        t = writer.words(self.workspace.root, lang)
        meta = [("property", "og:type", "article"), ("property", "og:title", record["headline"]),
                ("property", "og:description", record["summary"]), ("property", "og:url", self.site.url(rel, rel)),
                ("property", "og:site_name", writer.site_title(pick(self.workspace.config.site.title, lang,
                                                                    fallback=True), t)),
                ("property", "og:locale", locale)]
        meta += [("property", "og:locale:alternate", self.workspace.config.locale_for(other))
                 for other in item.langs if other != lang]
        meta.append(("property", "article:published_time", item.published_at.isoformat()))
        meta += [("property", "article:tag", tag) for tag in item.record["tags"]]
        images = self._image_urls(item, rel, photos)
        for url, photo in zip(images, photos, strict=False):
            meta += [("property", "og:image", url), ("property", "og:image:width", str(photo.width)),
                     ("property", "og:image:height", str(photo.height))]
        if images and not photos:
            meta.append(("property", "og:image", images[0]))
        meta += [("name", "twitter:card", "summary_large_image" if photos else "summary"),
                 ("name", "twitter:title", record["headline"]), ("name", "twitter:description", record["summary"])]
        if images:
            meta.append(("name", "twitter:image", images[0]))
        return tuple(meta)

    def _ninjs(self, item: _Item, lang: str) -> bytes:
        record = item.record["languages"][lang]
        rel = item.ninjs(lang)
        page = item.page(lang)
        version = self.versions.get(item.id, {}).get(lang) or {"version": 1, "corrected": None}
        renditions = [ninjs.Rendition("html", self.site.url(rel, page) if item.public else _href(rel, page),
                                      "text/html")]
        if self.options.downloads and self.downloads is not None:
            for fmt in self.workspace.config.formats:
                data = self.downloads.data(item.id, lang, fmt)
                if data is not None:
                    path = self._download_path(item, lang, fmt)
                    renditions.append(ninjs.Rendition(fmt, self.site.url(rel, path) if item.public
                                                      else _href(rel, path), BY_NAME[fmt].media_type, len(data)))
        for index, image in enumerate(item.record["images"]):
            source = prepared(self.workspace.root / image)
            for path, width in self._photo_files(item, index, image):
                height = round(source.height * width / source.width) if width else source.height
                renditions.append(ninjs.Rendition(
                    f"photo{index + 1}-{width}w" if width else f"photo{index + 1}",
                    self.site.url(rel, path) if item.public else _href(rel, path), source.media_type,
                    width=width or source.width, height=height))
        t = writer.words(self.workspace.root, lang)
        locale = self.workspace.config.locale_for(lang)
        note = writer.correction_note(version["version"], dt.datetime.fromisoformat(
            version["corrected"].replace("Z", "+00:00")).date(), locale, t) if version.get("corrected") else None
        uri = self.site.url(rel, page) if item.public and self.site.base_url else self._entry_id(item, lang)
        versioned = dt.datetime.fromisoformat(version["corrected"].replace("Z", "+00:00")) \
            if version.get("corrected") else item.published_at
        return ninjs.ninjs(uri=uri, language=self.site.tag(lang), headline=record["headline"],
                           subheadline=record["subheadline"], body_html=self._body(item, lang),
                           summary=record["summary"], version=int(version["version"]),
                           first_created=item.published_at, version_created=versioned, embargoed=item.lift,
                           withheld=not item.public, byline=record["org"], located=record["dateline"],
                           subjects=list(item.record["tags"]), renditions=renditions, ednote=note,
                           draft=lang in item.drafts)

    def _body(self, item: _Item, lang: str) -> str:
        """The body as HTML for feeds and ninjs: from this run's view, else remembered (a feed lists
        releases that did not change), else from the release read again."""
        if (item.path, lang) in self.views:
            name = f"{item.input_key}:{lang}"
            if name not in self.bodies.fresh:
                self.bodies.fresh[name] = str(blocks_html(self.views[(item.path, lang)].body))
            return self.bodies.fresh[name]
        remembered = self.bodies.get(item.input_key, lang)
        return remembered if remembered is not None else str(blocks_html(self._view(item, lang).body))

    def _entry_id(self, item: _Item, lang: str) -> str:
        return uuid.uuid5(uuid.NAMESPACE_URL, f"pressgen:{self.workspace.config_path.parent.name}:{item.id}:{lang}"
                          ).urn

    # -- the lists: indexes, tags, feeds, sitemap

    def _in(self, lang: str, tag: str | None = None) -> list[_Item]:
        """The public releases in ``lang`` (with ``tag``), newest first; computed once per list."""
        if (lang, tag) not in self._lists:
            self._lists[(lang, tag)] = [item for item in self.public if lang in item.langs
                                        and (tag is None or tag in item.record["tags"])]
        return self._lists[(lang, tag)]

    def _tags(self, lang: str) -> list[str]:
        return sorted({tag for item in self._in(lang) for tag in item.record["tags"]})

    def _listing_key(self, shared: str, lang: str, items: list[_Item], *extra: Any) -> str:
        """The key of a page that lists ``items``: what it shows of each, and ``extra`` (its pagination,
        the other languages that have it, the tags), so that a change re-renders only the lists it is on."""
        shown = [[item.id, item.page(lang), _stamp(item.published_at), lang in item.drafts, item.input_key,
                  self.versions.get(item.id, {}).get(lang)] for item in items]
        return digest(shared, json.dumps([lang, shown, extra], sort_keys=True, ensure_ascii=False))

    def _index_paths(self, lang: str, tag: str | None, count: int) -> list[str]:
        per = self.workspace.config.site.per_page
        pages = max(1, -(-count // per))
        stem = f"{lang}/tags/{_slug(tag)}" if tag else f"{lang}/index"
        first = f"{stem}.html"
        more = (f"{stem}-{n}.html" if tag else f"{lang}/page-{n}.html" for n in range(2, pages + 1))
        return [first, *more]

    def _indexes(self, lang: str, shared: str) -> None:
        per = self.workspace.config.site.per_page
        tags = self._tags(lang)
        orgs = sorted({item.record["organization"] for item in self.public})  # one: its logo heads the lists
        for tag in (None, *tags):
            listed = self._in(lang, tag)
            paths = self._index_paths(lang, tag, len(listed))
            for number, rel in enumerate(paths, start=1):
                others = [other for other in self.languages
                          if len(self._index_paths(other, tag, len(self._in(other, tag)))) >= number
                          and (not tag or self._in(other, tag))]
                key = self._listing_key(shared, lang, listed[(number - 1) * per:number * per], tag, number,
                                        len(paths), others, tags, orgs)
                self.targets[rel] = _Target(key, partial(self._index, lang, tag, number, rel))

    def _index(self, lang: str, tag: str | None, number: int, rel: str) -> bytes:
        t = writer.words(self.workspace.root, lang)
        per = self.workspace.config.site.per_page
        listed = self._in(lang, tag)
        paths = self._index_paths(lang, tag, len(listed))
        title = writer.site_title(pick(self.workspace.config.site.title, lang, fallback=True), t)
        words = writer.index_words(t)
        heading = words["tag"] % {"tag": f"“{tag}”"} if tag else words["releases"]
        entries = tuple(IndexEntry(_href(rel, item.page(lang)), item.record["languages"][lang]["headline"],
                                   item.record["languages"][lang]["date_text"],
                                   item.record["languages"][lang]["summary"], lang in item.drafts)
                        for item in listed[(number - 1) * per:number * per])
        page_words = t.gettext("Page %(page)s of %(pages)s") % {"page": number, "pages": len(paths)}
        pagination = tuple(Link(_href(rel, path), str(n), current=n == number) for n, path in enumerate(paths, 1))
        alternates = []
        for other in self.languages:
            other_paths = self._index_paths(other, tag, len(self._in(other, tag))) if not tag or self._in(other, tag) \
                else []
            if len(other_paths) >= number:
                target = other_paths[number - 1]
                alternates.append(Link(self.site.url(rel, target), writer.language_name(other), other,
                                       self.site.tag(other), other == lang, switch=_href(rel, target)))
        all_tags = sorted({tag for item in self._in(lang) for tag in item.record["tags"]})
        tag_links = tuple(Link(_href(rel, f"{lang}/tags/{_slug(name)}.html"), name, current=name == tag)
                          for name in all_tags)
        org_ids = {item.record["organization"] for item in self.public}
        logo_org = next(iter(sorted(org_ids)), None) if len(org_ids) == 1 else None
        page = PageContext(
            stylesheet=_href(rel, "newsroom.css"), home=Link(_href(rel, f"{lang}/index.html"), title),
            canonical=self.site.url(rel, rel), alternates=tuple(alternates),
            x_default=self.site.url(rel, "index.html") if not tag and number == 1 else None,
            logo=_href(rel, self._logo_path(logo_org)) if logo_org and
            self.workspace.config.organizations[logo_org].logo else None,
            feed=Link(_href(rel, f"{lang}/feed.atom"), self._feed_title(t, title)), site_name=title)
        return writer.write_index(self.workspace.root, lang, language_tag=self.site.tag(lang), title=title,
                                  heading=heading, entries=entries, page=page, pagination=pagination,
                                  previous=pagination[number - 2] if number > 1 else None,
                                  following=pagination[number] if number < len(pagination) else None,
                                  page_label=page_words if len(paths) > 1 else "",
                                  tags=tag_links)

    def _chooser(self) -> bytes:
        links = []
        for lang in self.languages:
            t = writer.words(self.workspace.root, lang)
            links.append(Link(_href("index.html", f"{lang}/index.html"),
                              writer.site_title(pick(self.workspace.config.site.title, lang, fallback=True), t)
                              + f" ({writer.language_name(lang)})", lang, self.site.tag(lang)))
        alternates = tuple(Link(self.site.url("index.html", f"{lang}/index.html"), "", lang, self.site.tag(lang))
                           for lang in self.languages)
        first = writer.words(self.workspace.root, self.languages[0])
        title = writer.site_title(pick(self.workspace.config.site.title, self.languages[0], fallback=True), first)
        return writer.write_languages(self.workspace.root, title, tuple(links), "newsroom.css", alternates,
                                      self.site.url("index.html", "index.html"))

    def _feed(self, lang: str) -> bytes:
        rel = f"{lang}/feed.atom"
        t = writer.words(self.workspace.root, lang)
        title = writer.site_title(pick(self.workspace.config.site.title, lang, fallback=True), t)
        locale = self.workspace.config.locale_for(lang)
        entries = []
        for item in self._in(lang)[:FEED_ENTRIES]:
            record = item.record["languages"][lang]
            version = self.versions.get(item.id, {}).get(lang) or {"version": 1, "corrected": None}
            updated = dt.datetime.fromisoformat(version["corrected"].replace("Z", "+00:00")) \
                if version.get("corrected") else item.published_at
            content = self._body(item, lang)
            summary = record["summary"]
            if version.get("corrected"):
                note = writer.correction_note(version["version"], updated.date(), locale, t)
                content = f'<p class="correction">{_escape(note)}</p>\n{content}'
                summary = f"{note} {summary}"
            if lang in item.drafts:  # --allow-draft: said wherever the text goes
                draft = t.gettext("Draft – not reviewed")
                content = f'<p class="draft-mark">{_escape(draft)}</p>\n{content}'
                summary = f"{draft}: {summary}"
            entries.append(feeds.FeedEntry(
                id=self._entry_id(item, lang), title=record["headline"], link=self.site.url(rel, item.page(lang)),
                hreflang=self.site.tag(lang), published=item.published_at, updated=updated, summary=summary,
                content_html=content, author=record["org"], categories=tuple(item.record["tags"])))
        feed_id = self.site.url(rel, rel) if self.site.base_url else uuid.uuid5(
            uuid.NAMESPACE_URL, f"pressgen:{self.workspace.config_path.parent.name}:feed:{lang}").urn
        return feeds.atom_feed(feeds.Feed(
            id=feed_id, title=self._feed_title(t, title), language_tag=self.site.tag(lang),
            self_link=self.site.url(rel, rel), page_link=self.site.url(rel, f"{lang}/index.html"), author=title,
            entries=tuple(entries)))

    def _sitemap(self) -> bytes:
        entries = []
        indexes = [(lang, f"{lang}/index.html") for lang in self.languages]
        for _lang, rel in indexes:
            entries.append(feeds.SitemapEntry(self.site.url("", rel), None, tuple(
                (self.site.tag(other), self.site.url("", path)) for other, path in indexes)
                + (("x-default", self.site.url("", "index.html")),)))
        for item in self.public:
            alternates = tuple((self.site.tag(lang), self.site.url("", item.page(lang))) for lang in item.langs)
            default_lang = item.record["source"] if item.record["source"] in item.langs else item.langs[0]
            alternates += (("x-default", self.site.url("", item.page(default_lang))),)
            for lang in item.langs:
                entries.append(feeds.SitemapEntry(self.site.url("", item.page(lang)),
                                                  item.published_at.date(), alternates))
        return feeds.sitemap(entries)


class _Bodies:
    """The body HTML of each release version and language (feeds list releases that did not change),
    kept apart from the release records so that a publish with nothing to do does not read it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._data: dict[str, Any] | None = None
        self.fresh: dict[str, str] = {}  # made in this run

    def _load(self) -> dict[str, Any]:
        if self._data is None:
            bodies = _read_state(self.path).get("bodies")
            self._data = bodies if isinstance(bodies, dict) else {}
        return self._data

    def get(self, key: str, lang: str) -> str | None:
        value = self._load().get(f"{key}:{lang}")
        return value if isinstance(value, str) else None

    def save(self, keys: set[str], views: dict[tuple[Path, str], DocumentView], key_of: dict[Path, str]) -> None:
        """Remember the bodies of this run's views; forget those of release versions no longer published."""
        if not views:
            return
        data = {name: body for name, body in self._load().items() if name.rsplit(":", 1)[0] in keys}
        for (path, lang), view in views.items():
            name = f"{key_of[path]}:{lang}"
            data[name] = self.fresh.get(name) or str(blocks_html(view.body))
        write_atomic(self.path, _dump({"bodies": data}))


def _prepared_bytes(path: Path) -> bytes:
    return prepared(path).data


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _Downloads:
    """The PDF and DOCX of the releases going out, made by the builder into the workspace's output
    folder (so its cache is reused: an unchanged document is not rendered again) and read from there."""

    def __init__(self, workspace: Workspace, items: list[_Item], options: PublishOptions,
                 report: PublishReport) -> None:
        self.workspace, self.items, self.options, self.report = workspace, items, options, report
        self.files: dict[tuple[str, str, str], Path] = {}
        self.built: set[str] = set()

    def prepare(self, needed: list[str]) -> None:
        """Build the documents of every release that has a download among the ``needed`` site files."""
        wanted = [item for item in self.items
                  if any(rel.startswith((f"downloads/{item.id}/", f"preview/{item.token}/downloads/"))
                         for rel in needed)]
        if not wanted:
            return
        result = build([item.path for item in wanted], BuildOptions(
            langs=sorted({lang for item in wanted for lang in item.langs}), jobs=self.options.jobs))
        for outcome in result.outcomes:
            for document, status in outcome.documents:
                if status in ("built", "up-to-date"):
                    self.files[(document.release_id, document.lang, document.format)] = document.path
            self.report.diagnostics += [d for d in outcome.diagnostics if d.severity == "error"]
            self.built.add(outcome.release_id)

    def has(self, rid: str, lang: str, fmt: str) -> bool:
        return (rid, lang, fmt) in self.files or rid not in self.built

    def data(self, rid: str, lang: str, fmt: str) -> bytes | None:
        path = self.files.get((rid, lang, fmt))
        if path is None:
            return None
        try:
            return path.read_bytes()
        except OSError:
            return None
