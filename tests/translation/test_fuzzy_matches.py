"""Fuzzy matches: human translations of similar source texts (≥ 75 %, the one similarity measure) from the
memory, its history and each segment's own history, best first with their percent; offered, never applied."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import run
from hypothesis import given, settings
from hypothesis import strategies as st

from pressgen.translation.memory import REVIEWED, MatchIndex, TranslationMemory
from pressgen.translation.similarity import FUZZY_THRESHOLD, similarity

SOURCE = "Het festival start om 10 uur in het park van Brussel."


def test_the_memory_offers_reviewed_and_kept_human_translations_not_machine_output(tmp_path: Path) -> None:
    memory = TranslationMemory(tmp_path / "tm.sqlite")
    memory.put_many([
        (REVIEWED, "nl", "fr", "Het festival start om 11 uur in het park van Brussel.", "Le festival commence à 11 h."),
        (REVIEWED, "nl", "fr", "Iets heel anders over de markt van Gent.", "Tout autre chose."),
        (REVIEWED, "nl", "en", "Het festival start om 10 uur in het park van Brussel.", "The festival starts at 10."),
        ("libre", "nl", "fr", "Het festival start om 10 uur in het park van Brussel.", "machine output"),
    ])
    memory.keep_human("nl", "fr", "Het festival start om 10 uur in het park van Antwerpen.",
                      "Le festival commence à 10 h au parc d'Anvers.", "reviewed")
    found = memory.fuzzy(SOURCE, "nl", "fr")
    assert [(m.percent, m.origin, m.target) for m in found] == [
        (similarity(SOURCE, found[0].source), "memory", "Le festival commence à 11 h."),
        (similarity(SOURCE, found[1].source), "history", "Le festival commence à 10 h au parc d'Anvers.")]
    assert found[0].percent == found[1].percent == 91  # one token of 12 changed, both
    assert memory.fuzzy(SOURCE, "nl", "fr", limit=1) == found[:1]
    assert [m.target for m in memory.fuzzy(SOURCE, "nl", "en")] == ["The festival starts at 10."]
    assert memory.fuzzy(SOURCE, "nl", "en")[0].percent == 100
    memory.put(REVIEWED, "nl", "fr", SOURCE, "Le festival commence à 10 h au parc de Bruxelles.")  # seen at once
    assert memory.fuzzy(SOURCE, "nl", "fr")[0].percent == 100
    assert memory.fuzzy("Een zin die op niets lijkt.", "nl", "fr") == []
    memory.close()


WORDS = st.sampled_from(["de", "het", "festival", "start", "om", "10", "uur", "park", "Park", ".", ",", "Gent"])
TEXTS = st.lists(WORDS, min_size=1, max_size=12).map(" ".join)


@settings(max_examples=40, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=25), TEXTS)
def test_the_index_finds_exactly_what_measuring_every_entry_finds(entries: list[str], query: str) -> None:
    index = MatchIndex()
    for number, text in enumerate(entries):
        index.add(text, f"vertaling {number}", "memory")
    found = index.lookup(query, limit=len(entries))
    measured = [similarity(query, text) for text in entries]  # each entry has a translation of its own
    expected = sorted((percent for percent in measured if percent >= FUZZY_THRESHOLD), reverse=True)
    assert [m.percent for m in found] == expected
    assert all(m.percent == similarity(query, m.source) for m in found)


def test_tm_matches_offers_a_stale_segments_own_old_translation_and_applies_nothing(
        workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    path = workspace / "releases" / "iom-20km-brussels-2017.yaml"
    path.write_text(path.read_text().replace("Voor het eerst dit jaar", "Dit jaar voor het eerst", 1))
    before = {p.name: p.read_bytes() for p in (workspace / "releases").iterdir()}
    monkeypatch.chdir(workspace)
    capsys.readouterr()
    assert run("tm", "matches", str(path), "--lang", "fr", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    [segment] = data["segments"]  # the one changed paragraph: every other one has its reviewed translation
    assert segment["source"].startswith("Dit jaar voor het eerst")
    [best] = segment["matches"]
    assert best["origin"] == "iom-20km-brussels-2017 before its source changed"
    assert best["percent"] == similarity(segment["source"], best["source"]) and 75 <= best["percent"] < 100
    assert best["target"].startswith("Pour la première fois cette année")
    assert run("tm", "matches", str(path), "--lang", "fr") == 0
    out = capsys.readouterr().out
    assert f"  {best['percent']}%  iom-20km-brussels-2017 before its source changed: Pour la première" in out
    assert "1 of 1 segment(s) with a fuzzy match (offered, never applied)" in out
    assert {p.name: p.read_bytes() for p in (workspace / "releases").iterdir()} == before
    assert not (workspace / ".pressgen").exists()  # looking up creates no memory
    assert run("tm", "matches", str(path), "--lang", "nl") == 2
