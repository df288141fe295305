"""The DOCX has the PDF's pages: every seed document and the long release (tests/fixtures/long-release.yaml)
as LibreOffice lays out the DOCX has as many pages as the PDF, so "Page x of y" says the same in both.

All the DOCX are converted by one LibreOffice process (its start costs more than the conversions)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import normalize, pdf_text, soffice
from helpers.long_release import build_long_release_documents
from pypdf import PdfReader

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")


def _pages(path: Path) -> int:
    return len(PdfReader(str(path)).pages)


def _page_of(path: Path, words: str) -> int | None:
    """The page (from 1) whose text holds ``words``."""
    for page in range(1, _pages(path) + 1):
        if words in normalize(pdf_text(path, page, page)):
            return page
    return None


# The long release's photo caption: on the front page of both, the photo lowered to the room left there.
CAPTION = {"en": "Volunteers at the finish line", "fr": "Des bénévoles à l’arrivée"}


def test_the_docx_has_as_many_pages_as_the_pdf(seed_outputs: dict[tuple[str, str, str], Path],
                                               tmp_path: Path) -> None:
    documents = {(release, lang): (path, seed_outputs[(release, lang, "pdf")])
                 for (release, lang, fmt), path in seed_outputs.items() if fmt == "docx"}
    long = build_long_release_documents(tmp_path / "long")
    documents |= {("long-release", lang): (path, long[(lang, "pdf")]) for (lang, fmt), path in long.items()
                  if fmt == "docx"}
    assert len(documents) == 17  # the five seeds in three languages, the long release in two
    out = tmp_path / "lo"
    result = soffice("--convert-to", "pdf", "--outdir", str(out), *(str(docx) for docx, _ in documents.values()),
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    counts = {key: (_pages(pdf), _pages(out / f"{docx.stem}.pdf")) for key, (docx, pdf) in sorted(documents.items())}
    assert {key: pages for key, pages in counts.items() if pages[0] != pages[1]} == {}, counts
    for lang, words in CAPTION.items():
        docx, pdf = documents[("long-release", lang)]
        assert _page_of(pdf, words) == _page_of(out / f"{docx.stem}.pdf", words) == 1, lang
