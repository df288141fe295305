"""What CAT tools add to a returned XLIFF, in a file the OASIS XLIFF 1.2 strict schema accepts, imports.

Each case starts from a file translate-toolkit wrote (pressgen's export read and serialised by
translate.storage.xliff, its target language set by the toolkit's own API where it has one), then adds
the attribute as the tool that writes it does.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import run
from lxml import etree
from translate.storage import xliff as toolkit_xliff

from pressgen import load_release
from pressgen.translation.xliff import NS

RELEASE = "iom-20km-brussels-2017"
OASIS = Path("/usr/share/php/Symfony/Component/Translation/Resources/schemas")
NEW_HEADLINE = "Les Nations Unies courent les 20 km de Bruxelles, ensemble pour les migrants et les réfugiés"


def q(name: str) -> str:
    return f"{{{NS}}}{name}"


def oasis_strict() -> etree.XMLSchema:
    """The XLIFF 1.2 strict schema as Debian ships it, its xml.xsd import pointed at the copy beside it."""
    text = (OASIS / "xliff-core-1.2-strict.xsd").read_text(encoding="utf-8").replace(
        'schemaLocation="http://www.w3.org/2001/xml.xsd"', f'schemaLocation="{(OASIS / "xml.xsd").as_uri()}"')
    return etree.XMLSchema(etree.fromstring(text.encode(), base_url=(OASIS / "x.xsd").as_uri()))


def _headline(root: etree._Element) -> etree._Element:
    return next(u for u in root.iter(q("trans-unit")) if u.get("resname") == "headline")


def restype(store: toolkit_xliff.xlifffile, root: etree._Element) -> None:
    _headline(root).set("restype", "x-headline")  # an x- value, as po2xliff writes x-gettext-domain-header


def maxwidth(store: toolkit_xliff.xlifffile, root: etree._Element) -> None:
    _headline(root).set("maxwidth", "120")
    _headline(root).set("size-unit", "char")


def extradata(store: toolkit_xliff.xlifffile, root: etree._Element) -> None:
    """Okapi and Trados group units and keep their own data on the group."""
    body = root.find(f".//{q('body')}")
    group = etree.SubElement(body, q("group"), id="g1", extradata="tool=okapi;segmenter=none")
    for unit in list(body.iter(q("trans-unit"))):
        group.append(unit)


def target_resname(store: toolkit_xliff.xlifffile, root: etree._Element) -> None:
    _headline(root).find(q("target")).set("resname", "headline")


def file_date(store: toolkit_xliff.xlifffile, root: etree._Element) -> None:
    root.find(q("file")).set("date", "2026-11-30T10:15:00Z")


def file_category(store: toolkit_xliff.xlifffile, root: etree._Element) -> None:
    root.find(q("file")).set("category", "press release")


def language_without_region(store: toolkit_xliff.xlifffile, root: etree._Element) -> None:
    store.settargetlanguage("fr")  # translate-toolkit's own API: target-language="fr"


CASES: dict[str, Callable[[toolkit_xliff.xlifffile, etree._Element], None]] = {
    "restype": restype, "maxwidth+size-unit": maxwidth, "extradata": extradata, "target resname": target_resname,
    "file date": file_date, "file category": file_category, "target-language fr": language_without_region}


@pytest.mark.parametrize("case", CASES)
def test_an_attribute_a_cat_tool_adds_is_imported(workspace: Path, tmp_path: Path, case: str) -> None:
    release = workspace / "releases" / f"{RELEASE}.yaml"
    exported = tmp_path / "exported.xlf"
    assert run("review", "export", str(release), "--lang", "fr", "--out", str(exported)) == 0
    store = toolkit_xliff.xlifffile.parsestring(exported.read_bytes())
    headline = next(unit for unit in store.units if unit.xmlelement.get("id", "").startswith("headline-"))
    headline.settarget(NEW_HEADLINE)  # the translator's correction
    root = store.document.getroot()
    CASES[case](store, root)
    returned = tmp_path / "returned.xlf"
    returned.write_bytes(bytes(store))
    schema = oasis_strict()
    assert schema.validate(etree.parse(str(returned))), schema.error_log  # valid strict XLIFF 1.2

    assert run("review", "import", str(release), "--lang", "fr", "--file", str(returned)) == 0
    assert load_release(release).text["fr"].headline == NEW_HEADLINE


def test_another_region_of_the_language_is_refused_with_its_tag(workspace: Path, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    release = workspace / "releases" / f"{RELEASE}.yaml"
    exported = tmp_path / "exported.xlf"
    assert run("review", "export", str(release), "--lang", "fr", "--out", str(exported)) == 0
    store = toolkit_xliff.xlifffile.parsestring(exported.read_bytes())
    store.settargetlanguage("fr-FR")
    exported.write_bytes(bytes(store))
    before = release.read_bytes()
    assert run("review", "import", str(release), "--lang", "fr", "--file", str(exported)) == 1
    assert "translates into 'fr-FR', not fr-BE" in capsys.readouterr().err
    assert release.read_bytes() == before


def test_a_tools_own_namespace_is_read_laxly_as_the_transitional_schema_does(workspace: Path, tmp_path: Path) -> None:
    """Okapi writes okp: attributes; the strict schema refuses attributes of a namespace it has no schema for."""
    release = workspace / "releases" / f"{RELEASE}.yaml"
    exported = tmp_path / "exported.xlf"
    assert run("review", "export", str(release), "--lang", "fr", "--out", str(exported)) == 0
    store = toolkit_xliff.xlifffile.parsestring(exported.read_bytes())
    headline = next(unit for unit in store.units if unit.xmlelement.get("id", "").startswith("headline-"))
    headline.settarget(NEW_HEADLINE)
    headline.xmlelement.set("{okapi-framework:xliff-extensions}engine", "okapi-xliff-filter")
    returned = tmp_path / "returned.xlf"
    returned.write_bytes(bytes(store))
    assert not oasis_strict().validate(etree.parse(str(returned)))  # strict: no schema for okp:
    assert run("review", "import", str(release), "--lang", "fr", "--file", str(returned)) == 0
    assert load_release(release).text["fr"].headline == NEW_HEADLINE


def test_what_the_oasis_schema_refuses_is_refused_positioned(workspace: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    release = workspace / "releases" / f"{RELEASE}.yaml"
    exported = tmp_path / "exported.xlf"
    assert run("review", "export", str(release), "--lang", "fr", "--out", str(exported)) == 0
    root = etree.parse(str(exported)).getroot()
    _headline(root).set("size-unit", "inches")  # not one of XLIFF 1.2's units
    exported.write_bytes(etree.tostring(root))
    assert run("review", "import", str(release), "--lang", "fr", "--file", str(exported)) == 1
    err = capsys.readouterr().err
    assert "error: not XLIFF 1.2 as pressgen reads it" in err and "'size-unit'" in err
