"""An import that applies nothing writes nothing: a stale release keeps its file byte for byte (it used to
turn 'status: reviewed' into 'status: draft' while saying "0 applied")."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import replace_once, run

RELEASE = "iom-20km-brussels-2017"


@pytest.mark.parametrize("fmt", ["xlf", "docx"])
def test_importing_an_unchanged_file_into_a_stale_release_changes_nothing(
        workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    monkeypatch.chdir(workspace)
    path = workspace / "releases" / f"{RELEASE}.yaml"
    replace_once(path, "Voor het eerst dit jaar", "Dit jaar voor het eerst")
    exported = workspace / f"review.fr.{fmt}"
    assert run("review", "export", RELEASE, "--lang", "fr", "--out", str(exported)) == 0
    before = path.read_bytes(), (workspace / "releases" / f"{RELEASE}.segments.json").read_bytes()
    capsys.readouterr()
    assert run("review", "import", RELEASE, "--lang", "fr", "--file", str(exported)) == 0
    out = capsys.readouterr()
    assert "0 applied" in out.out + out.err
    assert (path.read_bytes(), (workspace / "releases" / f"{RELEASE}.segments.json").read_bytes()) == before


def test_the_export_format_follows_the_file_name_and_a_contradiction_is_refused(
        workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import zipfile

    monkeypatch.chdir(workspace)
    assert run("review", "export", RELEASE, "--lang", "fr", "--out", "r.docx") == 0
    assert zipfile.is_zipfile(workspace / "r.docx")  # it used to be XLIFF in a file named .docx
    assert run("review", "export", RELEASE, "--lang", "fr", "--out", "r.xlf", "--format", "docx") == 2
    assert "is a XLIFF file by its name, but --format is docx" in capsys.readouterr().err
    assert not (workspace / "r.xlf").exists()
