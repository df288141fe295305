"""Press conventions: a release line when there is no embargo, a kind per release, the end mark an
organisation writes, addresses in each language, and a press contact (a warning; --strict and --final refuse)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import docx_body_paragraphs, normalize, pdf_text, replace_once, run

RELEASE = "unia-local-governments-2020"  # no embargo, no press contact (as the original)
IMMEDIATE = {"nl": "Voor onmiddellijke publicatie", "fr": "Pour diffusion immédiate", "en": "For immediate release"}


def _texts(path: Path) -> list[str]:
    return [text for _, text in docx_body_paragraphs(path)]


def test_a_release_without_embargo_says_for_immediate_release_in_each_language(workspace: Path) -> None:
    out = workspace / "out"
    assert run("build", str(workspace / "releases" / f"{RELEASE}.yaml"), "--out", str(out)) == 0
    for lang, words in IMMEDIATE.items():
        assert words in _texts(out / RELEASE / f"{RELEASE}.{lang}.docx"), lang
        assert words in normalize(pdf_text(out / RELEASE / f"{RELEASE}.{lang}.pdf")), lang
    # an embargoed release says its embargo instead
    embargoed = "iom-20km-brussels-2017"
    assert run("build", str(workspace / "releases" / f"{embargoed}.yaml"), "--format", "docx", "--out", str(out)) == 0
    texts = _texts(out / embargoed / f"{embargoed}.nl.docx")
    assert IMMEDIATE["nl"] not in texts and any(text.startswith("Embargo") for text in texts)


@pytest.mark.parametrize(("kind", "words"), [
    ("news", {"nl": "Nieuws", "fr": "Actualités", "en": "News"}),
    ("media-advisory", {"nl": "Persuitnodiging", "fr": "Invitation presse", "en": "Media advisory"}),
    ("statement", {"nl": "Verklaring", "fr": "Déclaration", "en": "Statement"}),
])
def test_the_kind_of_a_release_is_printed_in_its_language(workspace: Path, kind: str, words: dict[str, str]) -> None:
    path = workspace / "releases" / f"{RELEASE}.yaml"
    replace_once(path, "date: 2020-10-08\n", f"kind: {kind}\ndate: 2020-10-08\n")
    out = workspace / "out"
    assert run("build", str(path), "--format", "docx", "--out", str(out)) == 0
    for lang, label in words.items():
        texts = _texts(out / RELEASE / f"{RELEASE}.{lang}.docx")
        assert texts[0] == label and "Persbericht" not in texts, (lang, texts[:3])


def test_an_unknown_kind_is_a_positioned_error(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = workspace / "releases" / f"{RELEASE}.yaml"
    replace_once(path, "date: 2020-10-08\n", "kind: advertorial\ndate: 2020-10-08\n")
    assert run("check", str(path)) == 1
    err = capsys.readouterr().err
    assert f"{RELEASE}.yaml:6:7: error:" in err and "media-advisory" in err, err


def test_an_organisation_may_end_its_releases_in_words(workspace: Path) -> None:
    config = workspace / "pressgen.yaml"
    replace_once(config, "    website: https://www.unia.be\n", "    website: https://www.unia.be\n    end_mark: ends\n")
    out = workspace / "out"
    assert run("build", str(workspace / "releases" / f"{RELEASE}.yaml"), "--out", str(out)) == 0
    for lang, mark in {"nl": "– EINDE –", "fr": "– FIN –", "en": "– ENDS –"}.items():
        texts = _texts(out / RELEASE / f"{RELEASE}.{lang}.docx")
        assert mark in texts and "###" not in texts, lang
        assert mark in normalize(pdf_text(out / RELEASE / f"{RELEASE}.{lang}.pdf")), lang


def test_the_footers_print_the_address_in_the_documents_language(workspace: Path) -> None:
    release = "iom-20km-brussels-2017"
    out = workspace / "out"
    assert run("build", str(workspace / "releases" / f"{release}.yaml"), "--format", "pdf", "--out", str(out)) == 0
    assert "1000 Brussel ·" in normalize(pdf_text(out / release / f"{release}.nl.pdf"))
    assert "1000 Bruxelles ·" in normalize(pdf_text(out / release / f"{release}.fr.pdf"))


def test_an_address_in_one_language_is_a_warning_at_its_line(
        workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = workspace / "pressgen.yaml"
    text = config.read_text()
    start = text.index("    address:\n      nl: Montoyerstraat")
    end = text.index("\n", text.index("      en: Rue Montoyer"))
    config.write_text(text[:start] + "    address: Rue Montoyer 40, 1000 Brussels" + text[end:])
    line = text[:start].count("\n") + 1
    assert run("check", str(workspace / "releases" / "iom-20km-brussels-2017.yaml")) == 0
    err = capsys.readouterr().err
    assert f"pressgen.yaml:{line}:14: warning: the address of organisation 'iom-belgium' has no nl, fr, en " \
           "version" in err, err


def test_a_release_without_press_contact_is_a_warning_and_refused_by_strict_and_final(
        workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = workspace / "releases" / f"{RELEASE}.yaml"
    assert run("check", str(path)) == 0
    assert "warning: the release has no press contact" in capsys.readouterr().err
    assert run("check", "--strict", str(path)) == 1
    assert "error: the release has no press contact" in capsys.readouterr().err
    assert run("build", "--final", str(path), "--format", "docx", "--out", str(workspace / "out")) == 1
    assert "error: the release has no press contact" in capsys.readouterr().err
    assert not list((workspace / "out").rglob("*.docx"))
    # with a contact, both pass
    replace_once(path, "contacts: []", "contacts: [gdhoop]")
    assert run("check", "--strict", str(path)) == 0, capsys.readouterr().err
