"""Human text is never replaced by a machine, and white space is not a change (issue 18).

``translate`` keeps the human translation of a paragraph whose source changed (it stays stale, the
machine draft goes into the memory as a suggestion) unless asked with ``--replace-stale``; what is
replaced is kept in the memory with the source it was made from. Re-wrapping a paragraph in the YAML
changes no state and sends nothing.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from helpers import SEEDS, run, use_libre
from helpers.libre_server import LibreServer, fake_translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pressgen import load_release, load_workspace
from pressgen.translation.memory import MEMORY_FILE, TranslationMemory
from pressgen.translation.segments import align, split
from pressgen.translation.state import language_states

RELEASE = "iom-20km-brussels-2017"
OLD_WORDS = "De campagne werd gestart op"  # the start of the Dutch body's third paragraph
NEW_WORDS = "De campagne werd gelanceerd op"
NOTICE = "fr body ¶3: stale, human text kept; machine suggestion in the memory; run with --replace-stale to replace"


class Terminal(io.StringIO):
    """Standard input as a terminal would be, answering what it was given."""

    def isatty(self) -> bool:
        return True


def _path(workspace: Path) -> Path:
    return workspace / "releases" / f"{RELEASE}.yaml"


def _body(path: Path, lang: str) -> list[str]:
    return split("body", load_release(path).text[lang].body)


def _memory(workspace: Path) -> TranslationMemory:
    return TranslationMemory(workspace / MEMORY_FILE)


def _change_one_word(path: Path) -> tuple[str, str]:
    """Change one word of the Dutch third paragraph; return its text before and after."""
    old = _body(path, "nl")[2]
    text = path.read_text(encoding="utf-8")
    assert text.count(OLD_WORDS) == 1
    path.write_text(text.replace(OLD_WORDS, NEW_WORDS), encoding="utf-8")
    return old, _body(path, "nl")[2]


def _states(path: Path) -> dict[str, object]:
    release = load_release(path)
    return {lang: (state, sorted(align(release, lang).counts().items()) if state != "source" else None)
            for lang, state in language_states(release, list(release.text)).items()}


def test_one_word_changed_keeps_the_reviewed_text_and_suggests(
        workspace: Path, server: LibreServer, capsys: pytest.CaptureFixture[str]) -> None:
    use_libre(workspace, server.url)  # type: ignore[attr-defined]
    path = _path(workspace)
    french = _body(path, "fr")
    _, new_source = _change_one_word(path)
    before = path.read_bytes()

    assert run("translate", str(path), "--to", "fr") == 0
    out = capsys.readouterr().out
    assert NOTICE in out
    assert _body(path, "fr") == french  # the reviewed translation is still there, word for word
    assert path.read_bytes() == before  # nothing else was written either
    assert language_states(load_release(path), ["fr"])["fr"] == "stale"
    memory = _memory(workspace)
    try:
        suggestion = memory.get_machine("libre", server.url, "nl", "fr", new_source)  # type: ignore[attr-defined]
    finally:
        memory.close()
    assert suggestion is not None and "fr:gelanceerd" in suggestion
    assert suggestion == fake_translation(new_source, "fr")
    # A second run asks the provider nothing again, and still keeps the text.
    sent = len(server.requests)
    assert run("translate", str(path), "--to", "fr") == 0
    assert NOTICE in capsys.readouterr().out
    assert len(server.requests) == sent and path.read_bytes() == before


def test_replace_stale_replaces_and_keeps_the_human_text_in_the_memory(
        workspace: Path, server: LibreServer) -> None:
    use_libre(workspace, server.url)  # type: ignore[attr-defined]
    path = _path(workspace)
    old_french = _body(path, "fr")[2]
    old_source, new_source = _change_one_word(path)

    assert run("translate", str(path), "--to", "fr", "--replace-stale") == 0  # not a terminal: the flag suffices
    body = _body(path, "fr")
    assert body[2] == fake_translation(new_source, "fr")
    assert old_french not in body
    assert language_states(load_release(path), ["fr"])["fr"] == "machine"
    memory = _memory(workspace)
    try:
        kept = memory.previous("nl", "fr", old_source)
        everything = memory.previous("nl", "fr")
    finally:
        memory.close()
    assert [(version.translation, version.state) for version in kept] == [(old_french, "reviewed")]
    assert kept[0].source == old_source and kept[0] in everything


def test_replace_stale_asks_again_on_a_terminal(workspace: Path, server: LibreServer, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    use_libre(workspace, server.url)  # type: ignore[attr-defined]
    path = _path(workspace)
    _change_one_word(path)
    before = path.read_bytes()
    monkeypatch.setattr(sys, "stdin", Terminal("n\n"))
    assert run("translate", str(path), "--to", "fr", "--replace-stale") == 130  # answered no: aborted
    assert "replaces the human text of 1 stale segment(s) of fr" in capsys.readouterr().out
    assert path.read_bytes() == before and server.requests == []


def _without(path: Path, lang: str) -> None:
    """Remove one language's text block from the release file, as if it had never been translated."""
    out, skipping = [], False
    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        if re.match(r"^  [a-z]{2}:\s*$", line):
            skipping = line.strip()[:-1] == lang
        if not skipping:
            out.append(line)
    path.write_text("".join(out), encoding="utf-8")
    assert f"\n  {lang}:" not in path.read_text(encoding="utf-8")


