"""Where runs execute: local worker processes (``--jobs N``) or a Dask distributed cluster.

Both take ``(index, RunSpec)`` pairs and yield ``(index, record)`` as runs finish; the caller
orders the records by index, so the output does not depend on which worker ran what.  A
worker receives plain specs and rebuilds problems and methods itself
(:func:`optkit.compare.runner.execute`).

**Local.**  Each worker is a process fed one run at a time through a pipe, so a run that
hangs or crashes its worker is caught: past its hard deadline (the per-run time limit plus a
grace period; the run itself stops cooperatively at the limit) the worker is killed and the
run recorded as ``timeout``; a worker that dies is recorded as ``failed``; a fresh worker
takes over and the sweep goes on.  Workers start from a fork server that has already
imported optkit, with BLAS threads pinned to one (``OMP_NUM_THREADS`` and friends), so
``--jobs N`` uses N cores and no more.

**Dask.**  The same runs go to a Dask distributed scheduler in batches (so that thousands of
millisecond-long runs are not dominated by scheduling).  A Dask worker cannot be killed per
run, so there the per-run time limit is the loop's own (``run/deadline.py``): a run whose step
overruns it returns at the limit, while the abandoned step finishes on a thread of its own.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import signal
import time
from collections import deque
from multiprocessing.connection import wait
from typing import Iterable, Iterator

from optkit.errors import OptkitError

BLAS_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
                         "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")
GRACE = 2.0  # seconds past the per-run limit before a worker is killed
#: Imported once by the fork server, so a worker (first or replacement) starts in milliseconds.
PRELOAD = ["optkit.compare.runner", "optkit.compare.instances", "optkit.compare.references", "optkit.compare.endpoint",
           "optkit.compare.solved", "optkit.run.driver", "optkit.methods.specs", "optkit.methods.descents",
           "optkit.methods.searches", "optkit.methods.schedules", "optkit.methods.trust_region",
           "optkit.methods.subproblems", "optkit.methods.adam", "optkit.problems.registry", "scipy.optimize"]


def default_jobs() -> int:
    return os.cpu_count() or 1


def _worker_main(conn) -> None:
    """Run specs from ``conn`` until told to stop (None); Ctrl-C is the parent's to handle."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from optkit.compare.runner import execute

    while True:
        try:
            item = conn.recv()
        except EOFError:
            return
        if item is None:
            return
        index, spec = item
        conn.send((index, execute(spec)))


class _Worker:
    """One worker process and the runs it holds: the one it is running and the next, already sent.

    Keeping a second run queued in the pipe means a worker never idles while the parent (on a
    busy machine, waiting for a time slice) records the previous result.
    """

    def __init__(self, ctx):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child,), daemon=True)
        self.process.start()
        child.close()
        self.queue: deque = deque()  # (index, spec) sent, the first one running
        self.deadline = math.inf

    def send(self, item, grace: float) -> None:
        if not self.queue:
            self.deadline = time.monotonic() + item[1].run_timeout + grace
        self.queue.append(item)
        self.conn.send(item)

    def finished(self, grace: float):
        """The running item is done; the next one (already in the pipe) starts now."""
        item = self.queue.popleft()
        self.deadline = time.monotonic() + self.queue[0][1].run_timeout + grace if self.queue else math.inf
        return item

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class LocalExecutor:
    """``jobs`` worker processes; :meth:`map` yields ``(index, record)`` as runs finish."""

    name = "local"
    DEPTH = 2  # runs held by a worker at once (one running, one queued)

    def __init__(self, jobs: int | None = None, grace: float = GRACE):
        self.jobs = max(1, int(jobs or default_jobs()))
        self.grace = grace
        self.ctx = multiprocessing.get_context("forkserver")
        self.ctx.set_forkserver_preload(PRELOAD)
        self.workers: list[_Worker] = []

    def describe(self) -> str:
        return f"{self.jobs} local worker process{'es' if self.jobs > 1 else ''}"

    def _start_worker(self) -> _Worker:
        saved = {k: os.environ.get(k) for k in BLAS_THREAD_VARIABLES}
        os.environ.update({k: "1" for k in BLAS_THREAD_VARIABLES})  # inherited by the fork server and its children
        try:
            return _Worker(self.ctx)
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value

    def _fill(self, worker: _Worker, pending: deque) -> None:
        while pending and len(worker.queue) < self.DEPTH:
            worker.send(pending.popleft(), self.grace)

    def map(self, items: Iterable) -> Iterator[tuple[int, dict]]:
        from optkit.compare.runner import failed

        pending = deque(items)
        if not pending:
            return
        while len(self.workers) < min(self.jobs, len(pending)):
            self.workers.append(self._start_worker())
        for worker in self.workers:
            self._fill(worker, pending)
        while True:
            busy = [w for w in self.workers if w.queue]
            if not busy:
                return
            timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
            ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=timeout))
            for worker in busy:
                if worker.conn in ready:
                    try:
                        index, record = worker.conn.recv()
                    except (EOFError, OSError):
                        pass  # the worker died: below
                    else:
                        worker.finished(self.grace)
                        self._fill(worker, pending)
                        yield index, record
                        continue
                if worker.conn in ready or worker.process.sentinel in ready:
                    (index, spec), code = worker.queue[0], worker.process.exitcode
                    record = failed(spec, f"the worker process died during this run (exit code {code})")
                elif time.monotonic() >= worker.deadline:
                    index, spec = worker.queue[0]
                    record = failed(spec, f"no answer within the per-run time limit {spec.run_timeout:g} s "
                                          f"(+{self.grace:g} s grace): the worker was stopped", status="timeout")
                else:
                    continue
                self._replace(worker, pending)
                yield index, record

    def _replace(self, worker: _Worker, pending: deque) -> None:
        """Kill ``worker``; its queued runs go back to the front of ``pending``; a fresh worker takes its slot."""
        worker.queue.popleft()
        pending.extendleft(reversed(worker.queue))
        worker.kill()
        fresh = self._start_worker()
        self.workers[self.workers.index(worker)] = fresh
        self._fill(fresh, pending)

    def close(self) -> None:
        for worker in self.workers:
            try:
                worker.conn.send(None)
            except (OSError, BrokenPipeError):
                pass
        for worker in self.workers:
            worker.process.join(timeout=1)
            worker.kill()
        self.workers = []

    def terminate(self) -> None:
        """Stop at once (Ctrl-C): unfinished runs are dropped, never recorded."""
        for worker in self.workers:
            worker.kill()
        self.workers = []


