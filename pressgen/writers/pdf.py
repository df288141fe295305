"""PDF writer: the HTML page printed by WeasyPrint as a tagged PDF/UA document.

Resources are fetched only from the workspace's assets/ and templates/ folders
and the packaged templates: no network, no other file, no redirect.
"""

from __future__ import annotations

import io
import logging
import mimetypes
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..images import IMAGE_TYPES, prepared
from ..localize import DocumentView
from ..resources import PACKAGED_TEMPLATES, find_template
from . import Rendered
from .html import WATERMARK_URL, render_html, watermark_svg

# WeasyPrint logs each refused resource; our fetcher records them instead.
logging.getLogger("weasyprint").setLevel(logging.ERROR)


class ConfinedFetcher(URLFetcher):
    """A URL fetcher that serves local files below the given roots and nothing else."""

    def __init__(self, roots: list[Path], generated: dict[str, tuple[bytes, str]] | None = None) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False, timeout=1)
        self.roots = [root.resolve() for root in roots]
        self.generated = generated or {}  # URL -> (bytes, media type) that pressgen made for this document
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if url in self.generated:
            data, media_type = self.generated[url]
            return URLFetcherResponse(url, data, {"Content-Type": media_type})
        parts = urlsplit(url)
        path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" and not parts.netloc else None
        if path is None or not any(path.is_relative_to(root) for root in self.roots) or not path.is_file():
            self.refused.append(url)
            raise ValueError(f"resource refused: {url}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        # Photos and logos as the DOCX embeds them: large ones down-sampled.
        data = prepared(path) if path.suffix.lower() in IMAGE_TYPES else path.read_bytes()
        return URLFetcherResponse(path.as_uri(), data, {"Content-Type": content_type})


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


def write_pdf(view: DocumentView, fetcher: ConfinedFetcher | None = None) -> Rendered:
    """Return the PDF of ``view``: tagged (PDF/UA-1), with language and title."""
    generated = {WATERMARK_URL: (watermark_svg(view.labels.draft), "image/svg+xml")} if view.draft else {}
    fetcher = fetcher or ConfinedFetcher(fetch_roots(view.workspace_root), generated)
    html = HTML(string=render_html(view), base_url=PACKAGED_TEMPLATES.as_uri() + "/",
                url_fetcher=fetcher)
    options = {"pdf_variant": "pdf/ua-1", "pdf_identifier": f"{view.release_id}-{view.lang}".encode()}
    document = html.render(stylesheets=[stylesheet(view.workspace_root)], font_config=_fonts(), **options)
    buffer = io.BytesIO()
    document.write_pdf(buffer, **options)
    return Rendered(buffer.getvalue(), len(document.pages))
