"""Where the DOCX's lead photo goes, by the PDF's rule (pressgen.writers.pdf): a photo after the lead
that does not fit on the front page is lowered to the room left there when that is at least 60 mm, else
set after the next paragraph; the two documents then have the same front page, and the same pages.

Word and LibreOffice lay out the pages themselves, so the room is an estimate: the front page's text
before the photo as the reference document's styles set it, each word measured in its font and lines
broken greedily without hyphens (at least as many lines as the layout sets, so the photo fits).
Also the fonts' measures for the table's columns (compose.column_widths).
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from functools import lru_cache
from typing import Any

from docx.document import Document as DocxDocument
from docx.enum.text import WD_LINE_SPACING
from docx.shared import Emu, Length, Mm, Pt

from pressgen.document.localize import DocumentView, ImageView
from pressgen.document.markup import Paragraph, plain_text
from pressgen.writers.docx import oxml

# The reference document's font (templates/reference.docx), regular and bold, as fontconfig finds it
# (the file the PDF is set in; Pillow's own search walks every font folder, seconds).
FONT_PATTERNS = ("Liberation Sans:style=Regular", "Liberation Sans:style=Bold")
FONT_UNITS = 1000  # the size the fonts are loaded at: widths in thousandths of an em
NATURAL_LINE = 1.15  # Liberation Sans's own line height, in ems (ascent, descent and gap)
SMALLEST_PHOTO = Mm(60)  # as pressgen.writers.pdf: a lead photo lowered less high goes after the next paragraph
LINES_WORTH_FILLING = 3  # room on the front page, in body lines, worth filling (pressgen.writers.pdf)
SAFETY = Mm(2)  # what the estimate leaves over, for the layout's own rounding
MAX_PHOTO_HEIGHT = Mm(110)  # as release.css's figure img
PHOTO_DPI = 150  # a photo is never set larger than this many pixels an inch make it


def _font_file(pattern: str) -> str | None:
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    try:
        found = subprocess.run([fc_match, "--format=%{file}", pattern], capture_output=True, text=True,
                               timeout=10, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return found or None


@lru_cache(maxsize=1)
def _fonts() -> tuple[Any, ...] | None:
    """The regular and bold font at FONT_UNITS, or None where fontconfig or the fonts are missing."""
    from PIL import ImageFont

    files = [_font_file(pattern) for pattern in FONT_PATTERNS]
    try:
        return tuple(ImageFont.truetype(file, FONT_UNITS) for file in files if file is not None) \
            if all(files) else None
    except OSError:
        return None


def text_width(text: str, size_pt: float, bold: bool = False) -> int | None:
    """The width (EMU) of ``text`` on one line at ``size_pt``, or None without the fonts."""
    fonts = _fonts()
    if fonts is None:
        return None
    return int(fonts[bold].getlength(text) / FONT_UNITS * size_pt * 12700)


@dataclasses.dataclass(frozen=True)
class _Style:
    size: float  # points
    bold: bool
    before: int  # EMU
    after: int
    line: int  # the height of a line (EMU)


def _inherited(style: Any, get: Any) -> Any:
    while style is not None:
        value = get(style)
        if value is not None:
            return value
        style = style.base_style
    return None


FRONT_PAGE_ROLES = ("kind", "date", "embargo", "fact", "headline", "subheadline", "body", "figure", "caption")


def _styles(doc: DocxDocument, style_ids: dict[str, str]) -> dict[str, _Style] | None:
    """The measures of the styles of the roles on the front page (``style_ids``: see styles.style_ids),
    each taken from its base styles where it has none."""
    styles = [oxml.style_by_id(doc, style_ids[role]) for role in FRONT_PAGE_ROLES]
    return None if None in styles else {role: _style(style) for role, style in zip(FRONT_PAGE_ROLES, styles,
                                                                                   strict=True)}


def _style(style: Any) -> _Style:
    size = (_inherited(style, lambda s: s.font.size) or Pt(10)).pt
    bold = bool(_inherited(style, lambda s: s.font.bold))
    before = int(_inherited(style, lambda s: s.paragraph_format.space_before) or 0)
    after = int(_inherited(style, lambda s: s.paragraph_format.space_after) or 0)
    spaced = _inherited(style, lambda s: s if s.paragraph_format.line_spacing is not None else None)
    natural = int(Pt(size * NATURAL_LINE))
    line = natural
    if spaced is not None:
        spacing, rule = spaced.paragraph_format.line_spacing, spaced.paragraph_format.line_spacing_rule
        if isinstance(spacing, Length):
            line = int(spacing) if rule == WD_LINE_SPACING.EXACTLY else max(int(spacing), natural)
        else:
            line = int(natural * spacing)
    return _Style(size, bold, before, after, line)


def _lines(text: str, style: _Style, width: int) -> int | None:
    """How many lines ``text`` takes at most in a column ``width`` wide (EMU): broken greedily between
    words, never within one; None without the fonts."""
    space = text_width(" ", style.size, style.bold)
    if space is None:
        return None
    lines, used = 1, 0
    for word in re.split(r"[ \n]+", text.strip()):
        advance = text_width(word, style.size, style.bold) or 0
        if used and used + space + advance > width:
            lines, used = lines + 1, 0
        used += (space if used else 0) + advance
    return lines


def photo_size(image: ImageView, width: int, max_height: int = MAX_PHOTO_HEIGHT) -> tuple[Length, Length]:
    """A photo's width and height in a column ``width`` wide (EMU): the column's width at most, and never
    larger than PHOTO_DPI makes it, nor higher than ``max_height``."""
    wide = min(width, int(image.width_px / PHOTO_DPI * 914400))
    high = int(wide * image.height_px / image.width_px)
    if high > max_height:
        wide, high = int(wide * max_height / high), max_height
    return Emu(wide), Emu(high)


def place_lead_photo(doc: DocxDocument, style_ids: dict[str, str],
                     view: DocumentView) -> tuple[DocumentView, int]:
    """The view to write (the photo after the next paragraph, or not) and the lead photos' highest
    height (EMU), as the PDF writer would place them on the front page of ``doc``'s section."""
    images = view.images_at("lead")
    if not images or not all(isinstance(block, Paragraph) for block in view.lead):
        return view, MAX_PHOTO_HEIGHT
    section = doc.sections[0]
    width = int(section.page_width - section.left_margin - section.right_margin)  # type: ignore[operator]
    page = int(section.page_height - section.top_margin - section.bottom_margin)  # type: ignore[operator]
    texts: list[tuple[str, str]] = [("kind", view.labels.kind), ("date", view.date),
                                    ("embargo", view.embargo) if view.embargo else ("date", view.release_line)]
    texts += [("fact", f"{label} {value}") for label, value in view.facts]
    texts += [("headline", view.headline)] + ([("subheadline", view.subheadline)] if view.subheadline else [])
    texts += [("body", plain_text(block.children)) for block in view.lead if isinstance(block, Paragraph)]
    styles = _styles(doc, style_ids)
    if styles is None:
        return view, MAX_PHOTO_HEIGHT
    image = images[0]
    caption = " ".join(part for part in (image.caption, image.credit) if part)
    used, after, last = 0, 0, ""
    for role, text in texts:
        style = styles[role]
        lines = _lines(text, style, width)
        if lines is None:
            return view, MAX_PHOTO_HEIGHT  # no fonts to measure with: as before
        # Between two paragraphs the larger of the one's space after and the other's space before;
        # none between two facts (contextual spacing).
        used += (0 if role == last == "fact" else max(after, style.before)) + lines * style.line
        after, last = style.after, role
    figure, caption_style = styles["figure"], styles["caption"]
    caption_lines = _lines(caption, caption_style, width) if caption else 0
    caption_height = max(figure.after, caption_style.before) + (caption_lines or 0) * caption_style.line \
        + caption_style.after if caption else figure.after
    free = page - used - max(after, figure.before) - SAFETY  # the room for the figure
    _, natural = photo_size(image, width)
    room = free - caption_height
    if free < 0 or natural <= room or free < LINES_WORTH_FILLING * styles["body"].line:
        return view, MAX_PHOTO_HEIGHT  # it fits; or the text before it fills the page, and it goes on the next
    if room >= SMALLEST_PHOTO:
        return view, room
    if len(view.body) > view.lead_length:
        return dataclasses.replace(view, lead_length=view.lead_length + 1), MAX_PHOTO_HEIGHT
    return view, MAX_PHOTO_HEIGHT
