"""Text as it prints: names in Arabic, Chinese and Hindi, characters no font has, pasted line
separators, and words longer than a line (issue 16)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import SEEDS, docx_part, pdf_text, run

from pressgen import BuildOptions, build

NAMES = {"arabic": "محمد العلي", "chinese": "王小明", "hindi": "अमित कुमार"}
COMPOUND = "Arbeidsongeschiktheidsverzekeringsuitkeringsaanvraagformulierenbundel"  # 69 letters
URL = "https://www.example.org/" + "/".join(["averyveryverylongsegmentofapath"] * 5) + "/index.html"
WORD = "Supercalifragilisticexpialidociousnessandevenlongerwordthatgo"  # 61 letters
EMAIL = "communication-officer-for-the-regional-office-of-the-agency-xyz@press-desk.regional-office.example.org"
# release.css: A4, 20 mm left and right; a word's box may pass the edge by rounding only.
PAGE_MARGIN_PT = 20 / 25.4 * 72
TOLERANCE_PT = 1.0

RELEASE = f"""\
organization: unia
date: 2020-10-08
source: en
languages: [en]
contacts:
  - name: "{NAMES['arabic']}"
    email: {EMAIL}
    website: {URL}
  - name: "{NAMES['chinese']}"
  - name: "{NAMES['hindi']}"
text:
  en:
    headline: The {COMPOUND} is simplified
    body: |
      Thai ก and emoji 😀 print too.

      | Word | Address |
      |---|---|
      | {WORD} | {URL} |
