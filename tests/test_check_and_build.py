"""Regression tests for the hardening issue: each input that used to crash, hang, pass check but fail
build, or damage a file. For every one, check and build exit 1 (or both succeed) and print the same
positioned errors; none prints an internal error or a traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document
from helpers import POSITIONED_ERROR, PRESSGEN, pdf_text, run
from helpers import replace_once as _replace
from PIL import Image

RELEASE = "iom-20km-brussels-2017"


def _release(ws: Path) -> Path:
    return ws / "releases" / f"{RELEASE}.yaml"


def _po(ws: Path, body: str, header: str = "", charset: str = "UTF-8") -> None:
    path = ws / "locales" / "nl" / "LC_MESSAGES" / "pressgen.po"
    path.parent.mkdir(parents=True)
    path.write_text(f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset={charset}\\n"\n' + header + "\n" + body,
                    encoding="utf-8")


def _output(pattern: str) -> Callable[[Path], None]:
    return lambda ws: _replace(ws / "pressgen.yaml", 'output: "dist/{id}/{id}.{lang}.{format}"',
                               f"output: {pattern!r}")


OUTPUT_LINE = ("pressgen.yaml", 7)
# name -> (how to break the seed workspace, (file, line) of the first error, words of its message)
CASES: dict[str, tuple[Callable[[Path], None], tuple[str, int], str]] = {
    "embargo that overflows": (
        lambda ws: _replace(_release(ws), "embargo: 2017-05-26T10:00:00+02:00", "embargo: 9999-12-31T23:59:59-12:00"),
        (f"{RELEASE}.yaml", 5), "embargo year 9999 is out of range"),
    "logo that is not a PNG": (
        lambda ws: (ws / "assets" / "iom.png").write_bytes(b"GIF89a not a png"),
        ("pressgen.yaml", 22), "logo assets/iom.png is not a readable PNG image"),
    "logo that is a JPEG named .png": (
        lambda ws: Image.new("RGB", (40, 20), "navy").save(ws / "assets" / "iom.png", "JPEG"),
        ("pressgen.yaml", 22), "is a JPEG image named .png"),
    "output with a format spec": (_output("dist/{id:d}/{id}.{lang}.{format}"), OUTPUT_LINE,
                                  "placeholder {id} takes no format or conversion"),
    "output onto pressgen.yaml": (_output("{org}/../pressgen.yaml"), OUTPUT_LINE, "may not contain '.' or '..'"),
    "output where documents collide": (_output("dist/{id}.{lang}"), OUTPUT_LINE, "output lacks {format}"),
    "output outside the workspace": (_output("../../x/{id}.{lang}.{format}"), OUTPUT_LINE,
                                     "may not contain '.' or '..'"),
    "absolute output": (_output("/tmp/pressgen-abs/{id}.{lang}.{format}"), OUTPUT_LINE,
                        "output must be a path inside the workspace"),
    "output into a source folder": (_output("templates/{id}.{lang}.{format}"), OUTPUT_LINE,
                                    "output may not go into templates/"),
    "PO placeholder the msgid lacks": (
        lambda ws: _po(ws, 'msgid "About %(organization)s"\nmsgstr "Over %(organisatie)s"\n'),
        ("pressgen.po", 5), "unknown named placeholder 'organisatie'"),
    "PO with a bare percent": (
        lambda ws: _po(ws, 'msgid "About %(organization)s"\nmsgstr "100% %(organization)s"\n'),
        ("pressgen.po", 5), "msgstr of 'About %(organization)s'"),
    "PO with an unknown charset": (
        lambda ws: _po(ws, 'msgid "Press release"\nmsgstr "Persmededeling"\n', charset="klingon"),
        ("pressgen.po", 3), "unknown encoding: klingon"),
    "PO with a huge nplurals": (
        lambda ws: _po(ws, 'msgid "Press release"\nmsgstr "Persmededeling"\n',
                       '"Plural-Forms: nplurals=100000000; plural=0;\\n"\n'),
        ("pressgen.po", 4), "nplurals=100000000 is out of range"),
    "PO that is not a PO file": (
        lambda ws: _po(ws, 'msgid "Press release\nmsgstr "x"\ngarbage\n'), ("pressgen.po", 6), "not a valid PO file"),
    "release id of 250 characters": (
        lambda ws: _release(ws).rename(ws / "releases" / ("a" * 250 + ".yaml")),
        ("a" * 250 + ".yaml", 1), "release id is 250 characters long"),
    "empty languages": (
        lambda ws: _replace(_release(ws), "source: nl", "source: nl\nlanguages: []"),
        (f"{RELEASE}.yaml", 7), "languages: List should have at least 1 item"),
    "a language listed twice": (
        lambda ws: _replace(_release(ws), "source: nl", "source: nl\nlanguages: [nl, fr, nl]"),
        (f"{RELEASE}.yaml", 7), "listed more than once: nl"),
    "inline contact e-mail that is a list": (
        lambda ws: _replace(_release(ws), "contacts: [gdhoop]", "contacts: [{name: X, email: [a]}]"),
        (f"{RELEASE}.yaml", 7), "contacts.0.email: expected text, not a list"),
    "inline contact phones that are a number": (
        lambda ws: _replace(_release(ws), "contacts: [gdhoop]", "contacts: [{name: X, phones: 1.5}]"),
        (f"{RELEASE}.yaml", 7), "contacts.0.phones: Input should be a valid list"),
    "inline contact website that is a number": (
        lambda ws: _replace(_release(ws), "contacts: [gdhoop]", "contacts: [{name: X, website: 5}]"),
        (f"{RELEASE}.yaml", 7), "contacts.0.website: expected text, not a number"),
    "merge key in a text block": (
        lambda ws: _replace(_release(ws), "  nl:\n", "  nl:\n    <<: {headline: merged}\n"),
        (f"{RELEASE}.yaml", 11), "merge key '<<' is not allowed"),
    "deeply nested YAML": (
        lambda ws: _replace(_release(ws), "tags: [together-campaign, events]", "tags: " + "[" * 2000 + "]" * 2000),
        (f"{RELEASE}.yaml", 8), "nested more than 32 levels deep"),
    "a body of 600 stars": (
        lambda ws: _replace(_release(ws), "    body: |\n", "    body: |\n      " + "*" * 600 + "x" + "*" * 600 + "\n"),
        (f"{RELEASE}.yaml", 15), "markup is nested more than 16 levels deep"),
    "time zone that is a path": (
        lambda ws: _replace(ws / "pressgen.yaml", "timezone: Europe/Brussels", "timezone: ../x"),
        ("pressgen.yaml", 8), "unknown time zone '../x'"),
    "infinite backoff": (
        lambda ws: _replace(ws / "pressgen.yaml", "timezone: Europe/Brussels",
                            "timezone: Europe/Brussels\ntranslation: {backoff: .inf}"),
        ("pressgen.yaml", 9), "translation.backoff: Input should be a finite number"),
    "workspace template with a syntax error": (
        lambda ws: (ws / "templates").mkdir() or (ws / "templates" / "release.html").write_text(
            "<html>\n{% if %}</html>\n", encoding="utf-8"),
        ("release.html", 2), "template error: Expected an expression"),
    "workspace template with an unknown variable": (
        lambda ws: (ws / "templates").mkdir() or (ws / "templates" / "release.html").write_text(
            "<html>\n<p>{{ view.headlne }}</p></html>\n", encoding="utf-8"),
        ("release.html", 2), "has no attribute 'headlne'"),
    "reference document that is not a DOCX": (
        lambda ws: (ws / "templates").mkdir() or (ws / "templates" / "reference.docx").write_bytes(b"PK no zip"),
        ("reference.docx", 1), "not a Word document pressgen can use"),
    "a folder named like a release": (
        lambda ws: (ws / "releases" / "x.yaml").mkdir(), ("x.yaml", 1), "not a regular file"),
    "two releases with one id": (
        lambda ws: (ws / "releases" / "copy").mkdir() or shutil.copy(_release(ws), ws / "releases" / "copy"),
        (f"{RELEASE}.yaml", 1), f"release id '{RELEASE}' is also the id of"),
}


def _errors(stderr: str) -> list[str]:
    return sorted(match.group(0) for match in POSITIONED_ERROR.finditer(stderr))


@pytest.mark.parametrize("name", CASES)
def test_check_reports_what_build_refuses_with_the_same_words(
        name: str, workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    breaks, (file_name, line), words = CASES[name]
    for other in (workspace / "releases").glob("*.yaml"):  # one release is enough, and builds fast
        if other.stem != RELEASE:
            other.unlink()
    breaks(workspace)
    monkeypatch.chdir(workspace)

    check_status = run("check")
    checked = capsys.readouterr().err
    build_status = run("build", "--out", "dist", "-j", "1")
    built = capsys.readouterr().err

    for output in (checked, built):
        assert "internal error" not in output and "bug in pressgen" not in output and "Traceback" not in output
    assert (check_status, build_status) == (1, 1), (checked, built)
    errors = _errors(checked)
    assert errors and errors == _errors(built), (checked, built)
    first = next(m for m in POSITIONED_ERROR.finditer(checked) if words in m.group("message"))
    assert (Path(first.group("file")).name, int(first.group("line"))) == (file_name, line), first.group(0)


def test_a_headline_longer_than_a_docx_property_builds_with_the_title_cut(
        workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    long = "Lange kop " * 40
    _replace(_release(workspace), "    headline: De Verenigde", f"    headline: {long}De Verenigde")
    monkeypatch.chdir(workspace)
    assert run("check") == 0
    assert run("build", RELEASE, "--lang", "nl", "--out", "dist", "-j", "1") == 0
    folder = workspace / "dist" / RELEASE
    title = Document(str(folder / f"{RELEASE}.nl.docx")).core_properties.title
    assert len(title) == 255 and title.endswith("…") and title.startswith("Lange kop Lange kop")
    assert "Lange kop " * 3 in " ".join(pdf_text(folder / f"{RELEASE}.nl.pdf").split())


def test_a_fifo_named_like_a_release_is_refused_without_hanging(workspace: Path) -> None:
    os.mkfifo(workspace / "releases" / "zz.yaml")
    for command in (["check"], ["build", "--out", "dist", "-j", "1"]):
        result = subprocess.run([str(PRESSGEN), *command], cwd=workspace, capture_output=True, text=True, timeout=60)
        assert result.returncode == 1, result.stderr
        assert "releases/zz.yaml:1:1: error: not a regular file" in result.stderr
    assert (workspace / "dist" / RELEASE / f"{RELEASE}.nl.pdf").is_file()  # the others were built



def test_a_fifo_named_like_segment_records_is_refused_without_hanging(workspace: Path) -> None:
    records = workspace / "releases" / f"{RELEASE}.segments.json"
    records.unlink()
    os.mkfifo(records)
    for command in (["check"], ["build", "--out", "dist", "-j", "1", "--format", "docx"]):
        result = subprocess.run([str(PRESSGEN), *command], cwd=workspace, capture_output=True, text=True, timeout=60)
        assert result.returncode == 1, result.stderr
        assert f"releases/{RELEASE}.segments.json:1:1: error: the segment records cannot be read: not a regular " \
               "file" in result.stderr

def test_a_symbolic_link_out_of_the_output_folder_is_not_followed(
        workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (workspace / "dist").mkdir()
    (workspace / "dist" / RELEASE).symlink_to(outside)
    monkeypatch.chdir(workspace)
    assert run("build", RELEASE, "-j", "1") == 1
    assert "output refused" in capsys.readouterr().err
    assert list(outside.iterdir()) == []


def test_locales_update_refuses_a_catalog_with_a_huge_plural_count(
        workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _po(workspace, 'msgid "Press release"\nmsgstr "Persmededeling"\n',
        '"Plural-Forms: nplurals=100000000; plural=0;\\n"\n')
    po = workspace / "locales" / "nl" / "LC_MESSAGES" / "pressgen.po"
    before = po.read_bytes()
    monkeypatch.chdir(workspace)
    assert run("locales", "update") == 1
    assert "pressgen.po:4:1: error: nplurals=100000000 is out of range" in capsys.readouterr().err
    assert po.read_bytes() == before
