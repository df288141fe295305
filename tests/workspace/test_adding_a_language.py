"""Adding a language is one documented path that ends in documents: the README's steps for German, each
missing step a positioned message naming it, other releases not turned into errors, German PDF and DOCX."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from helpers import POSITIONED_ERROR, docx_body_paragraphs, docx_header_text, pdf_text, replace_once, run, use_libre
from helpers.libre_server import LibreServer

RELEASE = "unia-local-governments-2020"
GERMAN_LABELS = {"Press release": "Pressemitteilung", "Press contact": "Pressekontakt", "Tel.:": "Tel.:",
                 "E-mail:": "E-Mail:", "Notes to editors": "Hinweise für Redaktionen", "%(label)s:": "%(label)s:",
                 "About %(organization)s": "Über %(organization)s", "Draft – not reviewed": "Entwurf – nicht geprüft",
                 "Page %(page)s of %(pages)s": "Seite %(page)s von %(pages)s", "Mobile:": "Mobil:",
                 "Photo: %(credit)s": "Foto: %(credit)s", "###": "###", "HH:mm": "HH:mm",
                 "%(date)s at %(time)s": "%(date)s um %(time)s",
                 "Embargo: not for publication before %(moment)s (%(zone)s)":
                     "Sperrfrist: nicht vor %(moment)s (%(zone)s) veröffentlichen"}


def _translate_catalog(path: Path) -> None:
    """Step 2: a translator writes every msgstr of the new PO file."""
    with path.open("rb") as file:
        catalog = read_po(file)
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            message.string = ("Pressekontakt", "Pressekontakte")
        else:
            message.string = GERMAN_LABELS.get(message.id, message.id)  # the words this test reads, German
    with path.open("wb") as file:
        write_po(file, catalog)


def _err(capsys: pytest.CaptureFixture[str]) -> str:
    return capsys.readouterr().err


def test_the_readme_steps_for_german_end_in_german_documents(
        workspace: Path, server: LibreServer, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(workspace)
    use_libre(workspace, server.url)  # type: ignore[attr-defined]
    config = workspace / "pressgen.yaml"
    release = workspace / "releases" / f"{RELEASE}.yaml"

    # Before any step: --lang de is wrong usage, naming the step.
    assert run("build", "--lang", "de") == 2
    assert "list it under languages in pressgen.yaml" in _err(capsys)

    # The language listed before its catalog exists: an error at the setting, naming 'locales init'.
    replace_once(config, "languages: [nl, fr, en]", "languages: [nl, fr, en, de]")
    assert run("check") == 1
    err = _err(capsys)
    [found] = [m for m in POSITIONED_ERROR.finditer(err) if "label catalog" in m["message"]]
    assert (found["file"], found["line"]) == ("pressgen.yaml", "4") and "pressgen locales init de" in err

    # 1. locales init de; 2. translate the PO; 3. the locale.
    assert run("locales", "init", "de") == 0
    po = workspace / "locales" / "de" / "LC_MESSAGES" / "pressgen.po"
    _translate_catalog(po)
    replace_once(config, "locales: {nl: nl_BE, fr: fr_BE, en: en_GB}", "locales: {nl: nl_BE, fr: fr_BE, en: en_GB, "
                                                                     "de: de_BE}")
    capsys.readouterr()
    # German in the workspace's languages: the releases not translated yet are warnings, not errors.
    assert run("check") == 0
    err = _err(capsys)
    assert not POSITIONED_ERROR.search(err), err
    assert len(re.findall(r"warning: no 'de' text yet", err)) == 5
    # Building German now builds nothing, and says why (exit 1).
    assert run("build", "--lang", "de", "--out", str(workspace / "out")) == 1
    err = _err(capsys)
    assert f"warning: {RELEASE}: no de text yet, so no de document" in err
    assert "no de document was built (none has de text yet)" in err and "translate RELEASE --to de" in err
    assert not (workspace / "out" / RELEASE).exists()

    # 4. translate --to de (the machine draft).
    assert run("translate", RELEASE, "--to", "de") == 0
    capsys.readouterr()
    assert run("check", str(release)) == 0
    err = _err(capsys)
    # 5. what must still be written, each at its place: the organisation's texts in pressgen.yaml, the facts.
    places = {(m.group(1), m.group(3)) for m in re.finditer(r"^(\S+):(\d+):\d+: warning: (.*)$", err, re.M)}
    lines = config.read_text().splitlines()
    for wanted in ("tagline", "address", "boilerplate"):
        [(file, message)] = [p for p in places if f"has no {wanted}" in p[1] or f"no '{wanted}'" in p[1]]
        assert file == "pressgen.yaml" and "organization 'unia'" in message
    tagline_line = next(int(m.group(2)) for m in re.finditer(r"^(\S+):(\d+):\d+: warning: .*'tagline'", err, re.M))
    assert lines[tagline_line - 1].strip() == "tagline:"
    assert "write it in pressgen.yaml: de: … under organizations.unia.tagline" in err
    # the facts and the photo's texts are segments: translate drafted them (in place), no step left there
    text = release.read_text()
    assert "de: " in text.split("facts:", 1)[1].split("text:", 1)[0], text[:1500]
    assert "under facts.0.label in the release" not in err

    replace_once(config, "      nl: Interfederaal Gelijkekansencentrum\n",
                 "      nl: Interfederaal Gelijkekansencentrum\n"
                 "      de: Interföderales Zentrum für Chancengleichheit\n")
    replace_once(config, "      nl: Koningsstraat 138, 1000 Brussel\n",
                 "      nl: Koningsstraat 138, 1000 Brussel\n      de: Königsstraße 138, 1000 Brüssel\n")
    replace_once(config, "kan bij Unia terecht.\n", "kan bij Unia terecht.\n      de: >-\n"
                 "        Unia ist eine unabhängige öffentliche Einrichtung gegen Diskriminierung.\n")
    replace_once(config, "en: About Unia}", "en: About Unia, de: Über Unia}")  # said once the boilerplate is there
    # the translator corrects the machine drafts of the facts
    text = release.read_text()
    start, end = text.index("facts:\n"), text.index("\ntext:\n")
    release.write_text(text[:start] + """facts:
  - label: {nl: Actiedomein, fr: Domaine d’action, en: Field of action, de: Tätigkeitsbereich}
    value: {nl: Alle domeinen, fr: Tous les domaines, en: All fields, de: Alle Bereiche}
  - label:
      {nl: Discriminatiegrond, fr: Critère de discrimination, en: Ground of discrimination, de: Diskriminierungsgrund}
    value: {nl: Alle gronden, fr: Tous les critères, en: All grounds, de: Alle Gründe}""" + text[end:])
    capsys.readouterr()
    assert run("check", str(release)) == 0
    err = _err(capsys)
    assert "in 'de'" not in err and "no de version" not in err and "not translated into 'de'" not in err, err

    # 6. build --lang de: the German PDF and DOCX.
    assert run("build", RELEASE, "--lang", "de", "--out", str(workspace / "out")) == 0
    folder = workspace / "out" / RELEASE
    assert sorted(p.name for p in folder.iterdir()) == [f"{RELEASE}.de.docx", f"{RELEASE}.de.pdf"]
    text = " ".join(pdf_text(folder / f"{RELEASE}.de.pdf").split())
    for expected in ("Pressemitteilung", "8. Oktober 2020", "Interföderales Zentrum für Chancengleichheit",
                     "Tätigkeitsbereich: Alle Bereiche", "de:Unia de:gaat", "Über Unia",
                     "Unia ist eine unabhängige öffentliche Einrichtung", "Entwurf – nicht geprüft".upper()):
        assert expected in text or expected.upper() in text.upper(), (expected, text[:600])
    paragraphs = " ".join(t for _, t in docx_body_paragraphs(folder / f"{RELEASE}.de.docx"))
    assert "de:Unia de:gaat" in paragraphs and "Unia ist eine unabhängige öffentliche Einrichtung" in paragraphs
    assert "Über Unia" in paragraphs
    assert any("Pressemitteilung".casefold() in line.casefold() for line in docx_header_text(
        folder / f"{RELEASE}.de.docx")) or "Pressemitteilung".casefold() in paragraphs.casefold()
