"""Acceptance 1: on the seeds, `publish` writes a page per release and language whose hreflang set is
complete and reciprocal, whose JSON-LD parses, Atom feeds that parse and list only published releases,
a sitemap with alternates, ninjs beside each page, and the builder's PDF and DOCX as downloads."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import feedparser
import pytest
from conftest import BASE
from helpers import LANGS, SEED_IDS, SEEDS, pdf_text, run
from lxml import etree, html

TAGS = {"nl": "nl-BE", "fr": "fr-BE", "en": "en-GB"}


def _local(url: str, site: Path) -> Path:
    assert url.startswith(BASE), url
    return site / url[len(BASE):]


def _alternates(page: Path) -> dict[str, str]:
    tree = html.parse(str(page))
    return {link.get("hreflang"): link.get("href") for link in tree.xpath("//head/link[@rel='alternate'][@hreflang]")}


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds published once for this module's tests (with their PDF and DOCX downloads)."""
    workspace = tmp_path_factory.mktemp("newsroom") / "ws"
    shutil.copytree(SEEDS, workspace, ignore=shutil.ignore_patterns("dist", ".pressgen"))
    with (workspace / "pressgen.yaml").open("a", encoding="utf-8") as stream:
        stream.write(f'\nsite: {{base_url: "{BASE}"}}\n')
    site = workspace.parent / "site"
    assert run("publish", str(workspace), "--out", str(site), "--now", "2026-01-01T00:00:00Z") == 0
    return site


def test_every_release_and_language_has_a_page_with_complete_reciprocal_hreflang(published: Path) -> None:
    for release in SEED_IDS:
        for lang in LANGS:
            page = published / lang / f"{release}.html"
            alternates = _alternates(page)
            assert set(alternates) == {*TAGS.values(), "x-default"}, (page, alternates)
            assert alternates[TAGS[lang]] == f"{BASE}{lang}/{release}.html"  # the page names itself
            for url in alternates.values():
                target = _local(url, published)
                assert target.is_file(), url
                assert _alternates(target) == alternates, (page, target)  # reciprocal: the same set
            tree = html.parse(str(page))
            assert tree.getroot().get("lang") == TAGS[lang]
            # the language switch: every other language, linked relatively (works from file://)
            switch = tree.xpath("//nav[@class='languages']//a/@href")
            assert sorted(switch) == sorted(f"../{other}/{release}.html" if other != lang else f"{release}.html"
                                            for other in LANGS)


def test_the_json_ld_is_a_news_article_linked_to_its_translations(published: Path) -> None:
    for release in SEED_IDS:
        sources = set()
        for lang in LANGS:
            tree = html.parse(str(published / lang / f"{release}.html"))
            (script,) = tree.xpath("//script[@type='application/ld+json']/text()")
            data = json.loads(script)
            assert data["@type"] == "NewsArticle" and data["inLanguage"] == TAGS[lang]
            assert data["headline"] == tree.xpath("//h1")[0].text_content()
            assert data["publisher"]["@type"] == "Organization" and data["publisher"]["name"]
            assert data["datePublished"][:4].isdigit() and data["url"] == f"{BASE}{lang}/{release}.html"
            if "workTranslation" in data:
                sources.add(lang)
                assert {t["inLanguage"] for t in data["workTranslation"]} == set(TAGS.values()) - {TAGS[lang]}
            else:
                sources.add(data["translationOfWork"]["@id"])
            meta = {m.get("property") or m.get("name"): m.get("content") for m in tree.xpath("//meta")}
            assert meta["og:url"] == data["url"] and meta["og:title"] and meta["twitter:card"]
        assert len(sources) == 2, sources  # the source page, and every translation points to it


def test_the_atom_feeds_parse_and_list_every_published_release(published: Path) -> None:
    for lang in LANGS:
        raw = (published / lang / "feed.atom").read_bytes()
        feed = feedparser.parse(raw)
        assert not feed.bozo, feed.bozo_exception
        assert etree.fromstring(raw).get("{http://www.w3.org/XML/1998/namespace}lang") == TAGS[lang]
        links = sorted(entry.link for entry in feed.entries)
        assert links == sorted(f"{BASE}{lang}/{release}.html" for release in SEED_IDS)
        assert all(entry.id and entry.published and entry.updated for entry in feed.entries)


def test_the_sitemap_lists_each_page_with_its_alternates(published: Path) -> None:
    tree = etree.parse(str(published / "sitemap.xml"))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    locs = tree.xpath("//s:url/s:loc/text()", namespaces=ns)
    for release in SEED_IDS:
        for lang in LANGS:
            url = f"{BASE}{lang}/{release}.html"
            assert url in locs
            (entry,) = tree.xpath(f"//s:url[s:loc='{url}']", namespaces=ns)
            alternates = {link.get("hreflang"): link.get("href") for link in entry.xpath("x:link", namespaces=ns)}
            assert alternates == _alternates(published / lang / f"{release}.html")


def test_ninjs_beside_each_page_with_renditions_and_the_builders_documents(published: Path) -> None:
    for release in SEED_IDS:
        for lang in LANGS:
            item = json.loads((published / lang / f"{release}.json").read_text(encoding="utf-8"))
            page = html.parse(str(published / lang / f"{release}.html"))
            assert item["headline"] == page.xpath("//h1")[0].text_content()
            assert item["language"] == TAGS[lang] and item["pubstatus"] == "usable" and item["version"] == "1"
            assert item["type"] == "text" and "<p>" in item["body_html"]
            renditions = item["renditions"]
            assert {"html", "pdf", "docx"} <= set(renditions)
            for name in ("pdf", "docx"):
                assert _local(renditions[name]["href"], published).stat().st_size == renditions[name]["sizeinbytes"]
    # the download is the builder's PDF of that release and language
    release = SEED_IDS[0]
    pdf = published / "downloads" / release / f"{release}.fr.pdf"
    page = html.parse(str(published / "fr" / f"{release}.html"))
    assert f"../downloads/{release}/{release}.fr.pdf" in page.xpath("//section[@class='downloads']//a/@href")
    words = page.xpath("//h1")[0].text_content().split()[:3]
    assert " ".join(words) in " ".join(pdf_text(pdf).split())


def test_the_indexes_list_releases_newest_first_with_tags_and_pages(published: Path) -> None:
    for lang in LANGS:
        index = html.parse(str(published / lang / "index.html"))
        dates = index.xpath("//ol[@class='entries']/li//a/@href")
        assert len(dates) == len(SEED_IDS)
        published_at = [json.loads((published / lang / href.replace(".html", ".json")).read_text())["firstcreated"]
                        for href in dates]
        assert published_at == sorted(published_at, reverse=True)
        tags = index.xpath("//section[@class='tags']//a/@href")
        assert tags and all((published / lang / href).is_file() for href in tags)
    assert (published / "index.html").is_file()  # the choice of language, the indexes' x-default
