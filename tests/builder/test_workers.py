"""-j N starts no more worker processes than the machine's cores and memory hold, and says so."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from helpers import run as _run

from pressgen.builder import executors


def _pool_workers() -> int:
    """The live worker processes of this process's pools: the children of its multiprocessing fork
    server (a child of this process), read from /proc."""
    parent_of: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent_of[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue  # ended meanwhile
    servers = set()
    for pid, parent in parent_of.items():
        if parent == os.getpid():
            try:
                if b"forkserver" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    servers.add(pid)
            except OSError:
                continue
    return sum(1 for parent in parent_of.values() if parent in servers)


def test_build_j_1000_starts_no_more_workers_than_the_machine_holds(
        workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    started: list[int] = []
    close = executors.PoolExecutor.close

    def counting_close(self: executors.PoolExecutor) -> None:
        started.append(_pool_workers())  # every worker the pool started is alive until it is shut down
        close(self)

    monkeypatch.setattr(executors.PoolExecutor, "close", counting_close)
    monkeypatch.chdir(workspace)
    assert _run("build", "-j", "1000", "--force") == 0
    out, err = capsys.readouterr()
    assert "30 built, 0 up to date, 0 failed" in out  # five releases, three languages, two formats
    cap, why = executors.worker_cap(1000)
    cores = executors.usable_cores()
    if min(cap, cores) > 1:  # room for one worker only: this process renders, no pool
        assert started and 1 <= started[0] <= min(cap, cores), started
    assert cap <= cores and why is not None
    assert re.search(rf"^-j 1000: using at most {cap} workers? \({cores} cores?, [\d.]+ GiB memory available, "
                     r"200 MiB per worker\)$", err, re.M), err


def test_the_cap_follows_memory_and_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(executors, "usable_cores", lambda: 8)
    monkeypatch.setattr(executors, "available_memory", lambda: 2**30)  # 1 GiB: five workers of 200 MiB
    assert executors.worker_cap(1000) == (5, "8 cores, 1.0 GiB memory available, 200 MiB per worker")
    assert executors.worker_cap(3) == (3, None)  # within the cap: as asked, nothing said
    monkeypatch.setattr(executors, "available_memory", lambda: 50 * 2**20)
    assert executors.worker_cap(4)[0] == 1
    assert isinstance(executors.make_executor("local", 4), executors.SerialExecutor)  # room for one: no pool


def test_the_default_j_says_nothing(workspace: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(executors, "usable_cores", lambda: 1)
    monkeypatch.chdir(workspace)
    assert _run("build", "releases/unric-migrants-stigma-2014.yaml", "--lang", "en", "--format", "docx") == 0
    assert "-j " not in capsys.readouterr().err
