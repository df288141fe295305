"""What real releases contain beyond paragraphs: intertitles, quotes with their author, tables of key figures."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from helpers import SEEDS, normalize, pdf_text, run, soffice
from pypdf import PdfReader

from pressgen import BuildOptions, build

RELEASE = "iom-20km-brussels-2017"
CONTENT = """\
      ## Een stand in het Jubelpark

      > We lopen samen, voor iedereen.
      > — Caroline Petit, UNRIC

      | Jaar | Deelnemers | Nationaliteiten |
      |------|------------|-----------------|
      | 2015 | 35 000     | 120             |
      | 2016 | 38 000     | 125             |
      | 2017 | 40 000     | 131             |

"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The seed release with an intertitle, an attributed quote and a 4×3 table, in Dutch."""
    import shutil


    workspace = tmp_path_factory.mktemp("content") / "ws"
    shutil.copytree(SEEDS, workspace, ignore=shutil.ignore_patterns("dist", ".pressgen"))
    path = workspace / "releases" / f"{RELEASE}.yaml"
    anchor = "      Voor het eerst dit jaar"
    path.write_text(path.read_text().replace(anchor, CONTENT + anchor, 1))
    report = build([path], BuildOptions(out=workspace / "dist", langs=["nl"]))
    assert report.ok, [d.format() for o in report.outcomes for d in o.diagnostics]
    folder = workspace / "dist" / RELEASE
    return {"pdf": folder / f"{RELEASE}.nl.pdf", "docx": folder / f"{RELEASE}.nl.docx"}


def _structure(node: Any, out: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(structure type, its direct text, if any) of every element of a tagged PDF's structure tree."""
    node = node.get_object()
    if isinstance(node, dict) and "/S" in node:
        out.append((str(node["/S"]), ""))
    kids = node.get("/K") if isinstance(node, dict) else None
    if kids is None:
        return out
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if isinstance(kid, dict):
            _structure(kid, out)
    return out


def test_intertitles_are_in_the_pdf_outline_and_tagged_as_headings(built: dict[str, Path]) -> None:
    reader = PdfReader(str(built["pdf"]))
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    nested = [child.title for item in reader.outline if isinstance(item, list) for child in item]
    assert "Een stand in het Jubelpark" in titles + nested
    kinds = [kind for kind, _ in _structure(reader.trailer["/Root"]["/StructTreeRoot"], [])]
    assert "/H2" in kinds and "/Table" in kinds and "/TH" in kinds and "/TD" in kinds


def test_intertitles_use_a_heading_style_with_an_outline_level_in_word(built: dict[str, Path]) -> None:
    doc = Document(str(built["docx"]))
    [paragraph] = [p for p in doc.paragraphs if p.text == "Een stand in het Jubelpark"]
    style = paragraph.style
    assert style.name == "Intertitle" and style.base_style.name == "Heading 2"
    levels = [el.get(qn("w:val")) for s in (style, style.base_style) for el in s.element.iter(qn("w:outlineLvl"))]
    assert levels and levels[0] == "1"  # Word's navigation pane lists level-2 headings
    assert paragraph.paragraph_format.keep_with_next or style.paragraph_format.keep_with_next


def test_the_quote_attribution_is_set_apart(built: dict[str, Path]) -> None:
    doc = Document(str(built["docx"]))
    [attribution] = [p for p in doc.paragraphs if "Caroline Petit, UNRIC" in p.text]
    assert attribution.style.name == "Quote Attribution" and attribution.text == "— Caroline Petit, UNRIC"
    text = normalize(pdf_text(built["pdf"]))
    assert "We lopen samen, voor iedereen. — Caroline Petit, UNRIC" in text


def test_key_figures_are_a_real_table_in_both_formats(built: dict[str, Path], tmp_path: Path) -> None:
    doc = Document(str(built["docx"]))
    [table] = doc.tables
    cells = [[normalize(cell.text) for cell in row.cells] for row in table.rows]
    assert cells == [["Jaar", "Deelnemers", "Nationaliteiten"], ["2015", "35 000", "120"],
                     ["2016", "38 000", "125"], ["2017", "40 000", "131"]]
    assert table.rows[1].cells[1].paragraphs[0].alignment == 2  # figures right-aligned
    assert table.rows[0]._tr.find(qn("w:trPr")).find(qn("w:tblHeader")) is not None
    assert all(run_.bold for run_ in table.rows[0].cells[0].paragraphs[0].runs)

    text = normalize(pdf_text(built["pdf"]))
    assert re.search(r"Jaar Deelnemers Nationaliteiten 2015 35 000 120 2016 38 000 125 2017 40 000 131", text)

    result = soffice("--convert-to", "pdf", "--outdir", str(tmp_path), str(built["docx"]), cwd=tmp_path)
    converted = tmp_path / (built["docx"].stem + ".pdf")
    assert converted.is_file(), result.stdout + result.stderr
    assert "2017 40 000 131" in normalize(pdf_text(converted))


@pytest.mark.parametrize("body, line, words", [
    ("# Een titel\n\n      Tekst.", 15, "'#' headings are not used in releases"),
    ("### Een titel\n\n      Tekst.", 15, "'###' headings are not used in releases"),
    ("![foto](https://iom.int/a.jpg)", 15, "images cannot stand in the text"),
    ("| a |\n      |---|\n" + "".join(f"      | {n} |\n" for n in range(61)), 15, "at most 8 columns and 60 rows"),
])
def test_what_the_body_cannot_hold_is_a_positioned_error(workspace: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str], body: str, line: int,
                                                          words: str) -> None:
    path = workspace / "releases" / f"{RELEASE}.yaml"
    path.write_text(path.read_text().replace("    body: |\n      ", f"    body: |\n      {body}\n\n      ", 1))
    monkeypatch.chdir(workspace)
    assert run("check", str(path)) == 1
    assert re.search(rf"{RELEASE}\.yaml:{line}:7: error: .*{re.escape(words)}", capsys.readouterr().err)


