"""End to end: every seed release in every language, as PDF and DOCX, read back.

Expected values are computed independently of pressgen's own code paths: labels
straight from the PO files, dates from Babel, phones from phonenumbers, texts
from the YAML files.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import phonenumbers
import pytest
from babel.dates import format_date
from babel.messages.pofile import read_po
from docx import Document
from helpers import (
    LANGS,
    ROOT,
    SEED_IDS,
    SEEDS,
    alnum,
    docx_body_paragraphs,
    docx_header_text,
    docx_part,
    normalize,
    pdf_page_main_text,
    pdf_text,
    soffice,
)
from pypdf import PdfReader
from ruamel.yaml import YAML

CASES = [(release_id, lang) for release_id in SEED_IDS for lang in LANGS]
LOCALES = {"nl": "nl_BE", "fr": "fr_BE", "en": "en_GB"}
TAGS = {"nl": "nl-BE", "fr": "fr-BE", "en": "en-GB"}


def _yaml(path: Path):  # type: ignore[no-untyped-def]
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


CONFIG = _yaml(SEEDS / "pressgen.yaml")


def local(text: str | dict[str, str], lang: str) -> str:
    """A text field of the YAML in one language: one string for all, or the language's version."""
    return text if isinstance(text, str) else text[lang]


def label(lang: str, msgid: str, **values: object) -> str:
    with open(ROOT / "locales" / lang / "LC_MESSAGES" / "pressgen.po", "rb") as handle:
        catalog = read_po(handle)
    message = catalog.get(msgid)
    text = message.string if isinstance(message.string, str) else message.string[0]
    return text % values if values else text


KINDS = {"press-release": "Press release", "news": "News", "media-advisory": "Media advisory",
         "statement": "Statement"}


def expected(release_id: str, lang: str) -> dict[str, object]:
    release = _yaml(SEEDS / "releases" / f"{release_id}.yaml")
    org = CONFIG["organizations"][release["organization"]]
    text = release["text"][lang]
    date = release["date"] if isinstance(release["date"], dt.date) else dt.date.fromisoformat(release["date"])
    contacts = [CONFIG["contacts"][c] if isinstance(c, str) else c for c in release["contacts"]]
    return {
        "kind": label(lang, KINDS[release.get("kind", "press-release")]),
        "date": format_date(date, "long", locale=LOCALES[lang]),
        "headline": text["headline"],
        "dateline": f"({text['dateline']}) –" if text.get("dateline") else None,
        "end": label(lang, "###"),
        "boilerplate": local(org["boilerplate"], lang),
        "names": [c["name"] for c in contacts],
        "emails": [c["email"] for c in contacts],
        "phones": [phonenumbers.format_number(phonenumbers.parse(p, "BE"),
                                              phonenumbers.PhoneNumberFormat.INTERNATIONAL)
                   for c in contacts for p in c["phones"]],
    }


def _unhyphenated(text: str) -> str:
    # pdftotext drops a hyphen that ends a line ("West-" + "Europa" -> "WestEuropa").
    return normalize(re.sub("[-\u2010\u00ad]", "", text))


def _assert_parts_present(text: str, want: dict[str, object]) -> None:
    flat = normalize(text)
    for key in ("date", "headline", "dateline", "end"):
        if want[key] is not None:
            assert normalize(str(want[key])) in flat, f"{key}: {want[key]!r} not found"
    assert _unhyphenated(str(want["boilerplate"])) in _unhyphenated(text)
    assert normalize(str(want["kind"])).casefold() in flat.casefold()
    for key in ("names", "emails", "phones"):
        for value in want[key]:  # type: ignore[attr-defined]
            assert normalize(value) in flat, f"{key}: {value!r} not found"


@pytest.mark.parametrize("release_id,lang", CASES)
def test_pdf_contains_every_part_of_the_release(seed_outputs, release_id: str, lang: str) -> None:
    _assert_parts_present(pdf_text(seed_outputs[(release_id, lang, "pdf")]), expected(release_id, lang))


