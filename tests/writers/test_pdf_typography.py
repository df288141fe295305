"""The PDF's typography read back from the built documents with poppler (word boxes and lines): the
measure, superscripts that keep their line, a closing guillemet that stays with its word, at most two
hyphenated lines in a row, list markers an em space from their text."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import SEEDS, pdf_page_main_text
from helpers.long_release import build_long_release
from pypdf import PdfReader

from pressgen import BuildOptions, build

HYPHEN = "\u2010"
MM = 72 / 25.4


def _lines(path: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Each page's lines as poppler groups them: lists of words (x min, y min, x max, y max, text)."""
    out = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    pages = []
    for page in out.split("<page ")[1:]:
        lines = []
        for line in re.findall(r"<line [^>]*>(.*?)</line>", page, re.S):
            words = [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', line)]
            if words:
                lines.append(words)
        pages.append(lines)
    return pages


def _text_lines(path: Path) -> list[str]:
    """The lines of the PDF's main text (running header and footer cropped out), page after page."""
    pages = len(PdfReader(str(path)).pages)
    return [line for n in range(1, pages + 1) for line in pdf_page_main_text(path, n).splitlines() if line.strip()]


def _release(workspace: Path, lang: str, body: str, headline: str = "Een bericht") -> Path:
    """Write a one-language release of ``body`` into the workspace and build its PDF; return the PDF."""
    indented = "\n".join("      " + line if line else "" for line in body.split("\n"))
    path = workspace / "releases" / "typo.yaml"
    path.write_text(f"organization: iom-belgium\ndate: 2017-05-26\nsource: {lang}\nlanguages: [{lang}]\n"
                    f"contacts: [gdhoop]\ntext:\n  {lang}:\n    headline: {headline}\n    dateline: Brussel\n"
                    f"    body: |\n{indented}\n", encoding="utf-8")
    out = workspace.parent / f"dist-{len(list(workspace.parent.glob('dist-*')))}"
    report = build([path], BuildOptions(out=out, formats=("pdf",)))
    assert report.ok, [d.format() for o in report.outcomes for d in o.diagnostics]
    return out / "typo" / f"typo.{lang}.pdf"


def test_body_lines_hold_60_to_80_characters(seed_outputs: dict[tuple[str, str, str], Path]) -> None:
    lengths = []
    for (_, _, fmt), path in sorted(seed_outputs.items()):
        if fmt != "pdf":
            continue
        for page in _lines(path):
            body = [line for line in page if 11.5 < line[0][3] - line[0][1] < 13.5 and 780 > line[0][1] > 110]
            right = max((line[-1][2] for line in body), default=0)  # body text (11 pt) between header and footer
            for line in body:
                if line[-1][2] > right - 2 and line[0][0] < 125:  # a justified line, from the left edge
                    lengths.append(len(" ".join(word for *_, word in line)))
    assert len(lengths) > 300
    assert 65 <= sum(lengths) / len(lengths) <= 78, sum(lengths) / len(lengths)
    assert sum(60 <= n <= 80 for n in lengths) >= 0.95 * len(lengths), sorted(lengths)[:10] + sorted(lengths)[-10:]


def test_a_superscript_keeps_its_line_where_the_others_are(workspace: Path) -> None:
    text = ("Het Agentschap van de Verenigde Naties voor de Migratie heeft een ploeg opgesteld om deel te nemen "
            "aan de 20 km door Brussel, op zondag 28 mei, met lopers uit alle diensten van de organisatie. ")
    pdf = _release(workspace, "nl", text * 2 + "Het is de 38^ste^ editie van de loop. " + text * 3)
    lines = [line for line in _lines(pdf)[0] if 10.5 < line[0][3] - line[0][1] < 14 and line[0][0] < 125]
    with_sup = [i for i, line in enumerate(lines) if any(word.endswith("38ste") or word == "ste"
                                                          or word.startswith("38") for *_, word in line)]
    assert with_sup and 0 < with_sup[0] < len(lines) - 1
    # each line's baseline, from its words in the body's size (the superscript's word holds two sizes)
    baselines = [max(word[3] for word in line if 11.5 < word[3] - word[1] < 13.5 and "38" not in word[4])
                 for line in lines if any(11.5 < word[3] - word[1] < 13.5 and "38" not in word[4] for word in line)]
    gaps = [round(b - a, 1) for a, b in zip(baselines, baselines[1:], strict=False)]
    gaps = [gap for gap in gaps if gap < 20]  # the lines of one paragraph (the next is 3 mm further)
    assert len(gaps) >= 6 and max(gaps) - min(gaps) < 0.3, gaps  # each line as far from the one above


def _build_variants(workspace: Path, lang: str, make: Callable[[int], str], count: int,
                    monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], list[str]]:
    """The main text lines of a release of ``count`` paragraphs, laid out once and as pressgen lays it out."""
    from pressgen.writers import pdf

    body = "\n\n".join(make(i) for i in range(count))
    monkeypatch.setattr(pdf, "RELAYOUTS", 0)
    once = _text_lines(_release(workspace, lang, body))
    monkeypatch.undo()
    return once, _text_lines(_release(workspace, lang, body))


