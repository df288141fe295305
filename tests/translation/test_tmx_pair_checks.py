"""TMX pairs pass the checks a returned XLIFF unit passes: at `tm import`, and again when `translate` uses one."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from helpers import run, use_libre
from helpers.libre_server import LibreServer, fake_translation

from pressgen import load_release, load_workspace
from pressgen.translation.memory import MEMORY_FILE, REVIEWED, TranslationMemory
from pressgen.translation.segments import split

RELEASE = "iom-20km-brussels-2017"
OLD_HEADLINE = ("De Verenigde Naties nemen deel aan de 20 km door Brussel, tezamen voor migranten en "
                "vluchtelingen")
NEW_HEADLINE = "De Verenigde Naties lopen de 20 km door Brussel"
OLD_PARAGRAPH = ("Dit om de diversiteit te vieren en de perceptie van migratie, migranten en vluchtelingen te "
                 "bevorderen.")
NEW_PARAGRAPH = "Dit om de diversiteit te vieren."


def _tmx(pairs: list[tuple[str, str]]) -> str:
    units = "".join(f'<tu srclang="nl-BE"><tuv xml:lang="nl-BE"><seg>{escape(nl)}</seg></tuv>'
                    f'<tuv xml:lang="fr-BE"><seg>{escape(fr)}</seg></tuv></tu>\n' for nl, fr in pairs)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n<header creationtool="cat" '
            'creationtoolversion="1" segtype="paragraph" o-tmf="cat" adminlang="en" srclang="nl-BE" '
            f'datatype="plaintext"/>\n<body>\n{units}</body>\n</tmx>\n')


def _memory_pairs(workspace: Path) -> list[tuple[str, str, str, str]]:
    memory = TranslationMemory(workspace / MEMORY_FILE)
    try:
        return memory.pairs(REVIEWED)
    finally:
        memory.close()


def test_tm_import_refuses_pairs_an_xliff_unit_could_not_be(
        workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(workspace)
    tmx = tmp_path / "cat.tmx"
    tmx.write_text(_tmx([("Hallo", "Bonjour"),
                         (NEW_HEADLINE, "### Les Nations Unies courent"),
                         (NEW_PARAGRAPH, "Pour célébrer la diversité.\n\nEt un autre paragraphe."),
                         ("Zie **dit**", "Voir **ceci"),
                         ("Il zei [sic]", "Il a dit [sic]")]))
    before = _memory_pairs(workspace)
    assert run("tm", "import", str(tmx)) == 1
    err = capsys.readouterr().err
    assert "cat.tmx:6:1: error: the fr translation of this unit cannot be used: '###' headings are not used" in err
    assert "cat.tmx:7:1: error: the fr translation of this unit cannot be used: it has more than one paragraph" in err
    assert "cat.tmx:10:1: error: the fr translation of this unit cannot be used: unbalanced markup" in err
    assert "cat.tmx:11:" not in err and "cat.tmx:5:" not in err  # literal brackets and a plain pair pass
    assert _memory_pairs(workspace) == before  # nothing imported
    tmx.write_text(_tmx([("Hallo", "Bonjour"), ("Il zei [sic]", "Il a dit [sic]")]))
    assert run("tm", "import", str(tmx)) == 0


def test_translate_drafts_instead_of_using_a_memory_pair_that_fails_the_unit_checks(
        workspace: Path, server: LibreServer, capsys: pytest.CaptureFixture[str]) -> None:
    use_libre(workspace, server.url)  # type: ignore[attr-defined]
    path = workspace / "releases" / f"{RELEASE}.yaml"
    path.write_text(path.read_text().replace(OLD_HEADLINE, NEW_HEADLINE, 1).replace(OLD_PARAGRAPH, NEW_PARAGRAPH, 1))
    paragraph = split("body", load_release(path, load_workspace(workspace)).text["nl"].body)[0]
    assert paragraph.endswith(NEW_PARAGRAPH)
    memory = TranslationMemory(workspace / MEMORY_FILE)  # pairs kept from an older import or another workspace
    memory.put_many([(REVIEWED, "nl", "fr", NEW_HEADLINE, "Les Nations Unies\ncourent les 20 km"),
                     (REVIEWED, "nl", "fr", paragraph, "### Titre\n\nDeux paragraphes.")])
    memory.close()
    capsys.readouterr()
    assert run("translate", str(path), "--to", "fr", "--replace-stale") == 0  # replacing: the memory is asked first
    out = capsys.readouterr().out
    assert "the memory's reviewed translation is not used (it has a line break, and a headline is one line)" in out
    assert "'###' headings are not used in releases" in out
    fr = load_release(path, load_workspace(workspace)).text["fr"]
    assert fr.headline == fake_translation(NEW_HEADLINE, "fr")
    assert "### Titre" not in (fr.body or "")
    assert run("check", str(path)) == 0
