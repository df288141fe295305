"""Round three of the hardening issue, the command line and its input readers: option values the workspace
cannot have are wrong usage (exit 2, the option and its values named), a review file can come from a pipe,
and what a catalog or a merge can put into a workspace is reported by check, positioned, with the words build
refuses it with. None of them exits 3 or prints a traceback."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document
from helpers import POSITIONED_ERROR, PRESSGEN, ROOT, docx_body_paragraphs, normalize, pdf_text, run
from helpers import replace_once as _replace
from lxml import etree

RELEASE = "iom-20km-brussels-2017"


def _release(ws: Path) -> Path:
    return ws / "releases" / f"{RELEASE}.yaml"


def _only_one_release(ws: Path) -> None:
    for other in (ws / "releases").glob("*.yaml"):  # one release is enough, and builds fast
        if other.stem != RELEASE:
            other.unlink()


def _po(ws: Path, body: str, lang: str = "nl") -> Path:
    """A workspace catalog: its header on lines 1-3, a blank line 4, ``body`` from line 5."""
    path = ws / "locales" / lang / "LC_MESSAGES" / "pressgen.po"
    path.parent.mkdir(parents=True)
    path.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n' + body, encoding="utf-8")
    return path


def _no_crash(output: str) -> None:
    assert "internal error" not in output and "bug in pressgen" not in output and "Traceback" not in output, output


# --- 1, 2: a language, format or scheduler the workspace cannot have is wrong usage -----------------------

WRONG_USAGE = {
    "review export in an unknown language": (["review", "export", RELEASE, "--lang", "xx"],
                                             ["Invalid value for '--lang'", "'xx' is not a language of this workspace",
                                              "choose from nl, fr, en"]),
    "review import in an unknown language": (["review", "import", RELEASE, "--lang", "xx"],
                                             ["Invalid value for '--lang'", "choose from nl, fr, en"]),
    "translate into an unknown language": (["translate", RELEASE, "--to", "fr,xx"],
                                           ["Invalid value for '--to'", "'xx' is not a language of this workspace",
                                            "choose from nl, fr, en"]),
    "a scheduler without a port": (["build", RELEASE, "--executor", "dask", "--scheduler", "10.0.0.5"],
                                   ["Invalid value for '--scheduler'", "missing port number",
                                    "tcp://HOST:PORT"]),
    "an http scheduler": (["build", RELEASE, "--executor", "dask", "--scheduler", "http://10.0.0.5:8786"],
                          ["Invalid value for '--scheduler'", "unknown address scheme 'http'"]),
    "a scheduler for the local executor": (["build", RELEASE, "--scheduler", "tcp://10.0.0.5:8786"],
                                           ["--scheduler is used only with --executor dask"]),
    "build in a three-letter language": (["build", RELEASE, "--lang", "eng"],
                                         ["Invalid value for '--lang'", "'eng' is not a language",
                                          "did you mean 'en'?", "choose from nl, fr, en"]),
    "build in a format pressgen does not write": (["build", RELEASE, "--format", "PDF"],
                                                  ["Invalid value for '--format'", "did you mean 'pdf'?",
                                                   "choose from pdf, docx"]),
}


@pytest.mark.parametrize("name", WRONG_USAGE)
def test_an_option_value_the_workspace_cannot_have_is_wrong_usage(
        name: str, workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    args, words = WRONG_USAGE[name]
    # a provider that is never reached: nothing may be sent anywhere for a wrong command
    _replace(workspace / "pressgen.yaml", "timezone: Europe/Brussels", "timezone: Europe/Brussels\n"
             'translation: {provider: libre, url: "http://127.0.0.1:9/", timeout: 1, retries: 0, backoff: 0}')
    before = _release(workspace).read_bytes()
    monkeypatch.chdir(workspace)
    status = run(*args)
    err = capsys.readouterr().err
    _no_crash(err)
    assert status == 2, err
    for word in words:
        assert word in err, err
    assert _release(workspace).read_bytes() == before
    assert not (workspace / "dist").exists() and not (workspace / "review").exists()


def test_a_build_in_a_language_no_selected_release_is_in_says_so(
        workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _replace(_release(workspace), "source: nl\n", "source: nl\nlanguages: [nl, fr]\n")
    monkeypatch.chdir(workspace)
    assert run("build", RELEASE, "--lang", "en", "-j", "1") == 1
    err = capsys.readouterr().err
    _no_crash(err)
    assert "error: no release of the selection is in en, so no en document was built" in err, err
    assert not list((workspace / "dist").rglob("*.pdf"))


def test_a_language_only_the_release_lists_is_not_wrong_usage(
        workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _only_one_release(workspace)
    _replace(workspace / "pressgen.yaml", "languages: [nl, fr, en]", "languages: [nl, fr]")
    _replace(_release(workspace), "source: nl\n", "source: nl\nlanguages: [nl, fr, en]\n")
    monkeypatch.chdir(workspace)
    assert run("build", RELEASE, "--lang", "en", "--format", "docx", "-j", "1") == 0, capsys.readouterr().err
    assert (workspace / "dist" / RELEASE / f"{RELEASE}.en.docx").is_file()


# --- 3: a reviewed file from a pipe -------------------------------------------------------------------------

NS = "{urn:oasis:names:tc:xliff:document:1.2}"


def _reviewed_xliff(ws: Path, headline: str) -> bytes:
    assert subprocess.run([str(PRESSGEN), "review", "export", RELEASE, "--lang", "fr"], cwd=ws,
                          capture_output=True, text=True, timeout=120).returncode == 0
    path = ws / "review" / f"{RELEASE}.fr.xlf"
    tree = etree.parse(str(path))
    unit = next(u for u in tree.iter(f"{NS}trans-unit") if u.get("resname") == "headline")
    target = unit.find(f"{NS}target")
    assert target is not None
    target.text = headline
    data = etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
    path.unlink()  # the reviewed file exists only in the pipe
    return data


@pytest.mark.parametrize("spelling", ["-", "/dev/stdin"])
def test_review_import_reads_the_reviewed_file_from_a_pipe(spelling: str, workspace: Path) -> None:
    headline = "L’ONU court les 20 km de Bruxelles avec les migrants"
    data = _reviewed_xliff(workspace, headline)
    result = subprocess.run([str(PRESSGEN), "review", "import", RELEASE, "--lang", "fr", "--file", spelling],
                            cwd=workspace, input=data, capture_output=True, timeout=120)
    err = result.stderr.decode()
    _no_crash(err)
    assert result.returncode == 0, err
    assert "1 applied, 12 unchanged, 0 conflict(s)" in result.stdout.decode() + err  # the headline only
    assert f"headline: {headline}" in _release(workspace).read_text(encoding="utf-8")


def test_a_bilingual_docx_from_a_pipe_is_read_as_docx(workspace: Path) -> None:
    assert subprocess.run([str(PRESSGEN), "review", "export", RELEASE, "--lang", "fr", "--format", "docx"],
                          cwd=workspace, capture_output=True, timeout=120).returncode == 0
    docx = workspace / "review" / f"{RELEASE}.fr.review.docx"
    document = Document(str(docx))
    row = next(r for r in document.tables[0].rows if r.cells[0].text.startswith("dateline-"))
    row.cells[2].paragraphs[0].runs[0].text = "Bruxelles-Capitale"
    document.save(str(docx))
    result = subprocess.run([str(PRESSGEN), "review", "import", RELEASE, "--lang", "fr", "--file", "-"],
                            cwd=workspace, input=docx.read_bytes(), capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    assert "dateline: Bruxelles-Capitale" in _release(workspace).read_text(encoding="utf-8")


def test_a_broken_file_from_a_pipe_is_reported_as_standard_input(workspace: Path) -> None:
    before = _release(workspace).read_bytes()
    result = subprocess.run([str(PRESSGEN), "review", "import", RELEASE, "--lang", "fr", "--file", "-"],
                            cwd=workspace, input=b"<xliff version='1.2'>\n<file", capture_output=True, timeout=120)
    err = result.stderr.decode()
    _no_crash(err)
    assert result.returncode == 1, err
    assert re.search(r"^<stdin>:2:\d+: error: not well-formed XML", err, re.M), err
    assert "export it first" not in err and "pressgen-review-" not in err  # not missing; no temporary path
    assert _release(workspace).read_bytes() == before


# --- 4-8: what check passes, build renders; what build refuses, check reports with the same words ---------

def _conflict(path: Path, old: str, ours: str, theirs: str) -> None:
    _replace(path, old, f"<<<<<<< HEAD\n{ours}=======\n{theirs}>>>>>>> fix-date\n")


# name -> (how to break the one-release workspace, (file, line, col) of the first error, words of its message)
CASES: dict[str, tuple[Callable[[Path], object], tuple[str, int, int], str]] = {
    "PO msgstr with a vertical tab": (
        lambda ws: _po(ws, 'msgid "Press release"\nmsgstr "Pers\x0bbericht"\n'),
        ("pressgen.po", 6, 13), "holds the control character U+000B"),
    "PO msgstr with an escaped form feed": (
        lambda ws: _po(ws, 'msgid "Press release"\nmsgstr ""\n"Pers"\n"be\\fricht"\n'),
        ("pressgen.po", 8, 4), "holds the control character U+000C"),
    "embargo time pattern Babel refuses": (
        lambda ws: _po(ws, 'msgctxt "embargo time on the hour"\nmsgid "HH:mm"\nmsgstr "HHH.mm \'uur\'"\n'),
        ("pressgen.po", 7, 1), "is not a date/time pattern pressgen can use: Invalid length for field: 'HHH'"),
    "merge conflict in a release": (
        lambda ws: _conflict(_release(ws), "date: 2017-05-26\n", "date: 2017-05-26\n", "date: 2017-05-27\n"),
        (f"{RELEASE}.yaml", 4, 1), "unresolved merge conflict: lines 4-8 hold two versions"),
    "merge conflict in pressgen.yaml": (
        lambda ws: _conflict(ws / "pressgen.yaml", "timezone: Europe/Brussels\n", "timezone: Europe/Brussels\n",
                             "timezone: Europe/Paris\n"),
        ("pressgen.yaml", 8, 1), "unresolved merge conflict"),
    "merge conflict in a PO file": (
        lambda ws: _po(ws, '<<<<<<< HEAD\nmsgid "Press release"\nmsgstr "Persbericht"\n=======\n'
                           'msgid "Press release"\nmsgstr "Perscommuniqué"\n>>>>>>> theirs\n'),
        ("pressgen.po", 5, 1), "unresolved merge conflict: lines 5-11 hold two versions"),
    "a left-over conflict marker": (
        lambda ws: _replace(_release(ws), "tags: [together-campaign, events]\n",
                            "tags: [together-campaign, events]\n>>>>>>> fix-date\n"),
        (f"{RELEASE}.yaml", 9, 1), "unresolved merge conflict: marker '>>>>>>> fix-date' is left over"),
}


@pytest.mark.parametrize("name", CASES)
def test_check_reports_what_build_refuses_with_the_same_words(
        name: str, workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    breaks, (file_name, line, col), words = CASES[name]
    _only_one_release(workspace)
    breaks(workspace)
    monkeypatch.chdir(workspace)

    check_status = run("check")
    checked = capsys.readouterr().err
    build_status = run("build", "--out", "dist", "-j", "1")
    built = capsys.readouterr().err

    for output in (checked, built):
        _no_crash(output)
    assert (check_status, build_status) == (1, 1), (checked, built)
    errors = sorted(match.group(0) for match in POSITIONED_ERROR.finditer(checked))
    assert errors and errors == sorted(match.group(0) for match in POSITIONED_ERROR.finditer(built)), (checked, built)
    first = next(m for m in POSITIONED_ERROR.finditer(checked) if words in m.group("message"))
    assert (Path(first.group("file")).name, int(first.group("line")), int(first.group("col"))) == \
        (file_name, line, col), first.group(0)
    if "conflict" in name:
        assert "hint: resolve the conflict (keep one side) and run check again" in checked
        assert "indentation" not in checked and "not a valid PO file" not in checked
    assert not list((workspace / "dist").rglob("*.pdf"))


def test_an_embargo_time_pattern_with_a_weekday_is_written_in_both_formats(
        workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _only_one_release(workspace)
    _po(workspace, 'msgctxt "embargo time on the hour"\nmsgid "HH:mm"\nmsgstr "EEEE HH.mm \'uur\'"\n')
    monkeypatch.chdir(workspace)
    assert run("check") == 0, capsys.readouterr().err
    assert run("build", RELEASE, "--lang", "nl", "--out", "dist", "-j", "1") == 0, capsys.readouterr().err
    folder = workspace / "dist" / RELEASE
    docx_text = " ".join(text for _, text in docx_body_paragraphs(folder / f"{RELEASE}.nl.docx"))
    for text in (normalize(pdf_text(folder / f"{RELEASE}.nl.pdf")), normalize(docx_text)):
        assert "26 mei 2017 om vrijdag 10.00 uur" in text, text  # 26 May 2017 was a Friday


POEDIT_FR = """\
# French labels of our press releases.
# Marie Dupont <marie.dupont@iom.int>, 2024.
#
msgid ""
msgstr ""
"Project-Id-Version: pressgen labels\\n"
"POT-Creation-Date: 2024-03-01 10:00+0100\\n"
"PO-Revision-Date: 2024-03-04 16:12+0100\\n"
"Last-Translator: Marie Dupont <marie.dupont@iom.int>\\n"
"Language-Team: French <comms@iom.int>\\n"
"Language: fr\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\\n"
"X-Generator: Poedit 3.4.2\\n"

