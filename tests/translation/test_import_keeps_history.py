"""A review import that replaces a person's translation keeps it, with the source it was made from."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from pressgen import load_release, load_workspace
from pressgen.translation.memory import MEMORY_FILE, TranslationMemory
from pressgen.translation.review import NS, export_xliff, import_xliff

RELEASE = "iom-20km-brussels-2017"


def test_an_imported_correction_keeps_the_reviewed_text_it_replaces(workspace: Path, tmp_path: Path) -> None:
    path = workspace / "releases" / f"{RELEASE}.yaml"
    ws = load_workspace(workspace)
    release = load_release(path, ws)
    old = release.text["fr"].headline
    tree = etree.fromstring(export_xliff(release, ws, "fr"))
    unit = tree.find(f".//{{{NS}}}trans-unit[@resname='headline']")
    assert unit is not None
    target = unit.find(f"{{{NS}}}target")
    assert target is not None and "".join(target.itertext()).strip() == old.strip()
    for child in list(target):
        target.remove(child)
    target.text = "Les Nations Unies courent les 20 km de Bruxelles"
    reviewed = tmp_path / "reviewed.xlf"
    reviewed.write_bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))

    report = import_xliff(reviewed, release, ws, "fr")

    assert report.applied == 1 and not report.conflicts
    assert load_release(path, ws).text["fr"].headline == "Les Nations Unies courent les 20 km de Bruxelles"
    memory = TranslationMemory(workspace / MEMORY_FILE)
    try:
        kept = memory.previous("nl", "fr", release.text["nl"].headline)
    finally:
        memory.close()
    assert [(version.translation.strip(), version.state) for version in kept] == [(old.strip(), "reviewed")]


def test_check_shows_a_stale_segment_s_whole_old_and_new_source(workspace: Path) -> None:
    from pressgen.check import check_release

    path = workspace / "releases" / f"{RELEASE}.yaml"
    text = path.read_text(encoding="utf-8")
    paragraph = next(line.strip() for line in text.splitlines()
                     if len(line.strip()) > 200 and line.startswith("      "))  # a long Dutch body line
    path.write_text(text.replace(paragraph, paragraph + " Dat is nieuw.", 1), encoding="utf-8")
    checked = check_release(path, load_workspace(workspace), translation=True)
    hints = [d.hint or "" for d in checked.diagnostics if "segment is stale" in d.message]
    assert hints and any(f"was: «{paragraph}»" in h and f"now: «{paragraph} Dat is nieuw.»" in h for h in hints)
