"""TMX with inline codes: the seed workspace's reviewed pairs out (valid against the TMX 1.4b DTD), and back
into a fresh memory with their formatting; other tools' codes, languages, duplicates, notes and entities."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import SEEDS, run
from lxml import etree

from pressgen import load_workspace
from pressgen.translation.memory import MEMORY_FILE, REVIEWED, TranslationMemory
from pressgen.translation.segments import align, normalised, read_records
from pressgen.translation.tmx import DTD
from pressgen.workspace.load import load_release

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TAGGED = "Het Agentschap van de Verenigde Naties voor de Migratie (IOM) heeft een ‘**UN Migration**’ ploeg"


def _reviewed_pairs(workspace: Path) -> set[tuple[str, str, str, str]]:
    """Every reviewed (paragraph-level) pair of the workspace's releases, white space aside."""
    config = load_workspace(workspace)
    found = set()
    for path in sorted((workspace / "releases").glob("*.yaml")):
        release = load_release(path, config)
        for lang in release.text:
            if lang == release.source:
                continue
            for pair in align(release, lang, read_records(path)).pairs:
                if pair.state == "reviewed" and pair.source and pair.target and not pair.whole:
                    found.add((release.source, lang, normalised(pair.source), normalised(pair.target)))
    return found


def _memory(workspace: Path) -> set[tuple[str, str, str, str]]:
    memory = TranslationMemory(workspace / MEMORY_FILE)
    try:
        return {(a, b, normalised(c), normalised(d)) for a, b, c, d in memory.pairs(REVIEWED)}
    finally:
        memory.close()


def _fresh(tmp_path: Path) -> Path:
    target = tmp_path / "fresh"
    shutil.copytree(SEEDS, target, ignore=shutil.ignore_patterns("dist", ".pressgen"))
    return target


def test_tm_export_of_the_seeds_holds_every_reviewed_pair_with_codes_and_round_trips(
        workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workspace)
    exported = tmp_path / "seeds.tmx"
    assert run("tm", "export", str(exported)) == 0
    tree = etree.parse(str(exported))
    dtd = etree.DTD(str(DTD))
    assert dtd.validate(tree), dtd.error_log
    wanted = _reviewed_pairs(workspace)
    assert len(wanted) > 100
    units = tree.getroot().findall(".//tu")
    assert len(units) == len(wanted)
    # a tagged segment: codes for the XLIFF's <g>, its release as a property, its dates
    tagged = next(u for u in units if (u.findtext("tuv/seg") or "").startswith("Het Agentschap"))
    seg = tagged.find("tuv/seg")
    assert [c.tag for c in seg] == ["bpt", "ept", "bpt", "ept", "bpt", "ept"]
    assert seg[0].get("type") == "bold" and seg[0].text == '<g id="bold1" ctype="bold">'
    assert seg[2].get("type") == "x-superscript"
    assert {p.get("type"): p.text for p in tagged.findall("prop")}["x-release"] == "iom-20km-brussels-2017"
    assert tagged.get("creationdate") == "20170526T000000Z" and tagged.get("changedate")
    assert not any("**" in (s.text or "") for s in tree.getroot().iter("seg"))  # no Markdown as text

    fresh = _fresh(tmp_path)
    monkeypatch.chdir(fresh)
    assert run("tm", "import", str(exported)) == 0
    assert _memory(fresh) == wanted  # the same pairs, formatting (as Markdown) included
    assert any(text.startswith(TAGGED) for _, _, text, _ in _memory(fresh))


TMX = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd" [
  <!ENTITY org "OIM">
]>
<tmx version="1.4">
  <header creationtool="SDL Language Platform" creationtoolversion="8.0" segtype="sentence" o-tmf="SDL TM8 Format"
          adminlang="en-GB" srclang="nl-BE" datatype="xml"/>
  <body>
{units}
  </body>
