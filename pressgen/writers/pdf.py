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
import unicodedata
from functools import lru_cache
from html import unescape as html_unescape
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
from pressgen.writers.html import (
    GENERATED_PREFIX,
    TEMPLATE,
    WATERMARK_URL,
    WordUses,
    render_html,
    watermark_svg,
)
from pressgen.writers.weasy import (
    SPACE_EM,
    ImageCache,
    Line,
    blocks_of,
    one_word,
    page_lines,
    page_room,
    selector_of,
    use_breaks,
    use_hanging_spaces,
    use_margin_box_reuse,
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


# A foot line whose last word is kept whole (moved to the next page) is stretched: when its word gaps would
# pass this many plain spaces, the paragraph gives the next page one more line instead (its ``widows``),
# so that the word breaks inside a page: the page ends a line short (two, when the paragraph had only its
# two first lines on it and moves whole), as a typographer would rather than set a line that loose.
MAX_GAP = 2.5
AVERAGE_LETTER = 0.5  # the width of a lower-case letter of Liberation Sans, in ems (estimates a word's width)


@dataclasses.dataclass
class Remedies:
    """What the next layout changes to keep words whole: the occurrences of words kept whole, as
    (paragraph key, word, n), and the paragraphs that give the next page more lines (CSS selector ->
    its widows)."""

    kept: set[tuple[str, str, int]] = dataclasses.field(default_factory=set)
    widows: dict[str, int] = dataclasses.field(default_factory=dict)

    def css(self) -> str:
        return "\n".join(f"{selector} {{ widows: {n}; }}" for selector, n in sorted(self.widows.items()))


def words_to_keep(document: Document) -> set[tuple[str, str, int]]:
    """Return (paragraph key, word, n) of each word the layout broke where a typographer would not:
    at the foot of a page (finished atop the next), as a paragraph's last word, or at the end of a
    third hyphenated line in a row."""
    return _remedies(document, page_lines(document)).kept


def _remedies(document: Document, pages: list[list[Line]], runs: bool = True) -> Remedies:
    """What to change for each word broken where a typographer would not (see words_to_keep): keep it
    whole, or, for a word across two pages whose line would be stretched past MAX_GAP without it, give
    the next page one more line of the paragraph. ``runs``: also the third hyphenated lines in a row."""
    found = Remedies()
    paragraphs = {id(paragraph): lines for paragraph, lines in paragraphs_of(pages)}
    for this, following in itertools.pairwise(pages):
        if this and following and this[-1].paragraph is not None:
            line, paragraph = this[-1], this[-1].paragraph
            word = _broken(line.text, following[0].text)
            if word and _gap_if_kept(line) <= MAX_GAP:
                lines = paragraphs[id(paragraph)]
                found.kept.add((_key(paragraph), word, _occurrence(lines, _index(lines, line), word)))
            elif word or (following[0].paragraph is paragraph and _gap(line) > MAX_GAP):
                # The word whole would stretch the line, or the line is stretched already (the next page's
                # first word is kept whole): the page ends at the paragraph's last line above that a foot
                # may end with (whole words, gaps within MAX_GAP), its lines below go to the next page as
                # they are (a line is set the same on either page), or the paragraph goes whole.
                here = [other for other in this if other.paragraph is paragraph]
                on_next = sum(1 for other in following if other.paragraph is paragraph)
                moved = next((m for m in range(1, len(here) - 1) if _good_foot(here[-1 - m])), len(here) - 1)
                selector = selector_of(document, paragraph)
                found.widows[selector] = max(found.widows.get(selector, 2), on_next + moved)
    for paragraph, lines in paragraphs_of(pages):
        if len(lines) >= 2:
            last = lines[-1].text.strip()
            # One word, a closing » or a full stop glued to it by a no-break space counting with it.
            word = _broken(lines[-2].text, last) if len(re.split(r"[ \t\n]+", last)) == 1 else None
            if word:
                found.kept.add((_key(paragraph), word, _occurrence(lines, len(lines) - 2, word)))
        run = 0
        for index, (line, following_line) in enumerate(itertools.pairwise(lines) if runs else ()):
            run = run + 1 if line.text.endswith(HYPHEN) else 0
            if run > HYPHENATED_LINES:
                word = _broken(line.text, following_line.text.lstrip())
                if word:
                    found.kept.add((_key(paragraph), word, _occurrence(lines, index, word)))
                run = 0
    return found


def _gap(line: Line) -> float:
    """The word gaps of a justified line, in plain spaces."""
    return 1 + line.spacing / line.space if line.space else 1.0


def _good_foot(line: Line) -> bool:
    """Whether a page may end with ``line``: no word broken at its end, its gaps within MAX_GAP."""
    return not line.text.endswith(HYPHEN) and _gap(line) <= MAX_GAP


def _gap_if_kept(line: Line) -> float:
    """The word gaps of ``line``, which ends by hyphenating a word, in plain spaces, if the word went
    whole to the next line: the head and its hyphen leave, the line's other gaps share their width."""
    gaps = line.text.strip().count(" ")
    head = re.search(r"\w+$", line.text[:-len(HYPHEN)])
    if gaps < 2 or not head or not line.space:
        return float("inf")
    font_size = line.space / SPACE_EM
    freed = line.space + line.spacing + (len(head.group()) + 1) * AVERAGE_LETTER * font_size
    return 1 + (gaps * line.spacing + freed) / (gaps - 1) / line.space


def _index(lines: list[Line], line: Line) -> int:
    return next(i for i, other in enumerate(lines) if other is line)


def _occurrence(lines: list[Line], index: int, word: str) -> int:
    """Which occurrence of ``word`` in its paragraph (from 0) is the one ``lines[index]`` breaks at its end."""
    text = ""
    for line in lines[:index + 1]:
        text = text[:-len(HYPHEN)] + line.text.lstrip() if text.endswith(HYPHEN) else f"{text} {line.text}"
    return re.findall(r"\w+", text[:-len(HYPHEN)])[:-1].count(word)


def paragraphs_of(pages: list[list[Line]]) -> list[tuple[Any, list[Line]]]:
    """Each paragraph of the laid-out pages with its lines, in order."""
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


_KEPT_SPAN = re.compile(r'<span class="keep">(\w+)</span>')
_JOINING = frozenset("'’‘.:·\u2024\ufe52\uff07\uff0e\u0387\u2027\ufe13\ufe55\uff1a")  # UAX #29 MidLetter, MidNumLet
_TAG = re.compile(r"<[^>]*>")


def kept_by_patterns(markup: str, uses: WordUses, lang: str) -> tuple[str, tuple[str, ...]]:
    """``markup`` without the kept-word spans that Pyphen's per-word cache can replace, and those words.

    A kept word is a ``<span class="keep">`` (``hyphens: manual``), and each span is a text box more for
    WeasyPrint to lay out and draw: a tenth of a release's render went to them. A word whose every use in
    the hyphenated text is kept (``uses``, from :func:`render_html`; lower case, as Pyphen looks words up)
    is kept just as well by an entry without breaks in Pyphen's cache, for the one document
    (:func:`use_breaks`). Only where WeasyPrint sees the same word: the span stays for a word that Pango
    does not take as one (``_`` or CJK inside, in ``lang``), or that a neighbour may join to a longer one
    (an apostrophe, a colon or point between letters, a mark); and all of them stay where another language
    is set on an element that is not a foreign phrase's span.
    """
    if len(re.findall(r"\blang\s*=", markup)) != 1 + markup.count('<span lang="'):
        return markup, ()
    whole = {word for word, (kept, used) in uses.items() if kept and kept == used}
    seen: dict[str, bool] = {}
    for match in _KEPT_SPAN.finditer(markup):
        word = match.group(1).lower()
        if word in whole and not seen.setdefault(match.group(1), one_word(match.group(1), lang)):
            whole.discard(word)
        before = html_unescape(_TAG.split(markup[max(0, match.start() - 24):match.start()])[-1])[-2:]
        after = html_unescape(_TAG.split(markup[match.end():match.end() + 24])[0])[:2]
        if _joins(before[::-1]) or _joins(after):
            whole.discard(word)
    if not whole:
        return markup, ()
    return _KEPT_SPAN.sub(lambda m: m.group(1) if m.group(1).lower() in whole else m.group(0), markup), \
        tuple(sorted(whole))


def _joins(neighbours: str) -> bool:
    """Whether the characters next to a word (the nearest first) make it part of a longer word."""
    if not neighbours:
        return False
    first = neighbours[0]
    if first.isalnum() or first == "_" or unicodedata.category(first) in ("Mn", "Mc", "Me", "Cf"):
        return True
    return first in _JOINING and len(neighbours) > 1 and (neighbours[1].isalnum() or neighbours[1] == "_")


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
    use_margin_box_reuse()  # the running header is laid out once per layout, not on every page
    generated = {WATERMARK_URL: (watermark_svg(view.labels.draft), "image/svg+xml")} if view.draft else {}
    fetcher = fetcher or ConfinedFetcher(fetch_roots(view.workspace_root), generated, view.workspace_root)
    options = {"pdf_variant": "pdf/ua-1", "pdf_identifier": f"{view.release_id}-{view.lang}".encode(),
               "cache": image_cache(view.workspace_root)}
    rules = view.hyphenation
    done = Remedies()
    sheets = [stylesheet(view.workspace_root)]
    photo_done = False
    # Kept words go to Pyphen's cache only for the packaged template and stylesheet, whose hyphenated text
    # is the text the rules see (a workspace's own may hyphenate more).
    packaged = all(find_template(view.workspace_root, name).parent == PACKAGED_TEMPLATES
                   for name in (TEMPLATE, "release.css"))
    whole: tuple[str, ...] = ()
    try:
        for attempt in range(RELAYOUTS + 1):
            uses: WordUses = {}
            markup = render_html(view, uses)
            if packaged:
                markup, whole = kept_by_patterns(markup, uses, view.language_tag)
            # compounds break where the rules prefer, and kept words whose every use is kept never break
            use_breaks(view.lang, (*view.hyphenation.breaks, *((word, ()) for word in whole)))
            html = HTML(string=markup, base_url=PACKAGED_TEMPLATES.as_uri() + "/", url_fetcher=fetcher)
            widows = [CSS(string=done.css(), font_config=_fonts())] if done.widows else []
            document = html.render(stylesheets=[*sheets, *widows], font_config=_fonts(), **options)
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
            # Runs of hyphenated lines are mended once, on the first layout: each word kept whole moves the
            # rest of its paragraph, which makes new runs in dense text, and new breaks across pages.
            found = _remedies(document, page_lines(document), runs=attempt == 0)
            if not found.kept <= done.kept:
                done.kept |= found.kept
                changed = True
                view = dataclasses.replace(view, hyphenation=rules.with_kept_in(done.kept))
            for selector, n in found.widows.items():
                if done.widows.get(selector, 0) < n:
                    done.widows[selector], changed = n, True
            if not changed:
                break
    finally:  # the words kept for this document are not kept for the next one
        use_breaks(view.lang, rules.breaks)
    buffer = io.BytesIO()
    document.write_pdf(buffer, **options)
    return Rendered(buffer.getvalue(), len(document.pages))
