"""The workspace's own texts (organisation names, taglines, "About" headings, boilerplates, contact roles in
pressgen.yaml) are segments with a review round trip: ``pressgen review workspace export|import``, states in
pressgen.segments.json beside pressgen.yaml, pressgen.yaml written back in place (issue 18)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docx import Document
from helpers import replace_once, run
from lxml import etree

from pressgen import load_workspace
from pressgen.translation.xliff import NS

TAGLINE_FR = "L’ONU dans votre langue"


@pytest.fixture(autouse=True)
def _in_workspace(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workspace)


def _export(workspace: Path, fmt: str = "xliff") -> Path:
    assert run("review", "workspace", "export", "--lang", "fr", "--format", fmt, "--force") == 0
    return workspace / "review" / ("workspace.fr.xlf" if fmt == "xliff" else "workspace.fr.review.docx")


def _import(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    capsys.readouterr()
    status = run("review", "workspace", "import", "--lang", "fr", *extra)
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def _units(xliff: Path) -> dict[str, etree._Element]:
    return {unit.get("resname"): unit for unit in etree.parse(str(xliff)).getroot().iter(f"{{{NS}}}trans-unit")}


def _edit_unit(xliff: Path, resname: str, text: str | None, approve: bool = False) -> None:
    tree = etree.parse(str(xliff))
    for unit in tree.getroot().iter(f"{{{NS}}}trans-unit"):
        if unit.get("resname") == resname:
            target = unit.find(f"{{{NS}}}target")
            assert target is not None
            if text is not None:
                target.text = text
            if approve:
                unit.set("approved", "yes")
    tree.write(str(xliff), xml_declaration=True, encoding="UTF-8")


def test_every_workspace_text_is_a_unit_not_reviewed_until_someone_says_so(workspace: Path) -> None:
    # The seeds' pressgen.segments.json records every text reviewed (approved in a workspace XLIFF once) ...
    assert {unit.get("approved") for unit in _units(_export(workspace)).values()} == {"yes"}
    # ... without it they are draft: a person's text, never taken for "reviewed"
    (workspace / "pressgen.segments.json").unlink()
    units = _units(_export(workspace))
    assert {"organizations.iom-belgium.name", "organizations.iom-belgium.short_name",
            "organizations.unia.about", "organizations.unric.tagline", "organizations.unia.boilerplate",
            "organizations.unia.address", "contacts.gdhoop.role", "contacts.unric-press.role"} <= set(units)
    assert "organizations.unia.name" not in units  # "Unia": the same in every language
    tagline = units["organizations.unric.tagline"]
    assert tagline.findtext(f"{{{NS}}}source") == "De VN in jouw taal"
    assert tagline.findtext(f"{{{NS}}}target") == TAGLINE_FR
    assert tagline.find(f"{{{NS}}}target").get("state") == "translated"  # type: ignore[union-attr]
    assert tagline.get("approved") is None


def test_a_reviewed_change_is_written_into_pressgen_yaml_in_place(workspace: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    config = workspace / "pressgen.yaml"
    xliff = _export(workspace)
    _edit_unit(xliff, "organizations.unric.tagline", "L’ONU dans ta langue", approve=True)
    _edit_unit(xliff, "contacts.gdhoop.role", None, approve=True)
    status, output = _import(capsys)
    assert status == 0, output
    assert "applied: organisation unric, tagline" in output
    assert "1 applied, 15 unchanged" in output and "0 conflict(s)" in output  # the role was approved already
    text = config.read_text()
    assert "fr: L’ONU dans ta langue" in text
    assert "# Used in the \"About …\" heading; French includes the article." in text  # comments kept
    assert load_workspace(workspace).config.organizations["unric"].tagline == {  # type: ignore[union-attr]
        "nl": "De VN in jouw taal", "fr": "L’ONU dans ta langue", "en": "UN in your language"}
    records = json.loads((workspace / "pressgen.segments.json").read_text())["languages"]["fr"]
    states = {r["field"]: r["state"] for r in records}
    assert states["organizations.unric.tagline"] == states["contacts.gdhoop.role"] == "reviewed"
    units = _units(_export(workspace))
    assert units["organizations.unric.tagline"].get("approved") == "yes"

    # The Dutch tagline changes: its French is stale, exported with the previous source.
    replace_once(config, "nl: De VN in jouw taal", "nl: De Verenigde Naties in jouw taal")
    units = _units(_export(workspace))
    tagline = units["organizations.unric.tagline"]
    assert tagline.find(f"{{{NS}}}target").get("state") == "needs-review-translation"  # type: ignore[union-attr]
    assert any("Previous source: De VN in jouw taal" in (n.text or "") for n in tagline.iter(f"{{{NS}}}note"))


def test_an_edit_made_since_the_export_is_a_conflict_not_overwritten(workspace: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    config = workspace / "pressgen.yaml"
    xliff = _export(workspace)
    _edit_unit(xliff, "organizations.unric.tagline", "L’ONU dans ta langue")
    replace_once(config, f"fr: {TAGLINE_FR}", "fr: L’ONU dans vos langues")  # edited by hand meanwhile
    before = config.read_bytes()
    status, output = _import(capsys)
    assert status == 1, output
    assert "changed on both sides" in output and "«L’ONU dans vos langues»" in output
    assert config.read_bytes() == before


def test_the_workspace_review_docx_round_trip_keeps_comments(workspace: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    docx = _export(workspace, "docx")
    doc = Document(str(docx))
    row = next(r for r in doc.tables[0].rows[1:] if r.cells[0].text.startswith("contacts.unric-press.role-"))
    assert (row.cells[1].text, row.cells[2].text) == ("Pers en media", "Presse et médias")
    row.cells[2].paragraphs[0].runs[0].text = "Presse et médias (UNRIC)"
    doc.add_comment(row.cells[2].paragraphs[0].runs[0], text="Nom du service ?", author="Anne")
    doc.save(str(docx))
    status, output = _import(capsys, "--file", str(docx))
    assert status == 0, output
    assert "1 applied" in output
    assert "comment kept as a translator's note: “Anne: Nom du service ?”" in output
    role = load_workspace(workspace).config.contacts["unric-press"].role
    assert isinstance(role, dict) and role["fr"] == "Presse et médias (UNRIC)"
    records = json.loads((workspace / "pressgen.segments.json").read_text())["languages"]["fr"]
    record = next(r for r in records if r["field"] == "contacts.unric-press.role")
    assert record["notes"] == [{"from": "Anne", "text": "Nom du service ?"}]
    unit = _units(_export(workspace))["contacts.unric-press.role"]
    assert ("Anne", "Nom du service ?") in [(n.get("from"), n.text) for n in unit.iter(f"{{{NS}}}note")]


def test_the_source_language_is_refused(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("review", "workspace", "export", "--lang", "nl") == 2
    assert "the workspace's texts are written in" in capsys.readouterr().err


def test_a_damaged_workspace_sidecar_is_an_error_not_read_as_none(workspace: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    (workspace / "pressgen.segments.json").write_text('<<<<<<< HEAD\n{}\n=======\n{}\n>>>>>>> other\n')
    assert run("review", "workspace", "export", "--lang", "fr", "--force") == 1
    assert "pressgen.segments.json:1:1: error: the segment records cannot be read" in capsys.readouterr().err
    assert not (workspace / "review" / "workspace.fr.xlf").exists()
