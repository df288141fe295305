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
import signal
import sys
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, Protocol

from .errors import Diagnostic, PressgenError, UsageError
from .model import Release, Workspace


@dataclass(frozen=True)
class Unit:
    """One release in one language, and the formats to write."""

    workspace: Workspace
    release: Release
    lang: str
    formats: tuple[str, ...]


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
    from .localize import localize
    from .writers import get_writer

    started = time.perf_counter()
    outputs: list[Output] = []
    diagnostics: list[Diagnostic] = []
    try:
        view = localize(unit.release, unit.workspace, unit.lang)
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

    def close(self, cancel: bool = False) -> None: ...


class SerialExecutor:
    """Renders in this process, one unit after the other (-j 1)."""

    def run(self, units: Iterable[Unit]) -> Iterator[tuple[int, UnitResult]]:
        for index, unit in enumerate(units):
            yield index, render_unit(unit)

    def close(self, cancel: bool = False) -> None:
        pass


def _worker_init() -> None:
    # Ctrl-C reaches the whole process group; only the planner decides how to stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Import WeasyPrint and python-docx once per worker, not once per document.
    import pressgen.writers.docx  # noqa: F401
    import pressgen.writers.pdf  # noqa: F401


def _context() -> Any:
    if sys.platform.startswith("linux"):
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["pressgen.executors", "pressgen.writers.pdf", "pressgen.writers.docx"])
        return context
    return multiprocessing.get_context("spawn")


class PoolExecutor:
    """A pool of long-lived worker processes on this machine (-j N)."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self._pool = ProcessPoolExecutor(max_workers=jobs, mp_context=_context(), initializer=_worker_init)
        self._futures: dict[Future[UnitResult], int] = {}

    def run(self, units: Iterable[Unit]) -> Iterator[tuple[int, UnitResult]]:
        submitted: list[Unit] = []
        pending: set[Future[UnitResult]] = set()
        for unit in units:
            future = self._pool.submit(render_unit, unit)
            self._futures[future] = len(submitted)
            submitted.append(unit)
            pending.add(future)
            finished = {f for f in pending if f.done()}
            pending -= finished
            yield from self._results(finished, submitted)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            yield from self._results(finished, submitted)

    def _results(self, finished: set[Future[UnitResult]],
                 submitted: list[Unit]) -> Iterator[tuple[int, UnitResult]]:
        for future in finished:
            index = self._futures[future]
            try:
                yield index, future.result()
            except Exception as exc:  # the worker process died (killed, out of memory)
                unit = submitted[index]
                yield index, UnitResult(diagnostics=(Diagnostic(
                    unit.release.path, 1, 1, f"worker failed while rendering {unit.lang}: {exc}"),))

    def close(self, cancel: bool = False) -> None:
        if cancel:
            for future in self._futures:
                future.cancel()
            # Workers write nothing, so stopping them mid-document loses no file.
            for process in list(getattr(self._pool, "_processes", {}).values()):
                process.terminate()
        self._pool.shutdown(wait=True, cancel_futures=cancel)


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

    def close(self, cancel: bool = False) -> None:
        if cancel and self._futures:
            self._client.cancel(self._futures)
        if self._own_client:
            self._client.close()


def make_executor(kind: str, jobs: int, scheduler: str | None = None) -> Executor:
    """Return the executor for ``kind`` ('local' or 'dask'); -j 1 renders in this process."""
    if kind == "dask":
        if not scheduler:
            raise UsageError("--executor dask needs --scheduler tcp://HOST:PORT")
        return DaskExecutor(scheduler)
    if kind != "local":
        raise UsageError(f"unknown executor '{kind}' (known: local, dask)")
    return SerialExecutor() if jobs <= 1 else PoolExecutor(jobs)
