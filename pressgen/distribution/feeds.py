"""The newsroom's machine-readable lists: one Atom feed (RFC 4287) per language and the sitemap.

Both are built with lxml from plain records the publisher hands in, so that every text is
escaped by the XML library and never by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from lxml import etree

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"


@dataclass(frozen=True)
class FeedEntry:
    """One release in one language, as its feed lists it."""

    id: str  # a stable IRI: the same for every version of the release in this language
    title: str
    link: str
    hreflang: str
    published: dt.datetime
    updated: dt.datetime
    summary: str
    content_html: str
    author: str
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    language_tag: str
    self_link: str
    page_link: str
    author: str
    entries: tuple[FeedEntry, ...] = ()
    updated: dt.datetime | None = None


def _stamp(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ATOM}}}{tag}", {k.rstrip("_"): v for k, v in attributes.items()})
    if text is not None:
        element.text = text
    return element


def atom_feed(feed: Feed) -> bytes:
    """Return the Atom document of ``feed``, its entries in the order given (newest first)."""
    root = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    root.set(XML_LANG, feed.language_tag)
    _sub(root, "id", feed.id)
    _sub(root, "title", feed.title)
    updated = feed.updated or max((e.updated for e in feed.entries), default=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    _sub(root, "updated", _stamp(updated))
    _sub(root, "link", rel="self", type="application/atom+xml", href=feed.self_link)
    _sub(root, "link", rel="alternate", type="text/html", href=feed.page_link)
    author = _sub(root, "author")
    _sub(author, "name", feed.author)
    _sub(root, "generator", "pressgen")
    for entry in feed.entries:
        item = _sub(root, "entry")
        _sub(item, "id", entry.id)
        _sub(item, "title", entry.title)
        _sub(item, "link", rel="alternate", type="text/html", hreflang=entry.hreflang, href=entry.link)
        _sub(item, "published", _stamp(entry.published))
        _sub(item, "updated", _stamp(entry.updated))
        who = _sub(item, "author")
        _sub(who, "name", entry.author)
        for term in entry.categories:
            _sub(item, "category", term=term)
        if entry.summary:
            _sub(item, "summary", entry.summary)
        _sub(item, "content", entry.content_html, type="html")
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


@dataclass(frozen=True)
class SitemapEntry:
    """A page and its versions in the other languages (hreflang tag -> absolute URL, itself included)."""

    loc: str
    lastmod: dt.date | None = None
    alternates: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def sitemap(entries: list[SitemapEntry]) -> bytes:
    """Return sitemap.xml: every public page with its ``xhtml:link`` alternates (absolute URLs)."""
    root = etree.Element(f"{{{SITEMAP}}}urlset", nsmap={None: SITEMAP, "xhtml": XHTML})
    for entry in entries:
        url = etree.SubElement(root, f"{{{SITEMAP}}}url")
        etree.SubElement(url, f"{{{SITEMAP}}}loc").text = entry.loc
        if entry.lastmod is not None:
            etree.SubElement(url, f"{{{SITEMAP}}}lastmod").text = entry.lastmod.isoformat()
        for hreflang, href in entry.alternates:
            etree.SubElement(url, f"{{{XHTML}}}link", rel="alternate", hreflang=hreflang, href=href)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
