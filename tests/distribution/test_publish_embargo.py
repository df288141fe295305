"""Acceptance 2: a release embargoed until T is in no public file of the site before T (its headline, id,
photo names and preview token grepped in every file, photos included), and is there after T; before T
its preview pages for journalists exist under an unguessable URL, marked noindex, with the embargo in
the release's time zone and in UTC."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
from conftest import photo, public_files, site_files
from helpers import run
from lxml import html

RELEASE = "embargo-test-2030"
PHOTO = "assets/harbour-embargo-photo.jpg"
HEADLINES = ("Geheime haven opent in maart", "Un port secret ouvre en mars")
EMBARGOED = f"""\
organization: iom-belgium
date: 2030-03-01
embargo: 2030-03-01T10:00:00+01:00
source: nl
languages: [nl, fr]
contacts: [gdhoop]
tags: [harbour-news]
images:
  - file: {PHOTO}
    alt: {{nl: Een kade bij zonsopgang, fr: Un quai au lever du soleil}}
    caption: {{nl: De nieuwe kade, fr: Le nouveau quai}}
    credit: IOM / Test
text:
  nl:
    headline: {HEADLINES[0]}
    dateline: Antwerpen
    body: |
      Eerste alinea over de haven.
  fr:
    status: reviewed
    headline: {HEADLINES[1]}
    dateline: Anvers
    body: |
      Premier paragraphe sur le port.
"""
BEFORE, AFTER = "2030-03-01T08:59:00Z", "2030-03-01T09:00:00Z"  # T is 09:00 UTC


def _secrets(workspace: Path) -> list[bytes]:
    stem = Path(PHOTO).stem
    # a headline's last word may be tied by a no-break space: its other words are searched as they stand
    return [" ".join(h.split()[:-1]).encode() for h in HEADLINES] + [RELEASE.encode(), stem.encode()]


def test_an_embargoed_release_is_in_no_public_file_before_its_lift_and_everywhere_after(
        newsroom: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    photo(newsroom / PHOTO)
    (newsroom / "releases" / f"{RELEASE}.yaml").write_text(EMBARGOED, encoding="utf-8")
    # its translations (the photo's texts are segments) recorded as reviewed, as a translator's would be
    assert run("translate", str(newsroom / "releases" / f"{RELEASE}.yaml"), "--to", "fr", "--adopt",
               "--allow-embargoed") == 0  # it sends nothing: every translation is current
    site = tmp_path / "site"
    assert run("publish", str(newsroom), "--out", str(site), "--now", BEFORE, "--no-downloads") == 0
    out = capsys.readouterr().out
    assert f"{RELEASE}: embargoed until 2030-03-01T10:00:00+01:00" in out

    token = json.loads((newsroom / ".pressgen" / "previews.json").read_text())["tokens"][RELEASE]
    assert len(token) >= 24  # secrets.token_urlsafe: unguessable
    public = public_files(site)
    assert len(public) > 20
    for rel, data in public.items():
        for secret in [*_secrets(newsroom), token.encode()]:
            assert secret not in data, (rel, secret)
        assert RELEASE not in rel and Path(PHOTO).stem not in rel

    # the preview: every language, noindex, the embargo in Brussels time and UTC, its photos beside it
    previews = {rel: data for rel, data in site_files(site).items() if rel not in public}
    assert f"preview/{token}/nl.html" in previews and f"preview/{token}/fr.html" in previews
    assert f"https://press.example.org/preview/{token}/nl.html" in out  # the link the command gives
    page = html.fromstring(previews[f"preview/{token}/fr.html"])
    assert page.xpath("//meta[@name='robots']/@content") == ["noindex"]
    assert not page.xpath("//link[@rel='canonical']") and not page.xpath("//script[@type='application/ld+json']")
    banner = page.xpath("//p[@class='embargo-banner']")[0].text_content().replace("\u00a0", " ")
    assert banner == ("SOUS EMBARGO JUSQU’AU 1er mars 2030 à 10 h (heure normale d’Europe centrale), "
                      "1er mars 2030 à 9 h UTC"), banner
    for src in page.xpath("//img[@srcset]/@src"):
        assert (site / "preview" / token / src).is_file()
    assert page.xpath("//figcaption//text()")
    ninjs = json.loads(previews[f"preview/{token}/nl.json"])
    assert ninjs["pubstatus"] == "withheld" and ninjs["embargoed"] == "2030-03-01T09:00:00Z"

    assert run("publish", str(newsroom), "--out", str(site), "--now", AFTER, "--no-downloads") == 0
    public = public_files(site)
    everything = b"\n".join(public.values())
    for secret in _secrets(newsroom):
        assert secret in everything, secret
    assert token.encode() not in everything
    assert not (site / "preview" / token).exists()  # the preview is gone with the embargo
    for lang, headline in zip(("nl", "fr"), HEADLINES, strict=True):
        page = html.fromstring(public[f"{lang}/{RELEASE}.html"])
        assert page.xpath("//h1")[0].text_content().replace("\u00a0", " ") == headline
        assert not page.xpath("//meta[@name='robots']")
        feed = feedparser.parse(public[f"{lang}/feed.atom"])
        assert f"https://press.example.org/{lang}/{RELEASE}.html" in [entry.link for entry in feed.entries]
        data = json.loads(page.xpath("//script[@type='application/ld+json']/text()")[0])
        assert data["datePublished"] == "2030-03-01T10:00:00+01:00"  # the lift, not the date
        assert data["image"] and all(url.startswith("https://press.example.org/photos/") for url in data["image"])
        srcset = page.xpath("//img/@srcset")[0]
        assert [part.split()[1] for part in srcset.split(", ")] == ["480w", "960w", "1440w", "1600w"]
    assert b"embargo-test-2030" in public["sitemap.xml"]
