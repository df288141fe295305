"""Newsroom page writer: a DocumentView as one page of the static newsroom (``pressgen publish``).

The page reads the same localised view as the PDF and the DOCX, so its headline,
facts, photos' words, boilerplate and contact block are the documents' own. What only
a web page has (links to the other languages, the photos' sizes, the downloads, the
machine-readable metadata) comes in a :class:`PageContext` that the publisher builds;
without one (``get_writer("page")(view)``) the page stands alone. Templates live under
``templates/newsroom/`` and run in the writers' sandbox, a workspace's own first.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from babel import Locale
from babel.dates import format_time, get_timezone
from babel.support import Translations

from pressgen.document.hyphenation import Rules
from pressgen.document.localize import DocumentView, embargo_time, long_date
from pressgen.errors import RenderError
from pressgen.resources import catalog_paths
from pressgen.workspace.labels import translations
from pressgen.writers import Rendered
from pressgen.writers.html import environment, template_diagnostic, template_view

PAGE_TEMPLATE = "newsroom/page.html"
INDEX_TEMPLATE = "newsroom/index.html"
CHOOSER_TEMPLATE = "newsroom/languages.html"
STYLESHEET = "newsroom/newsroom.css"


@dataclass(frozen=True)
class Link:
    """A link as a template writes it: where to, the words, and the language and tag of its target."""

    href: str
    text: str = ""
    lang: str = ""  # the target's language code (hreflang), when it is in another language
    tag: str = ""  # its BCP 47 tag (nl-BE), for hreflang and the link's lang attribute
    current: bool = False  # the page itself (the language switch marks it)
    media_type: str = ""
    switch: str = ""  # the same target relative to the page, for the language switch (href may be absolute)


@dataclass(frozen=True)
class Photo:
    """One photo of the page: its sizes (srcset, largest last) and the full-resolution download."""

    src: str
    srcset: str
    width: int
    height: int
    full: Link


@dataclass(frozen=True)
class PageContext:
    """What a newsroom page has beyond the view; every URL already relative to the page (or absolute)."""

    stylesheet: str
    home: Link  # the language's index
    canonical: str
    alternates: tuple[Link, ...] = ()  # hreflang: every published language of the release (the page too)
    x_default: str | None = None
    logo: str | None = None
    photos: tuple[Photo, ...] = ()  # one per view.images, in their order
    downloads: tuple[Link, ...] = ()
    tags: tuple[Link, ...] = ()
    feed: Link | None = None
    ninjs: str | None = None
    json_ld: str = ""  # serialised NewsArticle, safe inside <script>
    meta: tuple[tuple[str, str, str], ...] = ()  # (attribute, name, content): Open Graph and Twitter card
    description: str = ""
    date_iso: str = ""
    noindex: bool = False
    embargo_banner: str | None = None  # preview pages: "EMBARGOED UNTIL …"
    correction: str | None = None
    version: int = 1
    site_name: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def script_json(value: Any) -> str:
    """Return ``value`` as JSON that can stand inside ``<script>``: no ``</`` to end it early."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True).replace("</", "<\\/").replace("<!--", "<\\!--")


class WebRules(Rules):
    """The body's rules on a web page: only the phrases in another language are marked (``lang``, which
    screen readers follow); words kept whole are a matter of the printed page's line breaks."""

    def pieces(self, text: str, start: int = 0) -> list[tuple[str, str | None]]:
        languages = dict(self.foreign)
        out: list[tuple[str, str | None]] = []
        position = 0
        for match in self._pattern.finditer(text) if self._pattern else ():
            if match.lastgroup == "foreign":
                out += [(text[position:match.start()], None), (match.group(), languages[match.group()])]
                position = match.end()
        out.append((text[position:], None))
        return [piece for piece in out if piece[0]]


@lru_cache(maxsize=32)
def _words(workspace_root: Path | None, lang: str, versions: tuple[int, ...]) -> Translations:
    return translations(workspace_root, lang)


def words(workspace_root: Path | None, lang: str) -> Translations:
    """The label translations of ``lang`` (see :func:`pressgen.workspace.labels.translations`), made once
    per version of the catalogs: a site has thousands of pages in a few languages."""
    return _words(workspace_root, lang, tuple(path.stat().st_mtime_ns for path in catalog_paths(workspace_root, lang)))


def _render(template_name: str, workspace_root: Path | None, words_lang: str, **values: Any) -> str:
    env = environment(workspace_root)
    t = words(workspace_root, words_lang)
    try:
        return env.get_template(template_name).render(gettext=t.gettext, ngettext=t.ngettext, _=t.gettext,
                                                      **values)
    except jinja2.TemplateError as exc:
        raise RenderError("template failed", [template_diagnostic(exc, workspace_root)]) from None
    except Exception as exc:  # a workspace's template's fault, at its line; the packaged one failing is a bug
        diagnostic = template_diagnostic(exc, workspace_root)
        own = workspace_root / "templates" if workspace_root else None
        if own is None or not diagnostic.path.resolve().is_relative_to(own.resolve()):
            raise
        raise RenderError("template failed", [diagnostic]) from None