#. heading of the contact block; the number of contacts decides the form.
msgid "Press contact"
msgid_plural "Press contacts"
msgstr[0] "Contact pour la presse"
msgstr[1] "Contacts pour la presse"
"""


def test_a_poedit_catalog_chooses_its_plural_forms_by_its_own_rule(
        workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _only_one_release(workspace)
    po = workspace / "locales" / "fr" / "LC_MESSAGES" / "pressgen.po"
    po.parent.mkdir(parents=True)
    po.write_text(POEDIT_FR, encoding="utf-8")
    if shutil.which("msgfmt"):  # GNU gettext accepts it as it is (scripts/setup-system.sh installs gettext)
        assert subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)], capture_output=True).returncode == 0
    _replace(_release(workspace), "contacts: [gdhoop]", "contacts: [gdhoop, unric-press]")
    monkeypatch.chdir(workspace)
    assert run("check") == 0, capsys.readouterr().err
    assert run("build", RELEASE, "--lang", "fr", "--out", "dist", "-j", "1") == 0, capsys.readouterr().err
    folder = workspace / "dist" / RELEASE
    docx_text = [text for _, text in docx_body_paragraphs(folder / f"{RELEASE}.fr.docx")]
    pdf = normalize(pdf_text(folder / f"{RELEASE}.fr.pdf"))
    # two contacts: form 1 of the PO's own two; the packaged three-form rule picked form 2, the packaged words
    assert "Contacts pour la presse" in docx_text and "Contacts pour la presse" in pdf, (docx_text, pdf)


def test_the_checked_pattern_entries_are_the_ones_the_embargo_line_uses() -> None:
    from babel.messages.pofile import read_po

    from pressgen.workspace.labels import PATTERN_CONTEXTS

    pot = ROOT / "locales" / "pressgen.pot"
    with pot.open("rb") as stream:
        contexts = {message.context for message in read_po(stream) if message.context and "time" in message.context}
    assert contexts == set(PATTERN_CONTEXTS)
