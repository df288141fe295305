"""python-docx's internals that pressgen relies on, checked against the installed python-docx.

pressgen/writers/docx/oxml.py is the one module that uses python-docx's private API
(``paragraph._p``, ``run._r``, ``PackageWriter._write_parts``...) and builds raw OOXML.
These tests fail loudly, naming the bound in pyproject.toml, when an upgrade removes or
changes what that module relies on; and they hold that no other module of pressgen
uses python-docx's internals.
"""

from __future__ import annotations

import ast
import io
import tomllib
import zipfile
from importlib.metadata import version
from pathlib import Path
from typing import Any

import docx
import pytest
from docx import Document
from docx.opc.packuri import PackURI
from docx.opc.part import Part, XmlPart
from docx.shared import Mm
from lxml import etree
from packaging.requirements import Requirement
from PIL import Image

from pressgen.resources import find_template
from pressgen.writers.docx import REFERENCE, oxml

PACKAGE = Path(oxml.__file__).resolve().parents[2]
OXML = PACKAGE / "writers" / "docx" / "oxml.py"
PYPROJECT = next(p / "pyproject.toml" for p in Path(__file__).resolve().parents if (p / "pyproject.toml").is_file())
# Modules that still use python-docx's internals, and why they may for now.
KNOWN_EXCEPTIONS = {
    PACKAGE / "translation" / "review_docx.py":
        "the bilingual review table's raw XML (cells, runs, links), written and read; to move behind oxml.py",
}
NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
      "v": "urn:schemas-microsoft-com:vml"}


def _dependency() -> str:
    """python-docx's line in pyproject.toml's dependencies: "python-docx>=1.1,<1.3"."""
    dependencies = tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]
    return next(d for d in dependencies if Requirement(d).name.lower() == "python-docx")


def _upgrade(what: str) -> str:
    """The message of a failed check: what changed, and the bound to re-check."""
    return (f"{what} (installed python-docx {version('python-docx')}). pressgen/writers/docx/oxml.py relies on "
            f"it: adapt that module and compare the seeds' DOCX before raising the bound '{_dependency()}' in "
            "pyproject.toml")


def _reference() -> Any:
    return Document(str(find_template(None, REFERENCE)))


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def _xml(data: bytes, name: str) -> Any:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read(name))


def test_the_installed_python_docx_is_within_the_bound_pyproject_names() -> None:
    requirement = Requirement(_dependency())
    assert any(spec.operator in ("<", "<=", "==", "~=") for spec in requirement.specifier), \
        f"'{requirement}' in pyproject.toml has no upper bound, though pressgen uses python-docx's internals"
    assert requirement.specifier.contains(version("python-docx")), \
        _upgrade(f"python-docx {version('python-docx')} is outside '{requirement}'")


def test_the_private_names_oxml_uses_exist() -> None:
    """Each private attribute, class and method oxml.py reaches, on the objects it reaches them."""
    from docx.opc.pkgwriter import PackageWriter
    from docx.oxml import OxmlElement, parse_xml  # noqa: F401  (importable: oxml.py uses both)
    from docx.oxml.ns import qn
    from docx.table import _Row

    doc = _reference()
    paragraph = doc.add_paragraph("text")
    run = paragraph.add_run("more")
    table = doc.add_table(rows=1, cols=1)
    picture = doc.add_paragraph().add_run().add_picture(io.BytesIO(_png()), width=Mm(10))
    header = doc.sections[0].header
    expected = [
        (paragraph, "_p", qn("w:p")), (run, "_r", qn("w:r")), (table, "_tbl", qn("w:tbl")),
        (table.rows[0], "_tr", qn("w:tr")), (picture, "_inline", qn("wp:inline")), (header, "_element", qn("w:hdr")),
    ]
    for proxy, name, tag in expected:
        element = getattr(proxy, name, None)
        assert element is not None, _upgrade(f"{type(proxy).__name__} has no {name} any more")
        assert element.tag == tag, _upgrade(f"{type(proxy).__name__}.{name} is a {element.tag}, not a {tag}")
    assert isinstance(table.rows[0], _Row), _upgrade("a table's rows are no docx.table._Row")
    for element, method in ((paragraph._p, "getparent"), (paragraph._p, "append"), (run._r, "get_or_add_rPr"),
                            (table.rows[0]._tr, "get_or_add_trPr")):
        assert callable(getattr(element, method, None)), _upgrade(f"{type(element).__name__} has no {method}()")
    for element in (paragraph._p, run._r):
        assert isinstance(getattr(type(element), "style", None), property) and type(element).style.fset, \
            _upgrade(f"{type(element).__name__}.style is no settable property")
    assert table._tbl.tblPr is not None, _upgrade("CT_Tbl has no tblPr")
    assert picture._inline.docPr.tag == qn("wp:docPr"), _upgrade("CT_Inline has no docPr")

    for name in ("_write_content_types_stream", "_write_pkg_rels", "_write_parts"):
        assert callable(getattr(PackageWriter, name, None)), _upgrade(f"PackageWriter has no {name} any more")
    parts = list(doc.part.package.parts)
    assert all(callable(getattr(part, "before_marshal", None)) for part in parts), \
        _upgrade("a Part has no before_marshal()")
    app = next(part for part in parts if str(part.partname) == "/docProps/app.xml")
    assert type(app) is Part and hasattr(app, "_blob"), \
        _upgrade(f"docProps/app.xml is a {type(app).__name__} now, not a Part holding its bytes in _blob")
    assert isinstance(doc.part, XmlPart) and doc.part._element is doc.part.element, \
        _upgrade("an XmlPart no longer keeps its tree in _element")
    assert isinstance(getattr(doc.part.rels, "_target_parts_by_rId", None), dict), \
        _upgrade("Relationships has no _target_parts_by_rId dict any more")


