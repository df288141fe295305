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
from pressgen.writers.weasy import (
    ImageCache,
    Line,
    blocks_of,
    page_lines,
    page_room,
    use_hanging_spaces,
    use_patterns,
    use_tags,
)

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

# A run of lines ending with a hyphen is at most this long (CSS's hyphenate-limit-lines, which
# WeasyPrint does not implement).
HYPHENATED_LINES = 2


def words_to_keep(document: Document) -> set[tuple[str, str]]:
    """Return (paragraph key, word) of each word the layout broke where a typographer would not:
    at the foot of a page (finished atop the next), as a paragraph's last word, or at the end of a
    third hyphenated line in a row."""
    foot, other = _words_to_keep(page_lines(document))
    return foot | other


def _words_to_keep(pages: list[list[Line]]) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """The words to keep whole: those broken across two pages, and the others (see words_to_keep)."""
    foot, other = set(), set()
    for this, following in itertools.pairwise(pages):
        if this and following and this[-1].paragraph is not None:
            word = _broken(this[-1].text, following[0].text)
            if word:
                foot.add((_key(this[-1].paragraph), word))
    for paragraph, lines in _by_paragraph(pages):
        if len(lines) >= 2:
            last = lines[-1].text.strip()
            # One word, a closing » or a full stop glued to it by a no-break space counting with it.
            word = _broken(lines[-2].text, last) if len(re.split(r"[ \t\n]+", last)) == 1 else None
            if word:
                other.add((_key(paragraph), word))
        run = 0
        for line, following_line in itertools.pairwise(lines):
            run = run + 1 if line.text.endswith(HYPHEN) else 0
            if run > HYPHENATED_LINES:
                word = _broken(line.text, following_line.text.lstrip())
                if word:
                    other.add((_key(paragraph), word))
                run = 0
    return foot, other


def _by_paragraph(pages: list[list[Line]]) -> list[tuple[Any, list[Line]]]:
    by_paragraph: dict[int, tuple[Any, list[Line]]] = {}
    for line in itertools.chain.from_iterable(pages):
        if line.paragraph is not None:
            by_paragraph.setdefault(id(line.paragraph), (line.paragraph, []))[1].append(line)
    return list(by_paragraph.values())


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


# A lead photo lowered to the room left on its page is at least this high (CSS pixels: 60 mm), else
# it goes after the next paragraph instead.
SMALLEST_PHOTO = 60 / 25.4 * 96
# Room at a page's foot worth filling with the next paragraph (CSS pixels: three lines of body text).
LINES_WORTH_FILLING = 3 * 11 * 1.45 * 96 / 72


def _photo_fix(document: Document, view: DocumentView) -> str | DocumentView | None:
    """What to change when the lead photo went whole to the next page, leaving room on the page
    before it: the CSS that lowers it to that room when it is not too little, else the view with
    the photo after the next paragraph (which fills the room); None when nothing is to change."""
    figures = blocks_of(document, "figure", "lead")
    if not figures:
        return None
    where = figures[0][1]
    room = page_room(document)
    if where.page == 0 or where.top > room[where.page][0] + 1:
        return None
    top, bottom, used = room[where.page - 1]
    free = bottom - used
    if free < LINES_WORTH_FILLING:
        return None
    height = free - (where.bottom - where.top - where.replaced_height) - 2
    if where.replaced_height and height >= SMALLEST_PHOTO:
        return f"figure.lead img {{ max-height: {height:.0f}px; }}"
    if len(view.body) > view.lead_length:
        return dataclasses.replace(view, lead_length=view.lead_length + 1)
    return None


def write_pdf(view: DocumentView, fetcher: ConfinedFetcher | None = None) -> Rendered:
    """Return the PDF of ``view``: tagged (PDF/UA-1), with language and title.

    A paragraph's last word is kept whole before the first layout (the hyphenation rules). A word
    hyphenated across two pages or at the end of a third hyphenated line in a row (or a last word
    the rules could not see, inside a foreign phrase) is kept whole and the document laid out
    again; so is a lead photo that went whole to the next page and left room on the page above
    (lowered to fit, or set after the next paragraph). Rare: it costs a second layout only then.
    """
    use_patterns(PATTERNS)  # before any layout: WeasyPrint hyphenates by the patterns hyphenation chose
    use_tags()  # one structure element per element, running header and footer as artifacts
    use_hanging_spaces()  # a line is not broken early because of the space before a span
    generated = {WATERMARK_URL: (watermark_svg(view.labels.draft), "image/svg+xml")} if view.draft else {}
    fetcher = fetcher or ConfinedFetcher(fetch_roots(view.workspace_root), generated, view.workspace_root)
    options = {"pdf_variant": "pdf/ua-1", "pdf_identifier": f"{view.release_id}-{view.lang}".encode(),
               "cache": image_cache(view.workspace_root)}
    rules = view.hyphenation
    kept: set[tuple[str, str]] = set()
    sheets = [stylesheet(view.workspace_root)]
    photo_done = False
    for attempt in range(RELAYOUTS + 1):
        html = HTML(string=render_html(view), base_url=PACKAGED_TEMPLATES.as_uri() + "/",
                    url_fetcher=fetcher)
        document = html.render(stylesheets=sheets, font_config=_fonts(), **options)
        if attempt == RELAYOUTS:
            break
        changed = False
        if not photo_done:
            fix = _photo_fix(document, view)
            if isinstance(fix, str):
                sheets = [*sheets, CSS(string=fix, font_config=_fonts())]
            elif fix is not None:
                view = fix
            photo_done = changed = fix is not None
        foot, other = _words_to_keep(page_lines(document))
        wanted = kept | foot | other
        if wanted != kept:
            kept, changed = wanted, True
            view = dataclasses.replace(view, hyphenation=rules.with_kept_in(kept))
        if not changed:
            break
    buffer = io.BytesIO()
    document.write_pdf(buffer, **options)
    return Rendered(buffer.getvalue(), len(document.pages))