@pytest.mark.parametrize("release_id,lang", CASES)
def test_docx_contains_every_part_of_the_release(seed_outputs, release_id: str, lang: str) -> None:
    paragraphs = docx_body_paragraphs(seed_outputs[(release_id, lang, "docx")])
    _assert_parts_present("\n".join(text for _, text in paragraphs), expected(release_id, lang))


@pytest.mark.parametrize("release_id,lang", CASES)
def test_pdf_footer_numbers_pages_in_the_language(seed_outputs, release_id: str, lang: str) -> None:
    path = seed_outputs[(release_id, lang, "pdf")]
    pages = len(PdfReader(path).pages)
    assert pages >= 1
    for page in range(1, pages + 1):
        footer = label(lang, "Page %(page)s of %(pages)s", page=page, pages=pages)
        assert normalize(footer) in normalize(pdf_text(path, page, page))


def _pdf_contact_lines(path: Path, heading: str) -> list[str]:
    lines = [normalize(line) for line in pdf_text(path).splitlines() if line.strip()]
    start = len(lines) - 1 - lines[::-1].index(normalize(heading))
    contact_lines = []
    for line in lines[start + 1:]:
        if any(line.startswith(normalize(address)) for org in CONFIG["organizations"].values()
               for address in (org["address"].values() if isinstance(org["address"], dict) else [org["address"]])):
            break  # the page footer, its address in the document's language
        contact_lines.append(line)
    return contact_lines


@pytest.mark.parametrize("release_id,lang", CASES)
def test_contact_block_is_identical_in_docx_and_pdf(seed_outputs, release_id: str, lang: str) -> None:
    paragraphs = docx_body_paragraphs(seed_outputs[(release_id, lang, "docx")])
    docx_lines = [normalize(text) for style, text in paragraphs if style.startswith("Contact")]
    contacts = len(expected(release_id, lang)["names"])  # type: ignore[arg-type]
    if not contacts:
        assert docx_lines == [], "a contact block without contacts"
        return
    heading = label(lang, "Press contact") if contacts == 1 else _plural(lang)
    assert docx_lines, "no contact block in the DOCX"
    assert _pdf_contact_lines(seed_outputs[(release_id, lang, "pdf")], heading) == docx_lines


def _plural(lang: str) -> str:
    with open(ROOT / "locales" / lang / "LC_MESSAGES" / "pressgen.po", "rb") as handle:
        return read_po(handle).get("Press contact").string[1]


@pytest.mark.parametrize("release_id,lang", CASES)
def test_page_header_is_identical_in_docx_and_pdf(seed_outputs, release_id: str, lang: str) -> None:
    header = [normalize(line) for line in docx_header_text(seed_outputs[(release_id, lang, "docx")])]
    org = CONFIG["organizations"][_yaml(SEEDS / "releases" / f"{release_id}.yaml")["organization"]]
    assert header == [normalize(local(org["name"], lang)), normalize(local(org["tagline"], lang))]
    path = seed_outputs[(release_id, lang, "pdf")]
    for page in range(1, len(PdfReader(path).pages) + 1):
        first_lines = [normalize(x) for x in pdf_text(path, page, page).splitlines() if x.strip()]
        assert first_lines[:len(header)] == header