IMAGES = """\
facts:
  - label: {nl: Actiedomein, fr: Domaine d’action, en: Field of action}
    value: {nl: Alle domeinen, fr: Tous les domaines, en: All fields}
images:
  - file: assets/townhall.jpg
    alt: {nl: Het stadhuis van Mechelen, fr: L’hôtel de ville de Malines, en: Mechelen town hall}
    caption: {nl: Burgemeesters voor het stadhuis, fr: Les maires devant l’hôtel de ville, en: Mayors at the town hall}
    credit: Unia / Jan Peeters
  - file: assets/runners.png
    alt: {nl: Lopers op de Wetstraat, fr: Coureurs rue de la Loi, en: Runners in Rue de la Loi}
    caption: {nl: De VN-ploeg, fr: L’équipe de l’ONU, en: The UN team}
    credit: IOM
    placement: end
"""
CREDIT = {"nl": "Foto: Unia / Jan Peeters", "fr": "Photo : Unia / Jan Peeters", "en": "Photo: Unia / Jan Peeters"}


@pytest.fixture(scope="module")
def with_images(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[tuple[str, str], Path]]:
    import shutil

    from PIL import Image, ImageDraw

    workspace = tmp_path_factory.mktemp("images") / "ws"
    shutil.copytree(SEEDS, workspace, ignore=shutil.ignore_patterns("dist", ".pressgen"))
    photo = Image.new("RGB", (4000, 2600), "#6a8caf")
    ImageDraw.Draw(photo).line([(0, 0), (4000, 2600)], fill="#f0c040", width=40)
    photo.save(workspace / "assets" / "townhall.jpg", quality=90)
    Image.new("RGB", (800, 600), "#aa5533").save(workspace / "assets" / "runners.png")
    path = workspace / "releases" / f"{RELEASE}.yaml"
    path.write_text(path.read_text().replace("text:\n", IMAGES + "text:\n", 1))
    report = build([path], BuildOptions(out=workspace / "dist"))
    assert report.ok, [d.format() for o in report.outcomes for d in o.diagnostics]
    return workspace, {(d.lang, d.format): d.path for o in report.outcomes for d, _ in o.documents}


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_two_photos_with_captions_and_credits_in_both_formats(
        with_images: tuple[Path, dict[tuple[str, str], Path]], lang: str) -> None:
    import subprocess

    _, documents = with_images
    listing = subprocess.run(["pdfimages", "-list", str(documents[lang, "pdf"])], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    sizes = {(int(row.split()[3]), int(row.split()[4])) for row in listing if row.split()[2] == "image"}
    assert (2000, 1300) in sizes  # the 4000 × 2600 photo, down-sampled
    assert (800, 600) in sizes
    alts = _figure_alts(PdfReader(str(documents[lang, "pdf"])).trailer["/Root"]["/StructTreeRoot"], [])
    runners = {"nl": "Lopers op de Wetstraat", "fr": "Coureurs rue de la Loi", "en": "Runners in Rue de la Loi"}
    townhall = {"nl": "Het stadhuis van Mechelen", "fr": "L’hôtel de ville de Malines", "en": "Mechelen town hall"}
    assert alts == [townhall[lang], runners[lang]]  # each photo a Figure with its alternative text
    text = normalize(pdf_text(documents[lang, "pdf"]))
    assert CREDIT[lang] in text
    fact = {"nl": "Actiedomein: Alle domeinen", "fr": "Domaine d’action", "en": "Field of action: All fields"}
    assert fact[lang] in text

    doc = Document(str(documents[lang, "docx"]))
    descriptions = [shape._inline.docPr.get("descr") for shape in doc.inline_shapes]
    alt = {"nl": "Het stadhuis van Mechelen", "fr": "L’hôtel de ville de Malines", "en": "Mechelen town hall"}[lang]
    assert alt in descriptions and len(descriptions) == 2
    captions = [p.text for p in doc.paragraphs if p.style.name == "Image Caption"]
    assert len(captions) == 2 and normalize(captions[0]).endswith(CREDIT[lang])
    [big] = [shape for shape in doc.inline_shapes if shape._inline.docPr.get("descr") == alt]
    assert big.width <= 130 * 36000  # no wider than the text column


def _figure_alts(node: Any, out: list[str]) -> list[str]:
    """The /Alt of every Figure of a tagged PDF's structure tree, in order."""
    node = node.get_object()
    if node.get("/S") == "/Figure":
        out.append(str(node.get("/Alt")))
    kids = node.get("/K")
    for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if isinstance(kid, dict):
            _figure_alts(kid, out)
    return out


def _break_image(workspace: Path, line: str) -> None:
    path = workspace / "releases" / f"{RELEASE}.yaml"
    path.write_text(path.read_text().replace("text:\n", "images:\n  - alt: Foto\n    " + line + "\ntext:\n", 1))


@pytest.mark.parametrize("line, words", [
    ("file: assets/missing.jpg", "image file assets/missing.jpg does not exist"),
    ("file: pressgen.yaml", "image pressgen.yaml must be inside the workspace's assets/ folder"),
    ("file: assets/../../etc/passwd", "must be inside the workspace's assets/ folder"),
    ("file: assets/broken.jpg", "image assets/broken.jpg is not a readable JPEG image"),
    ("file: assets/photo.gif", "image assets/photo.gif must be PNG or JPEG, not .gif"),
])
def test_a_bad_photo_is_a_positioned_check_error(workspace: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str], line: str, words: str) -> None:
    (workspace / "assets" / "broken.jpg").write_bytes(b"\xff\xd8 not really")
    (workspace / "assets" / "photo.gif").write_bytes(b"GIF89a")
    _break_image(workspace, line)
    monkeypatch.chdir(workspace)
    assert run("check", RELEASE) == 1
    err = capsys.readouterr().err
    assert re.search(rf"{RELEASE}\.yaml:\d+:\d+: error: .*{re.escape(words)}", err), err


