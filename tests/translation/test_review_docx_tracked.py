"""The review DOCX as reviewers return it: Track Changes, comments and state words, and no silent skips.

The Track Changes documents are saved by LibreOffice itself: the module starts one headless soffice
(through python3-uno, which runs under the system Python) and edits the exported review document with
RecordChanges on, as a reviewer would. Comments are added with python-docx (LibreOffice 7.4 crashes when
it saves an annotation headless); smart tags, content controls and fields are hand-built Word XML.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from helpers import SEEDS, run

from pressgen import load_release
from pressgen.translation.review import aligned
from pressgen.translation.segments import split

RELEASE = "iom-20km-brussels-2017"
SYSTEM_PYTHON = Path("/usr/bin/python3")
NEW_PETIT = "Mme Caroline Petit, de l’UNRIC, rappelle que le sport rassemble."
CORRECTED_STALE = "Le 19 septembre 2016, la campagne a commencé au Sommet des Nations Unies."

# Run by /usr/bin/python3 (python3-uno): argv[1] is a JSON list of jobs {"in", "out", "edits"}, argv[2] a new
# folder for LibreOffice's user profile; each edit finds the first table row whose translation cell (column C)
# contains "row" and types into it.
LIBREOFFICE_EDITOR = r'''
import json, os, subprocess, sys, time
import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def select(cell, start, length):
    cursor = cell.createTextCursor()
    cursor.gotoStart(False)
    cursor.goRight(start, False)
    cursor.goRight(length, True)
    return cursor


jobs = json.load(open(sys.argv[1]))
profile = sys.argv[2]
pipe = "pressgen-test-%d" % os.getpid()
office = subprocess.Popen(["soffice", "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
                           "--nolockcheck", "-env:UserInstallation=" + uno.systemPathToFileUrl(profile),
                           "--accept=pipe,name=%s;urp;StarOffice.ComponentContext" % pipe],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(1200):
        try:
            context = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
            break
        except Exception:
            time.sleep(0.1)
    else:
        sys.exit("soffice did not accept a connection within 120 s")
    desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
    for job in jobs:
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(job["in"]), "_blank", 0, (prop("Hidden", True),))
        if doc is None:
            sys.exit("LibreOffice could not open " + job["in"])
        doc.RecordChanges = True
        table = doc.getTextTables().getByIndex(0)
        rows = table.getRows().getCount()
        for edit in job["edits"]:
            number = next(r for r in range(2, rows + 1) if edit["row"] in table.getCellByName("C%d" % r).getString())
            cell = table.getCellByName("C%d" % number)
            text = cell.getString()
            if edit["op"] == "replace":
                cell.insertString(select(cell, text.index(edit["old"]), len(edit["old"])), edit["new"], True)
            elif edit["op"] == "insert":
                cell.insertString(select(cell, text.index(edit["before"]), 0), edit["text"], False)
            elif edit["op"] == "all":
                cell.insertString(select(cell, 0, len(text)), edit["text"], True)
            elif edit["op"] == "state":
                state = table.getCellByName("D%d" % number)
                cursor = state.createTextCursor()
                cursor.gotoStart(False)
                cursor.gotoEndOfParagraph(True)
                state.insertString(cursor, edit["text"], True)
        doc.storeToURL(uno.systemPathToFileUrl(job["out"]), (prop("FilterName", "MS Word 2007 XML"),))
        doc.close(True)
    try:
        desktop.terminate()
    except Exception:
        pass  # the bridge goes as the office quits
finally:
    try:
        office.wait(timeout=60)
    except subprocess.TimeoutExpired:
        office.kill()
        office.wait()
'''


def _path(workspace: Path) -> Path:
    return workspace / "releases" / f"{RELEASE}.yaml"


def _machine(workspace: Path) -> None:
    path = _path(workspace)
    path.write_text(path.read_text().replace("  fr:\n    status: reviewed", "  fr:\n    status: machine"))


def _source_changed(workspace: Path) -> None:
    """Change the third Dutch body paragraph: its French translation is stale."""
    path = _path(workspace)
    text = path.read_text()
    assert "De campagne werd gestart op" in text
    path.write_text(text.replace("De campagne werd gestart op", "De campagne begon op"))


def _export(workspace: Path) -> Path:
    assert run("review", "export", RELEASE, "--lang", "fr", "--format", "docx", "--force") == 0
    return workspace / "review" / f"{RELEASE}.fr.review.docx"


def _states(workspace: Path) -> list[tuple[str, str, str | None]]:
    return [(pair.field, str(pair.state), pair.target) for pair in aligned(load_release(_path(workspace)), "fr").pairs]


def _libreoffice_missing() -> str | None:
    if shutil.which("soffice") is None:
        return "LibreOffice (soffice) is not installed: scripts/setup-system.sh test installs it"
    if not SYSTEM_PYTHON.is_file() or subprocess.run([str(SYSTEM_PYTHON), "-c", "import uno"],
                                                     capture_output=True).returncode != 0:
        return "python3-uno is not installed for /usr/bin/python3: scripts/setup-system.sh test installs it"
    return None


@pytest.fixture(scope="module")
def libre(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Review documents LibreOffice saved with Track Changes on, from one soffice start:
    'machine': the machine-translated release, four rows edited; 'stale': a stale row corrected."""
    if (reason := _libreoffice_missing()) is not None:
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("libreoffice")
    workspace = folder / "ws"
    shutil.copytree(SEEDS, workspace, ignore=shutil.ignore_patterns("dist", ".pressgen"))
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.chdir(workspace)
    try:
        _machine(workspace)
        shutil.copy(_export(workspace), folder / "machine.in.docx")
        path = _path(workspace)
        path.write_text(path.read_text().replace("  fr:\n    status: machine", "  fr:\n    status: reviewed"))
        _source_changed(workspace)
        shutil.copy(_export(workspace), folder / "stale.in.docx")
    finally:
        monkeypatch.undo()
    jobs = [
        {"in": str(folder / "machine.in.docx"), "out": str(folder / "machine.docx"), "edits": [
            {"row": "Promouvons ENSEMBLE", "op": "replace", "old": "ENSEMBLE", "new": "ensemble"},
            {"row": "Promouvons", "op": "state", "text": "révisé"},
            {"row": "La campagne a été lancée", "op": "insert", "before": "lancée", "text": "officiellement "},
            {"row": "La campagne a été", "op": "state", "text": "Reviewed"},
            {"row": "Mme Caroline Petit", "op": "all", "text": NEW_PETIT},
            {"row": "Mme Caroline Petit", "op": "state", "text": "reviewed"},
            {"row": "Avec le soutien", "op": "state", "text": "Nagekeken"}]},
        {"in": str(folder / "stale.in.docx"), "out": str(folder / "stale.docx"), "edits": [
            {"row": "La campagne a été lancée", "op": "all", "text": CORRECTED_STALE}]},
    ]
    (folder / "jobs.json").write_text(json.dumps(jobs))
    (folder / "edit.py").write_text(LIBREOFFICE_EDITOR)
    command = [str(SYSTEM_PYTHON), str(folder / "edit.py"), str(folder / "jobs.json"), str(folder / "profile")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return {"machine": folder / "machine.docx", "stale": folder / "stale.docx"}


@pytest.fixture(autouse=True)
def _in_workspace(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workspace)


def _document_xml(docx: Path) -> str:
    with zipfile.ZipFile(docx) as package:
        return package.read("word/document.xml").decode()


def _import(docx: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    status = run("review", "import", RELEASE, "--lang", "fr", "--file", str(docx))
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def test_libreoffice_tracked_replacement_keeps_the_inserted_word(workspace: Path, libre: dict[str, Path],
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    xml = _document_xml(libre["machine"])
    assert "<w:delText>ENSEMBLE</w:delText>" in xml and ">ensemble</w:t>" in xml  # really tracked by LibreOffice
    _machine(workspace)
    status, output = _import(libre["machine"], capsys)
    assert status == 0, output
    subheadline = load_release(_path(workspace)).text["fr"].subheadline
    assert subheadline == "« Promouvons ensemble le respect, la sécurité et la dignité des réfugiés et des migrants »"
    assert [s for f, s, _ in _states(workspace) if f == "subheadline"] == ["reviewed"]  # 'révisé', tracked too


def test_libreoffice_tracked_insertion_and_replaced_row_are_applied(workspace: Path, libre: dict[str, Path],
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    _machine(workspace)
    status, output = _import(libre["machine"], capsys)
    assert status == 0, output
    body = split("body", load_release(_path(workspace)).text["fr"].body)
    assert body[2].startswith("La campagne a été officiellement lancée le 19 septembre 2016")
    assert body[4] == NEW_PETIT  # every word of the row deleted and retyped under Track Changes
    states = [s for f, s, _ in _states(workspace) if f == "body"]
    assert states[2] == states[4] == "reviewed"
    assert states[3] == "reviewed"  # text as exported, 'Nagekeken' in the state cell: approved
    assert states[0] == states[1] == states[5] == "machine"  # untouched rows keep their state
    # Four rows changed (three texts, one state); the nine others came back as exported.
    assert "4 applied, 9 unchanged, 0 conflict(s), 0 skipped" in output


def test_a_corrected_stale_row_is_applied_as_a_draft(workspace: Path, libre: dict[str, Path],
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    _source_changed(workspace)
    assert [s for f, s, _ in _states(workspace) if f == "body"][2] == "stale"
    status, output = _import(libre["stale"], capsys)
    assert status == 0, output
    assert split("body", load_release(_path(workspace)).text["fr"].body)[2] == CORRECTED_STALE
    assert [s for f, s, _ in _states(workspace) if f == "body"][2] == "draft"  # the translator's, not approved
    assert "1 applied" in output


def _edited(workspace: Path, edit: dict[int, tuple[str | None, str | None]]) -> Path:
    """Export the review document and set row N's translation and/or state cell, as typed in Word."""
    docx = _export(workspace)
    doc = Document(str(docx))
    rows = doc.tables[0].rows[1:]
    for number, (text, state) in edit.items():
        if text is not None:
            cell = rows[number - 1].cells[2]
            for paragraph in cell.paragraphs:
                for run_ in paragraph.runs:
                    run_.text = ""
            cell.paragraphs[0].runs[0].text = text
        if state is not None:
            rows[number - 1].cells[3].paragraphs[0].runs[0].text = state
    doc.save(str(docx))
    return docx


def test_state_words_are_read_in_any_language_and_an_unknown_one_is_reported(
        workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # rows: 1 headline, 2 subheadline, 3 dateline, 4.. body paragraphs
    docx = _edited(workspace, {1: (None, "révisé"), 2: (None, "RELU"), 3: (None, "Révisée peut-être"),
                               6: ("La campagne a débuté le 19 septembre 2016.", "bon")})
    status, output = _import(docx, capsys)
    assert status == 0, output
    states = _states(workspace)
    assert [s for _, s, _ in states[:3]] == ["reviewed", "reviewed", "reviewed"]  # not downgraded to draft
    assert states[5][1] == "draft"  # a word pressgen does not know: the new text applies, as a draft
    assert states[5][2] == "La campagne a débuté le 19 septembre 2016."
    assert "row 6 (unit " in output and "the state 'bon' is not one pressgen knows" in output
    assert "row 3 (unit " in output and "keeps its state (reviewed)" in output
    assert ": warning: row 6 (unit " in output
    assert "1 applied, 12 unchanged, 0 conflict(s), 2 skipped" in output


def test_an_emptied_row_is_skipped_with_its_reason(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docx = _edited(workspace, {8: ("", None)})
    status, output = _import(docx, capsys)
    assert status == 0, output
    assert "row 8 (unit " in output and "the translation cell is empty" in output
    assert split("body", load_release(_path(workspace)).text["fr"].body)[4].startswith("Mme Caroline Petit")
    assert "0 applied, 12 unchanged, 0 conflict(s), 1 skipped" in output


def test_word_comments_are_reported_with_their_unit(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docx = _export(workspace)
    doc = Document(str(docx))
    rows = doc.tables[0].rows[1:]
    doc.add_comment(rows[5].cells[2].paragraphs[0].runs[0], text="Vérifier la date du sommet", author="Anne",
                    initials="A")
    doc.add_comment(rows[0].cells[1].paragraphs[0].runs[0], text="Titre trop long ?", author="Luc")
    doc.save(str(docx))
    unit = rows[5].cells[0].text.strip()
    status, output = _import(docx, capsys)
    assert status == 0, output
    assert f"row 6 (unit '{unit}'): comment kept as a translator's note: “Anne: Vérifier la date du sommet”" \
        in output
    assert "row 1 (unit " in output and "Luc: Titre trop long ?" in output
    assert "0 skipped" in output  # kept as notes (tests/translation/test_review_comments.py)


W = nsdecls("w")


def _tracked_cell(cell_xml: str) -> str:
    return f'<w:p {W}>{cell_xml}</w:p>'


def test_hand_built_revisions_smart_tags_and_content_controls_keep_their_text(
        workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docx = _export(workspace)
    doc = Document(str(docx))
    rows = doc.tables[0].rows[1:]
    cells = {number: rows[number - 1].cells[2]._tc for number in (1, 2, 3)}
    paragraphs = {
        # headline: a Word smart tag, a content control, custom XML and a simple field around the runs
        1: '<w:smartTag w:uri="urn:schemas-microsoft-com:office:smarttags" w:element="place">'
           '<w:r><w:t xml:space="preserve">Les Nations Unies </w:t></w:r></w:smartTag>'
           '<w:sdt><w:sdtPr/><w:sdtContent><w:r><w:t xml:space="preserve">courent </w:t></w:r></w:sdtContent></w:sdt>'
           '<w:customXml w:element="x"><w:r><w:t xml:space="preserve">les 20 km </w:t></w:r></w:customXml>'
           '<w:fldSimple w:instr=" DOCPROPERTY city "><w:r><w:t>de Bruxelles</w:t></w:r></w:fldSimple>',
        # subheadline: Word's insertion, deletion, a formatting change and a move
        2: '<w:r><w:t xml:space="preserve">« Promouvons </w:t></w:r>'
           '<w:del w:id="1" w:author="A"><w:r><w:delText>ENSEMBLE</w:delText></w:r></w:del>'
           '<w:ins w:id="2" w:author="A"><w:r><w:rPr><w:rPrChange w:id="3" w:author="A"><w:rPr><w:b/></w:rPr>'
           '</w:rPrChange></w:rPr><w:t>tous ensemble</w:t></w:r></w:ins>'
           '<w:r><w:t xml:space="preserve"> le respect</w:t></w:r>'
           '<w:moveFrom w:id="4" w:author="A"><w:r><w:t xml:space="preserve"> partout</w:t></w:r></w:moveFrom>'
           '<w:r><w:t xml:space="preserve"> et la dignité</w:t></w:r>'
           '<w:moveTo w:id="5" w:author="A"><w:r><w:t xml:space="preserve"> partout</w:t></w:r></w:moveTo>'
           '<w:r><w:t xml:space="preserve"> »</w:t></w:r>',
    }
    for number, xml in paragraphs.items():
        tc = cells[number]
        for paragraph in tc.findall(qn("w:p")):
            tc.remove(paragraph)
        tc.append(parse_xml(_tracked_cell(xml)))
    # the dateline: a row deleted with Track Changes is refused, whatever its text says
    rows[2]._tr.get_or_add_trPr().append(parse_xml(f'<w:del {W} w:id="6" w:author="A"/>'))
    rows[2].cells[2].paragraphs[0].runs[0].text = "Anvers"
    doc.save(str(docx))
    status, output = _import(docx, capsys)
    assert status == 0, output
    fr = load_release(_path(workspace)).text["fr"]
    assert fr.headline == "Les Nations Unies courent les 20 km de Bruxelles"
    assert fr.subheadline == "« Promouvons tous ensemble le respect et la dignité partout »"
    assert fr.dateline == "Bruxelles"
    assert "row 3 (unit " in output and "the row was deleted with Track Changes on" in output
