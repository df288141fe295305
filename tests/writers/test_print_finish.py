"""Print finish: what a press officer and a typographer check on paper."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from docx.oxml.ns import qn
from helpers import ROOT, SEED_IDS, SEEDS, alnum, normalize, pdf_text, run, soffice
from pypdf import PdfReader

from pressgen import BuildOptions, build

RELEASE = "iom-20km-brussels-2017"
MARK = {"fr": "BROUILLON – NON RELU", "en": "DRAFT – NOT REVIEWED"}


@pytest.fixture(scope="module")
def draft(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """The seed release with a machine-translated French text (English stays reviewed)."""
    workspace = tmp_path_factory.mktemp("draft") / "ws"
    shutil.copytree(SEEDS, workspace, ignore=shutil.ignore_patterns("dist", ".pressgen"))
    path = workspace / "releases" / f"{RELEASE}.yaml"
    path.write_text(path.read_text().replace("  fr:\n    status: reviewed", "  fr:\n    status: machine"))
    report = build([path], BuildOptions(out=workspace / "dist", langs=["fr", "en"]))
    assert report.ok
    return {(d.lang, d.format): d.path for o in report.outcomes for d, _ in o.documents}


def _texts_drawn(xobject: Any) -> bool:
    """Whether a form XObject, or one it draws, shows text."""
    if b"TJ" in xobject.get_data() or b"Tj" in xobject.get_data():
        return True
    inner = xobject.get("/Resources", {}).get("/XObject", {})
    return any(_texts_drawn(inner[name].get_object()) for name in inner)


def test_a_draft_pdf_has_the_watermark_on_every_page_as_an_artifact(draft: dict[tuple[str, str], Path]) -> None:
    path = draft["fr", "pdf"]
    reader = PdfReader(str(path))
    assert len(reader.pages) >= 2
    for number, page in enumerate(reader.pages, start=1):
        assert alnum(MARK["fr"]) in alnum(pdf_text(path, number, number)), number
        content = page.get_contents().get_data()
        artifacts = re.findall(rb"/Artifact\s+BMC(.*?)EMC", content, re.S)
        drawn = [name.decode() for block in artifacts for name in re.findall(rb"/([\w.]+) Do", block)]
        xobjects = page["/Resources"]["/XObject"]
        assert any(_texts_drawn(xobjects["/" + name].get_object()) for name in drawn), number
    assert alnum(MARK["en"]) not in alnum(pdf_text(draft["en", "pdf"]))  # reviewed: no watermark


def test_a_draft_docx_has_a_word_watermark(draft: dict[tuple[str, str], Path], tmp_path: Path) -> None:
    import zipfile

    with zipfile.ZipFile(draft["fr", "docx"]) as package:
        headers = [package.read(name).decode() for name in package.namelist() if name.startswith("word/header")]
    header = "".join(headers)
    assert f'string="{MARK["fr"]}"' in header and 'id="PowerPlusWaterMarkObject1"' in header
    with zipfile.ZipFile(draft["en", "docx"]) as package:
        assert not any("PowerPlusWaterMark" in package.read(n).decode() for n in package.namelist()
                       if n.startswith("word/header"))
    result = soffice("--convert-to", "pdf", "--outdir", str(tmp_path), str(draft["fr", "docx"]), cwd=tmp_path)
    converted = tmp_path / (draft["fr", "docx"].stem + ".pdf")
    assert converted.is_file(), result.stdout + result.stderr
    pages = len(PdfReader(str(converted)).pages)
    for number in range(1, pages + 1):
        assert alnum(MARK["fr"]) in alnum(pdf_text(converted, number, number)), number


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_subject_and_keywords_are_the_same_in_both_formats(draft: dict[tuple[str, str], Path], lang: str) -> None:
    from docx import Document

    pdf = PdfReader(str(draft[lang, "pdf"])).metadata
    docx = Document(str(draft[lang, "docx"])).core_properties
    kind = {"fr": "Communiqué de presse", "en": "Press release"}[lang]
    assert (pdf.subject, pdf["/Keywords"]) == (docx.subject, docx.keywords) == (kind, "together-campaign, events")


def test_docx_app_properties_hold_true_values(draft: dict[tuple[str, str], Path]) -> None:
    import zipfile

    with zipfile.ZipFile(draft["fr", "docx"]) as package:
        app = package.read("docProps/app.xml").decode()
    assert "<Application>pressgen</Application>" in app
    assert "<Company>Organisation internationale pour les migrations (OIM)</Company>" in app
    for stale in ("<Pages>", "<Words>", "Microsoft", "<Template>"):
        assert stale not in app


@pytest.mark.parametrize("lang, mail, landline, mobile", [
    ("fr", "Courriel :", "Tél. :", "Portable :"), ("en", "E-mail:", "Tel.:", "Mobile:"),
])
def test_contact_lines_label_phone_types_and_link_only_the_address(
        draft: dict[tuple[str, str], Path], lang: str, mail: str, landline: str, mobile: str) -> None:
    from docx import Document
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    reader = PdfReader(str(draft[lang, "pdf"]))
    links = [a.get_object()["/A"]["/URI"] for page in reader.pages for a in page.get("/Annots") or []]
    assert {"mailto:gdhoop@iom.int", "tel:+3222877412", "tel:+32476850892"} <= set(links)
    text = normalize(pdf_text(draft[lang, "pdf"]))
    assert f"{mail} gdhoop@iom.int {landline} +32 2 287 74 12 {mobile} +32 476 85 08 92" in text

    doc = Document(str(draft[lang, "docx"]))
    targets = {rel.target_ref for rel in doc.part.rels.values() if rel.reltype == RT.HYPERLINK}
    assert {"mailto:gdhoop@iom.int", "tel:+3222877412", "tel:+32476850892"} <= targets
    [email] = [p for p in doc.paragraphs if "gdhoop@iom.int" in p.text]
    hyperlinks = email._p.findall(qn("w:hyperlink"))
    assert len(hyperlinks) == 1 and "".join(t.text for t in hyperlinks[0].iter(qn("w:t"))) == "gdhoop@iom.int"
    assert normalize(email.text) == f"{mail} gdhoop@iom.int"
    [phone] = [p for p in doc.paragraphs if "476" in p.text]
    assert "\u00a0" in phone.text  # the number's spaces do not break


@pytest.mark.parametrize("org_fields, expected, warns", [
    ("    about: {nl: Over Unia, fr: À propos d’Unia, en: About Unia}\n",
     {"nl": "Over Unia", "fr": "À propos d’Unia", "en": "About Unia"}, False),
    ("    short_name: Unia\n", {"nl": "Over Unia", "fr": "À propos d’Unia", "en": "About Unia"}, True),
    ("    short_name: {nl: het Centrum, fr: le Centre, en: the Centre}\n",
     {"nl": "Over het Centrum", "fr": "À propos du Centre", "en": "About the Centre"}, False),
    ("    short_name: {nl: de VN, fr: les Nations Unies, en: the UN}\n",
     {"nl": "Over de VN", "fr": "À propos des Nations Unies", "en": "About the UN"}, False),
    ("    short_name: Myria\n", {"nl": "Over Myria", "fr": "À propos de Myria", "en": "About Myria"}, True),
])
def test_the_about_heading_is_grammatical_in_every_language(
        workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        org_fields: str, expected: dict[str, str], warns: bool) -> None:

    from pressgen import load_release, load_workspace, localize

    config = workspace / "pressgen.yaml"
    text = config.read_text()
    config.write_text(text.replace("    about: {nl: Over Unia, fr: À propos d’Unia, en: About Unia}\n", org_fields))
    ws = load_workspace(workspace)
    release = load_release(workspace / "releases" / "unia-local-governments-2020.yaml", ws)
    for lang, heading in expected.items():
        assert localize(release, ws, lang).labels.about == heading
    monkeypatch.chdir(workspace)
    assert run("check", "unia-local-governments-2020") == 0
    err = capsys.readouterr().err
    assert ("the 'About …' heading of 'unia' in 'fr' is made from its name by rule" in err) == warns


def test_ranges_get_an_en_dash_and_numbers_never_break(seed_outputs: dict[tuple[str, str, str], Path]) -> None:

    from pressgen.document.typography import typeset

    assert typeset("op 16-17 november, in 2019-2020", "nl") == "op 16–17 november, in 2019–2020"
    assert typeset("2017-05-26 en 02-287-74-12", "nl") == "2017-05-26 en 02-287-74-12"  # not ranges
    assert typeset("40 000 renners", "nl") == "40\u00a0000 renners"
    assert typeset("40 000 coureurs", "fr") == "40\u202f000 coureurs"
    for release_id in SEED_IDS:
        for lang in ("nl", "fr", "en"):
            lines = [normalize(line) for line in pdf_text(seed_outputs[(release_id, lang, "pdf")]).splitlines()]
            text = "\n".join(lines)
            assert not re.search(r"(?<![\d.,])\d{1,3}\n\d{3}(?!\d)", text), (release_id, lang)  # "40" / "000"
            for phone in re.findall(r"\+32(?: \d+)+", text):
                assert any(phone in line for line in lines)
    assert "40 000" in normalize(pdf_text(seed_outputs[("iom-20km-brussels-2017", "nl", "pdf")]))


def test_the_end_mark_stays_with_the_text_and_the_docx_declares_its_font(
        seed_outputs: dict[tuple[str, str, str], Path]) -> None:
    import zipfile

    from docx import Document

    for release_id in SEED_IDS:
        for lang in ("nl", "fr", "en"):
            path = seed_outputs[(release_id, lang, "pdf")]
            for number in range(2, len(PdfReader(str(path)).pages) + 1):
                first = next(line for line in pdf_text(path, number, number).splitlines() if line.strip()
                             and not line.startswith(("Internationale", "Organisation", "International",
                                                      "Regionaal", "Centre", "United", "Het ", "L’", "The ",
                                                      "De VN", "UN in", "Unia", "Interfederaal")))
                assert first.strip() != "###", (release_id, lang, number)
            paragraphs = Document(str(seed_outputs[(release_id, lang, "docx")])).paragraphs
            end = next(i for i, p in enumerate(paragraphs) if p.style.name == "End Mark")
            assert paragraphs[end - 1].paragraph_format.keep_with_next
    with zipfile.ZipFile(seed_outputs[(SEED_IDS[0], "nl", "docx")]) as package:
        fonts = package.read("word/fontTable.xml").decode()
    assert re.search(r'<w:font w:name="Liberation Sans"><w:altName w:val="Arial"/>', fonts)


def test_the_docx_page_header_matches_the_pdf(draft: dict[tuple[str, str], Path], workspace: Path) -> None:
    from docx import Document

    doc = Document(str(draft["fr", "docx"]))
    [table] = doc.sections[0].header.tables
    bottom = table._tbl.tblPr.find(qn("w:tblBorders")).find(qn("w:bottom"))
    assert (bottom.get(qn("w:val")), bottom.get(qn("w:sz")), bottom.get(qn("w:color"))) == ("single", "12", "0033A0")
    assert all(cell.vertical_alignment == 1 for cell in table.rows[0].cells)  # centred on each other
    kind = doc.styles["Kind Label"].element.rPr.find(qn("w:spacing"))
    assert kind is not None and kind.get(qn("w:val")) == "20"  # letter-spaced, as in the PDF

    config = workspace / "pressgen.yaml"
    config.write_text(config.read_text().replace("    logo: assets/iom.png\n", "", 1))
    report = build([workspace / "releases" / f"{RELEASE}.yaml"],
                   BuildOptions(out=workspace / "dist", langs=["nl"], formats=["docx"]))
    assert report.ok
    [no_logo] = Document(str(workspace / "dist" / RELEASE / f"{RELEASE}.nl.docx")).sections[0].header.tables
    assert len(no_logo.columns) == 1  # no empty cell pushes the words right


def test_both_formats_justify_the_body_with_hyphenation(draft: dict[tuple[str, str], Path]) -> None:
    import zipfile

    from docx import Document

    with zipfile.ZipFile(draft["fr", "docx"]) as package:
        settings = package.read("word/settings.xml").decode()
    assert '<w:autoHyphenation w:val="true"/>' in settings and '<w:doNotHyphenateCaps w:val="true"/>' in settings
    styles = Document(str(draft["fr", "docx"])).styles
    assert styles["Body Text"].paragraph_format.alignment == 3  # justified

    def suppressed(name: str) -> str | None:  # w:suppressAutoHyphens of a style, or of the style it is based on
        style = styles[name]
        while style is not None:
            found = style.element.find(f"{qn('w:pPr')}/{qn('w:suppressAutoHyphens')}")
            if found is not None:
                return found.get(qn("w:val"))
            style = style.base_style
        return None

    # Only body text is hyphenated, as in the PDF; a headline never is.
    assert suppressed("Body Text") == "0" and suppressed("Body Quote") == "0"
    assert suppressed("Headline") == "1" and suppressed("Section Heading") == "1" and suppressed("Intertitle") == "1"
    css = (ROOT / "templates" / "release.css").read_text()
    assert re.search(r"\.body p \{[^}]*text-align: justify;[^}]*hyphens: auto;", css)


def test_headlines_never_end_with_one_lone_word(seed_outputs: dict[tuple[str, str, str], Path],
                                                 seed_workspace: Any) -> None:

    from pressgen import load_release, localize

    for release_id in SEED_IDS:
        release = load_release(SEEDS / "releases" / f"{release_id}.yaml", seed_workspace)
        for lang in ("nl", "fr", "en"):
            headline = normalize(localize(release, seed_workspace, lang).headline)
            lines = [normalize(line) for line in pdf_text(seed_outputs[(release_id, lang, "pdf")], 1, 1).splitlines()]
            last = None
            for start in range(len(lines)):
                taken = ""
                for line in lines[start:start + 4]:
                    taken = f"{taken} {line}".strip()
                    if taken == headline:
                        last = line
                        break
                if last:
                    break
            assert last, (release_id, lang)
            assert len(last.split()) >= 2, (release_id, lang, last)


def test_the_contact_block_stays_together_in_the_docx(seed_outputs: dict[tuple[str, str, str], Path]) -> None:
    from docx import Document

    paragraphs = Document(str(seed_outputs[("iom-20km-brussels-2017", "nl", "docx")])).paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.text == "Perscontact")
    block = paragraphs[start:]
    assert len(block) > 4
    assert all(p.paragraph_format.keep_with_next for p in block[1:-1])
    assert not block[-1].paragraph_format.keep_with_next


def _words_with_boxes(path: Path, page: int) -> list[tuple[str, float, float]]:
    """Each word of a PDF page with its top and bottom (points, from the top)."""
    import subprocess

    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
                          check=True, capture_output=True, text=True).stdout
    return [(word, float(top), float(bottom)) for top, bottom, word in
            re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', html)]


def test_the_text_has_the_same_room_under_the_header_on_every_page(
        seed_outputs: dict[tuple[str, str, str], Path]) -> None:
    path = seed_outputs[("iom-cities-migration-mechelen-2017", "nl", "pdf")]
    gaps = []
    for page in (1, 2):
        words = _words_with_boxes(path, page)
        header_bottom = max(bottom for word, _, bottom in words if word == "VN-Migratieagentschap")
        text_top = min(top for _, top, _ in words if top > header_bottom)
        gaps.append(text_top - header_bottom)
    assert abs(gaps[0] - gaps[1]) < 3, gaps  # points; the first line's type size differs a little
    assert min(gaps) > 6 * 72 / 25.4 + 3, gaps  # the rule's 6 mm and the header's own padding


def test_a_changed_logo_is_drawn_anew_in_the_same_process(workspace: Path) -> None:
    """WeasyPrint's image cache is shared by a process's documents; a new version of a file starts a new one."""
    from pressgen import load_release, load_workspace, localize
    from pressgen.writers.pdf import write_pdf

    def logo_bytes() -> bytes:
        ws = load_workspace(workspace)
        release = load_release(workspace / "releases" / f"{RELEASE}.yaml", ws)
        reader = PdfReader(io.BytesIO(write_pdf(localize(release, ws, "nl")).data))
        return b"".join(image.data for image in reader.pages[0].images)

    before = logo_bytes()
    assert before == logo_bytes()  # the same file: the same image
    (workspace / "assets" / "iom.png").write_bytes((workspace / "assets" / "unia.png").read_bytes())
    assert logo_bytes() != before
