"""The most documents per second this machine can render, whatever the build around it does.

    .venv/bin/python bench/ceiling.py [--rounds 4] [--cores CORES] [--alternative DOCS_PER_S]

Renders the seed releases (every language, PDF and DOCX) in this process and
prints the CPU time of one release's six documents, twice: with the shipped
templates, and with a bare layout that keeps the release's text, tagging and
fonts but prints the page header once instead of on every page and drops the
footer, hyphenation and justification. From
each it prints the ceiling of a build on CORES cores with perfect scaling and
no planning, caching or writing cost. With --alternative (the pandoc +
LibreOffice rate that bench/batch.py prints) it also prints each ceiling as a
multiple of that rate. CPU time is used because it is steadier than wall time
on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BARE_CSS = """\
@page { size: A4; margin: 20mm; }
html { font: 10.5pt/1.45 "Liberation Sans", "DejaVu Sans", sans-serif; }
.page-header .logo { height: 16mm; }
"""


def bare_workspace(target: Path) -> Path:
    """Copy the seeds with templates that keep the text but drop the costly layout features."""
    from pressgen.resources import PACKAGED_TEMPLATES

    shutil.copytree(ROOT / "seeds", target, ignore=shutil.ignore_patterns("dist", ".pressgen"))
    templates = target / "templates"
    templates.mkdir(exist_ok=True)
    (templates / "release.css").write_text(BARE_CSS, encoding="utf-8")
    html = (PACKAGED_TEMPLATES / "release.html").read_text(encoding="utf-8")
    (templates / "release.html").write_text(re.sub(r"<style>.*?</style>", "", html, flags=re.S), encoding="utf-8")
    return target


def release_seconds(workspace_root: Path, rounds: int) -> tuple[float, float]:
    """Return the median CPU seconds of one release's PDFs and of its DOCXs."""
    from pressgen import load_release, load_workspace, localize
    from pressgen.writers import get_writer

    workspace = load_workspace(workspace_root)
    releases = [load_release(p, workspace) for p in sorted((workspace_root / "releases").glob("*.yaml"))]
    languages = workspace.config.languages
    views = [[localize(r, workspace, lang) for lang in languages] for r in releases]
    per_format = {}
    for fmt in ("pdf", "docx"):
        writer = get_writer(fmt)
        for view in views[0]:
            writer(view)  # warm: imports, fonts, stylesheet
        samples = []
        for _ in range(rounds):
            for release_views in views:
                started = time.process_time()
                for view in release_views:
                    writer(view)
                samples.append(time.process_time() - started)
        per_format[fmt] = statistics.median(samples)
    return per_format["pdf"], per_format["docx"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--cores", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--alternative", type=float, help="documents per second of pandoc + LibreOffice")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="pressgen-ceiling-") as temporary:
        cases = [("shipped templates", ROOT / "seeds"), ("bare layout", bare_workspace(Path(temporary) / "bare"))]
        print(f"one release = 3 PDF + 3 DOCX; CPU seconds, median of {args.rounds} rounds; {args.cores} cores")
        for name, root in cases:
            pdf, docx = release_seconds(root, args.rounds)
            ceiling = 6 * args.cores / (pdf + docx)
            line = (f"{name:18} PDF {pdf / 3:.3f} s/doc   DOCX {docx / 3:.3f} s/doc   "
                    f"ceiling {ceiling:5.1f} documents/s")
            if args.alternative:
                line += f"   = {ceiling / args.alternative:.2f}x pandoc + LibreOffice"
            print(line)
        if args.alternative:
            print(f"3x pandoc + LibreOffice would need {3 * args.alternative:.1f} documents/s")


if __name__ == "__main__":
    main()
