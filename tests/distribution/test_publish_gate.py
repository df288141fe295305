"""Acceptance 3: only the languages the readiness gate lets through are published: a release with a
stale French segment is published in Dutch and English only, and the command says why French was left
out; --allow-draft publishes it, and the page says draft."""

from __future__ import annotations

import re
from pathlib import Path

import feedparser
from helpers import run
from lxml import html

from pressgen.check import check_release, check_workspace

RELEASE = "iom-20km-brussels-2017"
NOW = "2026-01-01T00:00:00Z"


def _stale_french(workspace: Path) -> None:
    """Change a Dutch paragraph; the English translation is reviewed against the change, the French not."""
    path = workspace / "releases" / f"{RELEASE}.yaml"
    text = path.read_text(encoding="utf-8").replace("Voor het eerst dit jaar", "Dit jaar voor het eerst", 1)
    path.write_text(text, encoding="utf-8")
    release = check_release(path, check_workspace(workspace)).release
    assert release is not None
    lines, lang = [], None
    for line in text.split("\n"):
        if (found := re.match(r"^  (nl|fr|en):$", line)):
            lang = found.group(1)
        if lang == "en" and "source_hash:" in line:
            line = re.sub(r"source_hash: .*", f'source_hash: "{release.source_hash()}"', line)
        lines.append(line)
    path.write_text("\n".join(lines), encoding="utf-8")


def test_a_stale_french_segment_keeps_french_out_and_the_command_says_why(
        newsroom: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    _stale_french(newsroom)
    site = tmp_path / "site"
    assert run("publish", str(newsroom), "--out", str(site), "--now", NOW, "--no-downloads") == 0
    out = capsys.readouterr().out
    assert f"{RELEASE}: fr left out: the fr text is stale: 1 of 13 segments not reviewed against the nl text" \
        in out, out
    assert (site / "nl" / f"{RELEASE}.html").is_file() and (site / "en" / f"{RELEASE}.html").is_file()
    assert not (site / "fr" / f"{RELEASE}.html").exists() and not (site / "fr" / f"{RELEASE}.json").exists()
    page = html.parse(str(site / "nl" / f"{RELEASE}.html"))
    assert set(page.xpath("//head/link[@hreflang]/@hreflang")) == {"nl-BE", "en-GB", "x-default"}
    assert RELEASE not in (site / "fr" / "index.html").read_text(encoding="utf-8")
    assert all(RELEASE not in e.link for e in feedparser.parse((site / "fr" / "feed.atom").read_bytes()).entries)
    assert f"fr/{RELEASE}.html".encode() not in (site / "sitemap.xml").read_bytes()

    assert run("publish", str(newsroom), "--out", str(site), "--now", NOW, "--no-downloads", "--allow-draft") == 0
    out = capsys.readouterr().out
    assert f"{RELEASE}: fr published as a draft (--allow-draft)" in out
    page = html.parse(str(site / "fr" / f"{RELEASE}.html"))
    assert page.xpath("//p[@class='draft-mark']")[0].text_content() == "Brouillon – non relu"
    assert not html.parse(str(site / "nl" / f"{RELEASE}.html")).xpath("//p[@class='draft-mark']")
    assert "draft" in (site / "fr" / f"{RELEASE}.json").read_text(encoding="utf-8")
    (entry,) = [e for e in feedparser.parse((site / "fr" / "feed.atom").read_bytes()).entries if RELEASE in e.link]
    assert entry.summary.startswith("Brouillon – non relu")


def test_a_release_with_errors_is_reported_and_the_others_published(newsroom: Path, tmp_path: Path,
                                                                   capsys) -> None:  # type: ignore[no-untyped-def]
    path = newsroom / "releases" / f"{RELEASE}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("\ndate:", "\ndate: not-a-date\nold_date:", 1))
    site = tmp_path / "site"
    assert run("publish", str(newsroom), "--out", str(site), "--now", NOW, "--no-downloads") == 1
    captured = capsys.readouterr()
    assert f"{RELEASE}.yaml:" in captured.err and "error:" in captured.err
    assert f"{RELEASE}: not published: the release has errors" in captured.err
    assert not (site / "nl" / f"{RELEASE}.html").exists()
    assert len(list((site / "nl").glob("*.json"))) == 4