def run_batch(batch: list) -> list:
    """A Dask task: ``[(index, spec), ...]`` → ``[(index, record), ...]``."""
    from optkit.compare.runner import execute

    return [(index, execute(spec)) for index, spec in batch]


class DaskExecutor:
    """Runs submitted in batches to the scheduler at ``address`` (``tcp://HOST:PORT``)."""

    name = "dask"
    CONNECT_TIMEOUT = 3.0

    def __init__(self, address: str, batch_size: int | None = None):
        if not address:
            raise OptkitError("--executor dask needs --scheduler tcp://HOST:PORT (the Dask scheduler's address)")
        try:
            from distributed import Client
        except ImportError:
            raise OptkitError('--executor dask needs the dask extra: pip install "optkit[dask]"') from None
        import logging

        self.address = address
        self.batch_size = batch_size
        quiet = logging.getLogger("distributed")
        level = quiet.level
        quiet.setLevel(logging.CRITICAL)  # an unreachable scheduler is our one line, not dask's log
        try:
            self.client = Client(address, timeout=self.CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError, ValueError, TypeError) as exc:
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise OptkitError(f"cannot reach the Dask scheduler at {address} within {self.CONNECT_TIMEOUT:g} s "
                              f"({detail}); start one with `dask scheduler` or check the address") from None
        finally:
            quiet.setLevel(level)

    def describe(self) -> str:
        workers = len(self.client.scheduler_info().get("workers", {}))
        return f"Dask scheduler {self.address} ({workers} workers)"

    def map(self, items: Iterable) -> Iterator[tuple[int, dict]]:
        from distributed import as_completed

        from optkit.compare.runner import failed

        items = list(items)
        if not items:
            return
        workers = max(1, len(self.client.scheduler_info().get("workers", {})))
        size = self.batch_size or max(1, min(64, math.ceil(len(items) / (4 * workers))))
        batches = [items[i:i + size] for i in range(0, len(items), size)]
        futures = self.client.map(run_batch, batches, pure=False)
        which = {future.key: batch for future, batch in zip(futures, batches)}
        for future in as_completed(futures, loop=self.client.loop):
            try:
                results = future.result()
            except Exception as exc:  # noqa: BLE001 - a lost worker fails its batch, not the sweep
                results = [(index, failed(spec, f"the Dask task failed: {type(exc).__name__}: {exc}"))
                           for index, spec in which[future.key]]
            yield from results

    def close(self) -> None:
        self.client.close()

    def terminate(self) -> None:
        self.client.close()
