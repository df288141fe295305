"""Word comments in a returned review DOCX become translator's notes on their unit: kept in the segment
records, named by the import, exported again as XLIFF notes and shown in the next review DOCX.

The comments are added with python-docx's ``add_comment`` (LibreOffice 7.4 crashes saving comments headless).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from docx import Document
from helpers import run
from lxml import etree

from pressgen import load_release
from pressgen.translation.review import aligned
from pressgen.translation.xliff import NS

RELEASE = "iom-20km-brussels-2017"


@pytest.fixture(autouse=True)
def _in_workspace(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workspace)


def _export(workspace: Path, fmt: str = "docx") -> Path:
    assert run("review", "export", RELEASE, "--lang", "fr", "--format", fmt, "--force") == 0
    return workspace / "review" / (f"{RELEASE}.fr.review.docx" if fmt == "docx" else f"{RELEASE}.fr.xlf")


def _import(docx: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    status = run("review", "import", RELEASE, "--lang", "fr", "--file", str(docx))
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def _commented(workspace: Path) -> tuple[Path, str, str]:
    """The exported review DOCX with two comments: Anne's on row 6's translation, Luc's on row 1's source."""
    docx = _export(workspace)
    doc = Document(str(docx))
    rows = doc.tables[0].rows[1:]
    doc.add_comment(rows[5].cells[2].paragraphs[0].runs[0], text="Vérifier la date du sommet", author="Anne",
                    initials="A")
    doc.add_comment(rows[0].cells[1].paragraphs[0].runs[0], text="Titre trop long ?", author="Luc")
    doc.save(str(docx))
    return docx, rows[5].cells[0].text.strip(), rows[0].cells[0].text.strip()


def test_comments_are_kept_as_notes_and_named_by_the_import(workspace: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    docx, body_unit, headline_unit = _commented(workspace)
    release_before = (workspace / "releases" / f"{RELEASE}.yaml").read_bytes()
    status, output = _import(docx, capsys)
    assert status == 0, output
    assert f"row 6 (unit '{body_unit}'): comment kept as a translator's note: “Anne: Vérifier la date du sommet”" \
        in output
    assert f"row 1 (unit '{headline_unit}'): comment kept as a translator's note: “Luc: Titre trop long ?”" in output
    assert "0 skipped" in output
    # The release's text is untouched; the notes are in its segment records.
    assert (workspace / "releases" / f"{RELEASE}.yaml").read_bytes() == release_before
    sidecar = json.loads((workspace / "releases" / f"{RELEASE}.segments.json").read_text())
    noted = {(r["field"], r["source"][:20]): r["notes"] for r in sidecar["languages"]["fr"] if r.get("notes")}
    assert sorted(noted.values(), key=str) == [[{"from": "Anne", "text": "Vérifier la date du sommet"}],
                                               [{"from": "Luc", "text": "Titre trop long ?"}]]
    pairs = aligned(load_release(workspace / "releases" / f"{RELEASE}.yaml"), "fr").by_id()
    assert pairs[body_unit].notes == (("Anne", "Vérifier la date du sommet"),)
    assert pairs[body_unit].state == "reviewed"  # a note changes no state

    # Imported again (the same file): the same comments are not doubled.
    status, output = _import(docx, capsys)
    assert status == 0, output
    assert "comment kept" not in output
    pairs = aligned(load_release(workspace / "releases" / f"{RELEASE}.yaml"), "fr").by_id()
    assert pairs[body_unit].notes == (("Anne", "Vérifier la date du sommet"),)


def test_notes_are_exported_again_as_xliff_notes_and_in_the_next_review_docx(
        workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docx, body_unit, _ = _commented(workspace)
    assert _import(docx, capsys)[0] == 0
    xliff = _export(workspace, "xliff")
    unit = etree.parse(str(xliff)).getroot().find(f".//{{{NS}}}trans-unit[@id='{body_unit}']")
    assert unit is not None
    notes = [(note.get("from"), note.text) for note in unit.iter(f"{{{NS}}}note")]
    assert ("Anne", "Vérifier la date du sommet") in notes

    again = _export(workspace)
    rows = Document(str(again)).tables[0].rows[1:]
    row = next(r for r in rows if r.cells[0].text.strip() == body_unit)
    assert "note: Anne: Vérifier la date du sommet" in row.cells[3].text
    assert row.cells[3].paragraphs[0].text == "reviewed"  # the state word stays the cell's first paragraph
    with zipfile.ZipFile(again) as package:
        assert "word/comments.xml" not in package.namelist()  # shown as text: importing it adds nothing
    status, output = _import(again, capsys)
    assert status == 0 and "comment kept" not in output and "0 applied" in output, output


def test_the_notes_survive_a_later_edit_of_the_unit(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docx, body_unit, _ = _commented(workspace)
    assert _import(docx, capsys)[0] == 0
    # The reviewer then corrects that row in a new review file: the note stays with the unit.
    second = _export(workspace)
    doc = Document(str(second))
    row = next(r for r in doc.tables[0].rows[1:] if r.cells[0].text.strip() == body_unit)
    paragraph = row.cells[2].paragraphs[0]
    for run_ in paragraph.runs[1:]:
        run_._r.getparent().remove(run_._r)
    paragraph.runs[0].text = "La campagne a été lancée le 19 septembre 2016, lors du Sommet des Nations Unies."
    doc.save(str(second))
    status, output = _import(second, capsys)
    assert status == 0 and "1 applied" in output, output
    pairs = aligned(load_release(workspace / "releases" / f"{RELEASE}.yaml"), "fr").by_id()
    assert pairs[body_unit].target is not None and pairs[body_unit].target.startswith("La campagne a été lancée le 19")
    assert pairs[body_unit].notes == (("Anne", "Vérifier la date du sommet"),)