def test_oxml_writes_what_the_writer_asks_and_python_docx_reads_it_back() -> None:
    """Each function of oxml.py on pressgen's reference document, read back from the saved package."""
    doc = _reference()
    ids = {style.name: style.style_id for style in doc.styles}
    kept = doc.add_paragraph("kept")
    gone = doc.add_paragraph("to be removed")
    oxml.set_paragraph_style(kept, ids["Headline"])
    assert kept.style is not None and kept.style.name == "Headline", _upgrade("CT_P.style no longer sets pStyle")
    oxml.remove_paragraph(gone)
    plain = kept.add_run(" plain")
    oxml.set_run_language(plain, "fr-BE")
    with oxml.hyperlink(kept, "https://example.org/page", ids["Link"]):
        kept.add_run("the link")
    assert [run.text for run in kept.runs] == ["kept", " plain"], \
        _upgrade("a run moved into a w:hyperlink is still among the paragraph's runs")
    oxml.append_field(kept, "PAGE", "1")
    picture = doc.add_paragraph().add_run().add_picture(io.BytesIO(_png()), width=Mm(10))
    oxml.set_picture_description(picture, "a red square")
    oxml.set_picture_flush(picture)
    table = doc.add_table(rows=2, cols=1)
    table.autofit = False  # a w:tblLayout, which the borders, indent and margins go around in schema order
    oxml.set_table_borders(table, {"bottom": 12}, "0055AA", space=4)
    oxml.set_table_cell_margins(table, left=int(Mm(3)), right=int(Mm(3)))
    oxml.set_table_indent(table, -int(Mm(20)))
    oxml.repeat_header_row(table.rows[0])
    oxml.set_cell_borders(table.rows[0].cells[0], {"bottom": 8}, "0055AA")
    found = oxml.style_by_id(doc, ids["Body Text"])
    assert found is not None and found.name == "Body Text", _upgrade("CT_Styles.get_by_id or StyleFactory changed")
    assert oxml.style_by_id(doc, "NoSuchStyle") is None
    header = doc.sections[0].header
    oxml.append_watermark(header, 'DRAFT "1"', "Normal", 120.4, 15)
    oxml.set_language(doc, "nl-BE")
    oxml.set_app_properties(doc, "Unia & co")
    data = oxml.save_docx(doc)

    body = _xml(data, "word/document.xml")
    paragraph = next(p for p in body.iterfind(".//w:p", NS) if "".join(p.itertext()).startswith("kept"))
    assert "to be removed" not in "".join(body.itertext())
    assert paragraph.find("w:pPr/w:pStyle", NS).get(f"{{{NS['w']}}}val") == ids["Headline"]
    lang = paragraph.find("w:r/w:rPr/w:lang", NS)
    assert lang is not None and lang.get(f"{{{NS['w']}}}val") == "fr-BE"
    link = paragraph.find("w:hyperlink", NS)
    assert "".join(link.itertext()) == "the link"
    assert link.find("w:r/w:rPr/w:rStyle", NS).get(f"{{{NS['w']}}}val") == ids["Link"]
    field = paragraph.find("w:fldSimple", NS)
    assert field.get(f"{{{NS['w']}}}instr") == "PAGE" and "".join(field.itertext()) == "1"
    assert [e.get("descr") for e in body.iterfind(".//wp:docPr", NS)] == ["a red square"]
    inline = body.find(".//wp:inline", NS)
    assert [inline.get(side) for side in ("distT", "distB", "distL", "distR")] == ["0"] * 4
    tbl_pr = body.find(".//w:tbl/w:tblPr", NS)
    order = [child.tag.split("}")[1] for child in tbl_pr]
    assert [tag for tag in order if tag in ("tblInd", "tblBorders", "tblLayout", "tblCellMar", "tblLook")] == \
        ["tblInd", "tblBorders", "tblLayout", "tblCellMar", "tblLook"], order  # CT_TblPr's order
    assert tbl_pr.find("w:tblInd", NS).get(f"{{{NS['w']}}}w") == "-1134"  # 20 mm in twentieths of a point
    assert [tbl_pr.find(f"w:tblCellMar/w:{edge}", NS).get(f"{{{NS['w']}}}w") for edge in ("left", "right")] == \
        ["170", "170"]
    cell_bottom = body.find(".//w:tbl/w:tr/w:tc/w:tcPr/w:tcBorders/w:bottom", NS)
    assert (cell_bottom.get(f"{{{NS['w']}}}sz"), cell_bottom.get(f"{{{NS['w']}}}color")) == ("8", "0055AA")
    bottom = body.find(".//w:tbl/w:tblPr/w:tblBorders/w:bottom", NS)
    assert {key.split("}")[1]: value for key, value in bottom.attrib.items()} == \
        {"val": "single", "sz": "12", "space": "4", "color": "0055AA"}
    rows = body.findall(".//w:tbl/w:tr", NS)
    assert [row.find("w:trPr/w:tblHeader", NS) is not None for row in rows] == [True, False]

    reopened = Document(io.BytesIO(data))
    r_id = link.get(f"{{{NS['r']}}}id")
    assert reopened.part.rels[r_id].is_external and reopened.part.rels[r_id].target_ref == "https://example.org/page"
    header_name = str(reopened.sections[0].header.part.partname).lstrip("/")
    shape = _xml(data, header_name).find(".//v:shape", NS)
    assert "width:120pt;height:15pt" in shape.get("style")
    assert shape.find("v:textpath", NS).get("string") == 'DRAFT "1"'
    styles = _xml(data, "word/styles.xml")
    default = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert default is not None and {default.get(f"{{{NS['w']}}}{a}") for a in ("val", "eastAsia", "bidi")} == {"nl-BE"}
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.read("docProps/app.xml") == oxml.APP_PROPERTIES.format(company="Unia &amp; co").encode()


