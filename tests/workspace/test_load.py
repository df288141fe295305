"""Every kind of bad input: a positioned one-line error, exit status 1, no document written."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import VALID_RELEASE, run


def _errors(stderr: str) -> list[tuple[int, int, str]]:
    return [(int(m[1]), int(m[2]), m[3])
            for m in re.finditer(r"^[^\n]*?\.yaml:(\d+):(\d+): error: (.*)$", stderr, re.M)]


# (case name, release text, expected line, words expected in the message)
CASES = [
    ("unknown field", VALID_RELEASE.replace("    dateline: Brussel", "    datelin: Brussel"), 9,
     ["unknown field 'datelin'"]),
    ("unknown organization", VALID_RELEASE.replace("organization: iom-belgium", "organization: iom-belgum"), 1,
     ["unknown organization 'iom-belgum'"]),
    ("unknown contact", VALID_RELEASE.replace("contacts: [gdhoop]", "contacts: [gdhop]"), 5,
     ["unknown contact 'gdhop'"]),
    ("invalid e-mail", VALID_RELEASE.replace("contacts: [gdhoop]",
                                     "contacts:\n  - name: X\n    email: x@@iom"), 7,
     ["invalid e-mail address 'x@@iom'"]),
    ("invalid phone", VALID_RELEASE.replace("contacts: [gdhoop]",
                                    "contacts:\n  - name: X\n    phones: ['+32 12']"), 7,
     ["invalid phone number '+32 12'"]),
    ("impossible date", VALID_RELEASE.replace("date: 2017-05-26", "date: 2017-02-30"), 2,
     ["'2017-02-30' is not a valid date"]),
    ("missing field in one language", VALID_RELEASE.replace("    headline: Titre du communiqué\n", ""), 12,
     ["missing field 'headline'"]),
    ("language listed without text", VALID_RELEASE.replace("languages: [nl, fr]", "languages: [nl, fr, en]"), 4,
     ["language 'en' is listed but has no text"]),
    ("control character", VALID_RELEASE.replace("headline: Kop van het bericht", 'headline: "Kop \\x01"'), 8,
     ["control character U+0001"]),
    ("alias bomb", VALID_RELEASE + 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: [*b,*b]\n', 19, ["alias *a is not allowed"]),
    ("duplicate key", VALID_RELEASE.replace("source: nl", "source: nl\nsource: fr"), 4, ["duplicate key"]),
    ("tab", VALID_RELEASE.replace("    headline: Kop", "\theadline: Kop"), 8, ["tab character"]),
    ("object construction", VALID_RELEASE.replace("date: 2017-05-26", "date: !!python/object:os.system ls"), 2,
     ["explicit tag"]),
    ("javascript link", VALID_RELEASE.replace("      Eerste alinea.", "      Zie [hier](javascript:alert(1))."), 11,
     ["link target 'javascript:alert(1)' is not allowed"]),
    ("empty file", "", 1, ["file is empty"]),
    ("missing body", VALID_RELEASE.replace("    body: |\n      Premier paragraphe.\n", ""), 12,
     ["missing field 'body'"]),
    ("field of one language missing in another", VALID_RELEASE.replace(
        "    dateline: Bruxelles\n", ""), 12, ["'dateline' is in the nl text but missing in fr"]),
]


@pytest.mark.parametrize("text,line,words", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_release_is_one_positioned_error_and_builds_nothing(
        workspace: Path, write_release: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str],
        text: str, line: int, words: list[str]) -> None:
    path = write_release("bad", text)
    assert run("check", str(path)) == 1
    stderr = capsys.readouterr().err
    errors = _errors(stderr)
    assert errors, stderr
    assert "Traceback" not in stderr
    matching = [e for e in errors if all(w in e[2] for w in words)]
    assert matching, f"no error with {words}: {stderr}"
    assert matching[0][0] == line, stderr

    out = workspace / "out"
    assert run("build", str(path), "--out", str(out)) == 1
    assert "Traceback" not in capsys.readouterr().err
    assert not out.exists() or not any(p.is_file() for p in out.rglob("*"))


def test_non_utf8_file_is_a_positioned_error(write_release: Callable[[str, str], Path],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = write_release("latin1", "")
    path.write_bytes(VALID_RELEASE.replace("Kop van het bericht", "Kop café").encode("latin-1"))
    assert run("check", str(path)) == 1
    assert _errors(capsys.readouterr().err)[0][:2] == (8, 22)


def test_unknown_field_suggests_the_closest_name(write_release: Callable[[str, str], Path],
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = write_release("typo", VALID_RELEASE.replace("    headline: Kop", "    hedline: Kop"))
    run("check", str(path))
    assert "did you mean 'headline'?" in capsys.readouterr().err


def test_all_problems_of_a_release_are_reported_in_one_pass(
        write_release: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]) -> None:
    text = (VALID_RELEASE.replace("organization: iom-belgium", "organization: nobody")
            .replace("date: 2017-05-26", "date: 2017-13-01")
            .replace("contacts: [gdhoop]", "contacts: [someone]"))
    path = write_release("many", text)
    assert run("check", str(path)) == 1
    lines = {line for line, _, _ in _errors(capsys.readouterr().err)}
    assert {1, 2, 5} <= lines


def test_one_broken_release_does_not_stop_the_others(workspace: Path,
                                                     write_release: Callable[[str, str], Path],
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    write_release("good", VALID_RELEASE)
    write_release("broken", VALID_RELEASE.replace("date: 2017-05-26", "date: 2017-02-30"))
    for seed in (workspace / "releases").glob("i*.yaml"):
        seed.unlink()
    for seed in (workspace / "releases").glob("u*.yaml"):
        seed.unlink()
    out = workspace / "out"
    assert run("build", str(workspace), "--out", str(out)) == 1
    captured = capsys.readouterr()
    assert sorted(p.name for p in out.rglob("*.*")) == [
        "good.fr.docx", "good.fr.pdf", "good.nl.docx", "good.nl.pdf", "manifest.json"]
    assert "releases with errors: broken" in captured.err


def test_invalid_workspace_file_is_reported_with_position(workspace: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    config = workspace / "pressgen.yaml"
    config.write_text(config.read_text().replace('email: gdhoop@iom.int', 'email: "gdhoop at iom"'))
    assert run("check", str(workspace)) == 1
    err = capsys.readouterr().err
    assert re.search(r"pressgen\.yaml:\d+:\d+: error: invalid e-mail address 'gdhoop at iom'", err), err


def test_wrong_usage_exits_2(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    assert run("build", str(workspace / "nowhere.yaml")) == 2
    assert run("build", str(workspace), "--format", "odt") == 2
    assert run("frobnicate") == 2


@pytest.mark.parametrize("line, hint", [
    ("headline: Let op: de VN lopen mee", "put the text in quotes: headline: \"Let op: de VN lopen mee\""),
    ("headline: *Nieuw* in Brussel", "a text starting with '*' must be put in quotes"),
    ("headline: `Nieuw` in Brussel", "a text starting with '`' must be put in quotes"),
    ("\theadline: Nieuw", "YAML indentation must use spaces; replace tabs by spaces"),  # found before parsing
])
def test_a_yaml_syntax_error_gets_a_hint_a_writer_understands(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str, hint: str) -> None:
    from pressgen.errors import InputError
    from pressgen.workspace.yamlio import load_yaml

    path = tmp_path / "x.yaml"
    path.write_text(f"organization: iom\ntext:\n  nl:\n    {line}\n    body: Tekst\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_yaml(path)
    assert hint in (raised.value.diagnostics[0].hint or "")
