"""Newsroom benchmark: ``pressgen publish`` of a synthetic campaign, N releases × 3 languages.

    .venv/bin/python bench/publish.py [--releases 100 1000] [--downloads N]

For each size: the first publish (pages, indexes, feeds, sitemap, ninjs; no PDF/DOCX), the
no-op publish in-process and as the real command (start-up included), and a publish after one
release changed. With ``--downloads N`` (default 10) also N releases with their PDF and DOCX
downloads: the first run (documents rendered by the builder), then again after the build cache
is warm (a new site, the same documents: none rendered again).
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from campaign import make_campaign  # noqa: E402

from pressgen.distribution.site import PublishOptions, publish  # noqa: E402

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


CPU: list[float] = []  # the CPU time of the last run: steadier than wall time on a shared machine


def run(workspace: Path, site: Path, downloads: bool = False) -> tuple[float, int, int]:
    started, cpu = time.perf_counter(), time.process_time()
    report = publish([workspace], PublishOptions(out=site, now=NOW, downloads=downloads))
    assert report.ok, [d.format() for d in report.diagnostics][:5]
    CPU[:] = [time.process_time() - cpu]
    return time.perf_counter() - started, len(report.written), len(report.published)


def floor(workspace: Path) -> float:
    """CPU seconds of only reading and checking every release (the readiness gate), which publish must do."""
    from pressgen.check import check_workspace
    from pressgen.check.readiness import readiness

    ws = check_workspace(workspace)
    cpu = time.process_time()
    for path in sorted((workspace / "releases").glob("*.yaml")):
        readiness(path, ws)
    return time.process_time() - cpu


def command(workspace: Path, site: Path) -> tuple[float, str]:
    args = [str(Path(sys.executable).parent / "pressgen"), "publish", str(workspace), "--out", str(site),
            "--now", NOW.isoformat(), "--no-downloads"]
    started = time.perf_counter()
    result = subprocess.run(args, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, result.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--releases", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--downloads", type=int, default=10, help="releases of the run with PDF/DOCX (0: none)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        for count in args.releases:
            workspace = make_campaign(Path(scratch) / f"ws{count}", count)
            site = Path(scratch) / f"site{count}"
            seconds, written, releases = run(workspace, site)
            print(f"{count} releases × 3 languages: first publish {seconds:.2f} s, {CPU[0]:.2f} s CPU "
                  f"({written} files, {releases} releases, {written / seconds:.0f} files/s)")
            seconds, written, _ = run(workspace, site)
            print(f"  no-op publish {seconds:.3f} s in-process, {CPU[0]:.3f} s CPU ({written} files written)")
            seconds, line = command(workspace, site)
            print(f"  no-op publish {seconds:.2f} s as the command, start-up included: {line}")
            cold = Path(scratch) / f"site{count}-cache"
            seconds, written, _ = run(workspace, cold)
            print(f"  first publish into a new site, release records cached: {seconds:.2f} s, {CPU[0]:.2f} s CPU")
            print(f"  the floor: reading and checking the {count} releases alone takes {floor(workspace):.2f} s CPU")
            path = workspace / "releases" / "campaign-000.yaml"
            text = path.read_text(encoding="utf-8")
            assert "Het Agentschap" in text
            path.write_text(text.replace("Het Agentschap", "Het agentschap", 1), encoding="utf-8")
            seconds, written, _ = run(workspace, site)
            print(f"  publish after changing one release's Dutch text {seconds:.2f} s ({written} files written)")
            shutil.rmtree(workspace)
        if args.downloads:
            workspace = make_campaign(Path(scratch) / "wsdl", args.downloads)
            seconds, written, _ = run(workspace, Path(scratch) / "site-dl", downloads=True)
            print(f"{args.downloads} releases × 3 languages with PDF+DOCX downloads: first publish {seconds:.1f} s "
                  f"(the builder renders {args.downloads * 6} documents)")
            seconds, written, _ = run(workspace, Path(scratch) / "site-dl2", downloads=True)
            print(f"  into a new site with the build cache warm: {seconds:.2f} s ({written} files, no document "
                  "rendered)")
            seconds, written, _ = run(workspace, Path(scratch) / "site-dl2", downloads=True)
            print(f"  no-op: {seconds:.3f} s ({written} files written)")


if __name__ == "__main__":
    main()
