"""Label catalogs: packaged ones complete, check/init/extract commands, a new language end to end."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from helpers import ROOT, normalize, pdf_text, run

PACKAGED = sorted((ROOT / "pressgen" / "locales").glob("*/LC_MESSAGES/pressgen.po"))


def _label_count() -> int:
    """The packaged template's entries: a new language starts with all of them untranslated."""
    from babel.messages.pofile import read_po

    with (ROOT / "pressgen" / "locales" / "pressgen.pot").open("rb") as stream:
        return sum(1 for message in read_po(stream) if message.id)


LABELS = _label_count()


@pytest.mark.parametrize("po", PACKAGED, ids=[p.parts[-3] for p in PACKAGED])
def test_packaged_catalog_passes_msgfmt_check(po: Path) -> None:
    result = subprocess.run(["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr


def test_locales_check_passes_on_the_packaged_catalogs(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("locales", "check", "--package") == 0
    assert capsys.readouterr().out.split() == ["en:", "complete", "fr:", "complete", "nl:", "complete"]


def test_locales_check_fails_on_an_untranslated_or_fuzzy_entry(workspace: Path, monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(workspace)
    assert run("locales", "check") == 0
    assert run("locales", "init", "de") == 0
    assert run("locales", "check") == 1
    err = capsys.readouterr().err
    assert f"de: {LABELS} untranslated ('###', '%(date)s at %(time)s'" in err
    fr = workspace / "locales" / "fr" / "LC_MESSAGES"
    fr.mkdir(parents=True)
    (fr / "pressgen.po").write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                                    '#, fuzzy\nmsgid "Press release"\nmsgstr "Communiqué"\n', encoding="utf-8")
    assert run("locales", "check") == 1
    assert "fr: 1 fuzzy ('Press release')" in capsys.readouterr().err


def test_extract_finds_the_words_of_a_workspace_template(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workspace)
    (workspace / "templates").mkdir()
    html = (ROOT / "pressgen" / "templates" / "release.html").read_text()
    (workspace / "templates" / "release.html").write_text(
        html.replace("</main>", "<p>{{ _('For immediate release') }}</p></main>"))
    assert run("locales", "extract") == 0
    pot = (workspace / "locales" / "pressgen.pot").read_text()
    assert 'msgid "For immediate release"' in pot and 'msgid "Press release"' in pot
    assert run("locales", "init", "nl") == 0
    po = workspace / "locales" / "nl" / "LC_MESSAGES" / "pressgen.po"
    po.write_text(po.read_text().replace('msgid "For immediate release"\nmsgstr ""',
                                         'msgid "For immediate release"\nmsgstr "Onmiddellijk te publiceren"'))
    out = workspace / "out"
    assert run("build", "iom-20km-brussels-2017", "--lang", "nl", "--format", "pdf", "--out", str(out)) == 0
    text = normalize(pdf_text(out / "iom-20km-brussels-2017" / "iom-20km-brussels-2017.nl.pdf"))
    assert "Onmiddellijk te publiceren" in text
    assert "PERSBERICHT" in text  # the packaged entries still apply


GERMAN_RELEASE = """\
organization: iom-belgium
date: 2020-10-08
source: de
languages: [de, en]
contacts: [gdhoop]
text:
  de:
    headline: Bürgermeister aus aller Welt treffen sich in Mechelen
    dateline: Brüssel
    body: |
      Die Konferenz "Städte und Migration" beginnt heute.
  en:
    status: reviewed
    headline: Mayors from around the world meet in Mechelen
    dateline: Brussels
    body: |
      The "Cities and Migration" conference starts today.
"""


def test_a_new_language_end_to_end(workspace: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(workspace)
    config = workspace / "pressgen.yaml"
    config.write_text(config.read_text().replace("en: en_GB}", "en: en_GB, de: de_BE}"))
    (workspace / "releases" / "mayors-2020.yaml").write_text(GERMAN_RELEASE, encoding="utf-8")
    assert run("build", "mayors-2020", "--out", "out") == 1  # no German catalog yet
    assert "pressgen locales init de" in capsys.readouterr().err
    assert run("locales", "init", "de") == 0
    assert run("build", "mayors-2020", "--out", "out") == 0
    text = normalize(pdf_text(workspace / "out" / "mayors-2020" / "mayors-2020.de.pdf"))
    assert "8. Oktober 2020" in text
    assert "PRESS RELEASE" in text and "Page 1 of 1" in text  # untranslated labels fall back to English
    assert "(Brüssel) – Die Konferenz „Städte und Migration“ beginnt heute." in text
    assert "International Organization for Migration (IOM)" in text  # no German name: the English one
    capsys.readouterr()
    assert run("locales", "check") == 1
    assert f"de: {LABELS} untranslated" in capsys.readouterr().err


def test_every_packaged_label_has_a_translator_comment_and_real_headers() -> None:
    from pressgen.resources import PACKAGED_LOCALES
    from pressgen.translation.catalogs import header_placeholders
    from pressgen.workspace.labels import read_catalog

    for po in sorted(PACKAGED_LOCALES.glob("*/LC_MESSAGES/pressgen.po")):
        catalog = read_catalog(po)
        assert header_placeholders(po) == [], po
        for message in catalog:
            if message.id:
                assert message.auto_comments, (po, message.id)


def test_locales_check_flags_a_header_nobody_filled_in(workspace: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(workspace)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")  # no translator known: the header keeps a placeholder
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    assert run("locales", "init", "de") == 0
    po = workspace / "locales" / "de" / "LC_MESSAGES" / "pressgen.po"
    text = po.read_text()
    assert "YEAR-MO-DA" not in text and "FIRST AUTHOR" not in text
    assert run("locales", "check") == 1
    assert "placeholder header Report-Msgid-Bugs-To, Last-Translator" in capsys.readouterr().err
