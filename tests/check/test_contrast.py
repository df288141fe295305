"""Colour contrast (WCAG AA): `check` warns, at its line in pressgen.yaml, of a brand colour that fails
4.5:1 on white as text, and the PDFs print no small text under 4.5:1 (nor large text under 3:1)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import run
from helpers.long_release import build_long_release
from pypdf import PdfReader
from pypdf.generic import ContentStream

from pressgen.document import contrast


def test_the_wcag_ratio_and_the_darker_shade() -> None:
    assert round(contrast.contrast_ratio("#000000"), 1) == 21.0 and contrast.contrast_ratio("#FFFFFF") == 1.0
    assert round(contrast.contrast_ratio("#009EDB"), 2) == 3.04  # UNRIC's blue
    assert round(contrast.contrast_ratio("#777777"), 2) == 4.48  # the photo credit's old grey
    shade = contrast.readable("#009EDB")
    assert contrast.contrast_ratio(shade) >= 4.5 and shade != "#009EDB"
    r, g, b = (int(shade[i:i + 2], 16) for i in (1, 3, 5))
    assert r < g < b  # the same hue, darker
    assert contrast.readable("#0033A0") == "#0033A0"  # IOM's blue passes as it is


def test_check_warns_of_a_brand_colour_that_fails_for_small_text(workspace: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert run("check", str(workspace)) == 0
    out = capsys.readouterr()
    text = out.out + out.err
    config = (workspace / "pressgen.yaml").read_text(encoding="utf-8").split("\n")
    line = next(n for n, t in enumerate(config, start=1) if '"#009EDB"' in t)
    col = config[line - 1].index('"#009EDB"') + 1
    warnings = [w for w in text.split("\n") if "brand.color" in w]
    assert len(warnings) == 1, text  # once, though two seed releases are UNRIC's
    where = f"{workspace / 'pressgen.yaml'}:{line}:{col}"
    assert warnings[0].startswith(f"{where}: warning: organizations.unric.brand.color:")
    assert "3.0:1" in warnings[0] and "4.5:1" in warnings[0] and contrast.readable("#009EDB") in warnings[0]
    assert "#0033A0" not in text and "#B23A16" not in text  # IOM's and Unia's colours pass
    assert run("check", "--strict", str(workspace / "releases" / "unric-migrants-stigma-2014.yaml")) == 1


def test_a_colour_that_fails_even_for_large_text_says_so(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = workspace / "pressgen.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace('"#B23A16"', '"#F5C400"'), encoding="utf-8")
    assert run("check", str(workspace / "releases" / "unia-local-governments-2020.yaml")) == 0
    text = capsys.readouterr().err + capsys.readouterr().out
    assert "organizations.unia.brand.color: #F5C400" in text and "so does its headline" in text


def _text_colours(path: Path) -> list[tuple[str, float]]:
    """Every text-showing operator of the PDF's pages: (its fill colour as #RRGGBB, its size in points)."""
    reader = PdfReader(path)
    out = []
    for page in reader.pages:
        fill, scale, size = "#000000", 1.0, 0.0
        stack: list[tuple[str, float]] = []
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"q":
                stack.append((fill, scale))
            elif operator == b"Q" and stack:
                fill, scale = stack.pop()
            elif operator == b"cm":
                scale *= abs(float(operands[0])) or 1.0
            elif operator == b"rg":
                fill = "#" + "".join(f"{round(float(c) * 255):02X}" for c in operands)
            elif operator == b"g":
                fill = "#" + f"{round(float(operands[0]) * 255):02X}" * 3
            elif operator == b"Tf":
                size = float(operands[1]) * scale
            elif operator in (b"Tj", b"TJ"):
                out.append((fill, size))
    return out


def test_no_text_of_the_pdfs_fails_wcag_aa(seed_outputs: dict[tuple[str, str, str], Path], tmp_path: Path) -> None:
    pdfs = [p for (_, _, fmt), p in sorted(seed_outputs.items()) if fmt == "pdf"]
    pdfs += list(build_long_release(tmp_path).values())  # with a photo credit
    failing = set()
    for path in pdfs:
        for fill, size in _text_colours(path):
            needed = 3.0 if size >= 18 else 4.5
            if contrast.contrast_ratio(fill) < needed:
                failing.add((path.name, fill, round(size, 1)))
    assert not failing
    unric = [p for p in pdfs if p.name.startswith("unric-")][0]
    fills = {fill for fill, _ in _text_colours(unric)}
    # the darker shade for small text, the blue itself for the headline
    assert contrast.readable("#009EDB") in fills and "#009EDB" in fills
    assert any(re.match(r"#66", fill) for path in pdfs[-2:] for fill, _ in _text_colours(path))  # the credit's grey
