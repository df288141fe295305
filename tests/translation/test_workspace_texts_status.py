"""``pressgen status`` shows the workspace's own texts (pressgen.yaml) per language, on a line of their own
and in --json, and --words counts their words (issue 18)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import replace_once, run


@pytest.fixture(autouse=True)
def _in_workspace(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workspace)


def _out(capsys: pytest.CaptureFixture[str]) -> str:
    return capsys.readouterr().out


def test_status_has_a_line_for_the_workspace_texts(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("status") == 0
    line = next(line for line in _out(capsys).splitlines() if line.startswith("workspace texts"))
    assert line.split()[2:] == ["source", "reviewed", "reviewed"]  # nl, fr, en: the seeds are reviewed
    replace_once(workspace / "pressgen.yaml", "nl: De VN in jouw taal", "nl: De Verenigde Naties in jouw taal")
    replace_once(workspace / "pressgen.yaml", "fr: Résidence Palace, Rue de la Loi 155, 1040 Bruxelles",
                 "fr: Résidence Palace, Rue de la Loi 15, 1040 Bruxelles")
    assert run("status") == 0
    line = next(line for line in _out(capsys).splitlines() if line.startswith("workspace texts"))
    total = line.split()[4].split("/")[1]
    assert line.split()[2:] == ["source", "stale", f"1/{total}", "!2", "stale", f"1/{total}"]


def test_status_json_and_words_count_the_workspace_texts(workspace: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert run("status", "--json") == 0
    texts = json.loads(_out(capsys))["workspace_texts"]
    assert len(texts) == 1 and texts[0]["path"] == str(workspace / "pressgen.yaml")
    assert texts[0]["languages"] == {"nl": "source", "fr": "reviewed", "en": "reviewed"}
    unchanged = texts[0]["words"]["fr"]["unchanged"]
    assert unchanged > 100 and texts[0]["words"]["fr"]["new"] == 0
    # The French tagline taken out: its Dutch words are new; the Dutch one changed ("Het VN-agentschap voor
    # migratie", 5 words as CAT tools count them: "VN-agentschap" is two; it was 3)
    replace_once(workspace / "pressgen.yaml", "      fr: L’ONU dans votre langue\n", "")
    replace_once(workspace / "pressgen.yaml", "nl: Het VN-Migratieagentschap", "nl: Het VN-agentschap voor migratie")
    assert run("status", "--json") == 0
    texts = json.loads(_out(capsys))["workspace_texts"]
    assert texts[0]["languages"]["fr"] == "stale"
    assert texts[0]["segments"]["fr"]["missing"] == 1 and texts[0]["segments"]["fr"]["stale"] == 1
    assert texts[0]["words"]["fr"] == {"new": 5, "changed": 5, "unchanged": unchanged - 5 - 3}
    assert run("status", "--words") == 0
    lines = [line.split() for line in _out(capsys).splitlines()]
    assert ["workspace", "texts", "fr", "5", "new,", "5", "changed,", str(unchanged - 8), "unchanged"] in lines
