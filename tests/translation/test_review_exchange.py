"""Review files as CAT tools and Word send them back: approval, groups, segmentation, tags, round trips."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from helpers import run
from lxml import etree
from translate.storage import xliff as toolkit_xliff

from pressgen import load_release
from pressgen.translation.review import NS
from pressgen.translation.segments import align, split
from pressgen.translation.state import language_state

RELEASE = "iom-20km-brussels-2017"
X = f"{{{NS}}}"


def _path(workspace: Path) -> Path:
    return workspace / "releases" / f"{RELEASE}.yaml"


def _export(workspace: Path, *extra: str) -> Path:
    assert run("review", "export", RELEASE, "--lang", "fr", *extra) == 0
    return workspace / "review" / f"{RELEASE}.fr.xlf"


def _machine(workspace: Path) -> None:
    path = _path(workspace)
    path.write_text(path.read_text().replace("  fr:\n    status: reviewed", "  fr:\n    status: machine"))


@pytest.fixture(autouse=True)
def _in_workspace(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workspace)


def _unit(tree: etree._ElementTree, resname: str, number: int = 1) -> etree._Element:
    return [u for u in tree.iter(f"{X}trans-unit") if u.get("resname") == resname][number - 1]


def test_a_file_approved_in_translate_toolkit_imports_as_reviewed(workspace: Path) -> None:
    _machine(workspace)
    xlf = _export(workspace)
    assert "approved" not in xlf.read_text()
    store = toolkit_xliff.xlifffile.parsestring(xlf.read_bytes())
    for unit in store.units:
        if not unit.isheader():
            unit.markapproved(True)
    xlf.write_bytes(bytes(store))
    assert run("review", "import", RELEASE, "--lang", "fr") == 0
    release = load_release(_path(workspace))
    assert release.text["fr"].status == "reviewed"
    assert set(align(release, "fr").counts()) == {"reviewed"}


def test_tags_protect_bold_links_and_superscripts(workspace: Path) -> None:
    xlf = _export(workspace)
    tree = etree.parse(str(xlf))
    first = _unit(tree, "body", 1)
    source = first.find(f"{X}source")
    assert [(g.get("ctype"), g.text) for g in source.iter(f"{X}g")] == [
        ("bold", "UN Migration"), ("x-superscript", "ste"), ("bold", "20 km door Brussel")]
    linked = _unit(tree, "body", 2)
    [link] = [g for g in linked.find(f"{X}source").iter(f"{X}g") if g.get("ctype") == "link"]
    assert link.text == "campagne ‘TEZAMEN’"
    assert "together.un.org" not in etree.tostring(linked).decode()  # the target is never in the file


def test_groups_segmentation_and_g_tags_from_a_cat_tool_import(workspace: Path) -> None:
    xlf = _export(workspace)
    tree = etree.parse(str(xlf))
    body = tree.find(f"{X}file/{X}body")
    group = etree.SubElement(body, f"{X}group", id="paragraphs")
    for unit in list(body.iter(f"{X}trans-unit")):
        group.append(unit)  # every unit now sits in a group
    linked = _unit(tree, "body", 2)
    source, target = linked.find(f"{X}source"), linked.find(f"{X}target")
    seg_source = etree.Element(f"{X}seg-source")
    mark = etree.SubElement(seg_source, f"{X}mrk", mtype="seg", mid="1")
    mark.text, mark[:] = source.text, [copy.deepcopy(child) for child in source]
    source.addnext(seg_source)
    wrapped = etree.Element(f"{X}mrk", mtype="seg", mid="1")
    wrapped.text, wrapped[:] = "Désormais, l’équipe court pour la ", list(target)
    target.text = None
    target.append(wrapped)
    [link] = [g for g in wrapped.iter(f"{X}g") if g.get("ctype") == "link"]
    link.text = "campagne « ENSEMBLE » des Nations Unies"
    target.set("state", "final")
    tree.write(str(xlf), xml_declaration=True, encoding="UTF-8")

    assert run("review", "import", RELEASE, "--lang", "fr") == 0
    paragraph = split("body", load_release(_path(workspace)).text["fr"].body)[1]
    assert paragraph.startswith("Désormais, l’équipe court pour la "
                                "[campagne « ENSEMBLE » des Nations Unies](https://together.un.org)")


def test_a_changed_link_or_unbalanced_markup_is_a_conflict(workspace: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    before = _path(workspace).read_bytes()
    xlf = _export(workspace)
    tree = etree.parse(str(xlf))
    linked = _unit(tree, "body", 2)
    [link] = [g for g in linked.find(f"{X}target").iter(f"{X}g") if g.get("ctype") == "link"]
    link.set("id", "link7")  # a tag the source does not have
    plain = _unit(tree, "body", 3)  # a paragraph without tags: Markdown typed as text
    plain.find(f"{X}target").text = "La campagne a été lancée le **19 septembre 2016 lors du sommet."
    tree.write(str(xlf), xml_declaration=True, encoding="UTF-8")
    assert run("review", "import", RELEASE, "--lang", "fr") == 1
    err = capsys.readouterr().err
    assert re.search(rf"{RELEASE}\.fr\.xlf:\d+:1: error: unit '{linked.get('id')}': its target is not applied: "
                     "a link was removed, added or changed", err)
    assert re.search(rf"unit '{plain.get('id')}': its target is not applied: unbalanced markup", err)

    tree = etree.parse(str(_export(workspace, "--force")))
    untagged = _unit(tree, "body", 2)
    for element in (untagged.find(f"{X}source"), untagged.find(f"{X}target")):
        text = "".join(element.itertext())
        element[:] = []
        element.text = text
    untagged.find(f"{X}target").text = "L’équipe soutient la [campagne](https://example.com/elsewhere)."
    tree.write(str(xlf), xml_declaration=True, encoding="UTF-8")
    assert run("review", "import", RELEASE, "--lang", "fr") == 1
    assert "the link targets differ from the source's" in capsys.readouterr().err
    assert _path(workspace).read_bytes() == before


def test_a_source_paragraph_inserted_after_the_export_leaves_every_unit_applicable(workspace: Path) -> None:
    _machine(workspace)
    xlf = _export(workspace)
    tree = etree.parse(str(xlf))
    for target in tree.iter(f"{X}target"):
        target.set("state", "final")
        target.attrib.pop("state-qualifier", None)
    units = len(list(tree.iter(f"{X}trans-unit")))
    tree.write(str(xlf), xml_declaration=True, encoding="UTF-8")
    path = _path(workspace)
    first = "      Het Agentschap van de Verenigde Naties voor de Migratie (IOM)"
    path.write_text(path.read_text().replace(first, "      Een nieuwe eerste alinea.\n\n" + first, 1))

    assert run("review", "import", RELEASE, "--lang", "fr") == 0
    release = load_release(path)
    counts = align(release, "fr").counts()
    assert counts == {"reviewed": units, "missing": 1}  # every unit applied; the new paragraph awaits its turn
    assert language_state(release, "fr") == "draft"


def test_reexport_never_overwrites_a_reviewers_file(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    xlf = _export(workspace)
    xlf.write_text(xlf.read_text().replace("L’Agence", "L’Agence (relu)"))
    work = xlf.read_bytes()
    assert run("review", "export", RELEASE, "--lang", "fr") == 2
    assert "exists: a reviewer may be working on it" in capsys.readouterr().err
    assert xlf.read_bytes() == work
    assert run("review", "export", RELEASE, "--lang", "fr", "--force") == 0


def test_a_missing_language_exports_with_empty_targets(workspace: Path) -> None:
    path = _path(workspace)
    text = path.read_text()
    path.write_text(text[:text.index("  fr:\n")] + text[text.index("  en:\n"):])
    xlf = _export(workspace)
    tree = etree.parse(str(xlf))
    targets = list(tree.iter(f"{X}target"))
    assert targets and all(t.get("state") == "new" and not "".join(t.itertext()) for t in targets)


def test_the_bilingual_docx_round_trip_applies_an_edit_made_in_word(workspace: Path) -> None:
    _machine(workspace)
    assert run("review", "export", RELEASE, "--lang", "fr", "--format", "docx") == 0
    docx = workspace / "review" / f"{RELEASE}.fr.review.docx"
    doc = Document(str(docx))
    table = doc.tables[0]
    header = table.rows[0]._tr
    assert header.find(qn("w:trPr")).find(qn("w:tblHeader")) is not None  # repeated on every page
    rows = table.rows[1:]
    langs = {cell: {el.get(qn("w:val")) for el in rows[3].cells[cell]._tc.iter(qn("w:lang"))} for cell in (1, 2)}
    assert langs == {1: {"nl-BE"}, 2: {"fr-BE"}}
    first_body = rows[3].cells[2]
    assert any(r.bold and r.text == "UN Migration" for p in first_body.paragraphs for r in p.runs)
    assert "together.un.org" not in rows[4].cells[2].text and "[" not in rows[4].cells[2].text

    third = rows[5].cells[2]  # body paragraph 3: replace its text, as a reviewer typing in Word would
    for paragraph in third.paragraphs:
        for run_ in paragraph.runs:
            run_.text = ""
    third.paragraphs[0].runs[0].text = "La campagne a été lancée le 19 septembre 2016, revue dans Word."
    for row in rows:
        row.cells[3].text = "reviewed"
    doc.save(str(docx))

    assert run("review", "import", RELEASE, "--lang", "fr", "--file", str(docx)) == 0
    release = load_release(_path(workspace))
    body = split("body", release.text["fr"].body)
    assert body[2] == "La campagne a été lancée le 19 septembre 2016, revue dans Word."
    assert body[0].startswith("L’Agence des Nations Unies pour les migrations (OIM) a constitué une équipe "
                              "« **UN Migration** »")  # untouched rows keep their text and markup exactly
    assert body[1].count("(https://together.un.org)") == 1
    assert release.text["fr"].status == "reviewed"
