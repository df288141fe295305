"""``pressgen translate --workspace --to fr`` machine-drafts the workspace's own missing texts into
pressgen.yaml, in place, never replacing a person's text (issue 18)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import replace_once, run, use_libre
from helpers.libre_server import LibreServer, fake_translation

from pressgen import load_workspace


@pytest.fixture(autouse=True)
def _in_workspace(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workspace)


def _out(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    return captured.out + captured.err


def test_missing_workspace_texts_are_drafted_in_place_and_human_text_is_kept(
        workspace: Path, server: LibreServer, capsys: pytest.CaptureFixture[str]) -> None:
    use_libre(workspace, server.url)  # type: ignore[attr-defined]
    config = workspace / "pressgen.yaml"
    replace_once(config, "      fr: L’ONU dans votre langue\n", "")  # the French tagline to be written
    replace_once(config, "nl: Pers en media", "nl: Pers- en mediadienst")  # a reviewed French role goes stale
    before = config.read_text()
    assert run("translate", "--workspace", "--to", "fr") == 0, _out(capsys)
    output = _out(capsys)
    assert "drafted  fr: 1 workspace text(s)" in output and "organisation unric, tagline" in output
    assert "fr contact unric-press, role: stale, human text kept" in output
    tagline = load_workspace(workspace).config.organizations["unric"].tagline
    assert tagline == {"nl": "De VN in jouw taal", "fr": fake_translation("De VN in jouw taal", "fr"),  # type: ignore
                       "en": "UN in your language"}
    text = config.read_text()
    assert "# Used in the \"About …\" heading; French includes the article." in text  # written in place
    assert "fr: Presse et médias\n" in text  # the person's text, not the machine's
    assert len(text.splitlines()) == len(before.splitlines()) + 1  # only the new line
    assert {(r["source"], r["target"]) for r in server.requests} == {("nl", "fr")}
    records = {r["field"]: r["state"] for r in
               json.loads((workspace / "pressgen.segments.json").read_text())["languages"]["fr"]}
    assert records["organizations.unric.tagline"] == "machine"
    assert records["organizations.unric.name"] == "reviewed"
    # The machine draft is a machine's: check names it, --final refuses it
    assert run("check", "releases/unric-migrants-stigma-2014.yaml") == 0
    assert ("the fr workspace text organizations.unric.tagline (organisation unric, tagline) is a machine draft"
            in _out(capsys))
    # A second run drafts nothing more (the stale role stays a person's; its suggestion comes from the memory)
    sent = len(server.requests)
    assert run("translate", "--workspace", "--to", "fr") == 0
    assert len(server.requests) == sent
    assert config.read_text() == text


def test_the_source_language_and_a_release_with_workspace_are_usage_errors(
        workspace: Path, server: LibreServer, capsys: pytest.CaptureFixture[str]) -> None:
    use_libre(workspace, server.url)  # type: ignore[attr-defined]
    before = (workspace / "pressgen.yaml").read_bytes()
    assert run("translate", "--workspace", "--to", "nl") == 2
    assert "'nl' is the language the workspace's texts are written in" in _out(capsys)
    assert run("translate", "--workspace", "iom-20km-brussels-2017", "--to", "fr") == 2
    assert run("translate", "--workspace", "--to", "fr") == 0
    assert "skipped  fr: its workspace texts are reviewed" in _out(capsys)
    assert (workspace / "pressgen.yaml").read_bytes() == before
    assert server.requests == []


def test_an_edit_saved_while_the_provider_answers_is_kept_and_nothing_is_written(
        workspace: Path, server: LibreServer) -> None:
    from pressgen.files import ChangedOnDisk
    from pressgen.translation.providers import make_client
    from pressgen.translation.workspace_translate import translate_workspace

    use_libre(workspace, server.url)  # type: ignore[attr-defined]
    config = workspace / "pressgen.yaml"
    replace_once(config, "      fr: L’ONU dans votre langue\n", "")
    records_before = (workspace / "pressgen.segments.json").read_bytes()

    class EditedMeanwhile:  # the real client; someone saves pressgen.yaml while it waits for the answer
        def __init__(self, *args: object) -> None:
            self.client = make_client(*args)  # type: ignore[arg-type]

        def translate(self, text: str) -> str:
            replace_once(config, "fr: Presse et médias", "fr: Presse et médias (UNRIC)")
            return str(self.client.translate(text))

    with pytest.raises(ChangedOnDisk):
        translate_workspace(load_workspace(workspace), ["fr"], client_factory=EditedMeanwhile)
    text = config.read_text()
    assert "fr: Presse et médias (UNRIC)" in text  # the other save is kept
    assert fake_translation("De VN in jouw taal", "fr") not in text
    assert (workspace / "pressgen.segments.json").read_bytes() == records_before
    assert server.requests  # the provider was asked: the draft is in the memory for the next run