def test_save_docx_writes_what_python_docx_saves_with_fixed_times() -> None:
    """oxml.save_docx repeats PackageWriter.write's steps: the same entries, in the same order, with
    the same bytes as python-docx's own save; only the entries' times are fixed."""
    doc = _reference()
    doc.add_paragraph("A paragraph").add_run().add_picture(io.BytesIO(_png()), width=Mm(10))
    ours = oxml.save_docx(doc)
    theirs = io.BytesIO()
    doc.save(theirs)
    with zipfile.ZipFile(io.BytesIO(ours)) as mine, zipfile.ZipFile(theirs) as own:
        assert mine.namelist() == own.namelist(), _upgrade("python-docx's save writes other entries than save_docx")
        for name in own.namelist():
            assert mine.read(name) == own.read(name), _upgrade(f"python-docx's save writes {name} otherwise")
        assert {entry.date_time for entry in mine.infolist()} == {oxml.ZIP_TIME}
    assert oxml.save_docx(doc) == ours  # the same document, the same bytes


def test_dropping_a_relationship_leaves_its_part_out_of_the_package() -> None:
    doc = _reference()
    r_id = next(r for r, rel in doc.part.rels.items() if rel.reltype.endswith("/webSettings"))
    assert r_id in doc.part.related_parts
    oxml.drop_relationship(doc.part, r_id)
    assert r_id not in doc.part.rels and r_id not in doc.part.related_parts, \
        _upgrade("Part.related_parts no longer reads Relationships._target_parts_by_rId")
    with zipfile.ZipFile(io.BytesIO(oxml.save_docx(doc))) as package:
        assert "word/webSettings.xml" not in package.namelist()


def test_a_part_kept_as_bytes_takes_the_tree_set_part_xml_gives_it() -> None:
    doc = _reference()
    assert oxml.part_element(doc.part) is doc.part.element
    blob = b'<w:footnotes xmlns:w="%s"><w:footnote w:id="0"/><w:footnote w:id="1"/></w:footnotes>' % NS["w"].encode()
    part = Part(PackURI("/word/footnotes.xml"), "application/xml", blob, doc.part.package)
    assert oxml.part_element(part) is None
    root = oxml.parse_part(part.blob)
    assert root is not None
    root.remove(root[1])
    oxml.set_part_xml(part, root)
    assert etree.fromstring(part.blob).findall("w:footnote", NS)[0].get(f"{{{NS['w']}}}id") == "0"
    assert len(etree.fromstring(part.blob)) == 1, _upgrade("Part.blob no longer returns the bytes kept in _blob")
    assert oxml.parse_part(b"<not xml") is None
    entity = oxml.parse_part(b'<!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>')
    assert entity is not None and "boom" not in etree.tostring(entity).decode()  # entities left unresolved


