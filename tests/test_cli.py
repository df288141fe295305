"""Commands as users type them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import run, use_libre
from helpers.libre_server import LibreServer


def test_new_scaffolds_the_source_and_translate_starts_the_rest(workspace: Path, monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(workspace)
    assert run("new", "spring-campaign", "--org", "unric", "--source", "fr") == 0
    path = workspace / "releases" / "spring-campaign.yaml"
    text = path.read_text()
    assert "organization: unric" in text and "source: fr" in text and "contacts: [unric-press]" in text
    assert "  nl:" not in text and "status: draft" not in text  # no placeholder posing as a translation
    capsys.readouterr()
    assert run("check", str(path)) == 0  # not translated yet: a state, said, not an error (issue 19)
    err = capsys.readouterr().err
    assert "warning: no 'nl' text yet" in err and "pressgen translate spring-campaign --to nl" in err
    assert run("check", "--strict", str(path)) == 1
    assert "warning: fr headline still holds the TODO text of 'pressgen new'" in err
    assert run("status", str(path)) == 0
    assert capsys.readouterr().out.splitlines()[1].split() == ["spring-campaign", "missing", "source", "missing"]

    server = LibreServer()
    use_libre(workspace, server.start())
    try:
        assert run("translate", "spring-campaign", "--to", "nl,en") == 0
    finally:
        server.stop()
    capsys.readouterr()
    assert run("check", str(path)) == 0
    assert "nl text is machine: not reviewed" in capsys.readouterr().err
    assert run("check", "--strict", str(path)) == 1
    assert run("build", str(path), "--out", str(workspace / "out")) == 0
    assert len(list((workspace / "out" / "spring-campaign").iterdir())) == 6


def test_new_never_overwrites(workspace: Path, monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(workspace)
    assert run("new", "iom-20km-brussels-2017") == 2
    assert "already exists" in capsys.readouterr().err


def test_check_without_paths_checks_the_current_workspace(workspace: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(workspace / "releases")
    assert run("check") == 0
    assert "5 release(s) checked: 0 with errors" in capsys.readouterr().out


def test_outside_a_workspace_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("check") == 2
    assert "no pressgen.yaml found" in capsys.readouterr().err


def test_installed_command_reports_without_traceback(workspace: Path) -> None:
    import subprocess
    import sys

    bad = workspace / "releases" / "bad.yaml"
    bad.write_text("organization: [unclosed\n")
    command = Path(sys.executable).parent / "pressgen"
    result = subprocess.run([str(command), "check", str(bad)], capture_output=True, text=True,
                            env={**os.environ, "PRESSGEN_DEBUG": ""})
    assert result.returncode == 1
    assert "bad.yaml:2:1: error:" in result.stderr
    assert "Traceback" not in result.stderr