INTERTITLES = {
    ("unia-local-governments-2020", "nl"): ["Gelijke kansen voor iedereen"],
    ("unia-local-governments-2020", "fr"): ["L’égalité des chances pour tous"],
    ("unia-local-governments-2020", "en"): ["Equal opportunities for everyone"],
    ("iom-news-digest-2016", "en"): ["Global Migration Film Festival – screening in Brussels",
                                     "Voluntary Return partner meeting",
                                     "Annual gathering with Embassies and Consulates", "‘A day without migrants’"],
    ("iom-news-digest-2016", "nl"): ["Partnerbijeenkomst Vrijwillige Terugkeer"],
    ("iom-news-digest-2016", "fr"): ["Réunion des partenaires du retour volontaire"],
}


@pytest.mark.parametrize("release_id, lang", INTERTITLES)
def test_the_seed_intertitles_are_headings_in_both_formats(seed_outputs: dict[tuple[str, str, str], Path],
                                                           release_id: str, lang: str) -> None:
    reader = PdfReader(str(seed_outputs[(release_id, lang, "pdf")]))

    def titles(items: list[Any]) -> list[str]:
        return [t for item in items for t in (titles(item) if isinstance(item, list) else [item.title])]

    outline = [normalize(title) for title in titles(reader.outline)]
    headings = [p for p in Document(str(seed_outputs[(release_id, lang, "docx")])).paragraphs
                if p.style.name == "Intertitle"]
    for intertitle in INTERTITLES[release_id, lang]:
        assert normalize(intertitle) in outline
        assert normalize(intertitle) in [normalize(p.text) for p in headings]
    kinds = [kind for kind, _ in _structure(reader.trailer["/Root"]["/StructTreeRoot"], [])]
    assert kinds.count("/H2") >= len(INTERTITLES[release_id, lang])
    if release_id.startswith("iom-news-digest"):
        assert len(headings) == 10  # the digest's ten items


def test_the_unia_facts_stand_under_the_date(seed_outputs: dict[tuple[str, str, str], Path]) -> None:
    text = normalize(pdf_text(seed_outputs[("unia-local-governments-2020", "nl", "pdf")]))
    assert "8 oktober 2020 Voor onmiddellijke publicatie Actiedomein: Alle domeinen Discriminatiegrond: Alle gronden" \
        in text
    paragraphs = Document(str(seed_outputs[("unia-local-governments-2020", "fr", "docx")])).paragraphs
    facts = [p.text for p in paragraphs if p.style.name == "Fact"]
    assert [normalize(f) for f in facts] == ["Domaine d’action : Tous les domaines",
                                             "Critère de discrimination : Tous les critères"]
