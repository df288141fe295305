"""Translators' review: XLIFF export and import with conflicts, round trips, and the bilingual DOCX."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docx import Document
from helpers import run
from lxml import etree
from translate.storage import xliff as toolkit_xliff

from pressgen import load_release, load_workspace
from pressgen.translation.review import NS, SCHEMA, export_xliff
from pressgen.translation.segments import align, sidecar_path
from pressgen.translation.state import language_state

RELEASE = "iom-20km-brussels-2017"
# The official OASIS schema, from Debian's php-symfony-translation (installed by `make test`).
OASIS = Path("/usr/share/php/Symfony/Component/Translation/Resources/schemas")


def oasis_schema() -> etree.XMLSchema:
    """The XLIFF 1.2 strict schema, its xml.xsd import pointed at the copy beside it (no network)."""
    text = (OASIS / "xliff-core-1.2-strict.xsd").read_text(encoding="utf-8")
    text = text.replace('schemaLocation="http://www.w3.org/2001/xml.xsd"',
                        f'schemaLocation="{(OASIS / "xml.xsd").as_uri()}"')
    return etree.XMLSchema(etree.fromstring(text.encode(), base_url=(OASIS / "x.xsd").as_uri()))


def _path(workspace: Path) -> Path:
    return workspace / "releases" / f"{RELEASE}.yaml"


def _edit_source_paragraph(workspace: Path) -> None:
    path = _path(workspace)
    path.write_text(path.read_text().replace("Voor het eerst dit jaar", "Dit jaar voor het eerst", 1))


def _export(workspace: Path, lang: str = "fr") -> Path:
    assert run("review", "export", str(_path(workspace)), "--lang", lang) == 0
    return workspace / "review" / f"{RELEASE}.{lang}.xlf"


@pytest.mark.parametrize("status", ["reviewed", "machine", "draft"])
def test_xliff_export_validates_against_the_oasis_xliff_1_2_schema(workspace: Path, status: str) -> None:
    path = _path(workspace)
    path.write_text(path.read_text().replace("  fr:\n    status: reviewed", f"  fr:\n    status: {status}"))
    tree = etree.parse(str(_export(workspace)))
    schema = oasis_schema()
    assert schema.validate(tree), schema.error_log
    ours = etree.XMLSchema(etree.parse(str(SCHEMA)))
    assert ours.validate(tree), ours.error_log


def test_xliff_export_is_readable_by_a_cat_library(workspace: Path) -> None:
    xlf = _export(workspace)
    tree = etree.parse(str(xlf))
    file = tree.getroot()[0]
    assert (file.get("source-language"), file.get("target-language")) == ("nl-BE", "fr-BE")
    store = toolkit_xliff.xlifffile.parsestring(xlf.read_bytes())
    units = [u for u in store.units if not u.isheader()]
    ids = [u.getid().split("\x04")[-1] for u in units]  # the toolkit prefixes the file's name
    release = load_release(_path(workspace))
    assert ids == [pair.id for pair in align(release, "fr").pairs]  # one unit per segment, ids by fingerprint
    assert [u.xmlelement.get("resname") for u in units][:4] == ["headline", "subheadline", "dateline", "body"]
    assert units[0].source == release.text["nl"].headline and units[0].target == release.text["fr"].headline
    assert all(RELEASE in u.getnotes() for u in units)
    assert len([i for i in ids if i.startswith("body-")]) == 9


def test_round_trip_without_changes_leaves_the_yaml_byte_identical(workspace: Path) -> None:
    path = _path(workspace)
    path.write_text(path.read_text().replace("  fr:\n    status: reviewed", "  fr:\n    status: machine"))
    before = path.read_bytes()
    xlf = _export(workspace)
    assert 'state-qualifier="mt-suggestion"' in xlf.read_text()
    assert run("review", "import", str(path), "--lang", "fr") == 0
    assert path.read_bytes() == before


def _set_all(xlf: Path, state: str, edit: tuple[int, str] | None = None) -> None:
    """Set every target's state; with ``edit`` (n, text), replace the target of the n-th body unit by text."""
    tree = etree.parse(str(xlf))
    bodies = 0
    for target in tree.iter(f"{{{NS}}}target"):
        target.set("state", state)
        target.attrib.pop("state-qualifier", None)
        bodies += target.getparent().get("resname") == "body"
        if edit and target.getparent().get("resname") == "body" and bodies == edit[0]:
            for child in list(target):
                target.remove(child)
            target.text = edit[1]
    tree.write(str(xlf), xml_declaration=True, encoding="UTF-8")


