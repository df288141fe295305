"""A stale row of the review DOCX shows the old and the new source as a word diff, and the previous human
translation: read back from the exported document's XML."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from helpers import run, use_libre
from helpers.libre_server import LibreServer

RELEASE = "iom-20km-brussels-2017"


def test_word_diff_marks_deleted_and_inserted_words() -> None:
    from pressgen.translation.review_docx import word_diff

    assert word_diff("De campagne werd gestart op 19 september", "De campagne begon  op 19\nseptember") == [
        ("equal", "De campagne"), ("delete", "werd gestart"), ("insert", "begon"), ("equal", "op 19 september")]


def test_a_stale_row_shows_the_source_diff_and_the_previous_translation(
        workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(workspace)
    path = workspace / "releases" / f"{RELEASE}.yaml"
    text = path.read_text()
    assert "De campagne werd gestart op" in text
    path.write_text(text.replace("De campagne werd gestart op", "De campagne begon op"))
    assert run("review", "export", RELEASE, "--lang", "fr", "--format", "docx", "--force") == 0
    docx = workspace / "review" / f"{RELEASE}.fr.review.docx"
    rows = Document(str(docx)).tables[0].rows[1:]
    stale = [row for row in rows if row.cells[3].paragraphs[0].text == "stale"]
    assert len(stale) == 1
    source = stale[0].cells[1]
    assert source.paragraphs[0].text.startswith("De campagne begon op 19 september 2016")
    deleted = [r.text.strip() for p in source.paragraphs[1:] for r in p.runs
               if r._r.find(qn("w:rPr")) is not None and r._r.find(qn("w:rPr")).find(qn("w:strike")) is not None]
    inserted = [r.text.strip() for p in source.paragraphs[1:] for r in p.runs if r.font.underline]
    assert deleted == ["werd gestart"]
    assert inserted == ["begon"]
    shown = "\n".join(p.text for p in source.paragraphs[1:])
    assert "Source changed since it was translated" in shown
    assert "Previous human translation (reviewed), made from the old source: La campagne a été lancée le 19 " \
        "septembre 2016" in shown
    # The other rows show no diff; the import still reads the row as the export wrote it.
    assert all(len(row.cells[1].paragraphs) == 1 for row in rows if row not in stale and "\n" not in row.cells[1].text)
    capsys.readouterr()
    assert run("review", "import", RELEASE, "--lang", "fr", "--file", str(docx)) == 0
    assert "0 applied" in capsys.readouterr().out


def test_a_stale_machine_row_shows_the_human_translation_the_memory_kept(
        workspace: Path, server: LibreServer, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(workspace)
    use_libre(workspace, server.url)  # type: ignore[attr-defined]
    # Every French segment redrafted by the machine: the reviewed text goes into the memory's history ...
    assert run("translate", RELEASE, "--to", "fr", "--retranslate") == 0
    path = workspace / "releases" / f"{RELEASE}.yaml"
    text = path.read_text()
    path.write_text(text.replace("De campagne werd gestart op", "De campagne begon op"))
    # ... so the stale row, whose translation is a machine's, shows the person's translation of the old source.
    assert run("review", "export", RELEASE, "--lang", "fr", "--format", "docx", "--force") == 0
    rows = Document(str(workspace / "review" / f"{RELEASE}.fr.review.docx")).tables[0].rows[1:]
    stale = [row for row in rows if row.cells[3].paragraphs[0].text == "stale"]
    assert len(stale) == 1
    assert stale[0].cells[2].text.startswith("fr:")  # the machine draft
    shown = "\n".join(p.text for p in stale[0].cells[1].paragraphs[1:])
    assert "Previous human translation (reviewed), made from the old source: La campagne a été lancée le 19 " \
        "septembre 2016" in shown
