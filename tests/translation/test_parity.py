"""Fact parity: a translation that changes a number, date, time, phone, e-mail or URL is flagged."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docx import Document
from helpers import run

from pressgen.translation.parity import differences, facts

RELEASE = "iom-20km-brussels-2017"


@pytest.mark.parametrize("nl, fr, en", [
    ("40 000 renners", "40 000 coureurs", "40,000 runners"),
    ("40.000 euro", "40 000 euros", "EUR 40,000"),
    ("3,5 % minder", "3,5 % de moins", "3.5% less"),
    ("op 28 mei om 10.00 uur", "le 28 mai à 10 h", "on 28 May at 10am"),
    ("om 9.30 uur", "à 9 h 30", "at 9:30"),
    ("bel +32 2 287 74 12", "appelez le +32 2 287 74 12", "call 02 287 74 12"),
    ("[de site](https://iom.int)", "[le site](https://iom.int)", "[the site](https://iom.int/)"),
    ("mail gdhoop@iom.int", "écrivez à gdhoop@iom.int", "e-mail GDHoop@iom.int"),
])
def test_the_same_facts_in_each_language_read_the_same(nl: str, fr: str, en: str) -> None:
    # phone numbers are read in the workspace's home country, Belgium here, whatever the language
    assert facts(nl, "nl_BE", "BE") == facts(fr, "fr_BE", "BE") == facts(en, "en_GB", "BE")


@pytest.mark.parametrize("source, target, words", [
    ("40 000 renners", "4 000 coureurs", "number 40000 of the source is not in the translation"),
    ("op 28 mei", "le 29 mai", "date 28/5 of the source is not in the translation"),
    ("om 10.00 uur", "à 11 h", "time 10:00 of the source is not in the translation"),
    ("bel +32 2 287 74 12", "appelez le +32 2 287 74 13", "phone +3222877412 of the source"),
    ("[site](https://iom.int)", "[site](https://iom.org)", "URL https://iom.org is in the translation"),
    ("50 %", "50", "percentage 50 of the source is not in the translation"),
])
def test_a_changed_fact_is_named(source: str, target: str, words: str) -> None:
    assert any(words in difference for difference in differences(source, "nl_BE", target, "fr_BE"))


def test_check_warns_at_the_translation_and_strict_fails(workspace: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    path = workspace / "releases" / f"{RELEASE}.yaml"
    text = path.read_text()
    assert "waarbij 40 000 renners" in text or "40 000" in text
    french = text.index("  fr:\n")
    path.write_text(text[:french] + text[french:].replace("40 000", "4 000", 1)
                    .replace("https://together.un.org", "https://together.example.org", 1))
    monkeypatch.chdir(workspace)
    assert run("check", str(path)) == 0
    err = capsys.readouterr().err
    line = next(i for i, row in enumerate(path.read_text().splitlines(), start=1)
                if "4 000" in row and i > text[:french].count("\n"))
    assert re.search(rf"{RELEASE}\.yaml:{line}:7: warning: fr body: number 40000 of the source is not in the "
                     "translation", err), err
    assert "fr body: URL https://together.example.org is in the translation but not in the source" in err
    assert run("check", "--strict", str(path)) == 1
    assert run("status") == 0
    row = next(r for r in capsys.readouterr().out.splitlines() if r.startswith(RELEASE))
    assert "reviewed !4" in row  # number and URL, each missing and added

    assert run("review", "export", RELEASE, "--lang", "fr", "--format", "docx") == 0
    doc = Document(str(workspace / "review" / f"{RELEASE}.fr.review.docx"))
    notes = [p.text for row in doc.tables[0].rows for p in row.cells[3].paragraphs if p.text.startswith("check:")]
    assert "check: number 40000 of the source is not in the translation" in notes


def test_the_seed_translations_carry_every_fact(workspace: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(workspace)
    # The seeds' warnings are what their originals are: Unia names no press contact, UNRIC's blue is 3.0:1;
    # nothing about a translation.
    assert run("check") == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if ": warning: " in line]
    assert warnings and all("press contact" in line or "brand.color" in line for line in warnings), warnings
