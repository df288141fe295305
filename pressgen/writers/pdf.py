"""PDF writer: the HTML page printed by WeasyPrint as a tagged PDF/UA document.

Resources are fetched only from the workspace's assets/ and templates/ folders
and the packaged templates: no network, no other file, no redirect.
"""

from __future__ import annotations

import dataclasses
import io
import itertools
import logging
import mimetypes
import re
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from pressgen.document.hyphenation import PATTERNS, paragraph_key
from pressgen.document.localize import DocumentView
from pressgen.resources import PACKAGED_TEMPLATES, find_template
from pressgen.workspace.images import IMAGE_TYPES, WORKSPACE_SCHEME, ImageProblem, prepared
from pressgen.writers import Rendered
from pressgen.writers.html import GENERATED_PREFIX, WATERMARK_URL, render_html, watermark_svg
from pressgen.writers.weasy import ImageCache, Line, page_lines, use_patterns

# WeasyPrint logs each refused resource; our fetcher records them instead.
logging.getLogger("weasyprint").setLevel(logging.ERROR)


PREPARED_URL = "pressgen-prepared:image"  # what an image served for a file: URL says it came from


class ConfinedFetcher(URLFetcher):
    """A URL fetcher that serves local files below the given roots and nothing else.

    ``workspace:`` URLs (see images.workspace_url) are files of ``workspace_root``, held to the same
    roots. An image is served as images.prepared makes it, which the DOCX embeds too.
    """

    def __init__(self, roots: list[Path], generated: dict[str, tuple[bytes, str]] | None = None,
                 workspace_root: Path | None = None) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False, timeout=1)
        self.roots = [root.resolve() for root in roots]
        self.generated = generated or {}  # URL -> (bytes, media type) that pressgen made for this document
        self.workspace_root = workspace_root
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if url in self.generated:
            data, media_type = self.generated[url]
            return URLFetcherResponse(url, data, {"Content-Type": media_type})
        path = self._path(url)
        if path is None or not any(path.is_relative_to(root) for root in self.roots) or not path.is_file():
            self.refused.append(url)
            raise ValueError(f"resource refused: {url}")
        if path.suffix.lower() in IMAGE_TYPES:
            try:
                image = prepared(path)
            except ImageProblem:  # the load stage reports the images a release names; this one is not drawn
                self.refused.append(url)
                raise ValueError(f"image refused: {url}") from None
            # Never a file: URL for an image: WeasyPrint would embed the file it names, not these bytes.
            return URLFetcherResponse(url if not url.startswith("file:") else PREPARED_URL, image.data,
                                      {"Content-Type": image.media_type})
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})

    def _path(self, url: str) -> Path | None:
        """The file a file: or workspace: URL names, or None for any other URL."""
        parts = urlsplit(url)
        if parts.scheme == "file" and not parts.netloc:
            return Path(unquote(parts.path)).resolve()
        if url.startswith(WORKSPACE_SCHEME) and self.workspace_root is not None:
            return (self.workspace_root / unquote(parts.path)).resolve()
        return None


def fetch_roots(workspace_root: Path) -> list[Path]:
    """Return the folders a document may read resources from."""
    return [workspace_root / "assets", workspace_root / "templates", PACKAGED_TEMPLATES]


@lru_cache(maxsize=1)
def _fonts() -> FontConfiguration:
    return FontConfiguration()


@lru_cache(maxsize=16)
def _stylesheet(path: Path, mtime_ns: int) -> CSS:
    return CSS(filename=str(path), font_config=_fonts(),
               url_fetcher=ConfinedFetcher([path.parent]))


def stylesheet(workspace_root: Path) -> CSS:
    """Return the parsed print stylesheet, reused across documents of a process."""
    path = find_template(workspace_root, "release.css")
    return _stylesheet(path, path.stat().st_mtime_ns)


# How many times a document is laid out again to keep words broken across pages whole.
RELAYOUTS = 3


def words_to_keep(document: Document) -> set[tuple[str, str]]:
    """Return (paragraph key, word) of each word the layout broke where a typographer would not:
    at the foot of a page (finished atop the next), or as a paragraph's last word."""
    keep = set()
    pages = page_lines(document)
    for this, following in itertools.pairwise(pages):
        if this and following and this[-1].paragraph is not None:
            word = _broken(this[-1].text, following[0].text)
            if word:
                keep.add((_key(this[-1].paragraph), word))
    by_paragraph: dict[int, tuple[Any, list[Line]]] = {}
    for line in itertools.chain.from_iterable(pages):
        if line.paragraph is not None:
            by_paragraph.setdefault(id(line.paragraph), (line.paragraph, []))[1].append(line)
    for paragraph, lines in by_paragraph.values():
        if len(lines) >= 2:
            last = lines[-1].text.strip()
            word = _broken(lines[-2].text, last) if len(last.split()) == 1 else None
            if word:
                keep.add((_key(paragraph), word))
    return keep


HYPHEN = "\u2010"  # WeasyPrint's hyphenate-character


def _broken(line: str, following: str) -> str | None:
    """The word ``line`` ends by hyphenating and ``following`` finishes, if it does."""
    if not line.endswith(HYPHEN):
        return None
    head = re.search(r"\w+$", line[:-len(HYPHEN)])
    tail = re.match(r"\w+", following)
    return head.group() + tail.group() if head and tail else None


def _key(paragraph: Any) -> str:
    return paragraph_key("".join(paragraph.itertext()))


@lru_cache(maxsize=4)
def _image_cache(folder: Path, files: tuple[tuple[str, int, int], ...]) -> ImageCache:
    return ImageCache(never=GENERATED_PREFIX)


def image_cache(workspace_root: Path) -> ImageCache:
    """The image cache for the workspace's assets as they are now, shared by the documents of a
    process (a campaign's releases share their logos); any changed file starts a new one:
    WeasyPrint keys images by URL, which a new version of a file keeps."""
    folder = workspace_root / "assets"
    files = []
    for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
        try:
            stat = path.stat()
        except OSError:
            continue
        files.append((str(path), stat.st_mtime_ns, stat.st_size))
    return _image_cache(folder, tuple(files))


def write_pdf(view: DocumentView, fetcher: ConfinedFetcher | None = None) -> Rendered:
    """Return the PDF of ``view``: tagged (PDF/UA-1), with language and title.

    A word hyphenated across two pages, or a paragraph's last word hyphenated,
    is kept whole and the document laid out again (rare: it costs a second
    layout only then).
    """
    use_patterns(PATTERNS)  # before any layout: WeasyPrint hyphenates by the patterns hyphenation chose
    generated = {WATERMARK_URL: (watermark_svg(view.labels.draft), "image/svg+xml")} if view.draft else {}
    fetcher = fetcher or ConfinedFetcher(fetch_roots(view.workspace_root), generated, view.workspace_root)
    options = {"pdf_variant": "pdf/ua-1", "pdf_identifier": f"{view.release_id}-{view.lang}".encode(),
               "cache": image_cache(view.workspace_root)}
    for attempt in range(RELAYOUTS + 1):
        html = HTML(string=render_html(view), base_url=PACKAGED_TEMPLATES.as_uri() + "/",
                    url_fetcher=fetcher)
        document = html.render(stylesheets=[stylesheet(view.workspace_root)], font_config=_fonts(), **options)
        broken = words_to_keep(document)
        if not broken or attempt == RELAYOUTS:
            break
        view = dataclasses.replace(view, hyphenation=view.hyphenation.with_kept_in(broken))
    buffer = io.BytesIO()
    document.write_pdf(buffer, **options)
    return Rendered(buffer.getvalue(), len(document.pages))
