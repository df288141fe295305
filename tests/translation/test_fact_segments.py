"""Facts (label and value) and photo texts (alt text, caption) are segments: with states, machine drafts,
review files, word counts, parity and ``build --final`` (issue 18: "everything translatable is a segment").

The seed unia-local-governments-2020 has two facts given in nl, fr and en.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from helpers import replace_once, run, use_libre
from helpers.libre_server import LibreServer
from lxml import etree

from pressgen import load_release
from pressgen.cli import cli as main
from pressgen.translation.review import aligned
from pressgen.translation.xliff import NS

RELEASE = "unia-local-governments-2020"


@pytest.fixture(autouse=True)
def _in_workspace(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workspace)


def _path(workspace: Path) -> Path:
    return workspace / "releases" / f"{RELEASE}.yaml"


def _sidecar(workspace: Path) -> Path:
    return workspace / "releases" / f"{RELEASE}.segments.json"


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def _status(workspace: Path) -> dict[str, object]:
    code, output = _invoke("status", "--json", str(_path(workspace)))
    assert code == 0, output
    row: dict[str, object] = json.loads(output)["releases"][0]
    return row


def _pair(workspace: Path, lang: str, field: str):  # type: ignore[no-untyped-def]
    return next(p for p in aligned(load_release(_path(workspace)), lang).pairs if p.field == field)


def test_the_seed_facts_are_reviewed_segments(workspace: Path) -> None:
    row = _status(workspace)
    assert row["languages"] == {"nl": "source", "fr": "reviewed", "en": "reviewed"}
    fields = [p.field for p in aligned(load_release(_path(workspace)), "fr").pairs]
    assert [f for f in fields if f.startswith("fact-")] == ["fact-1-label", "fact-1-value", "fact-2-label",
                                                             "fact-2-value"]
    assert fields[-2:] == ["image-1-alt", "image-1-caption"]  # the seed's photo
    assert _pair(workspace, "fr", "fact-1-value").target == "Tous les domaines"


def test_a_changed_dutch_fact_makes_its_french_value_stale_and_final_refuses_it(workspace: Path) -> None:
    replace_once(_path(workspace), "value: {nl: Alle domeinen,", "value: {nl: Alle beleidsdomeinen,")
    row = _status(workspace)
    assert row["languages"] == {"nl": "source", "fr": "stale", "en": "stale"}
    pair = _pair(workspace, "fr", "fact-1-value")
    assert (pair.state, pair.made_from, pair.source) == ("stale", "Alle domeinen", "Alle beleidsdomeinen")
    words = row["words"]
    assert isinstance(words, dict) and words["fr"]["changed"] == 2  # "Alle beleidsdomeinen"

    code, output = _invoke("check", str(_path(workspace)))
    assert code == 0, output
    line = next(n for n, text in enumerate(_path(workspace).read_text().splitlines(), 1) if "beleidsdomeinen" in text)
    assert f"{RELEASE}.yaml:{line}:" in output and "fr fact-1-value segment is stale" in output
    assert "was: «Alle domeinen»" in output and "now: «Alle beleidsdomeinen»" in output

    out = workspace / "out"
    replace_once(_path(workspace), "contacts: []", "contacts: [gdhoop]")  # --final wants a press contact
    code, output = _invoke("build", "--final", "--format", "docx", "--out", str(out), str(_path(workspace)))
    built = {p.name.split(".")[-2] for p in out.rglob("*.docx")}
    assert built == {"nl"}, output  # the French and English facts are those of the old Dutch value


def test_an_old_sidecar_without_fact_records_reads_them_as_draft_until_adopted(
        workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(_sidecar(workspace).read_text())
    for lang in data["languages"]:
        data["languages"][lang] = [r for r in data["languages"][lang] if not r["field"].startswith("fact-")]
    _sidecar(workspace).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    release_before = _path(workspace).read_bytes()
    row = _status(workspace)
    assert row["languages"] == {"nl": "source", "fr": "draft", "en": "draft"}  # never "reviewed" unknown
    assert _pair(workspace, "fr", "fact-2-value").state == "draft"

    capsys.readouterr()
    assert run("translate", RELEASE, "--to", "fr,en", "--adopt") == 0
    output = capsys.readouterr().out
    assert "adopted  fr: 4 fact or photo text(s) recorded as they are" in output
    assert "0 request(s) to the provider" in output
    assert _status(workspace)["languages"] == {"nl": "source", "fr": "reviewed", "en": "reviewed"}
    assert _path(workspace).read_bytes() == release_before  # only the records were written
    assert [r["state"] for r in json.loads(_sidecar(workspace).read_text())["languages"]["fr"]
            if r["field"].startswith("fact-")] == ["reviewed"] * 4


def test_translate_drafts_a_missing_fact_value_into_the_yaml(workspace: Path, server: LibreServer,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    use_libre(workspace, server.url)  # type: ignore[attr-defined]
    path = _path(workspace)
    replace_once(path, "value: {nl: Alle gronden, fr: Tous les critères, en: All grounds}",
                 "value: {nl: Alle gronden, en: All grounds}  # French to come")
    assert _pair(workspace, "fr", "fact-2-value").state == "missing"
    assert run("translate", RELEASE, "--to", "fr") == 0
    text = path.read_text()
    assert "en: All grounds, fr: fr:Alle fr:gronden} # French to come" in text  # set in place, comment kept
    pair = _pair(workspace, "fr", "fact-2-value")
    assert (pair.state, pair.target) == ("machine", "fr:Alle fr:gronden")
    assert _pair(workspace, "fr", "fact-1-value").state == "reviewed"  # the others untouched
    release = load_release(path)
    assert release.text["fr"].status == "machine"
    assert _status(workspace)["languages"] == {"nl": "source", "fr": "machine", "en": "reviewed"}


def test_review_files_carry_the_facts_both_ways(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("review", "export", RELEASE, "--lang", "fr", "--force") == 0
    xliff = workspace / "review" / f"{RELEASE}.fr.xlf"
    tree = etree.parse(str(xliff))
    unit = next(u for u in tree.getroot().iter(f"{{{NS}}}trans-unit") if u.get("resname") == "fact-1-value")
    source = unit.find(f"{{{NS}}}source")
    target = unit.find(f"{{{NS}}}target")
    assert source is not None and target is not None
    assert (source.text, target.text, unit.get("approved")) == ("Alle domeinen", "Tous les domaines", "yes")
    target.text = "Tous les domaines d’action"
    tree.write(str(xliff), xml_declaration=True, encoding="UTF-8")
    capsys.readouterr()
    assert run("review", "import", RELEASE, "--lang", "fr") == 0
    output = capsys.readouterr().out
    assert "1 applied" in output and "applied: fact-1-value" in output
    assert "value: {nl: Alle domeinen, fr: Tous les domaines d’action, en: All fields}" in _path(workspace).read_text()
    assert _pair(workspace, "fr", "fact-1-value").state == "reviewed"

    # The review DOCX has a row per fact text; a corrected row comes back into the fact.
    assert run("review", "export", RELEASE, "--lang", "fr", "--format", "docx", "--force") == 0
    docx = workspace / "review" / f"{RELEASE}.fr.review.docx"
    doc = Document(str(docx))
    row = next(r for r in doc.tables[0].rows[1:] if r.cells[0].text.startswith("fact-2-label-"))
    assert (row.cells[1].text, row.cells[2].text) == ("Discriminatiegrond", "Critère de discrimination")
    row.cells[2].paragraphs[0].runs[0].text = "Critère protégé"
    doc.save(str(docx))
    capsys.readouterr()
    assert run("review", "import", RELEASE, "--lang", "fr", "--file", str(docx)) == 0
    assert "label: {nl: Discriminatiegrond, fr: Critère protégé, en: Ground of discrimination}" in \
        _path(workspace).read_text()
    assert _pair(workspace, "fr", "fact-2-label").state == "reviewed"  # the state column still said so


def test_a_number_lost_in_a_fact_is_a_parity_warning(workspace: Path) -> None:
    replace_once(_path(workspace), "value: {nl: Alle gronden, fr: Tous les critères,",
                 "value: {nl: Alle 19 gronden, fr: Tous les critères,")
    code, output = _invoke("check", str(_path(workspace)))
    assert "fr fact-2-value segment is stale" in output  # its source changed
    sidecar = json.loads(_sidecar(workspace).read_text())
    for record in sidecar["languages"]["fr"]:
        if record["field"] == "fact-2-value":
            record["source"] = "Alle 19 gronden"  # as if reviewed against the new source
    _sidecar(workspace).write_text(json.dumps(sidecar, ensure_ascii=False))
    code, output = _invoke("check", str(_path(workspace)))
    assert "fr fact-2-value: " in output and "19" in output, output


def test_photo_alt_text_and_caption_are_segments(workspace: Path) -> None:
    shutil.copy(workspace / "assets" / "unia.png", workspace / "assets" / "photo.png")
    replace_once(_path(workspace), "    credit: Unia\n", "    credit: Unia\n  - file: assets/photo.png\n"
                 "    alt: {nl: Een loket van Unia, fr: Un guichet d’Unia}\n"  # a second photo, after the seed's
                 "    caption: {nl: Het loket in Gent}\n")
    pairs = {p.field: p for p in aligned(load_release(_path(workspace)), "fr").pairs}
    assert (pairs["image-2-alt"].source, pairs["image-2-alt"].target) == ("Een loket van Unia", "Un guichet d’Unia")
    assert pairs["image-2-alt"].state == "draft"  # no record yet: a person's text, not known reviewed
    assert pairs["image-2-caption"].state == "missing"
    assert pairs["image-1-alt"].state == "reviewed"  # the seed's own photo
    assert _status(workspace)["languages"]["fr"] == "draft"  # type: ignore[index]
