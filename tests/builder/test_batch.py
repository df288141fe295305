"""Batch builds: incremental rebuilds, manifest, selection, parallel and Dask executors, interrupts."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from docx import Document as DocxDocument
from helpers import ROOT, run
from pypdf import PdfReader

from pressgen import BuildOptions, build
from pressgen.builder.cache import file_digest
from pressgen.files import FolderLock

sys.path.insert(0, str(ROOT / "bench"))
from campaign import make_campaign  # noqa: E402


def built(report) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(d.path.name for o in report.outcomes for d, s in o.documents if s == "built")


@pytest.fixture
def campaign(tmp_path: Path) -> Path:
    return make_campaign(tmp_path / "campaign", 6)


def test_second_build_renders_nothing_and_says_so(campaign: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert len(built(build([campaign]))) == 36
    report = build([campaign])
    assert built(report) == [] and report.count("up-to-date") == 36
    assert run("build", str(campaign)) == 0
    assert "nothing to do: 36 document(s) up to date" in capsys.readouterr().out


def test_touching_one_release_rebuilds_exactly_its_documents(campaign: Path) -> None:
    build([campaign])
    path = campaign / "releases" / "campaign-002.yaml"
    os.utime(path)  # a touch without a change renders nothing
    assert built(build([campaign])) == []
    path.write_text(path.read_text().replace(" #2", " #2 (edited)", 1))
    assert built(build([campaign])) == sorted(f"campaign-002.{lang}.{fmt}"
                                              for lang in ("nl", "fr", "en") for fmt in ("pdf", "docx"))


def test_deleted_or_edited_output_is_rebuilt(campaign: Path) -> None:
    build([campaign])
    folder = campaign / "dist" / "campaign-001"
    (folder / "campaign-001.fr.pdf").unlink()
    docx = folder / "campaign-001.en.docx"
    docx.write_bytes(docx.read_bytes() + b"hand edit")
    assert built(build([campaign])) == ["campaign-001.en.docx", "campaign-001.fr.pdf"]


def test_dependencies_rebuild_only_what_uses_them(campaign: Path) -> None:
    build([campaign])
    config = campaign / "pressgen.yaml"
    config.write_text(config.read_text().replace("phones: [\"02 788 84 84\"]", "phones: [\"02 788 84 85\"]"))
    # Only the UNRIC releases (2 and 5) list the UNRIC press desk.
    assert {name.split(".")[0] for name in built(build([campaign]))} == {"campaign-002", "campaign-005"}
    catalog = campaign / "locales" / "fr" / "LC_MESSAGES"
    catalog.mkdir(parents=True)
    (catalog / "pressgen.po").write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                                         'msgid "Press release"\nmsgstr "Communiqué"\n')
    names = built(build([campaign]))
    assert len(names) == 12 and all(".fr." in name for name in names)
    (campaign / "templates").mkdir()
    css = (ROOT / "pressgen" / "templates" / "release.css").read_text()
    (campaign / "templates" / "release.css").write_text(css.replace("18pt", "20pt"))
    assert len(built(build([campaign]))) == 36
    assert len(built(build([campaign], BuildOptions(force=True)))) == 36


def test_manifest_lists_every_document_with_its_facts(campaign: Path) -> None:
    build([campaign], BuildOptions(tags=["wave-1"]))
    build([campaign], BuildOptions(langs=["nl"]))
    manifest = json.loads((campaign / "dist" / "manifest.json").read_text())["documents"]
    paths = [entry["path"] for entry in manifest]
    assert paths == sorted(paths)
    assert len(manifest) == 2 * 6 + 4 * 2  # wave-1 (releases 1, 5) in full, then nl of the other four
    for entry in manifest:
        path = campaign / "dist" / entry["path"]
        assert entry["sha256"] == file_digest(path) and entry["size"] == path.stat().st_size
        assert entry["release"] == path.name.split(".")[0] and entry["language"] == path.name.split(".")[1]
        assert entry["translation"] == ("source" if (entry["release"], entry["language"]) in
                                        {(f"campaign-{i:03d}", "en" if i % 3 == 2 else "nl") for i in range(6)}
                                        else "reviewed")
        assert entry["build_seconds"] > 0
        if entry["format"] == "pdf":
            assert entry["pages"] == len(PdfReader(path).pages)
        else:
            assert entry["pages"] is None


def test_tag_and_id_selection(campaign: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = build([campaign], BuildOptions(tags=["wave-2"], formats=["docx"]))
    assert built(report) == sorted(f"campaign-{n:03d}.{lang}.docx" for n in (2,) for lang in ("nl", "fr", "en"))
    monkeypatch.chdir(campaign)
    report = build(["campaign-00[34]"], BuildOptions(langs=["en"], formats=["pdf"]))
    assert built(report) == ["campaign-003.en.pdf", "campaign-004.en.pdf"]
    assert run("build", "no-such-release") == 2


def test_parallel_pool_gives_the_same_bytes_as_serial(campaign: Path, tmp_path: Path) -> None:
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    assert build([campaign], BuildOptions(out=serial, jobs=1)).ok
    report = build([campaign], BuildOptions(out=parallel, jobs=2))
    assert report.ok and len(report.worker_peak_kib) == 2
    for path in serial.rglob("*.*"):
        if path.name != "manifest.json":
            assert path.read_bytes() == (parallel / path.relative_to(serial)).read_bytes(), path


def test_dask_local_cluster_gives_the_same_bytes_as_the_local_pool(campaign: Path, tmp_path: Path) -> None:
    import distributed

    local, dask = tmp_path / "local", tmp_path / "dask"
    assert build([campaign], BuildOptions(out=local, jobs=2)).ok
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        report = build([campaign], BuildOptions(out=dask, executor="dask", scheduler=cluster.scheduler_address))
    assert report.ok and report.count("built") == 36
    for path in local.rglob("*.*"):
        if path.name != "manifest.json":
            assert path.read_bytes() == (dask / path.relative_to(local)).read_bytes(), path


def test_a_second_build_into_the_same_output_is_refused(campaign: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with FolderLock(campaign / "dist"):
        assert run("build", str(campaign)) == 1
    assert f"another pressgen build (pid {os.getpid()}) is using {campaign / 'dist'}" in capsys.readouterr().err
    assert run("build", str(campaign)) == 0


def test_plain_output_is_one_line_per_document(campaign: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("build", str(campaign), "--lang", "fr") == 0
    *lines, summary = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 12
    assert all(line.split()[0] == "built" and line.endswith((".pdf", ".docx")) for line in lines)
    assert summary.startswith("12 built, 0 up to date, 0 failed")


def descendants(pid: int) -> set[int]:
    """The processes started by ``pid``, and theirs (the fork server, the workers)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def all_gone(pids: set[int], within: float = 10.0) -> bool:
    """Whether every process in ``pids`` has ended (zombies count as ended) within ``within`` seconds."""
    def running(pid: int) -> bool:
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return False

    deadline = time.monotonic() + within
    while any(running(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def start_build(campaign: Path) -> tuple[subprocess.Popen[str], set[int]]:
    """Start `pressgen build -j 2`; return once a document is on disk, with the worker processes."""
    command = [str(Path(sys.executable).parent / "pressgen"), "build", str(campaign), "-j", "2"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first.startswith("built"), first
    return process, descendants(process.pid)


def assert_outputs_complete(campaign: Path) -> list[Path]:
    outputs = [p for p in (campaign / "dist").rglob("*") if p.is_file() and p.name != "manifest.json"]
    assert 0 < len(outputs) < 144
    assert not [p for p in outputs if p.suffix == ".tmp"]
    for path in outputs:
        if path.suffix == ".pdf":
            check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
            assert check.returncode == 0, (path, check.stdout)
        else:
            assert zipfile.ZipFile(path).testzip() is None
            assert DocxDocument(str(path)).paragraphs
    return outputs


@pytest.mark.parametrize("signals,summary", [
    ([signal.SIGINT], "interrupted:"),
    ([signal.SIGTERM], "interrupted:"),
    ([signal.SIGTERM, signal.SIGINT], "interrupted, stopped at once:"),  # the second one kills the workers
], ids=["ctrl-c", "sigterm", "twice"])
def test_interrupt_leaves_only_complete_documents(tmp_path: Path, signals: list[signal.Signals],
                                                  summary: str) -> None:
    campaign = make_campaign(tmp_path / "big", 24)
    process, workers = start_build(campaign)
    time.sleep(0.5)
    for sig in signals:
        process.send_signal(sig)
        time.sleep(0.05)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "stopping: finishing the documents being rendered" in stderr
    assert summary in stderr and "cancelled" in stderr
    assert "Traceback" not in stderr and "leaked" not in stderr  # the pool's resources were released
    assert workers and all_gone(workers)
    outputs = assert_outputs_complete(campaign)
    # What was finished is remembered: the next build renders only the rest.
    report = build([campaign])
    assert report.ok and report.count("built") == 144 - len(outputs)


def test_killing_the_build_outright_ends_its_workers(tmp_path: Path) -> None:
    campaign = make_campaign(tmp_path / "big", 24)
    process, workers = start_build(campaign)
    process.kill()
    process.communicate(timeout=60)
    assert workers and all_gone(workers)
