"""Print the instructions one warm PDF takes to render, counted by valgrind (callgrind), over a seeds folder.

    .venv/bin/python bench/instructions.py [--seeds DIR] [--limit N]

Renders every view (each release in nl, fr and en) once to warm the process
(fonts, stylesheet, hyphenation dictionaries), then every view again, and
prints the instructions of that second round per document and per page. An
instruction count is steady on a loaded machine, where wall time is not; it
takes valgrind some minutes. Give --seeds an older checkout's seeds/ folder to
compare two versions of pressgen on the same input.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def render(seeds: Path, limit: int | None) -> None:
    """Inside valgrind: the warm-up round, a dump, the measured round, a dump; print the pages."""
    from pressgen import load_release, load_workspace, localize
    from pressgen.writers import get_writer

    workspace = load_workspace(seeds)
    releases = [load_release(p, workspace) for p in sorted((seeds / "releases").glob("*.yaml"))]
    views = [localize(r, workspace, lang) for r in releases for lang in ("nl", "fr", "en")][:limit]
    writer = get_writer("pdf")
    for view in views:
        writer(view)
    subprocess.run(["callgrind_control", "--dump=warm-up", str(os.getpid())], check=True, capture_output=True)
    pages = sum(writer(view).pages for view in views)
    subprocess.run(["callgrind_control", "--dump=measured", str(os.getpid())], check=True, capture_output=True)
    print(f"{len(views)} {pages}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    parser.add_argument("--limit", type=int, help="only the first N views")
    parser.add_argument("--hash-seed", type=int, default=0,
                        help="Python's hash seed (set orders change the count by a percent or two from one seed to "
                             "another: compare two versions at the same seeds)")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        render(args.seeds.resolve(), args.limit)
        return
    with tempfile.TemporaryDirectory() as folder:
        command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={folder}/cg.%p",
                   sys.executable, __file__, "--inner", "--seeds", str(args.seeds)]
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": str(args.hash_seed)}
        done = subprocess.run([*command, *(["--limit", str(args.limit)] if args.limit else [])],
                              check=True, capture_output=True, text=True, env=env)
        docs, pages = map(int, done.stdout.split()[-2:])
        measured = next(p for p in Path(folder).iterdir() if p.read_text().find("measured") != -1)
        instructions = int(re.search(r"^(?:summary|totals): (\d+)", measured.read_text(), re.M).group(1))
    print(f"pressgen {args.seeds}: {docs} warm PDFs, {pages} pages: {instructions / docs / 1e9:.3f} G instructions "
          f"per document, {instructions / pages / 1e9:.3f} G per page")


if __name__ == "__main__":
    main()
