"""Print seconds per document for PDF and DOCX, and peak memory, over the seed releases.

    .venv/bin/python bench/render.py [--rounds N]

Cold is the first document of a process (imports, font set-up, stylesheet
parse); warm is the mean over the following rounds. Nothing is written to disk,
so the figures are rendering alone.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="warm rounds over every seed document")
    args = parser.parse_args()

    started = time.perf_counter()
    from pressgen import load_release, load_workspace, localize
    from pressgen.writers import get_writer
    imported = time.perf_counter() - started

    workspace = load_workspace(ROOT / "seeds")
    releases = [load_release(p, workspace) for p in sorted((ROOT / "seeds" / "releases").glob("*.yaml"))]
    views = [localize(r, workspace, lang) for r in releases for lang in ("nl", "fr", "en")]
    print(f"pressgen bench: {len(releases)} seed releases x 3 languages = {len(views)} views; "
          f"import {imported:.2f} s; python {sys.version.split()[0]}")
    for fmt in ("pdf", "docx"):
        writer = get_writer(fmt)
        cold_start = time.perf_counter()
        size = len(writer(views[0]).data)
        cold = time.perf_counter() - cold_start
        times = []
        for _ in range(args.rounds):
            for view in views:
                t = time.perf_counter()
                size = len(writer(view).data)
                times.append(time.perf_counter() - t)
        print(f"{fmt:5} cold {cold:.3f} s/doc   warm mean {statistics.mean(times):.3f} s/doc   "
              f"median {statistics.median(times):.3f}   max {max(times):.3f}   "
              f"({len(times)} docs, last {size / 1024:.0f} KiB)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak:.0f} MiB")


if __name__ == "__main__":
    main()
