"""Campaign benchmark: a synthetic campaign built the way a launch team builds it.

    .venv/bin/python bench/batch.py [--releases 100] [--jobs CORES] [--no-alternative]

Prints, in one run: documents per second at -j1 and at -j cores (and their
ratio), the wall time of a no-op rebuild (the real command, start-up included),
the rebuild after editing one release, peak memory per worker, and, where
pandoc and soffice are installed, the usual alternative on the same texts
(Markdown -> DOCX with pandoc, then DOCX -> PDF in one LibreOffice call).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from campaign import make_campaign  # noqa: E402

from pressgen import BuildOptions, build, load_release, load_workspace  # noqa: E402
from pressgen.workspace.model import pick  # noqa: E402


def timed_build(workspace: Path, jobs: int, out: Path) -> tuple[float, int, dict[str, int]]:
    report = build([workspace], BuildOptions(jobs=jobs, out=out, force=True))
    assert report.ok, "build failed"
    return report.seconds, report.count("built"), report.worker_peak_kib


def cli_seconds(workspace: Path, jobs: int) -> tuple[float, str]:
    command = [str(Path(sys.executable).parent / "pressgen"), "build", str(workspace), "-j", str(jobs)]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, result.stdout.strip().splitlines()[-1]


def markdown_of(path: Path, workspace_root: Path, lang: str) -> str:
    """The same release as one Markdown file, as a team without pressgen would write it."""
    workspace = load_workspace(workspace_root)
    release = load_release(path, workspace)
    text = release.text[lang]
    org = workspace.config.organizations[release.organization]
    contacts = [workspace.config.contacts[c] if isinstance(c, str) else c for c in release.contacts]
    lines = [f"**{pick(org.name, lang)}**", "", str(release.date), "", f"# {text.headline}", ""]
    if text.subheadline:
        lines += [f"*{text.subheadline}*", ""]
    lines += [f"**({text.dateline})** – {text.body}", "", "###", "", pick(org.boilerplate, lang) or "", ""]
    for contact in contacts:
        lines += [f"**{contact.name}**  ", f"{contact.email}  ", ", ".join(contact.phones), ""]
    return "\n".join(lines)


def alternative(workspace: Path, scratch: Path) -> tuple[float, int, int] | None:
    if not (shutil.which("pandoc") and shutil.which("soffice")):
        return None
    config = load_workspace(workspace).config
    sources = []
    for path in sorted((workspace / "releases").glob("*.yaml")):
        for lang in config.languages:
            source = scratch / "md" / f"{path.stem}.{lang}.md"
            source.parent.mkdir(parents=True, exist_ok=True)
            source.write_text(markdown_of(path, workspace, lang), encoding="utf-8")
            sources.append(source)
    docx_dir, pdf_dir = scratch / "docx", scratch / "pdf"
    docx_dir.mkdir()
    started = time.perf_counter()
    for source in sources:
        subprocess.run(["pandoc", str(source), "-o", str(docx_dir / (source.stem + ".docx"))], check=True)
    profile = (scratch / "lo-profile").as_uri()
    # One LibreOffice call for the batch; it quietly stops after about 250 files
    # (exit status 0), so call again for the rest, as a team would have to.
    calls = 0
    while missing := [p for p in sorted(docx_dir.glob("*.docx")) if not (pdf_dir / (p.stem + ".pdf")).exists()]:
        if calls == 10:
            raise SystemExit(f"LibreOffice did not convert {len(missing)} files")
        subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(pdf_dir), *map(str, missing)], check=True, capture_output=True)
        calls += 1
    seconds = time.perf_counter() - started
    return seconds, len(sources) + len(list(pdf_dir.glob("*.pdf"))), calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--no-alternative", action="store_true", help="skip the pandoc + LibreOffice timing")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="pressgen-bench-") as temporary:
        scratch = Path(temporary)
        workspace = make_campaign(scratch / "campaign", args.releases)
        print(f"campaign: {args.releases} releases x 3 languages x 2 formats, {os.cpu_count()} cores")

        seconds_1, docs_1, _ = timed_build(workspace, 1, scratch / "serial")
        rate_1 = docs_1 / seconds_1
        print(f"-j1      {docs_1} documents in {seconds_1:6.1f} s   {rate_1:6.2f} documents/s")
        seconds_n, docs_n, peaks = timed_build(workspace, args.jobs, workspace / "dist")
        rate_n = docs_n / seconds_n
        print(f"-j{args.jobs:<6} {docs_n} documents in {seconds_n:6.1f} s   {rate_n:6.2f} documents/s   "
              f"speed-up {rate_n / rate_1:.2f}x")
        for worker, kib in sorted(peaks.items()):
            print(f"  worker {worker}: peak memory {kib / 1024:.0f} MiB")

        noop, said = cli_seconds(workspace, args.jobs)
        print(f"no-op rebuild (pressgen build, wall time with start-up): {noop:.2f} s   [{said}]")
        edited = workspace / "releases" / "campaign-007.yaml"
        edited.write_text(edited.read_text(encoding="utf-8").replace(" #7", " #7 (edited)", 1), encoding="utf-8")
        touched, said = cli_seconds(workspace, args.jobs)
        print(f"rebuild after editing one release: {touched:.2f} s   [{said}]")

        if args.no_alternative:
            return
        result = alternative(workspace, scratch / "alternative")
        if result is None:
            print("pandoc + LibreOffice: not installed, skipped")
            return
        alt_seconds, alt_docs, calls = result
        alt_rate = alt_docs / alt_seconds
        print(f"pandoc + LibreOffice: {alt_docs} documents in {alt_seconds:6.1f} s   {alt_rate:6.2f} documents/s   "
              f"({calls} LibreOffice call(s))")
        print(f"pressgen -j{args.jobs} vs pandoc + LibreOffice: {rate_n / alt_rate:.2f}x the documents per second")


if __name__ == "__main__":
    main()
