"""XLIFF import, three-way: each unit against what it was exported with and the release as it is now.

The "CAT tool" edits go through translate-toolkit, which reads and writes real XLIFF
(and keeps what it does not know, such as the ``extradata`` pressgen records its base in).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import run
from lxml import etree
from translate.storage import xliff as toolkit_xliff

from pressgen import load_workspace
from pressgen.check import EVERY_LANGUAGE, check_release
from pressgen.translation.segments import align, sidecar_path
from pressgen.translation.translate import human_segments

RELEASE = "iom-20km-brussels-2017"
X = "{urn:oasis:names:tc:xliff:document:1.2}"
HEADLINE = "Les Nations Unies participent aux 20 km de Bruxelles, ensemble pour les migrants et les réfugiés"


def _path(workspace: Path) -> Path:
    return workspace / "releases" / f"{RELEASE}.yaml"


def _export(workspace: Path, lang: str = "fr") -> Path:
    assert run("review", "export", str(_path(workspace)), "--lang", lang, "--force") == 0
    return workspace / "review" / f"{RELEASE}.{lang}.xlf"


def _import(workspace: Path, xlf: Path, lang: str = "fr") -> int:
    return run("review", "import", str(_path(workspace)), "--lang", lang, "--file", str(xlf))


def _edit_release(workspace: Path, old: str, new: str) -> None:
    """An edit made in the release after the export (in an editor, or the studio)."""
    path = _path(workspace)
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _cat_tool(xlf: Path, edit: Callable[[list[toolkit_xliff.xliffunit]], None] | None = None) -> None:
    """Open the file in a CAT library, let ``edit`` change its units, and save it as the tool writes it."""
    store = toolkit_xliff.xlifffile.parsestring(xlf.read_bytes())
    units = [unit for unit in store.units if not unit.isheader()]
    if edit:
        edit(units)
    xlf.write_bytes(bytes(store))


def _retype(unit: toolkit_xliff.xliffunit, text: str) -> None:
    """Type a new target as a tool that keeps the states it was given (OmegaT): the toolkit's setter approves
    the unit and marks it translated, so its attributes are put back as they were."""
    target = unit.xmlelement.find(f"{X}target")
    kept = (unit.xmlelement.get("approved"), target.get("state"), target.get("state-qualifier"))
    unit.target = text
    target = unit.xmlelement.find(f"{X}target")
    for element, name, value in ((unit.xmlelement, "approved", kept[0]), (target, "state", kept[1]),
                                 (target, "state-qualifier", kept[2])):
        if value is None:
            element.attrib.pop(name, None)
        else:
            element.set(name, value)


def _named(units: list[toolkit_xliff.xliffunit], field: str, number: int = 1) -> toolkit_xliff.xliffunit:
    return [unit for unit in units if unit.xmlelement.get("resname") == field][number - 1]


def _states(workspace: Path, lang: str = "fr") -> dict[str, tuple[str, str | None]]:
    release = check_release(_path(workspace), load_workspace(workspace), pending=EVERY_LANGUAGE).release
    assert release is not None
    return {pair.id: (pair.state, pair.target) for pair in align(release, lang).pairs}


def test_units_the_reviewer_never_touched_do_not_revert_edits_made_since_the_export(
        workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    xlf = _export(workspace)
    _edit_release(workspace, HEADLINE, "Les Nations Unies courent les 20 km de Bruxelles")
    _edit_release(workspace, "La campagne a été lancée le 19 septembre 2016",
                  "Cette campagne a été lancée le 19 septembre 2016")
    _cat_tool(xlf)  # opened and saved, nothing changed
    capsys.readouterr()
    assert _import(workspace, xlf) == 0
    out = capsys.readouterr().out
    assert "0 applied, 13 unchanged, 0 conflict(s), 0 skipped" in out, out
    text = _path(workspace).read_text(encoding="utf-8")
    assert "Les Nations Unies courent les 20 km de Bruxelles" in text and HEADLINE not in text
    assert "Cette campagne a été lancée le 19 septembre 2016" in text


def test_a_unit_changed_on_both_sides_is_a_conflict_that_shows_both_texts(
        workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    xlf = _export(workspace)
    _edit_release(workspace, HEADLINE, "Titre changé dans le fichier")

    def edit(units: list[toolkit_xliff.xliffunit]) -> None:
        _named(units, "headline").target = "Titre changé par la relectrice"

    _cat_tool(xlf, edit)
    before = _path(workspace).read_bytes()
    capsys.readouterr()
    assert _import(workspace, xlf) == 1
    captured = capsys.readouterr()
    err = captured.err
    assert "changed on both sides" in err and "«Titre changé par la relectrice»" in err \
        and "«Titre changé dans le fichier»" in err, err
    assert "0 applied, 12 unchanged, 1 conflict(s), 0 skipped" in err
    assert _path(workspace).read_bytes() == before  # nothing replaced


def test_a_change_by_the_reviewer_alone_is_applied_and_later_edits_elsewhere_are_kept(
        workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    xlf = _export(workspace)
    _edit_release(workspace, HEADLINE, "Titre changé dans le fichier")

    def edit(units: list[toolkit_xliff.xliffunit]) -> None:
        _named(units, "dateline").target = "Bruxelles (Belgique)"

    _cat_tool(xlf, edit)
    capsys.readouterr()
    assert _import(workspace, xlf) == 0
    out = capsys.readouterr().out
    assert "1 applied, 12 unchanged, 0 conflict(s), 0 skipped" in out, out
    assert "applied: dateline (unit 'dateline-" in out
    text = _path(workspace).read_text(encoding="utf-8")
    assert "dateline: Bruxelles (Belgique)" in text and "Titre changé dans le fichier" in text


def test_an_export_without_recorded_targets_never_replaces_a_target_that_changed(
        workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    xlf = _export(workspace)
    tree = etree.parse(str(xlf))
    for unit in tree.iter(f"{X}trans-unit"):  # as pressgen wrote it before it recorded each unit's target
        unit.attrib.pop("extradata", None)
    tree.write(str(xlf), xml_declaration=True, encoding="UTF-8")
    _edit_release(workspace, HEADLINE, "Titre changé dans le fichier")

    def edit(units: list[toolkit_xliff.xliffunit]) -> None:
        _named(units, "dateline").target = "Bruxelles (Belgique)"

    _cat_tool(xlf, edit)
    before = _path(workspace).read_bytes()
    capsys.readouterr()
    assert _import(workspace, xlf) == 1
    err = capsys.readouterr().err
    assert "0 applied, 11 unchanged, 2 conflict(s), 0 skipped" in err, err
    assert f"«{HEADLINE}» differs from the release's «Titre changé dans le fichier»" in err
    assert "«Bruxelles (Belgique)» differs from the release's «Bruxelles»" in err
    assert _path(workspace).read_bytes() == before


@pytest.mark.parametrize(("how", "expected"), [("as exported", "draft"), ("approved", "reviewed"),
                                               ("signed-off", "reviewed")])
def test_a_stale_unit_corrected_in_a_tool_that_keeps_its_state_is_applied(
        workspace: Path, how: str, expected: str) -> None:
    path = _path(workspace)
    path.write_text(path.read_text().replace("Voor het eerst dit jaar", "Dit jaar voor het eerst", 1))
    [stale] = [pair_id for pair_id, (state, _) in _states(workspace).items() if state == "stale"]
    xlf = _export(workspace)
    corrected = "Cette année, pour la première fois, l’équipe des Nations Unies aura un stand."

    def edit(units: list[toolkit_xliff.xliffunit]) -> None:  # OmegaT: the target changes, its state does not
        [unit] = [u for u in units if u.xmlelement.get("id") == stale]
        target = unit.xmlelement.find(f"{X}target")
        assert target.get("state") == "needs-review-translation"
        _retype(unit, corrected)
        if how == "approved":
            unit.xmlelement.set("approved", "yes")
        elif how == "signed-off":
            unit.xmlelement.find(f"{X}target").set("state", "signed-off")

    _cat_tool(xlf, edit)
    assert _import(workspace, xlf) == 0
    assert _states(workspace)[stale] == (expected, corrected)


@pytest.mark.parametrize("state", ["new", "needs-translation"])
def test_a_copy_of_the_source_marked_untranslated_is_skipped_with_the_reason(
        workspace: Path, capsys: pytest.CaptureFixture[str], state: str) -> None:
    text = _path(workspace).read_text(encoding="utf-8")  # a paragraph added to the source: not translated yet
    end = text.index("\n", text.index("      Onder het beschermheerschap")) + 1
    _path(workspace).write_text(text[:end] + "\n      De VN-ploeg verzamelt om 9 uur aan de stand in het Jubelpark.\n"
                                + text[end:], encoding="utf-8")
    [missing] = [pair_id for pair_id, (s, _) in _states(workspace).items() if s == "missing"]
    xlf = _export(workspace)
    copied: list[str] = []

    def edit(units: list[toolkit_xliff.xliffunit]) -> None:  # the translation kit's "copy source to target"
        [unit] = [u for u in units if u.xmlelement.get("id") == missing]
        _retype(unit, unit.source)
        unit.xmlelement.find(f"{X}target").set("state", state)
        copied.append(unit.source)

    _cat_tool(xlf, edit)
    capsys.readouterr()
    assert _import(workspace, xlf) == 0
    fr_block = _path(workspace).read_text(encoding="utf-8").split("\n  fr:")[1].split("\n  en:")[0]
    assert copied[0][:40] not in fr_block  # the Dutch paragraph is not the French text
    captured = capsys.readouterr()
    err = captured.err
    assert f"warning: unit '{missing}' (body, paragraph 10): its target is a copy of the source marked " \
           f"'{state}': not translated yet, so not imported" in err, err
    assert "0 applied, 13 unchanged, 0 conflict(s), 1 skipped" in captured.out, captured.out
    assert _states(workspace)[missing] == ("missing", None)


def test_a_post_edit_that_keeps_the_mt_suggestion_qualifier_is_human(workspace: Path) -> None:
    path = _path(workspace)
    sidecar_path(path).unlink()
    path.write_text(path.read_text().replace("  fr:\n    status: reviewed", "  fr:\n    status: machine"))
    assert human_segments(path, load_workspace(workspace), ["fr"]) == 0
    xlf = _export(workspace)

    def edit(units: list[toolkit_xliff.xliffunit]) -> None:  # post-edited and confirmed, the qualifier kept
        unit = _named(units, "headline")
        target = unit.xmlelement.find(f"{X}target")
        assert target.get("state-qualifier") == "mt-suggestion"
        _retype(unit, "Les Nations Unies courent les 20 km de Bruxelles avec les migrants")
        unit.xmlelement.find(f"{X}target").set("state", "translated")
        unit.xmlelement.find(f"{X}target").set("state-qualifier", "mt-suggestion")

    _cat_tool(xlf, edit)
    assert _import(workspace, xlf) == 0
    states = _states(workspace)
    [headline] = [pair_id for pair_id in states if pair_id.startswith("headline-")]
    assert states[headline][0] == "draft"
    assert human_segments(path, load_workspace(workspace), ["fr"]) == 1  # --retranslate asks before replacing it


def test_a_bundle_with_two_languages_applies_only_the_file_of_the_language_imported(
        workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fr = etree.parse(str(_export(workspace, "fr")))
    en = etree.parse(str(_export(workspace, "en")))
    for target in en.iter(f"{X}target"):  # the English file as its reviewer returned it
        if target.getparent().get("resname") == "headline":
            target.text = "The United Nations run the Brussels 20 km"
    fr.getroot().append(en.getroot().find(f"{X}file"))
    bundle = workspace / "review" / "bundle.xlf"
    fr.write(str(bundle), xml_declaration=True, encoding="UTF-8")
    before = _states(workspace, "fr")
    capsys.readouterr()
    assert _import(workspace, bundle) == 0
    captured = capsys.readouterr()
    fr_block = _path(workspace).read_text(encoding="utf-8").split("\n  fr:")[1].split("\n  en:")[0]
    assert "The United Nations run" not in fr_block
    assert _states(workspace, "fr") == before
    assert "warning: this <file> translates into 'en-GB', not fr-BE: its 13 unit(s) are skipped" in captured.err, \
        captured.err
    assert "0 applied, 13 unchanged, 0 conflict(s), 1 skipped" in captured.out, captured.out


def test_an_approval_alone_is_applied_and_an_approval_of_a_text_changed_since_is_a_conflict(
        workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _path(workspace)
    sidecar_path(path).unlink()
    path.write_text(path.read_text().replace("  fr:\n    status: reviewed", "  fr:\n    status: machine"))
    xlf = _export(workspace)
    _edit_release(workspace, "dateline: Bruxelles\n", "dateline: Bruxelles (Belgique)\n")

    def edit(units: list[toolkit_xliff.xliffunit]) -> None:  # approved as they are, text untouched
        _named(units, "headline").markapproved(True)
        _named(units, "dateline").markapproved(True)

    _cat_tool(xlf, edit)
    capsys.readouterr()
    assert _import(workspace, xlf) == 1
    err = capsys.readouterr().err
    assert "1 applied, 11 unchanged, 1 conflict(s), 0 skipped" in err, err
    assert "the reviewer marked «Bruxelles» reviewed, but the release's target changed since the export to " \
           "«Bruxelles (Belgique)»" in err
    states = {pair_id.split("-")[0]: value for pair_id, value in _states(workspace).items()}
    assert states["headline"] == ("reviewed", HEADLINE)
    assert states["dateline"][1] == "Bruxelles (Belgique)" and states["dateline"][0] != "reviewed"
