"""Translation status: editing the source makes exactly the affected translations stale, as check warns,
check --strict and build --final refuse, and the status table and its JSON show (segments counted)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import run

RELEASE = "iom-20km-brussels-2017"


def _path(workspace: Path) -> Path:
    return workspace / "releases" / f"{RELEASE}.yaml"


def _edit_source_paragraph(workspace: Path) -> None:
    path = _path(workspace)
    path.write_text(path.read_text().replace("Voor het eerst dit jaar", "Dit jaar voor het eerst", 1))


def test_editing_one_source_paragraph_makes_exactly_the_translations_stale(
        workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    unric = workspace / "releases" / "unric-migrants-stigma-2014.yaml"
    _edit_source_paragraph(workspace)
    assert run("check", str(_path(workspace)), str(unric)) == 0
    err = capsys.readouterr().err
    stale = re.findall(r"(\S+\.yaml):\d+:\d+: warning: (\w+) text is stale", err)
    assert sorted((Path(p).name, lang) for p, lang in stale) == [(f"{RELEASE}.yaml", "en"), (f"{RELEASE}.yaml", "fr")]
    assert run("check", "--strict", str(_path(workspace))) == 1
    assert run("build", str(_path(workspace)), "--final", "--out", str(workspace / "out")) == 1
    err = capsys.readouterr().err
    assert f"{RELEASE}: the fr text is stale, not reviewed; --final refuses it" in err
    assert f"{RELEASE}: the en text is stale, not reviewed; --final refuses it" in err
    assert [p.name for p in (workspace / "out").rglob("*.pdf")] == [f"{RELEASE}.nl.pdf"]


def test_status_table_and_json(workspace: Path, monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    _edit_source_paragraph(workspace)
    path = workspace / "releases" / "unric-migrants-stigma-2014.yaml"
    path.write_text(path.read_text().replace("  fr:\n    status: reviewed", "  fr:\n    status: machine"))
    monkeypatch.chdir(workspace)
    assert run("status") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["release", "nl", "fr", "en"]
    assert lines[1].split() == [RELEASE, "source", "stale", "1/13", "stale", "1/13"]  # one of 13 segments changed
    unric = next(line for line in lines if line.startswith("unric-migrants-stigma-2014"))
    release, reviewed, machine, count, source = unric.split()  # status set to machine by hand: every segment
    assert (release, reviewed, machine, source) == ("unric-migrants-stigma-2014", "reviewed", "machine", "source")
    # every segment of the text block: 12 of 15 (the photos' alt texts and caption keep their own states)
    assert count == "12/15"
    assert run("status", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["releases"][0]["languages"] == {"nl": "source", "fr": "stale", "en": "stale"}
    assert data["releases"][0]["segments"]["fr"]["stale"] == 1
