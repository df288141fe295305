"""The segment model: a change in the source costs only the changed segments; human text is never lost."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import run, use_libre
from helpers.libre_server import LibreServer

from pressgen import load_release
from pressgen.translation.segments import align, read_records, sidecar_path, split

RELEASE = "iom-20km-brussels-2017"
OLD = "Voor het eerst dit jaar zal de VN ploeg"
NEW = "Dit jaar voor het eerst zal de VN-ploeg"


@pytest.fixture
def release_path(workspace: Path, server: LibreServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    use_libre(workspace, server.url)  # type: ignore[attr-defined]
    monkeypatch.chdir(workspace)
    return workspace / "releases" / f"{RELEASE}.yaml"


def _block_lines(text: str, lang: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index(f"  {lang}:")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("  ") and lines[i][2] != " "),
               len(lines))
    return lines[start:end]


def test_one_changed_paragraph_redrafts_exactly_that_paragraph(
        release_path: Path, server: LibreServer, capsys: pytest.CaptureFixture[str]) -> None:
    before = release_path.read_text()
    release_path.write_text(before.replace(OLD, NEW, 1))
    assert run("status") == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith(RELEASE))
    assert row.split()[1:] == ["source", "stale", "1/13", "stale", "1/13"]

    # The reviewed paragraph is human text: replaced only when asked (without the flag it is kept, stale).
    assert run("translate", RELEASE, "--to", "fr,en", "--replace-stale") == 0
    sent = [request["q"] for request in server.requests]
    assert all(text.startswith("Dit jaar voor het eerst") for text in sent) and len(sent) == 2  # one per language

    after = release_path.read_text()
    for lang in ("fr", "en"):
        old_lines, new_lines = _block_lines(before, lang), _block_lines(after, lang)
        changed = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
        # status, source_hash and the one paragraph: every other line of the block is byte-identical
        assert [a.split(":")[0].strip() for a, _ in changed[:2]] == ["status", "source_hash"]
        assert len(changed) == 3, changed
        assert changed[2][1].strip().startswith(f"{lang}:Dit {lang}:jaar")
    release = load_release(release_path)
    for lang in ("fr", "en"):
        alignment = align(release, lang)
        assert alignment.counts() == {"reviewed": 12, "machine": 1}
        assert release.text[lang].status == "machine" and release.text[lang].source_hash == release.source_hash()
    assert run("status") == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith(RELEASE))
    assert row.split()[1:] == ["source", "machine", "1/13", "machine", "1/13"]


def test_inserting_and_moving_source_paragraphs_keeps_the_other_translations(
        release_path: Path, server: LibreServer) -> None:
    text = release_path.read_text()
    first = "      Het Agentschap van de Verenigde Naties voor de Migratie (IOM)"
    text = text.replace(first, "      Een nieuwe eerste alinea.\n\n" + first, 1)
    release_path.write_text(text)
    release = load_release(release_path)
    alignment = align(release, "fr")
    assert alignment.counts() == {"reviewed": 13, "missing": 1}

    assert run("translate", RELEASE, "--to", "fr") == 0
    assert [r["q"] for r in server.requests] == ["Een nieuwe eerste alinea."]
    release = load_release(release_path)
    body = split("body", release.text["fr"].body)
    assert body[0] == "fr:Een fr:nieuwe fr:eerste fr:alinea."
    assert body[1].startswith("L’Agence des Nations Unies pour les migrations")  # the reviewed text, kept


def test_a_post_edited_draft_survives_a_change_elsewhere(release_path: Path, server: LibreServer) -> None:
    text = release_path.read_text()
    fr = text.index("  fr:\n")
    end = text.index("  en:\n")
    release_path.write_text(text[:fr] + text[end:])  # French is missing
    assert run("translate", RELEASE, "--to", "fr") == 0
    drafted = release_path.read_text()
    headline = next(line for line in drafted.splitlines() if line.startswith("    headline: fr:"))
    post_edited = drafted.replace(headline, "    headline: Titre retravaillé par un humain", 1)
    release_path.write_text(post_edited.replace(OLD, NEW, 1))  # a different paragraph changes in the source
    server.requests.clear()

    assert run("translate", RELEASE, "--to", "fr") == 0
    assert len(server.requests) == 1  # only the changed paragraph
    release = load_release(release_path)
    assert release.text["fr"].headline == "Titre retravaillé par un humain"
    states = {pair.field: pair.state for pair in align(release, "fr").pairs if pair.field == "headline"}
    assert states == {"headline": "draft"}  # edited by hand: a human draft now, not machine


def test_reviewed_translation_in_memory_wins_over_the_provider(release_path: Path, server: LibreServer) -> None:
    assert run("translate", RELEASE, "--to", "fr") == 0  # all current: records the reviewed pairs in the memory
    text = release_path.read_text()
    paragraph = "      Mevr. Caroline Petit, adjunct-directrice van het UNRIC"
    assert paragraph in text
    line = next(line for line in text.splitlines() if line.startswith(paragraph))
    release_path.write_text(text.replace(line, line + "\n\n" + line.replace("Mevr.", "Mevrouw"), 1)
                            .replace(line.replace("Mevr.", "Mevrouw"), line, 1))
    # The body now holds the same paragraph twice: the copy needs no provider.
    release = load_release(release_path)
    assert align(release, "fr").counts()["missing"] == 1
    assert run("translate", RELEASE, "--to", "fr") == 0
    assert server.requests == []
    release = load_release(release_path)
    body = split("body", release.text["fr"].body)
    assert body.count(next(p for p in body if p.startswith("Mme Caroline Petit"))) == 2


def test_retranslate_overwrites_human_text_only_when_asked(release_path: Path, server: LibreServer) -> None:
    assert run("translate", RELEASE, "--to", "fr") == 0
    assert server.requests == []  # reviewed and current: nothing to do
    assert run("translate", RELEASE, "--to", "fr", "--retranslate") == 0  # not a terminal: no question
    assert len(server.requests) == 13
    assert load_release(release_path).text["fr"].status == "machine"


def test_the_sidecar_is_plain_json_next_to_the_release(release_path: Path) -> None:
    data = json.loads(sidecar_path(release_path).read_text())
    assert data["release"] == RELEASE and set(data["languages"]) == {"fr", "en"}
    assert len(read_records(release_path)["fr"]) == 13
    assert sidecar_path(release_path).name == f"{RELEASE}.segments.json"


def test_tmx_export_validates_and_imports_into_an_empty_memory_with_the_same_pairs(
        release_path: Path, workspace: Path, tmp_path: Path) -> None:
    from lxml import etree
    from translate.storage import tmx as toolkit_tmx

    from pressgen import load_workspace
    from pressgen.translation.memory import MEMORY_FILE, REVIEWED, TranslationMemory
    from pressgen.translation.tmx import DTD

    assert run("translate", RELEASE, "--to", "fr,en") == 0  # puts the reviewed pairs into the memory
    memory = TranslationMemory(workspace / MEMORY_FILE)
    pairs = memory.pairs(REVIEWED)
    memory.close()
    assert len(pairs) == 26  # 13 segments, French and English

    exported = tmp_path / "memory.tmx"
    assert run("tm", "export", str(exported)) == 0
    tree = etree.parse(str(exported))
    assert tree.docinfo.doctype == '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'
    dtd = etree.DTD(str(DTD))
    assert dtd.validate(tree), dtd.error_log
    store = toolkit_tmx.tmxfile.parsefile(str(exported))  # a CAT library reads it
    # every reviewed pair of the workspace's releases (issue 19), those of the memory among them
    assert len(store.units) > 26 and pairs[0][2] in {unit.source for unit in store.units}

    (workspace / MEMORY_FILE).unlink()  # an empty memory
    assert run("tm", "import", str(exported)) == 0
    memory = TranslationMemory(workspace / MEMORY_FILE)
    assert set(pairs) <= set(memory.pairs(REVIEWED))
    memory.close()
    assert load_workspace(workspace)  # the workspace itself is untouched


def test_tm_import_refuses_what_is_not_tmx(workspace: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workspace)
    bad = tmp_path / "bad.tmx"
    bad.write_text('<?xml version="1.0"?><tmx version="1.4"><body/></tmx>')
    assert run("tm", "import", str(bad)) == 1
    assert re.search(r"bad\.tmx:1:\d+: error: not TMX 1\.4b", capsys.readouterr().err)