</tmx>
"""


def _tu(source: str, target: str, lang: str = "fr-BE", changed: str | None = None, extra: str = "") -> str:
    date = f' changedate="{changed}"' if changed else ""
    return (f'<tu creationdate="20200101T100000Z"{date}>{extra}<tuv xml:lang="nl-BE"><seg>{source}</seg></tuv>'
            f'<tuv xml:lang="{lang}"><seg>{target}</seg></tuv></tu>')


def _import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *units: str) -> Path:
    fresh = _fresh(tmp_path)
    (tmp_path / "in.tmx").write_text(TMX.format(units="\n".join(units)), encoding="utf-8")
    monkeypatch.chdir(fresh)
    return fresh


def test_other_tools_codes_become_markdown_not_literal_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = _import(tmp_path, monkeypatch, _tu(
        'Er liepen <bpt i="1">&lt;cf bold="True"&gt;</bpt>150<ept i="1">&lt;/cf&gt;</ept> lopers mee.',
        'Il y avait <bpt i="1">&lt;cf bold="True"&gt;</bpt>150<ept i="1">&lt;/cf&gt;</ept> coureurs.'))
    assert run("tm", "import", str(tmp_path / "in.tmx")) == 0
    assert _memory(fresh) == {("nl", "fr", "Er liepen **150** lopers mee.", "Il y avait **150** coureurs.")}


def test_another_region_is_used_and_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    fresh = _import(tmp_path, monkeypatch, _tu("Goedemorgen", "Bonjour", lang="fr-FR"))
    assert run("tm", "import", str(tmp_path / "in.tmx")) == 0
    err = capsys.readouterr().err
    assert "1 unit(s) in fr-FR are read as fr (fr-BE in this workspace): another region" in err
    assert _memory(fresh) == {("nl", "fr", "Goedemorgen", "Bonjour")}


def test_the_locale_wins_over_another_region_in_one_unit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    unit = ('<tu><tuv xml:lang="nl-BE"><seg>Goedemorgen</seg></tuv><tuv xml:lang="fr-BE"><seg>Bonjour (BE)</seg>'
            '</tuv><tuv xml:lang="fr-FR"><seg>Bonjour (FR)</seg></tuv></tu>')
    fresh = _import(tmp_path, monkeypatch, unit)
    assert run("tm", "import", str(tmp_path / "in.tmx")) == 0
    assert _memory(fresh) == {("nl", "fr", "Goedemorgen", "Bonjour (BE)")}


def test_duplicates_are_resolved_by_changedate_and_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    fresh = _import(tmp_path, monkeypatch, _tu("Goedemorgen", "Bonjour à tous", changed="20240301T120000Z"),
                    _tu("Goedemorgen", "Bonjour", changed="20230101T120000Z"))
    assert run("tm", "import", str(tmp_path / "in.tmx")) == 0
    assert "duplicate: this unit's fr translation differs" in capsys.readouterr().err
    assert _memory(fresh) == {("nl", "fr", "Goedemorgen", "Bonjour à tous")}  # the later change, not the later line


def test_entities_notes_props_and_dates_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = _import(tmp_path, monkeypatch, _tu(
        "De &org; opent een kantoor", "L’&org; ouvre un bureau", changed="20240301T120000Z",
        extra='<note>Vérifié par le service de presse</note><prop type="x-client">IOM</prop>'))
    assert run("tm", "import", str(tmp_path / "in.tmx")) == 0
    assert _memory(fresh) == {("nl", "fr", "De OIM opent een kantoor", "L’OIM ouvre un bureau")}
    out = tmp_path / "out.tmx"
    assert run("tm", "export", str(out)) == 0
    unit = next(u for u in etree.parse(str(out)).getroot().iter("tu")
                if u.findtext("tuv/seg") == "De OIM opent een kantoor")
    assert unit.findtext("note") == "Vérifié par le service de presse"
    assert {p.get("type"): p.text for p in unit.findall("prop")}["x-client"] == "IOM"
    assert unit.get("changedate") == "20240301T120000Z" and unit.get("creationdate") == "20200101T100000Z"


def test_a_code_without_markdown_counterpart_skips_its_unit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    fresh = _import(tmp_path, monkeypatch, _tu('Zie <it pos="begin">&lt;span&gt;</it>hier', 'Voir <it pos="begin">'
                                              '&lt;span&gt;</it>ici'), _tu("Goedemorgen", "Bonjour"))
    assert run("tm", "import", str(tmp_path / "in.tmx")) == 0
    assert "this unit is skipped: the code <it> has no Markdown counterpart" in capsys.readouterr().err
    assert _memory(fresh) == {("nl", "fr", "Goedemorgen", "Bonjour")}
