"""Executors run render units: in this process, in a local process pool, or on Dask.

A unit is one release in one language; rendering it means localising it once
and running each requested writer. Workers only compute: they return bytes or
structured errors and never write files or raise, so the planner alone decides
what lands on disk (atomically), and a crashed or interrupted worker cannot
leave a half-written document.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import select
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pressgen.errors import Diagnostic, PressgenError, UsageError
from pressgen.workspace.model import Release, Workspace


@dataclass(frozen=True)
class Unit:
    """One release in one language, and the formats to write."""

    workspace: Workspace
    release: Release
    lang: str
    formats: tuple[str, ...]
    draft: bool  # the draft mark, from the language's translation state


@dataclass(frozen=True)
class Output:
    format: str
    data: bytes
    pages: int | None


@dataclass(frozen=True)
class UnitResult:
    """What a worker returns: the outputs, or the problems that prevented them."""

    outputs: tuple[Output, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    seconds: float = 0.0
    worker: str = ""
    peak_rss_kib: int = 0


def render_unit(unit: Unit) -> UnitResult:
    """Render one unit; every failure is returned as diagnostics, never raised."""
    from pressgen.document.localize import localize
    from pressgen.writers import get_writer

    started = time.perf_counter()
    outputs: list[Output] = []
    diagnostics: list[Diagnostic] = []
    try:
        view = localize(unit.release, unit.workspace, unit.lang, draft=unit.draft)
        for fmt in unit.formats:
            rendered = get_writer(fmt)(view)
            outputs.append(Output(fmt, rendered.data, rendered.pages))
    except PressgenError as exc:
        diagnostics = exc.diagnostics or [Diagnostic(unit.release.path, 1, 1, str(exc))]
        outputs = []
    except Exception as exc:  # a bug in a writer must not end the batch
        diagnostics = [Diagnostic(unit.release.path, 1, 1,
                                  f"internal error while rendering {unit.lang}: {type(exc).__name__}: {exc}",
                                  "this is a bug in pressgen; please report it with the release file")]
        outputs = []
    return UnitResult(tuple(outputs), tuple(diagnostics), time.perf_counter() - started,
                      f"{os.uname().nodename}:{os.getpid()}",
                      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


class Executor(Protocol):
    """Runs units and yields (index, result) pairs as they complete.

    ``units`` may be a generator: executors start work on the first units while
    the planner is still producing the next ones.
    """

    def run(self, units: Iterable[Unit]) -> Iterator[tuple[int, UnitResult]]: ...

    def cancel(self) -> Iterator[tuple[int, UnitResult]]:
        """Start no more units; yield the results of those already being rendered."""
        ...

    def abort(self) -> None:
        """Stop at once, dropping the units being rendered."""
        ...

    def close(self) -> None: ...


class SerialExecutor:
    """Renders in this process, one unit after the other (-j 1)."""

    def run(self, units: Iterable[Unit]) -> Iterator[tuple[int, UnitResult]]:
        for index, unit in enumerate(units):
            yield index, render_unit(unit)

    def cancel(self) -> Iterator[tuple[int, UnitResult]]:
        return iter(())  # the interrupt stopped the one unit in hand: nothing is running

    def abort(self) -> None:
        pass

    def close(self) -> None:
        pass


def _worker_init(build_pid: int) -> None:
    # Ctrl-C reaches the whole process group, and a service manager may send SIGTERM
    # to all of it: only the planner decides how to stop. A worker killed while it
    # sends a result leaves half a message in the pool's pipe.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _end_with(build_pid)
    # Import WeasyPrint and python-docx once per worker, not once per document.
    import pressgen.writers.docx  # noqa: F401
    import pressgen.writers.pdf  # noqa: F401


def _end_with(build_pid: int) -> None:
    """End this worker when the build process ends, even when it is killed outright.

    A worker's parent is the fork server, which outlives a killed build as long
    as its workers do; a worker waiting for its next unit would wait forever.
    """
    def watch() -> None:
        try:
            descriptor = os.pidfd_open(build_pid)  # Linux: readable once the process ends
        except ProcessLookupError:
            os._exit(1)
        except (AttributeError, OSError):  # elsewhere: look every second
            while True:
                try:
                    os.kill(build_pid, 0)
                except ProcessLookupError:
                    os._exit(1)
                except PermissionError:
                    pass
                time.sleep(1)
        select.select([descriptor], [], [])
        os._exit(1)

    threading.Thread(target=watch, name="pressgen-watch-build", daemon=True).start()


def _context() -> Any:
    if sys.platform.startswith("linux"):
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["pressgen.builder.executors", "pressgen.writers.pdf", "pressgen.writers.docx"])
        return context
    return multiprocessing.get_context("spawn")


# What one worker may take at its peak: ~100 MiB with WeasyPrint and python-docx loaded, more while a
# release's photos are decoded and down-sampled.
WORKER_MEMORY = 200 * 2**20


def usable_cores() -> int:
    """The cores this process may run on: its CPU affinity, and its cgroup's CPU quota (a container's)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    quota = _cgroup_value("cpu.max")
    if quota and quota.split()[0] != "max":
        limit, period = (int(v) for v in quota.split()[:2])
        cores = min(cores, max(1, limit // period))
    return max(1, cores)


def available_memory() -> int | None:
    """Bytes of memory that new processes may still take: the kernel's MemAvailable, less when the
    process's cgroup (a container, a systemd slice) allows less; None where neither is known."""
    found = []
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                found.append(int(line.split()[1]) * 1024)
    except (OSError, ValueError, IndexError):
        pass
    limit, current = _cgroup_value("memory.max"), _cgroup_value("memory.current")
    if limit and limit.isdigit() and current and current.isdigit():
        found.append(max(0, int(limit) - int(current)))
    return min(found) if found else None


def _cgroup_value(name: str) -> str | None:
    """A value of this process's cgroup (v2), e.g. ``memory.max``; None when there is none to read."""
    try:
        groups = Path("/proc/self/cgroup").read_text().splitlines()
        own = next((line.split("::", 1)[1] for line in groups if line.startswith("0::")), "/")
        for folder in (Path("/sys/fs/cgroup") / own.lstrip("/"), Path("/sys/fs/cgroup")):
            if (folder / name).is_file():
                return (folder / name).read_text().strip()
    except (OSError, ValueError):
        pass
    return None


def worker_cap(jobs: int) -> tuple[int, str | None]:
    """Return how many worker processes ``-j jobs`` starts: no more than the usable cores, nor than
    the available memory holds at ``WORKER_MEMORY`` each (at least one); and, when that is fewer
    than asked, why, in words: "2 cores, 17.9 GiB memory available, 200 MiB per worker"."""
    cores = usable_cores()
    memory = available_memory()
    by_memory = max(1, memory // WORKER_MEMORY) if memory is not None else jobs
    workers = max(1, min(jobs, cores, by_memory))
    if workers >= jobs:
        return jobs, None
    why = f"{cores} core{'s' if cores != 1 else ''}"
    if memory is not None:
        why += f", {memory / 2**30:.1f} GiB memory available, {WORKER_MEMORY // 2**20} MiB per worker"
    return workers, why


class PoolExecutor:
    """A pool of long-lived worker processes on this machine (-j N, capped by :func:`worker_cap`).

    The pool is given two units per worker at a time, so no worker waits for
    work; the rest wait here. Stopping then means dropping what waits here and
    finishing or killing the few units in the pool.
    """

    def __init__(self, jobs: int) -> None:
        self.jobs = worker_cap(jobs)[0]
        self._pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=_context(), initializer=_worker_init,
                                         initargs=(os.getpid(),))
        self._units: list[Unit] = []
        self._waiting: deque[int] = deque()  # indexes of units not yet given to the pool
        self._futures: dict[Future[UnitResult], int] = {}  # given to the pool, result not yet yielded

    def run(self, units: Iterable[Unit]) -> Iterator[tuple[int, UnitResult]]:
        for unit in units:  # planning goes on while the first units render
            self._waiting.append(len(self._units))
            self._units.append(unit)
            self._fill()
            yield from self._results({f for f in self._futures if f.done()})
        while self._futures:
            finished, _ = wait(self._futures, return_when=FIRST_COMPLETED)
            yield from self._results(finished)

    def _fill(self) -> None:
        while self._waiting and len(self._futures) < 2 * self.jobs:
            index = self._waiting.popleft()
            self._futures[self._pool.submit(render_unit, self._units[index])] = index

    def _results(self, finished: set[Future[UnitResult]]) -> Iterator[tuple[int, UnitResult]]:
        for future in finished:
            index = self._futures.pop(future)
            self._fill()
            try:
                result = future.result()
            except Exception as exc:  # the worker process died (killed, out of memory)
                unit = self._units[index]
                result = UnitResult(diagnostics=(Diagnostic(
                    unit.release.path, 1, 1, f"worker failed while rendering {unit.lang}: {exc}"),))
            yield index, result

    def cancel(self) -> Iterator[tuple[int, UnitResult]]:
        # The units in the pool finish in a second or so; their documents are
        # complete, so they are kept.
        self._waiting.clear()
        while self._futures:
            finished, _ = wait(self._futures, return_when=FIRST_COMPLETED)
            yield from self._results(finished)
        self._pool.shutdown(wait=True)

    def abort(self) -> None:
        # Workers write nothing, so killing them mid-document loses no file. This
        # reaches into the pool: the standard library cannot stop a running call.
        self._waiting.clear()
        processes = list((getattr(self._pool, "_processes", None) or {}).values())
        for process in processes:
            process.kill()
        for process in processes:
            process.join()
        # A worker killed while sending its result leaves half a message, and the
        # pool's thread would wait for the rest forever. With every worker gone,
        # closing this process's end of the pipe turns that wait into an end of file.
        result_queue = getattr(self._pool, "_result_queue", None)
        if result_queue is not None:
            result_queue._writer.close()
        # No future was cancelled: Python 3.11's pool fails on a cancelled one
        # when it finds its workers dead.
        self._pool.shutdown(wait=True)

    def close(self) -> None:
        self._pool.shutdown(wait=True)


@dataclass
class DaskExecutor:
    """Runs units on a Dask distributed cluster (pip install 'pressgen[dask]').

    Workers need pressgen installed and the workspace at the same path (a shared
    folder, or a copy synced to each worker): they read templates, catalogs and
    logos from it. Documents come back as bytes and are written here.
    """

    scheduler: Any
    _client: Any = field(default=None, init=False)
    _own_client: bool = field(default=False, init=False)
    _futures: list[Any] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise UsageError("the dask executor needs dask.distributed: pip install 'pressgen[dask]'") from None
        if isinstance(self.scheduler, Client):
            self._client = self.scheduler
        else:
            try:
                self._client = Client(self.scheduler, timeout="10s")
            except OSError as exc:
                raise UsageError(f"cannot reach the Dask scheduler at {self.scheduler}: {exc}") from None
            self._own_client = True

    def run(self, units: Iterable[Unit]) -> Iterator[tuple[int, UnitResult]]:
        from distributed import as_completed

        submitted = list(units)  # planning is fast next to a cluster round trip
        self._futures = [self._client.submit(render_unit, unit, pure=False) for unit in submitted]
        index_of = {future.key: index for index, future in enumerate(self._futures)}
        for future in as_completed(self._futures):
            index = index_of[future.key]
            try:
                yield index, future.result()
            except Exception as exc:
                unit = submitted[index]
                yield index, UnitResult(diagnostics=(Diagnostic(
                    unit.release.path, 1, 1, f"dask worker failed while rendering {unit.lang}: {exc}"),))

    def cancel(self) -> Iterator[tuple[int, UnitResult]]:
        self.abort()  # cluster tasks are cheap to redo; waiting for remote ones is not worth it
        return iter(())

    def abort(self) -> None:
        if self._futures:
            self._client.cancel(self._futures)
        self.close()

    def close(self) -> None:
        if self._own_client:
            self._client.close()
            self._own_client = False


def make_executor(kind: str, jobs: int, scheduler: str | None = None) -> Executor:
    """Return the executor for ``kind`` ('local' or 'dask'); -j 1 (or a machine that has room for one
    worker only, see :func:`worker_cap`) renders in this process."""
    if kind == "dask":
        if not scheduler:
            raise UsageError("--executor dask needs --scheduler tcp://HOST:PORT")
        return DaskExecutor(scheduler)
    if kind != "local":
        raise UsageError(f"unknown executor '{kind}' (known: local, dask)")
    return SerialExecutor() if worker_cap(jobs)[0] <= 1 else PoolExecutor(jobs)