# --- no module of pressgen but oxml.py uses python-docx's internals ------------------------------------

# python-docx's private names pressgen has used; the ones the installed python-docx defines are added.
KNOWN_PRIVATE = frozenset({"_p", "_r", "_tbl", "_tr", "_tc", "_inline", "_element", "_blob", "_body", "_parent",
                           "_target_parts_by_rId", "_write_content_types_stream", "_write_pkg_rels", "_write_parts",
                           "_Row", "_Cell", "_Column", "_Header", "_Footer"})
INTERNAL_MODULES = ("docx.oxml", "docx.opc")


def _python_docx_private_names() -> frozenset[str]:
    """Every private name (``_x``) the installed python-docx defines: attributes it assigns,
    methods, functions and classes."""
    names: set[str] = set()
    for path in Path(docx.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[Any] = []
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                targets = [node.name]
            elif isinstance(node, ast.Assign):
                targets = [t.attr if isinstance(t, ast.Attribute) else getattr(t, "id", "") for t in node.targets]
            elif isinstance(node, ast.AnnAssign):
                t = node.target
                targets = [t.attr if isinstance(t, ast.Attribute) else getattr(t, "id", "")]
            names.update(n for n in targets if n.startswith("_") and not n.startswith("__"))
    return frozenset(names)


PRIVATE = _python_docx_private_names() | KNOWN_PRIVATE


def _python_docx_internals(path: Path) -> list[str]:
    """Uses in one module of python-docx's private names and internal modules, in line order."""
    found: list[tuple[int, str]] = []

    def use(node: ast.stmt | ast.expr, what: str) -> None:
        found.append((node.lineno, f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {what}"))

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Attribute) and node.attr in PRIVATE and \
                not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
            use(node, f".{node.attr}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                node.func.id in ("getattr", "setattr", "hasattr", "delattr") and len(node.args) >= 2 and \
                isinstance(node.args[1], ast.Constant) and node.args[1].value in PRIVATE:
            use(node, f"{node.func.id}(..., {node.args[1].value!r})")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "docx":
            if str(node.module).startswith(INTERNAL_MODULES) or any(a.name in ("oxml", "opc") for a in node.names):
                use(node, f"from {node.module} import ...")
            for alias in node.names:
                if alias.name.startswith("_"):
                    use(node, f"{node.module}.{alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(INTERNAL_MODULES):
                    use(node, f"import {alias.name}")
    return [text for _, text in sorted(found)]


# Read when the tests are collected: CPython 3.11's ast.parse can raise a spurious SystemError after
# earlier failures of a session (python/cpython#106905), which would hide what this check reports.
USES = {path: _python_docx_internals(path) for path in sorted(PACKAGE.rglob("*.py"))}


def test_the_detector_sees_every_internal_oxml_uses() -> None:
    """The check below is not vacuous: in oxml.py it finds each internal the module exists to hold."""
    seen = "\n".join(USES[OXML])
    for use in (": ._p", ": ._r", ": ._tbl", ": ._tr", ": ._inline", ": ._element", ": ._blob",
                ": ._target_parts_by_rId", ": ._write_content_types_stream", ": ._write_pkg_rels", ": ._write_parts",
                ": getattr(..., '_element')", ": docx.table._Row", ": from docx.opc.pkgwriter import",
                ": from docx.oxml import", ": from docx.oxml.ns import"):
        assert use in seen, f"{use[2:]} not found in {OXML}:\n{seen}"


def test_no_module_but_oxml_uses_python_docx_internals() -> None:
    found = [use for path, uses in USES.items() if path != OXML and path not in KNOWN_EXCEPTIONS for use in uses]
    assert found == [], ("python-docx's private API and raw XML belong in pressgen/writers/docx/oxml.py "
                         "(add a small function there):\n" + "\n".join(found))


@pytest.mark.parametrize("path", sorted(KNOWN_EXCEPTIONS), ids=lambda p: p.name)
def test_a_known_exception_is_still_a_module_of_pressgen(path: Path) -> None:
    """An exception names a real module: a renamed or removed one is taken off the list."""
    assert path.is_file(), f"{path} is gone: remove it from KNOWN_EXCEPTIONS"
