"""Where the pages of a long release break (tests/fixtures/long-release.yaml: a five-line headline, a
4000 x 3000 photo after the lead, a 40-row table after an intertitle, a quote, lists), measured on the
built PDF: pdfium's object boxes for the room left on each page, poppler's words for what stands where."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from helpers.long_release import build_long_release

# The text area of release.css's @page, in PDF points from the bottom of an A4 page (842 pt high).
TEXT_TOP = 842 - 42 / 25.4 * 72
TEXT_BOTTOM = 24 / 25.4 * 72


@pytest.fixture(scope="module")
def long_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return build_long_release(tmp_path_factory.mktemp("long"))


def _objects(path: Path) -> list[list[tuple[int, tuple[float, float, float, float]]]]:
    """Each page's objects between the running header and footer: (type, (left, bottom, right, top))."""
    pdf = pdfium.PdfDocument(str(path))
    pages = []
    for page in pdf:
        boxes = []
        for item in page.get_objects():
            left, bottom, right, top = item.get_bounds()
            if bottom >= TEXT_BOTTOM - 1 and top <= TEXT_TOP + 1:
                boxes.append((item.type, (left, bottom, right, top)))
        pages.append(boxes)
    return pages


def _words(path: Path) -> list[list[tuple[str, float, float, float]]]:
    """Each page's words as poppler reads them: (word, x min, y min from the top, y max)."""
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for page in html.split("<page ")[1:]:
        pages.append([(re.sub(r"&amp;", "&", m.group(5)), float(m.group(1)), float(m.group(2)), float(m.group(4)))
                      for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                                           r"([^<]*)</word>", page)])
    return pages


def test_the_release_s_headline_sets_in_five_lines(long_pdfs: dict[str, Path]) -> None:
    words = _words(long_pdfs["en"])[0]
    big = {round(top) for _, _, top, bottom in ((w, x, t, b) for w, x, t, b in words) if bottom - top > 17}
    assert len(big) == 5, big  # the headline's 18 pt lines: the case the release is made for


def test_no_page_but_the_last_is_more_than_a_third_empty(long_pdfs: dict[str, Path]) -> None:
    for lang, path in long_pdfs.items():
        pages = _objects(path)
        assert len(pages) >= 2
        for number, boxes in enumerate(pages[:-1], start=1):
            lowest = min(bottom for _, (_, bottom, _, _) in boxes)
            empty = (lowest - TEXT_BOTTOM) / (TEXT_TOP - TEXT_BOTTOM)
            assert empty <= 1 / 3, f"{lang} page {number} is {empty:.0%} empty above its footer"


def test_the_intertitle_the_table_header_and_three_rows_share_a_page(long_pdfs: dict[str, Path]) -> None:
    for number, words in enumerate(_words(long_pdfs["en"]), start=1):
        text = " ".join(word for word, *_ in words)
        if "Key figures of 2017" in text:
            assert "Reintegration projects" in text and "Albania" in text and "Afghanistan" in text
            assert "Algeria" in text, f"page {number}: the table's first three rows are not with its intertitle"
            break
    else:
        pytest.fail("no intertitle")


def _photo_place(path: Path) -> tuple[int, str]:
    """The page (from 0) of the one photo and the text before it (on the pages before, and above it)."""
    pages = _objects(path)
    images = [(number, box) for number, boxes in enumerate(pages) for kind, box in boxes
              if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE]
    assert len(images) == 1
    number, (left, bottom, right, top) = images[0]
    assert right - left > 200 and top - bottom > 100  # a photo, not a stamp: at least 70 x 35 mm
    words = _words(path)
    before = [word for page in words[:number] for word, *_ in page]
    return number, " ".join([*before, *(word for word, _, y, _ in words[number] if y < 842 - top)])


def test_the_photo_is_on_page_one_or_after_the_next_paragraph(long_pdfs: dict[str, Path]) -> None:
    number, above = _photo_place(long_pdfs["en"])
    assert number == 0, "the photo fits on page 1, lowered"


def test_a_photo_with_no_room_left_goes_after_the_next_paragraph(tmp_path: Path) -> None:
    lead = "have reached the 38^th^ municipality of the programme."
    longer = (lead + " The report also gives, for the first time, the figures of each province, the number of"
              " municipalities that joined the return desks network and the budget of the reintegration support,"
              " which grew by a fifth in one year thanks to the European Return Fund and the federal agency.") * 2
    pdfs = build_long_release(tmp_path, lambda text: text.replace(lead, longer, 1))
    number, above = _photo_place(pdfs["en"])
    if number > 0:  # no room for it on page 1: then after the paragraph that follows the lead
        assert number == 1 and "partners of the programmes in Brussels." in above
    for boxes in _objects(pdfs["en"])[:-1]:
        lowest = min(bottom for _, (_, bottom, _, _) in boxes)
        assert (lowest - TEXT_BOTTOM) / (TEXT_TOP - TEXT_BOTTOM) <= 1 / 3
