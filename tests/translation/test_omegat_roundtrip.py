"""OmegaT as the real client: pressgen's translation kit and TMX in an OmegaT project, translated headless,
and OmegaT's target file imported back."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import run
from lxml import etree

from pressgen import load_release, load_workspace
from pressgen.check import EVERY_LANGUAGE, check_release
from pressgen.translation.xliff import NS

RELEASE = "iom-20km-brussels-2017"
NEW = "omegat-trial-2017"
OMEGAT = shutil.which("omegat")
TIMEOUT = 120  # seconds: OmegaT is a Java program; a project this size takes a few
FIELDS = ("headline", "subheadline", "dateline", "body", "notes")

# OmegaT reads an external TMX's codes as its own tags only with "level 2" on (Options › External TMXs:
# "Display level 2 tags"), stand-alone codes with a slash ("Use XML tags": <x0/>), as its XLIFF filter shows them.
PREFERENCES = """<?xml version="1.0" encoding="UTF-8" ?>
<omegat>
  <preference version="1.0">
    <ext_tmx_show_level2>true</ext_tmx_show_level2>
    <ext_tmx_use_slash>true</ext_tmx_use_slash>
  </preference>
</omegat>
"""

PROJECT = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<omegat>
  <project version="1.0">
    <source_dir>__DEFAULT__</source_dir>
    <source_dir_excludes/>
    <target_dir>__DEFAULT__</target_dir>
    <tm_dir>__DEFAULT__</tm_dir>
    <glossary_dir>__DEFAULT__</glossary_dir>
    <glossary_file>__DEFAULT__</glossary_file>
    <dictionary_dir>__DEFAULT__</dictionary_dir>
    <source_lang>{source}</source_lang>
    <target_lang>{target}</target_lang>
    <source_tok>org.omegat.tokenizer.LuceneDutchTokenizer</source_tok>
    <target_tok>org.omegat.tokenizer.LuceneFrenchTokenizer</target_tok>
    <sentence_seg>false</sentence_seg>
    <support_default_translations>true</support_default_translations>
    <remove_tags>false</remove_tags>
  </project>
</omegat>
"""


def omegat_project(folder: Path, kit: Path, memory: Path) -> Path:
    """An OmegaT project: the kit in source/, pressgen's TMX in tm/auto/ (applied to untranslated segments)."""
    for name in ("source", "target", "tm/auto", "omegat", "glossary", "dictionary"):
        (folder / name).mkdir(parents=True)
    (folder / "omegat.project").write_text(PROJECT.format(source="nl-BE", target="fr-BE"), encoding="utf-8")
    shutil.copy(kit, folder / "source" / kit.name)
    shutil.copy(memory, folder / "tm" / "auto" / "pressgen.tmx")
    return folder