"""



def _soffice_pdf(docx: Path, folder: Path) -> Path:
    """The DOCX printed by LibreOffice (as a reader without Word sees it)."""
    profile = folder / "lo-profile"
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(folder), str(docx)], cwd=folder, capture_output=True, text=True, timeout=180)
    converted = folder / (docx.stem + ".pdf")
    assert converted.is_file(), "LibreOffice did not convert the DOCX"
    return converted


def _fonts(pdf: Path) -> str:
    return subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout


def _words_outside_text_area(pdf: Path) -> list[tuple[float, float, str]]:
    """Every word whose box, as pdftotext -bbox gives it, lies beyond the left or right margin."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    outside = []
    for page in re.finditer(r'<page width="([\d.]+)" height="[\d.]+">(.*?)</page>', xml, re.S):
        right = float(page.group(1)) - PAGE_MARGIN_PT + TOLERANCE_PT
        for word in re.finditer(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</word>',
                                page.group(2)):
            x_min, x_max = float(word.group(1)), float(word.group(2))
            if x_max > right or x_min < PAGE_MARGIN_PT - TOLERANCE_PT:
                outside.append((x_min, x_max, word.group(3)))
    return outside


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The release above built once, in both formats, in a copy of the seed workspace."""
    workspace = tmp_path_factory.mktemp("scripts") / "ws"
    shutil.copytree(SEEDS, workspace, ignore=shutil.ignore_patterns("dist", ".pressgen"))
    path = workspace / "releases" / "scripts.yaml"
    path.write_text(RELEASE, encoding="utf-8")
    report = build([path], BuildOptions(out=workspace / "dist"))
    assert report.ok, [d.format() for o in report.outcomes for d in o.diagnostics]
    return {d.format: d.path for o in report.outcomes for d, _ in o.documents}


def test_names_in_arabic_chinese_and_hindi_print_in_noto_fonts(built: dict[str, Path]) -> None:
    text = pdf_text(built["pdf"])
    assert NAMES["arabic"] in text and NAMES["chinese"] in text
    assert all(char in text for char in NAMES["hindi"].replace(" ", ""))  # poppler reorders the vowel sign
    fonts = _fonts(built["pdf"])
    # Each script in the Noto font made for it, the contact names in its bold (not DejaVu's Arabic, not
    # the Japanese forms of the Chinese characters).
    for font in ("Noto-Sans-Arabic-Bold", "Noto-Sans-CJK-SC-Bold", "Noto-Sans-Devanagari-Bold", "Noto-Sans-Thai"):
        assert font in fonts, fonts


def test_the_docx_names_fonts_for_east_asian_and_complex_scripts(built: dict[str, Path], tmp_path: Path) -> None:
    styles = docx_part(built["docx"], "word/styles.xml")
    defaults = re.search(r"<w:rPrDefault>.*?</w:rPrDefault>", styles, re.S)
    assert defaults is not None
    assert 'w:eastAsia="Noto Sans CJK SC"' in defaults.group() and 'w:cs="Noto Sans Arabic"' in defaults.group()
    assert "w:eastAsiaTheme" not in defaults.group() and "w:cstheme" not in defaults.group()
    fonts_table = docx_part(built["docx"], "word/fontTable.xml")
    assert 'w:name="Noto Sans CJK SC"><w:altName w:val="Microsoft YaHei"/>' in fonts_table
    converted = _soffice_pdf(built["docx"], tmp_path)
    text = pdf_text(converted)
    assert NAMES["arabic"] in text and NAMES["chinese"] in text
    # The contact name's bold reaches the complex script (w:bCs), in the font named for it.
    assert "NotoSansArabic-Bold" in _fonts(converted)
    assert _words_outside_text_area(converted) == []


def test_no_word_runs_off_the_page(built: dict[str, Path]) -> None:
    assert _words_outside_text_area(built["pdf"]) == []
    text = re.sub(r"[\s\u2010-]", "", pdf_text(built["pdf"]))
    for token in (COMPOUND, WORD, URL.removeprefix("https://"), EMAIL):  # broken across lines, but all there
        assert token.replace("-", "") in text


def test_the_docx_table_has_a_fixed_layout(built: dict[str, Path]) -> None:
    document = docx_part(built["docx"], "word/document.xml")
    tables = re.findall(r"<w:tblPr>.*?</w:tblPr>", document, re.S)
    assert '<w:tblLayout w:type="fixed"/>' in tables[-1]  # the body's table (the first is the page header's)


def test_check_names_characters_no_font_has_at_their_place(
        workspace: Path, write_release, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    config = workspace / "pressgen.yaml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("en: Interfederal Centre for Equal Opportunities",
                        "en: Interfederal Centre \u0378 for Equal Opportunities")
    config.write_text(text.replace("bevordert. Iedereen", "bevordert. \U0010FFFD Iedereen"), encoding="utf-8")
    path = write_release("boxes", RELEASE.replace('name: "王小明"', 'name: "Ana \ue000 Pérez"'))
    monkeypatch.chdir(workspace)
    assert run("check", str(path)) == 0  # warnings: the documents are built, with boxes
    err = capsys.readouterr().err
    lines = path.read_text(encoding="utf-8").split("\n")
    row = next(i for i, line in enumerate(lines) if "\ue000" in line)
    col = lines[row].index("\ue000") + 1
    assert (f"releases/boxes.yaml:{row + 1}:{col}: warning: contacts.1.name: U+E000 (a private-use character): "
            "not in any installed font, so it prints as an empty box") in err
    config_lines = config.read_text(encoding="utf-8").split("\n")
    row = next(i for i, line in enumerate(config_lines) if "\u0378" in line)
    assert (f"pressgen.yaml:{row + 1}:{config_lines[row].index(chr(0x378)) + 1}: warning: "
            "organizations.unia.tagline.en: U+0378 (an unassigned code point): not in any installed font") in err
    row = next(i for i, line in enumerate(config_lines) if "\U0010FFFD" in line)  # in a folded block
    assert (f"pressgen.yaml:{row + 1}:{config_lines[row].index(chr(0x10FFFD)) + 1}: warning: "
            "organizations.unia.boilerplate.nl: U+10FFFD (a private-use character)") in err
    assert "fonts-noto-core" in err  # the hint says what to install
    # What the installed fonts have is not reported: Arabic, Devanagari, Thai, emoji.
    assert err.count("not in any installed font") == 3
    assert run("check", "--strict", str(path)) == 1


def test_a_pasted_line_separator_is_a_space_and_check_says_so(
        workspace: Path, write_release, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_release("separator", RELEASE.replace("headline: The ", "headline: Pasted\u2028from Word, the "))
    monkeypatch.chdir(workspace)
    assert run("check", str(path)) == 0
    err = capsys.readouterr().err
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").split("\n")) if "\u2028" in text) + 1
    assert (f"releases/separator.yaml:{line}:{len('    headline: Pasted') + 1}: warning: text.en.headline: U+2028 "
            "LINE SEPARATOR (a line break pasted from a word processor) is printed as a space") in err
    assert run("build", str(path), "--format", "pdf", "--out", str(workspace / "out")) == 0
    assert "Pasted from Word, the" in re.sub(r"\s+", " ", pdf_text(workspace / "out" / "separator" /
                                                                   "separator.en.pdf"))


def test_a_line_separator_in_a_block_is_named_where_it_breaks_the_yaml(
        workspace: Path, write_release, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_release("block", RELEASE.replace("Thai ก and emoji", "Thai ก\u2029and emoji"))
    monkeypatch.chdir(workspace)
    assert run("check", str(path)) == 1
    err = capsys.readouterr().err
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").split("\n")) if "\u2029" in text) + 1
    assert (f"releases/block.yaml:{line}:{len('      Thai ก') + 1}: error: U+2029 PARAGRAPH SEPARATOR (a line break "
            "pasted from a word processor) ends the line here for YAML") in err
    assert "hint: replace it with a space, or with an empty line for a new paragraph" in err
