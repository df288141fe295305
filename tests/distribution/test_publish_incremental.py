"""Publishing is incremental (a no-op writes nothing; a change writes only what it changes), atomic (a
failure half-way leaves the old site as it was) and versioned (a change after publication is a
correction: version 2 and a localised note on the page, in the feed entry and in the ninjs)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import feedparser
import pytest
from conftest import site_files
from helpers import run
from lxml import html

RELEASE = "unric-migrants-stigma-2014"
NOW = "2026-01-01T00:00:00Z"


def _snapshot(site: Path) -> dict[str, tuple[int, int, int]]:
    """Every file and folder of the site: inode, mtime, size."""
    return {path.relative_to(site).as_posix(): (path.stat().st_ino, path.stat().st_mtime_ns, path.stat().st_size)
            for path in [site, *site.rglob("*")]}


def test_a_publish_that_changes_nothing_writes_nothing(newsroom: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    site = tmp_path / "site"
    assert run("publish", str(newsroom), "--out", str(site), "--now", NOW, "--no-downloads") == 0
    before = _snapshot(site)
    capsys.readouterr()
    assert run("publish", str(newsroom), "--out", str(site), "--now", NOW, "--no-downloads") == 0
    assert "nothing to do" in capsys.readouterr().out
    assert _snapshot(site) == before
    assert not list(tmp_path.glob(".site.*"))  # no staging folder either


def test_a_correction_writes_only_what_it_changes_with_version_and_note(newsroom: Path, tmp_path: Path,
                                                                       capsys) -> None:  # type: ignore[no-untyped-def]
    site = tmp_path / "site"
    assert run("publish", str(newsroom), "--out", str(site), "--now", NOW, "--no-downloads") == 0
    before = _snapshot(site)
    path = newsroom / "releases" / f"{RELEASE}.yaml"
    text = path.read_text(encoding="utf-8")
    assert 'headline: "Migrants : lever la stigmatisation"' in text
    path.write_text(text.replace('headline: "Migrants : lever la stigmatisation"',
                                 'headline: "Migrants : lever enfin la stigmatisation"'), encoding="utf-8")
    capsys.readouterr()
    assert run("publish", str(newsroom), "--out", str(site), "--now", "2026-02-01T12:00:00Z", "--no-downloads") == 0
    assert f"{RELEASE}: fr corrected: version 2" in capsys.readouterr().out
    after = _snapshot(site)
    changed = sorted(rel for rel in after if rel in before and after[rel] != before[rel] and (site / rel).is_file())
    assert f"fr/{RELEASE}.html" in changed and f"fr/{RELEASE}.json" in changed and "fr/feed.atom" in changed
    assert not [rel for rel in changed if rel.startswith(("nl/", "en/"))], changed  # other languages untouched
    assert not [rel for rel in changed if rel.endswith(".html") and "/tags/" not in rel
                and not rel.endswith(("index.html", f"{RELEASE}.html"))], changed  # other releases untouched
    note = "Corrigé le 1er février 2026\u202f: ceci est la version 2 de ce communiqué, qui remplace la précédente."
    page = html.parse(str(site / "fr" / f"{RELEASE}.html"))
    assert page.xpath("//p[@class='correction']")[0].text_content() == note
    assert "Version 2" in page.xpath("//footer")[0].text_content()
    assert json.loads(page.xpath("//script[@type='application/ld+json']/text()")[0])["version"] == "2"
    item = json.loads((site / "fr" / f"{RELEASE}.json").read_text(encoding="utf-8"))
    assert item["version"] == "2" and item["ednote"] == note and item["versioncreated"] == "2026-02-01T12:00:00Z"
    (entry,) = [e for e in feedparser.parse((site / "fr" / "feed.atom").read_bytes()).entries if RELEASE in e.link]
    assert note in entry.summary and note in entry.content[0].value and entry.updated.startswith("2026-02-01")
    # published again without a change: still version 2, nothing written
    snapshot = _snapshot(site)
    assert run("publish", str(newsroom), "--out", str(site), "--now", "2026-03-01T00:00:00Z", "--no-downloads") == 0
    assert _snapshot(site) == snapshot


def test_a_publish_that_fails_half_way_leaves_the_old_site_intact(newsroom: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 capsys) -> None:  # type: ignore[no-untyped-def]
    site = tmp_path / "site"
    assert run("publish", str(newsroom), "--out", str(site), "--now", NOW, "--no-downloads") == 0
    old, inodes = site_files(site), _snapshot(site)
    path = newsroom / "releases" / f"{RELEASE}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("lever la stigmatisation", "lever enfin la "
                                                             "stigmatisation"), encoding="utf-8")
    written: list[Path] = []
    real = Path.write_bytes

    def full_disk(self: Path, data: bytes) -> int:  # the disk fills up after a few files of the new site
        if ".publishing-" in str(self):
            written.append(self)
            if len(written) > 3:
                raise OSError(28, os.strerror(28))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", full_disk)
    assert run("publish", str(newsroom), "--out", str(site), "--now", NOW, "--no-downloads") == 1
    assert "the site is unchanged" in capsys.readouterr().err
    assert len(written) == 4  # it did fail half-way
    assert site_files(site) == old and _snapshot(site) == inodes
    assert not list(tmp_path.glob(".site.publishing-*"))
    monkeypatch.undo()
    assert run("publish", str(newsroom), "--out", str(site), "--now", NOW, "--no-downloads") == 0
    assert "enfin" in (site / "fr" / f"{RELEASE}.html").read_text(encoding="utf-8")