@pytest.mark.parametrize("release_id,lang", CASES)
def test_pdf_is_tagged_with_language_and_title_and_passes_qpdf(seed_outputs, release_id: str,
                                                               lang: str) -> None:
    path = seed_outputs[(release_id, lang, "pdf")]
    reader = PdfReader(path)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == TAGS[lang]
    assert root["/MarkInfo"]["/Marked"].value is True
    assert "/StructTreeRoot" in root
    assert normalize(reader.metadata.title) == normalize(expected(release_id, lang)["headline"])
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.parametrize("release_id,lang", CASES)
def test_docx_carries_title_author_language_and_release_date(seed_outputs, release_id: str,
                                                             lang: str) -> None:
    path = seed_outputs[(release_id, lang, "docx")]
    release = _yaml(SEEDS / "releases" / f"{release_id}.yaml")
    props = Document(str(path)).core_properties
    assert normalize(props.title) == normalize(release["text"][lang]["headline"])
    assert props.author == local(CONFIG["organizations"][release["organization"]]["name"], lang)
    assert props.language == TAGS[lang]
    assert props.created.date() == dt.date.fromisoformat(str(release["date"]))
    styles = docx_part(path, "word/styles.xml")
    assert f'<w:lang w:val="{TAGS[lang]}"' in styles
    assert 'w:lang w:val="en-US"' not in styles


def test_building_twice_gives_identical_bytes(seed_outputs, tmp_path: Path) -> None:
    from pressgen import BuildOptions, build

    report = build([SEEDS], BuildOptions(out=tmp_path))
    assert report.ok
    second = {(d.release_id, d.lang, d.format): d.path for o in report.outcomes for d, _ in o.documents}
    assert second.keys() == seed_outputs.keys()
    for key, path in second.items():
        assert path.read_bytes() == seed_outputs[key].read_bytes(), f"{key} differs between builds"


def test_libreoffice_opens_the_docx(seed_outputs, tmp_path: Path) -> None:
    source = seed_outputs[("iom-20km-brussels-2017", "fr", "docx")]
    result = soffice("--convert-to", "pdf", "--outdir", str(tmp_path), str(source), cwd=tmp_path)
    converted = tmp_path / (source.stem + ".pdf")
    assert converted.is_file(), result.stdout + result.stderr
    text = normalize(pdf_text(converted))
    assert normalize(expected("iom-20km-brussels-2017", "fr")["headline"]) in text  # type: ignore[arg-type]
    assert "+32 476 85 08 92" in text


def test_libreoffice_opens_the_pdf(seed_outputs, tmp_path: Path) -> None:
    source = seed_outputs[("iom-20km-brussels-2017", "en", "pdf")]
    result = soffice("--convert-to", "odg", "--outdir", str(tmp_path), str(source), cwd=tmp_path)
    converted = tmp_path / (source.stem + ".odg")
    assert converted.is_file(), result.stdout + result.stderr
    import zipfile
    content = zipfile.ZipFile(converted).read("content.xml").decode()
    assert "Brussels" in content


def _docx_main_text(path: Path) -> str:
    """The document body of a DOCX, paragraphs and table cells in document order (no header or footer)."""
    from docx.oxml.ns import qn

    parts = []
    for element in Document(str(path)).element.body.iterchildren():
        if element.tag == qn("w:p"):
            parts.append("".join(t.text or "" for t in element.iter(qn("w:t"))))
        elif element.tag == qn("w:tbl"):
            for row in element.iter(qn("w:tr")):
                parts += ["".join(t.text or "" for t in cell.iter(qn("w:t"))) for cell in row.iter(qn("w:tc"))]
    return "\n".join(parts)


def _pdf_main_text(path: Path) -> str:
    """The text of every page between the running header and footer."""
    return "\n".join(pdf_page_main_text(path, page) for page in range(1, len(PdfReader(path).pages) + 1))


@pytest.mark.parametrize("release_id,lang", CASES)
def test_docx_and_pdf_say_the_same_text_in_the_same_order(seed_outputs, release_id: str, lang: str) -> None:
    docx = alnum(_docx_main_text(seed_outputs[(release_id, lang, "docx")]))
    pdf = alnum(_pdf_main_text(seed_outputs[(release_id, lang, "pdf")]))
    assert docx == pdf, next(f"first difference at {i}: docx …{docx[i - 40:i + 40]}… pdf …{pdf[i - 40:i + 40]}…"
                             for i in range(min(len(docx), len(pdf)) + 1)
                             if i == min(len(docx), len(pdf)) or docx[i] != pdf[i])
