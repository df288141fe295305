"""A stale unit offers its previous version (the source its human translation was made from, and that
translation) as <alt-trans match-quality>: offered, never applied."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run
from lxml import etree
from test_xliff_cat_attributes import oasis_strict

from pressgen import load_release
from pressgen.translation.segments import align, read_records
from pressgen.translation.similarity import similarity
from pressgen.translation.xliff import NS

RELEASE = "iom-20km-brussels-2017"
OLD = "Voor het eerst dit jaar zal de VN ploeg"
NEW = "Dit jaar voor het eerst zal de VN ploeg"


def q(name: str) -> str:
    return f"{{{NS}}}{name}"


def _stale(workspace: Path) -> Path:
    path = workspace / "releases" / f"{RELEASE}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(OLD, NEW, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("kit", [False, True], ids=["review", "omegat kit"])
def test_a_stale_unit_offers_its_previous_version_and_the_import_never_applies_it(
        workspace: Path, tmp_path: Path, kit: bool) -> None:
    path = _stale(workspace)
    before = load_release(path).text["fr"].body
    out = tmp_path / "stale.xlf"
    kit_option = ["--for", "omegat"] if kit else []
    assert run("review", "export", str(path), "--lang", "fr", "--out", str(out), *kit_option) == 0
    tree = etree.parse(str(out))
    schema = oasis_strict()
    assert schema.validate(tree), schema.error_log
    alts = tree.getroot().findall(f".//{q('alt-trans')}")
    assert len(alts) == 1
    alt = alts[0]
    unit = alt.getparent()
    old_source = "".join(alt.find(q("source")).itertext())
    new_source = "".join(unit.find(q("source")).itertext())
    assert old_source.startswith(OLD) and new_source.startswith(NEW)
    assert alt.get("match-quality") == str(similarity(old_source, new_source))
    assert 75 <= int(alt.get("match-quality")) < 100
    assert alt.get("origin") == "pressgen previous-version"
    assert "".join(alt.find(q("target")).itertext()) in before  # the human translation it was made from

    assert run("review", "import", str(path), "--lang", "fr", "--file", str(out)) == 0
    release = load_release(path)
    assert release.text["fr"].body == before  # nothing applied from the alt-trans
    pair = next(p for p in align(release, "fr", read_records(path)).pairs if (p.source or "").startswith(NEW))
    assert pair.state == "stale"  # still to be reviewed against its new source


def test_a_human_translation_kept_in_the_memory_is_offered_beside_the_unit(workspace: Path, tmp_path: Path) -> None:
    from pressgen.translation.memory import MEMORY_FILE, TranslationMemory

    path = workspace / "releases" / f"{RELEASE}.yaml"
    current = next(p for p in align(load_release(path), "fr", read_records(path)).pairs
                   if (p.source or "").startswith(OLD))
    assert current.source is not None
    old_source = current.source.replace("Ballons", "Ballonnen")
    memory = TranslationMemory(workspace / MEMORY_FILE)
    try:
        memory.keep_human("nl", "fr", old_source, "Une traduction remplacée depuis.", "reviewed")
    finally:
        memory.close()
    out = tmp_path / "out.xlf"
    assert run("review", "export", str(path), "--lang", "fr", "--out", str(out)) == 0
    alts = etree.parse(str(out)).getroot().findall(f".//{q('alt-trans')}")
    assert [a.get("origin") for a in alts] == ["pressgen replaced-version"]
    assert alts[0].get("match-quality") == str(similarity(old_source, current.source))
    assert alts[0].getparent().get("id") == current.id
    assert "".join(alts[0].find(q("target")).itertext()) == "Une traduction remplacée depuis."
