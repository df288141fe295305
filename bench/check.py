"""Check benchmark: ``pressgen check`` of a campaign, first run and second run.

    .venv/bin/python bench/check.py [--releases 1000]

The first run checks every release and remembers each result in the workspace's
``.pressgen/check.json``; the second finds nothing changed and reuses them. A third
run follows an edit of one release, which checks that release only. Wall times of
the real command, start-up included.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from campaign import make_campaign  # noqa: E402


def check_seconds(workspace: Path) -> tuple[float, str]:
    command = [str(Path(sys.executable).parent / "pressgen"), "check", str(workspace)]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    assert result.returncode == 0, result.stderr[-2000:]
    return seconds, (result.stdout + result.stderr).strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workspace = make_campaign(Path(tmp) / "campaign", args.releases)
        first, summary = check_seconds(workspace)
        second, _ = check_seconds(workspace)
        edited = workspace / "releases" / "campaign-000.yaml"
        edited.write_text(edited.read_text(encoding="utf-8").replace("#0", "#0 (edited)", 1), encoding="utf-8")
        after_edit, _ = check_seconds(workspace)
        print(f"check of {args.releases} releases ({summary})")
        print(f"  first run (nothing remembered): {first:6.2f} s")
        print(f"  second run (nothing changed):   {second:6.2f} s")
        print(f"  after editing one release:      {after_edit:6.2f} s")


if __name__ == "__main__":
    main()