def test_a_post_edited_machine_draft_counts_as_human(
        workspace: Path, server: LibreServer, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    use_libre(workspace, server.url)  # type: ignore[attr-defined]
    path = _path(workspace)
    _without(path, "fr")
    (workspace / "releases" / f"{RELEASE}.segments.json").unlink()
    assert run("translate", str(path), "--to", "fr") == 0  # machine drafts, recorded machine
    machine = _body(path, "fr")[2]
    edited = machine.replace("fr:campagne", "campagne", 1)  # a person post-edits one word
    assert edited != machine
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(machine, edited, 1), encoding="utf-8")
    _change_one_word(path)  # then the source of that very paragraph changes
    before = path.read_bytes()
    capsys.readouterr()

    monkeypatch.setattr(sys, "stdin", Terminal("n\n"))
    assert run("translate", str(path), "--to", "fr", "--retranslate") == 130  # asked, answered no: aborted
    assert "--retranslate overwrites 1 draft or reviewed segment(s) of fr" in capsys.readouterr().out
    assert path.read_bytes() == before

    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert run("translate", str(path), "--to", "fr") == 0  # without a flag, the post-edit is kept
    assert NOTICE in capsys.readouterr().out
    assert _body(path, "fr")[2] == edited


def _rewrapped(line: str, indent: str, width: int) -> str:
    """A paragraph's line of a ``|`` block broken into lines of about ``width`` characters (at words that
    start with a letter, so no line starts a list or a quote)."""
    words = line.split(" ")
    lines = [words[0]]
    for word in words[1:]:
        if len(lines[-1]) + 1 + len(word) > width and word[:1].isalpha():
            lines.append(word)
        else:
            lines[-1] += " " + word
    return f"\n{indent}".join(lines)


def test_a_rewrapped_source_paragraph_changes_nothing(
        workspace: Path, server: LibreServer, capsys: pytest.CaptureFixture[str]) -> None:
    use_libre(workspace, server.url)  # type: ignore[attr-defined]
    path = _path(workspace)
    assert run("status", "--json", str(path)) == 0
    status = json.loads(capsys.readouterr().out)
    text = path.read_text(encoding="utf-8")
    first = _body(path, "nl")[0]
    headline = load_release(path).text["nl"].headline
    assert f"      {first}\n" in text and f"    headline: {headline}\n" in text
    text = text.replace(f"      {first}\n", "      " + _rewrapped(first, "      ", 50) + "\n", 1)
    text = text.replace(f"    headline: {headline}\n",  # the same words as a folded block
                        "    headline: >\n      " + _rewrapped(headline, "      ", 30) + "\n", 1)
    path.write_text(text, encoding="utf-8")
    assert len(_body(path, "nl")[0].splitlines()) > 3  # the paragraph is now on several lines

    assert run("status", "--json", str(path)) == 0
    assert json.loads(capsys.readouterr().out) == status
    before = path.read_bytes()
    assert run("translate", str(path), "--to", "fr,en") == 0
    assert server.requests == []
    assert path.read_bytes() == before


def test_a_rewrapped_machine_draft_stays_machine(workspace: Path, server: LibreServer) -> None:
    use_libre(workspace, server.url)  # type: ignore[attr-defined]
    path = _path(workspace)
    # French: one machine paragraph (the third) among reviewed ones, as a machine draft of a changed
    # paragraph leaves it.
    sidecar = workspace / "releases" / f"{RELEASE}.segments.json"
    data = json.loads(sidecar.read_text(encoding="utf-8"))
    body = [record for record in data["languages"]["fr"] if record["field"] == "body"]
    body[2]["state"] = "machine"
    sidecar.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    start = text.index("\n  fr:\n")
    path.write_text(text[:start] + text[start:].replace("status: reviewed", "status: machine", 1), encoding="utf-8")
    expected = {"reviewed": 12, "machine": 1}
    assert align(load_release(path), "fr").counts() == expected

    paragraph = _body(path, "fr")[2]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f"      {paragraph}\n", "      " + _rewrapped(paragraph, "      ", 40) + "\n", 1),
                    encoding="utf-8")
    assert _body(path, "fr")[2] != paragraph
    release = load_release(path)
    assert align(release, "fr").counts() == expected  # a line break moved: not an edit by a person
    assert language_states(release, ["fr"])["fr"] == "machine"
    before = path.read_bytes()
    assert run("translate", str(path), "--to", "fr") == 0
    assert server.requests == [] and path.read_bytes() == before