def translate_with_omegat(project: Path, home: Path) -> subprocess.CompletedProcess[str]:
    config = home / "omegat-config"
    config.mkdir(parents=True)
    (config / "omegat.prefs").write_text(PREFERENCES, encoding="utf-8")
    assert OMEGAT is not None
    done = subprocess.run([OMEGAT, str(project), "--mode=console-translate", f"--config-dir={config}/"],
                          capture_output=True, text=True, timeout=TIMEOUT,
                          env={"HOME": str(home), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done


def _new_release(workspace: Path) -> Path:
    """A release with the seed's Dutch text and no translation yet: what the memory must fill."""
    text = (workspace / "releases" / f"{RELEASE}.yaml").read_text(encoding="utf-8")
    path = workspace / "releases" / f"{NEW}.yaml"
    path.write_text(text.split("\n  fr:\n")[0] + "\n", encoding="utf-8")
    return path


@pytest.mark.skipif(OMEGAT is None, reason="OmegaT is not on PATH (scripts/setup-system.sh test installs it)")
def test_omegat_fills_every_segment_from_pressgen_tmx_and_the_import_applies_them(
        workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workspace)
    assert run("tm", "export", str(tmp_path / "memory.tmx")) == 0
    path = _new_release(workspace)
    kit = tmp_path / f"{NEW}.fr.xlf"
    assert run("review", "export", str(path), "--lang", "fr", "--for", "omegat", "--out", str(kit)) == 0
    units = etree.parse(str(kit)).getroot().findall(f".//{{{NS}}}trans-unit")
    tagged = [u for u in units if len(u.find(f"{{{NS}}}source")) > 0]
    assert len(units) == 13 and len(tagged) == 3

    project = omegat_project(tmp_path / "project", kit, tmp_path / "memory.tmx")
    translate_with_omegat(project, tmp_path / "home")
    translated = project / "target" / kit.name
    stats = (project / "omegat" / "project_stats.txt").read_text(encoding="utf-8")
    total, remaining = (line.split("\t")[1].strip() for line in stats.splitlines()
                        if line.startswith(("Total:", "Remaining:")))
    assert (total, remaining) == ("13", "0"), stats  # every segment filled by a 100 % match, tagged ones too
    # each unit's own target (the <alt-trans> matches offered beside a unit have targets too)
    targets = etree.parse(str(translated)).getroot().findall(f".//{{{NS}}}trans-unit/{{{NS}}}target")
    assert len([t for t in targets if len(t) > 0]) == 3

    assert run("review", "import", str(path), "--lang", "fr", "--file", str(translated)) == 0
    original = load_release(workspace / "releases" / f"{RELEASE}.yaml").text["fr"].fields()
    checked = check_release(path, load_workspace(workspace), pending=EVERY_LANGUAGE)  # English is still missing
    assert checked.release is not None, checked.diagnostics
    imported = checked.release.text["fr"].fields()
    for name in FIELDS:
        assert " ".join(imported[name].split()) == " ".join(original[name].split()), name
    assert "**UN Migration**" in imported["body"] and "38^e^" in imported["body"]
    assert "[campagne « ENSEMBLE »](https://together.un.org)" in imported["body"]


def test_a_kit_returned_untranslated_applies_nothing(workspace: Path, tmp_path: Path) -> None:
    path = _new_release(workspace)
    kit = tmp_path / "kit.xlf"
    assert run("review", "export", str(path), "--lang", "fr", "--for", "omegat", "--out", str(kit)) == 0
    before = path.read_bytes()
    root = etree.parse(str(kit)).getroot()
    for unit in root.iter(f"{{{NS}}}trans-unit"):  # a kit's target is a copy of the source, untranslated
        source, target = unit.find(f"{{{NS}}}source"), unit.find(f"{{{NS}}}target")
        assert etree.tostring(source).replace(b"source", b"x") == etree.tostring(target).replace(
            b"target", b"x").replace(b' state="needs-translation"', b"")
        assert target.get("state") == "needs-translation"
    assert run("review", "import", str(path), "--lang", "fr", "--file", str(kit)) == 0
    assert path.read_bytes() == before


@pytest.mark.skipif(OMEGAT is None, reason="OmegaT is not on PATH (scripts/setup-system.sh test installs it)")
def test_omegat_keeps_the_alt_trans_of_a_stale_unit_and_the_import_does_not_apply_it(
        workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workspace)
    assert run("tm", "export", str(tmp_path / "memory.tmx")) == 0
    path = workspace / "releases" / f"{RELEASE}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "Voor het eerst dit jaar zal de VN ploeg", "Dit jaar voor het eerst zal de VN ploeg", 1), encoding="utf-8")
    before = load_release(path).text["fr"].body
    kit = tmp_path / f"{RELEASE}.fr.xlf"
    assert run("review", "export", str(path), "--lang", "fr", "--for", "omegat", "--out", str(kit)) == 0
    project = omegat_project(tmp_path / "project", kit, tmp_path / "memory.tmx")
    translate_with_omegat(project, tmp_path / "home")
    stats = (project / "omegat" / "project_stats.txt").read_text(encoding="utf-8")
    total, remaining = (line.split("\t")[1].strip() for line in stats.splitlines()
                        if line.startswith(("Total:", "Remaining:")))
    assert (total, remaining) == ("13", "1")  # the alt-trans is no segment; the changed source has no 100 % match
    translated = project / "target" / kit.name
    alt = etree.parse(str(translated)).getroot().find(f".//{{{NS}}}alt-trans")
    assert alt is not None and int(alt.get("match-quality", "0")) >= 75  # kept by OmegaT as it was
    assert run("review", "import", str(path), "--lang", "fr", "--file", str(translated)) == 0
    assert load_release(path).text["fr"].body == before  # the previous version is offered, never applied