def write_page(view: DocumentView, page: PageContext | None = None) -> Rendered:
    """Return the newsroom page of ``view`` (UTF-8 HTML); standalone when no ``page`` context is given.

    Raises :class:`RenderError` naming the template and line when a workspace's template fails.
    """
    page = page or PageContext(stylesheet="newsroom.css", home=Link("index.html"), canonical="")
    view = dataclasses.replace(view, hyphenation=WebRules((), view.hyphenation.foreign, lang=view.lang))
    html = _render(PAGE_TEMPLATE, view.workspace_root, view.lang, view=template_view(view), page=page)
    return Rendered(html.encode())


@dataclass(frozen=True)
class IndexEntry:
    """A release as an index lists it."""

    href: str
    headline: str
    date: str
    summary: str
    draft: bool = False


def write_index(workspace_root: Path | None, lang: str, *, language_tag: str, title: str, heading: str,
                entries: tuple[IndexEntry, ...], page: PageContext, pagination: tuple[Link, ...] = (),
                previous: Link | None = None, following: Link | None = None, page_label: str = "",
                tags: tuple[Link, ...] = ()) -> bytes:
    """Return one page of a language's index (or of a tag's), newest first as ``entries`` come."""
    return _render(INDEX_TEMPLATE, workspace_root, lang, lang=lang, language_tag=language_tag, title=title,
                   heading=heading, entries=entries, page=page, pagination=pagination, previous=previous,
                   following=following, page_label=page_label, tags=tags).encode()


def write_languages(workspace_root: Path | None, title: str, languages: tuple[Link, ...],
                    stylesheet: str, alternates: tuple[Link, ...], self_href: str = "index.html") -> bytes:
    """Return the site's front page: the choice of language, each named in itself (the x-default)."""
    return _render(CHOOSER_TEMPLATE, workspace_root, languages[0].lang if languages else "en", title=title,
                   languages=languages, stylesheet=stylesheet, alternates=alternates, self_href=self_href,
                   noindex=False).encode()


def stylesheet(workspace_root: Path | None) -> bytes:
    """Return the newsroom's style sheet: the workspace's templates/newsroom/newsroom.css, else the packaged."""
    from pressgen.resources import find_template

    return find_template(workspace_root, STYLESHEET).read_bytes()


# --- words only the newsroom has -------------------------------------------------------------------


def language_name(lang: str) -> str:
    """The language's name in itself ("Nederlands", "français", "English")."""
    try:
        name = Locale.parse(lang).get_display_name(lang) or lang
    except (ValueError, LookupError):
        return lang
    return name[:1].upper() + name[1:]


def site_title(title: str | None, t: Translations) -> str:
    # TRANSLATORS: the name of the newsroom site when pressgen.yaml gives none (site: title:).
    return title or t.gettext("Newsroom")


def embargo_banner(when: dt.datetime, locale: str, timezone: str | None, t: Translations) -> str:
    """"EMBARGOED UNTIL 26 May 2017 at 10:00 (Central European Summer Time), 08:00 UTC" in the language:
    the release's time zone (the workspace's, else the embargo's own offset) and UTC."""
    if timezone:
        zone = get_timezone(timezone)
        local = when.astimezone(zone)
        zone_name = format_time(local, "zzzz", tzinfo=zone, locale=locale)
    else:
        local = when
        offset = when.strftime("%z")
        zone_name = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    utc = when.astimezone(dt.UTC)
    moment = t.gettext("%(date)s at %(time)s") % {"date": long_date(local.date(), locale),
                                                  "time": embargo_time(local, locale, t)}
    utc_moment = t.gettext("%(date)s at %(time)s") % {"date": long_date(utc.date(), locale),
                                                      "time": embargo_time(utc, locale, t)}
    # TRANSLATORS: the banner of an embargoed preview page; local is date and time in the release's time
    # zone (zone is its name), utc the same moment in UTC. In capitals, as embargo notices are written.
    return t.gettext("EMBARGOED UNTIL %(local)s (%(zone)s), %(utc)s UTC") % {
        "local": moment, "zone": zone_name, "utc": utc_moment}


def correction_note(version: int, corrected: dt.date, locale: str, t: Translations) -> str:
    """The note on a corrected release: when, and which version the reader sees."""
    # TRANSLATORS: the note on a release changed after it was published; date is the day of the change.
    return t.gettext("Corrected on %(date)s: this is version %(version)s of this release, which replaces "
                     "the earlier one.") % {"date": long_date(corrected, locale), "version": version}


def download_words(t: Translations) -> dict[str, str]:
    """The names of the downloads in the language, by what they are."""
    return {
        # TRANSLATORS: a download link of the release as a PDF document.
        "pdf": t.gettext("PDF document"),
        # TRANSLATORS: a download link of the release as an editable Word document.
        "docx": t.gettext("Word document (DOCX)"),
        # TRANSLATORS: a download link of a photo at full size; width and height in pixels.
        "photo": t.gettext("Photo in full resolution (%(width)s × %(height)s pixels)"),
    }


def index_words(t: Translations) -> dict[str, str]:
    return {
        # TRANSLATORS: the heading of a language's index of the newsroom.
        "releases": t.gettext("Press releases"),
        # TRANSLATORS: the heading of the index of the releases with one tag.
        "tag": t.gettext("Releases tagged %(tag)s"),
    }