def test_a_french_paragraph_s_last_word_and_its_guillemet_stay_whole(workspace: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    def paragraph(i: int) -> str:
        return ("Les " + "migrants " * (i % 9) + "arrivent en Europe pour des raisons " * (1 + i // 9)
                + "que les experts disent « économiques ».")

    # Kept whole before the first layout (until it was kept by laying out again, and laid out once, a
    # paragraph ended "écono-" / "miques »."): no layout of the two may break it.
    once, final = _build_variants(workspace, "fr", paragraph, 27, monkeypatch)
    for lines in (once, final):
        assert not any(line.startswith(("miques", "niques", "conomiques")) for line in lines), \
            [line for line in lines if "miques" in line]


def _longest_run(lines: list[str]) -> int:
    run = longest = 0
    for line in lines:
        run = run + 1 if line.endswith(HYPHEN) else 0
        longest = max(longest, run)
    return longest


def test_no_more_than_two_hyphenated_lines_in_a_row(seed_outputs: dict[tuple[str, str, str], Path],
                                                     tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pressgen import load_release, load_workspace, localize
    from pressgen.writers import pdf

    runs = {path.name: _longest_run(_text_lines(path)) for (_, _, fmt), path in seed_outputs.items() if fmt == "pdf"}
    assert max(runs.values()) == 2, runs
    monkeypatch.setattr(pdf, "RELAYOUTS", 0)  # laid out once, some seed has three in a row
    workspace = load_workspace(SEEDS)
    once = []
    for number, release_id in enumerate(sorted({key[0] for key in seed_outputs})):
        release = load_release(SEEDS / "releases" / f"{release_id}.yaml", workspace)
        for lang in ("nl", "fr", "en"):
            path = tmp_path / f"once-{number}-{lang}.pdf"
            path.write_bytes(pdf.write_pdf(localize(release, workspace, lang)).data)
            once.append(_longest_run(_text_lines(path)))
    assert max(once) >= 3, once


def test_list_markers_stand_3_to_4_5_mm_from_their_text(tmp_path: Path) -> None:
    pdf = build_long_release(tmp_path)["en"]
    gaps = []
    for page in _lines(pdf):
        words = [word for line in page for word in line]
        for _, top, marker_right, _, marker in words:
            if marker == "•" or re.fullmatch(r"\d\.", marker):
                following = [left for left, word_top, *_ in words if abs(word_top - top) < 0.5 and left > marker_right]
                gaps.append((min(following) - marker_right) / MM)
    assert len(gaps) >= 6  # three bullets, three numbers
    assert all(3 <= gap <= 4.5 for gap in gaps), gaps
