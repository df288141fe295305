"""Proof sheets: every page of every seed document (and the long test release), PDF beside DOCX.

    .venv/bin/python scripts/proof_sheets.py [--out proofs] [--dpi 45]

Builds the seeds and tests/fixtures/long-release.yaml as PDF and DOCX, turns each DOCX into a PDF
with LibreOffice (as a reader's Word or LibreOffice would lay it out), renders every page with
pdftoppm, and writes one PNG per document: its PDF pages on the top row, its DOCX pages below.
It prints each document's page counts, so a difference shows before the pictures are opened.
Needs LibreOffice and poppler-utils (`scripts/setup-system.sh test`).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent


def _pages(pdf: Path, folder: Path, dpi: int) -> list[Image.Image]:
    prefix = folder / pdf.stem
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(prefix)], check=True)
    return [Image.open(p).convert("RGB") for p in sorted(folder.glob(f"{pdf.stem}-*.png"))]


def _sheet(rows: list[list[Image.Image]], title: str) -> Image.Image:
    gap, head = 12, 24
    width = max(sum(p.width for p in row) + gap * (len(row) + 1) for row in rows)
    height = head + sum(max((p.height for p in row), default=0) + gap for row in rows) + gap
    sheet = Image.new("RGB", (width, height), (150, 150, 150))
    ImageDraw.Draw(sheet).text((gap, 6), title, fill=(0, 0, 0))
    y = head
    for row in rows:
        x = gap
        for page in row:
            sheet.paste(page, (x, y))
            x += page.width + gap
        y += max((p.height for p in row), default=0) + gap
    return sheet


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "proofs")
    parser.add_argument("--dpi", type=int, default=45)
    args = parser.parse_args()
    from pressgen import BuildOptions, build

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        workspace = work / "ws"
        shutil.copytree(ROOT / "seeds", workspace, ignore=shutil.ignore_patterns("dist", ".pressgen"))
        shutil.copy(ROOT / "tests" / "fixtures" / "long-release.yaml", workspace / "releases")
        sys.path.insert(0, str(ROOT / "tests"))
        from helpers.long_release import PHOTO, make_photo
        make_photo(workspace / PHOTO)
        report = build(sorted((workspace / "releases").glob("*.yaml")),
                       BuildOptions(out=work / "dist", formats=("pdf", "docx")))
        documents = [d.path for outcome in report.outcomes for d, status in outcome.documents
                     if status in ("built", "cached")]
        docx = sorted(p for p in documents if p.suffix == ".docx")
        converted = work / "docx-pdf"
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(converted),
                        *map(str, docx)], check=True, capture_output=True)
        args.out.mkdir(parents=True, exist_ok=True)
        differ = 0
        for path in docx:
            pdf = path.with_suffix(".pdf")
            (work / "png" / path.stem).mkdir(parents=True)
            (work / "png-docx" / path.stem).mkdir(parents=True)
            top = _pages(pdf, work / "png" / path.stem, args.dpi)
            bottom = _pages(converted / pdf.name, work / "png-docx" / path.stem, args.dpi)
            mark = "" if len(top) == len(bottom) else "   <- differ"
            differ += bool(mark)
            print(f"{path.stem:40} PDF {len(top)}  DOCX {len(bottom)}{mark}")
            _sheet([top, bottom], f"{path.stem}: PDF (top), DOCX through LibreOffice (bottom)").save(
                args.out / f"{path.stem}.png")
    print(f"{len(docx)} documents, {differ} with different page counts; sheets in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
