"""The workspace's own texts (pressgen.yaml) that a release prints pass the same gates as its own text
(issue 18): check warns (--strict errors) at the text when it is not reviewed in a language the release is
built in, or its numbers differ from the source's; ``build --final`` refuses that language, in check's
words; the distribution gate holds it back with the reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docx import Document
from helpers import replace_once, run

from pressgen import load_workspace
from pressgen.check.readiness import readiness

RELEASE = "releases/unric-migrants-stigma-2014.yaml"  # UNRIC's: prints UNRIC's tagline in nl, fr and en


@pytest.fixture(autouse=True)
def _in_workspace(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workspace)


def _line(config: Path, text: str) -> int:
    return next(number for number, line in enumerate(config.read_text().splitlines(), 1) if text in line)


def _out(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    return captured.out + captured.err


def test_a_stale_workspace_text_is_a_warning_of_check_at_its_line_and_an_error_of_strict(
        workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = workspace / "pressgen.yaml"
    assert run("check", RELEASE) == 0
    assert "workspace text" not in _out(capsys)  # the seeds' texts are all reviewed
    replace_once(config, "nl: De VN in jouw taal", "nl: De Verenigde Naties in jouw taal")
    assert run("check", RELEASE) == 0
    output = _out(capsys)
    fr_line = _line(config, "fr: L’ONU dans votre langue")
    assert (f"pressgen.yaml:{fr_line}:11: warning: unric-migrants-stigma-2014: the fr workspace text "
            "organizations.unric.tagline (organisation unric, tagline) is stale") in output
    assert "was: «De VN in jouw taal»" in output and "now: «De Verenigde Naties in jouw taal»" in output
    assert f"pressgen.yaml:{_line(config, 'en: UN in your language')}:11: warning" in output
    assert run("check", "--strict", RELEASE) == 1
    assert f"pressgen.yaml:{fr_line}:11: error: unric-migrants-stigma-2014: the fr workspace text" in _out(capsys)
    # A release of another organisation that does not print UNRIC's texts says nothing of them
    assert run("check", "releases/unia-local-governments-2020.yaml") == 0
    assert "organizations.unric" not in _out(capsys)


def test_a_workspace_text_without_a_record_is_a_draft_and_a_missing_one_is_named(
        workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = workspace / "pressgen.yaml"
    replace_once(config, "      fr: L’ONU dans votre langue\n", "")  # no French tagline
    (workspace / "pressgen.segments.json").unlink()  # nobody said any of them is reviewed
    assert run("check", RELEASE) == 0
    output = _out(capsys)
    assert "the fr workspace text organizations.unric.tagline (organisation unric, tagline) is missing" in output
    assert "the en workspace text organizations.unric.tagline (organisation unric, tagline) is a draft" in output
    assert "contacts.unric-press.role" in output  # its contact's role too


def test_an_address_number_that_differs_from_the_source_is_a_parity_warning(
        workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = workspace / "pressgen.yaml"
    replace_once(config, "fr: Résidence Palace, Rue de la Loi 155, 1040 Bruxelles",
                 "fr: Résidence Palace, Rue de la Loi 15, 1040 Bruxelles")
    assert run("check", RELEASE) == 0
    output = _out(capsys)
    line = _line(config, "Rue de la Loi 15, 1040 Bruxelles")
    assert (f"pressgen.yaml:{line}:11: warning: unric-migrants-stigma-2014: the fr workspace text "
            "organizations.unric.address (organisation unric, address) does not say what the nl one says") in output
    assert "155" in output
    assert "the en workspace text organizations.unric.address" not in output


def test_build_final_refuses_a_language_whose_printed_workspace_texts_are_stale(
        workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = workspace / "pressgen.yaml"
    replace_once(config, "nl: De VN in jouw taal", "nl: De Verenigde Naties in jouw taal")
    assert run("build", "--final", "--format", "docx", RELEASE) == 1
    output = _out(capsys)
    assert (f"pressgen.yaml:{_line(config, 'fr: L’ONU dans votre langue')}:11: error: unric-migrants-stigma-2014: "
            "the fr workspace text organizations.unric.tagline (organisation unric, tagline) is stale") in output
    assert "--final refuses the fr documents" in output
    dist = workspace / "dist" / "unric-migrants-stigma-2014"
    assert not (dist / "unric-migrants-stigma-2014.fr.docx").exists()
    assert not (dist / "unric-migrants-stigma-2014.en.docx").exists()
    nl = Document(str(dist / "unric-migrants-stigma-2014.nl.docx"))  # the source language's texts are current
    footer = "".join(p.text for s in nl.sections for p in s.footer.paragraphs)
    assert "Residence Palace, Wetstraat 155, 1040 Brussel" in footer


def test_the_distribution_gate_holds_back_a_language_whose_workspace_texts_are_not_reviewed(
        workspace: Path) -> None:
    config = workspace / "pressgen.yaml"
    verdict = readiness(workspace / RELEASE, load_workspace(workspace))
    assert sorted(verdict.ready()) == ["en", "fr", "nl"]
    replace_once(config, "fr: Presse et médias", "fr: Presse et médias (Bruxelles)")
    records = workspace / "pressgen.segments.json"  # a person's text that nobody reviewed: a draft
    data = json.loads(records.read_text())
    data["languages"]["fr"] = [r for r in data["languages"]["fr"] if r["field"] != "contacts.unric-press.role"]
    records.write_text(json.dumps(data))
    verdict = readiness(workspace / RELEASE, load_workspace(workspace))
    assert sorted(verdict.ready()) == ["en", "nl"]
    assert verdict.held_back() == {"fr": ["the fr workspace text contacts.unric-press.role (contact unric-press, "
                                          "role) is a draft, not reviewed"]}
    assert sorted(verdict.ready(allow_draft=True)) == ["en", "fr", "nl"]


def test_a_changed_workspace_record_is_not_hidden_by_checks_memo(workspace: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert run("check", RELEASE) == 0  # remembered in .pressgen/check.json
    assert "workspace text" not in _out(capsys)
    records = workspace / "pressgen.segments.json"  # only the records change: the tagline is no longer reviewed
    data = json.loads(records.read_text())
    data["languages"]["fr"] = [r for r in data["languages"]["fr"] if r["field"] != "organizations.unric.tagline"]
    records.write_text(json.dumps(data))
    assert run("check", RELEASE) == 0
    assert "the fr workspace text organizations.unric.tagline (organisation unric, tagline) is a draft" \
        in _out(capsys)