# --- the property: white space in the source is never a change ------------------------------------------


def _gap() -> st.SearchStrategy[str]:
    return st.sampled_from([" ", " ", " ", "  ", "   ", "\n", "\n  "])  # pressgen refuses tabs in YAML


@pytest.fixture(scope="module")
def seed_copy() -> object:
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "ws"
        shutil.copytree(SEEDS, target, ignore=shutil.ignore_patterns("dist", ".pressgen"))
        yield target


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), seed=st.sampled_from(sorted(p.stem for p in (SEEDS / "releases").glob("*.yaml"))))
def test_white_space_in_the_source_keeps_every_state(seed_copy: Path, data: st.DataObject, seed: str) -> None:
    path = seed_copy / "releases" / f"{seed}.yaml"
    original = (SEEDS / "releases" / f"{seed}.yaml").read_text(encoding="utf-8")
    path.write_text(original, encoding="utf-8")
    release = load_release(path, load_workspace(seed_copy))
    expected = _states(path)
    source = release.source
    start = original.index(f"\n  {source}:\n")
    end = re.search(r"\n  [a-z]{2}:\n", original[start + 1:])
    stop = start + 1 + end.start() if end else len(original)
    block = original[start:stop]
    changed = False
    for name in ("body", "notes"):
        for paragraph in split(name, release.text[source].fields().get(name)):
            line = f"\n      {paragraph}\n"
            if line not in block or "\n" in paragraph:
                continue
            words = paragraph.split(" ")
            gaps = [data.draw(_gap()) if word[:1].isalpha() else " " for word in words[1:]]
            lead = data.draw(st.sampled_from(["", "\n"]))  # an extra blank line before it, sometimes
            new = words[0] + "".join(gap.replace("\n", "\n      ") + word for gap, word in zip(gaps, words[1:],
                                                                                        strict=True))
            changed |= new != paragraph or bool(lead)
            block = block.replace(line, f"\n{lead}      {new}\n", 1)
    path.write_text(original[:start] + block + original[stop:], encoding="utf-8")
    assert _states(path) == expected, (changed, path.read_text(encoding="utf-8")[start:stop])


def test_retranslate_keeps_every_human_translation_in_the_memory(workspace: Path, server: LibreServer) -> None:
    use_libre(workspace, server.url)  # type: ignore[attr-defined]
    path = _path(workspace)
    release = load_release(path)
    pairs = [(pair.source, pair.target) for pair in align(release, "fr").pairs]
    assert len(pairs) == 13 and all(source and target for source, target in pairs)
    assert run("translate", str(path), "--to", "fr", "--retranslate") == 0  # not a terminal: the flag suffices
    assert language_states(load_release(path), ["fr"])["fr"] == "machine"
    memory = _memory(workspace)
    try:
        kept = {(version.source, version.translation, version.state) for version in memory.previous("nl", "fr")}
    finally:
        memory.close()
    assert kept == {(source, target, "reviewed") for source, target in pairs}


def test_the_memory_is_looked_up_white_space_aside(workspace: Path, server: LibreServer) -> None:
    use_libre(workspace, server.url)  # type: ignore[attr-defined]
    path = _path(workspace)
    french = _body(path, "fr")
    assert run("translate", str(path), "--to", "fr") == 0  # current: nothing sent, the reviewed pairs remembered
    assert server.requests == []
    # French lost (no block, no records), the Dutch paragraphs re-wrapped: the memory still has every one.
    _without(path, "fr")
    (workspace / "releases" / f"{RELEASE}.segments.json").unlink()
    text = path.read_text(encoding="utf-8")
    for paragraph in _body_of_source(path):
        text = text.replace(f"      {paragraph}\n", "      " + _rewrapped(paragraph, "      ", 45) + "\n", 1)
    path.write_text(text, encoding="utf-8")
    assert run("translate", str(path), "--to", "fr") == 0
    assert server.requests == []
    assert _body(path, "fr") == french
    assert language_states(load_release(path), ["fr"])["fr"] == "draft"  # human text, to be reviewed here


def _body_of_source(path: Path) -> list[str]:
    from pressgen.workspace.yamlio import load_yaml

    return split("body", load_yaml(path).data["text"]["nl"]["body"])