def test_reviewed_import_writes_targets_status_and_fingerprint(workspace: Path) -> None:
    path = _path(workspace)
    sidecar_path(path).unlink()  # a release never touched by pressgen's translation commands
    path.write_text(path.read_text().replace("  fr:\n    status: reviewed\n    source_hash: \"a09182ed3f2c\"",
                                             "  fr:\n    status: machine\n    source_hash: \"000000000000\""))
    assert language_state(load_release(path), "fr") == "stale"
    xlf = _export(workspace)
    _set_all(xlf, "final", (3, "Une **nouvelle** version du troisième paragraphe."))
    assert run("review", "import", str(path), "--lang", "fr") == 0
    text = path.read_text()
    assert "# Transcribed from shared/seed-documents" in text
    release = load_release(path)
    fr = release.text["fr"]
    assert (fr.status, fr.source_hash) == ("reviewed", release.source_hash())
    assert language_state(release, "fr") == "reviewed"
    paragraphs = fr.body.split("\n\n")
    assert paragraphs[2] == "Une **nouvelle** version du troisième paragraphe."  # Markdown typed in an untagged unit
    assert paragraphs[0].startswith("L’Agence des Nations Unies pour les migrations (OIM)")
    assert len(paragraphs) == 9


def test_import_with_a_changed_source_reports_a_conflict_and_does_not_apply_it(
        workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _path(workspace)
    xlf = _export(workspace)
    _set_all(xlf, "final", (8, "Pour la première fois : texte revu."))
    _edit_source_paragraph(workspace)  # paragraph 8 of the source changes after the export
    assert run("review", "import", str(path), "--lang", "fr") == 1
    err = capsys.readouterr().err
    assert re.search(rf"{RELEASE}\.fr\.xlf:\d+:1: error: unit 'body-[0-9a-f]{{8}}': its source is not in the "
                     "release now", err)
    release = load_release(path)
    assert "texte revu" not in release.text["fr"].body
    assert language_state(release, "fr") == "stale"  # not marked current while a conflict remains


def test_import_accepts_what_cat_tools_add(workspace: Path) -> None:
    path = _path(workspace)
    xlf = _export(workspace)
    text = xlf.read_text()
    text = text.replace('<trans-unit id="headline" resname="headline">',
                        '<trans-unit id="headline" resname="headline" xml:space="preserve" '
                        'xmlns:sdl="http://sdl.com/FileTypes/SdlXliff/1.0" sdl:locked="false">')
    text = text.replace('</target>\n        <note from="pressgen">Release iom-20km-brussels-2017, headline</note>',
                        '</target>\n        <alt-trans match-quality="80"><source>Kop</source>'
                        '<target xml:lang="fr-BE">Titre</target></alt-trans>'
                        '\n        <note from="pressgen">Release iom-20km-brussels-2017, headline</note>', 1)
    text = text.replace("<header>", '<header>\n      <phase-group><phase phase-name="review" process-name="review"/>'
                        "</phase-group>")
    assert "<alt-trans" in text and "<phase-group>" in text
    xlf.write_text(text)
    before = path.read_bytes()
    assert run("review", "import", str(path), "--lang", "fr") == 0
    assert path.read_bytes() == before


def test_unknown_units_and_wrong_files_are_refused(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _path(workspace)
    xlf = _export(workspace)
    last = re.findall(r'id="(body-[0-9a-f]{8})"', xlf.read_text())[-1]
    xlf.write_text(xlf.read_text().replace(f'id="{last}"', 'id="body-99999999"'))
    assert run("review", "import", str(path), "--lang", "fr") == 1
    assert "unit 'body-99999999': its source is not in the release now" in capsys.readouterr().err
    assert run("review", "import", str(path), "--lang", "en", "--file", str(xlf)) == 1
    assert "translates into 'fr-BE', not en-GB" in capsys.readouterr().err
    xlf.write_text(xlf.read_text().replace('state="final"', 'state="perfect"', 1))
    assert run("review", "import", str(path), "--lang", "fr") == 1
    assert re.search(r"\.xlf:\d+:\d+: error: not XLIFF 1.2 as pressgen reads it: .*'perfect'",
                     capsys.readouterr().err)
    xlf.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>')
    assert run("review", "import", str(path), "--lang", "fr") == 1
    assert "root:" not in capsys.readouterr().err


def test_bilingual_docx_puts_source_and_translation_side_by_side(workspace: Path) -> None:
    path = _path(workspace)
    path.write_text(path.read_text().replace("  en:\n    status: reviewed", "  en:\n    status: machine"))
    assert run("review", "export", str(path), "--lang", "en", "--format", "docx") == 0
    doc = Document(str(workspace / "review" / f"{RELEASE}.en.review.docx"))
    table = doc.tables[0]
    header = [cell.text for cell in table.rows[0].cells]
    assert header == ["segment", "nl (nl-BE)", "en (en-GB): machine", "state"]
    release = load_release(path)
    rows = table.rows[1:]
    assert len(rows) == len(export_xliff(release, load_workspace(workspace), "en").split(b"<trans-unit")) - 1
    assert [c.text for c in rows[0].cells] == [align(release, "en").pairs[0].id, release.text["nl"].headline,
                                               release.text["en"].headline, "machine"]
    shaded = [row.cells[2]._tc.xpath(".//w:shd/@w:fill") for row in rows]
    assert all(fill == ["FFF2CC"] for fill in shaded)
    assert "machine draft" in doc.paragraphs[1].text
