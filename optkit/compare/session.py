"""Running a sweep: skip what the database holds, execute the rest, store each run as it finishes.

:func:`run_sweep` returns every finished run in the sweep's own order (stored ones from the
database included), whatever order the executor finished them in, so ``--jobs 1``,
``--jobs N`` and Dask give the same records.  Ctrl-C stops the executor at once; the runs
that finished are kept (each was stored in its own transaction) and returned with
``interrupted = True``.  A whole-command time limit (``deadline``, ``compare --timeout``) does
the same at the deadline, with ``cut_short = True``: a SIGALRM in the main thread breaks the
wait for the next record, whichever executor is waiting.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass, field

from optkit.methods.exact_steps import BudgetExpired, time_budget


@dataclass
class SweepResult:
    records: list[dict]
    planned: int
    resumed: int = 0
    interrupted: bool = False
    cut_short: bool = False  # stopped by the whole command's time limit
    executor: str = ""
    sweep_id: int | None = None
    counts: Counter = field(default_factory=Counter)


class Progress:
    """A rich.progress bar on stderr (runs done, outcomes so far, ETA); silent unless stderr is a terminal."""

    def __init__(self, enabled: bool | None = None):
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.bar = None
        self.counts: Counter = Counter()

    def start(self, total: int, done: int) -> None:
        if not self.enabled:
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn, TimeRemainingColumn

        self.bar = Bar(TextColumn("runs"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[outcomes]}"),
                       TextColumn("ETA"), TimeRemainingColumn(), console=Console(stderr=True), transient=True)
        self.bar.start()
        self.task = self.bar.add_task("runs", total=total, completed=done, outcomes="")

    def advance(self, outcome: str) -> None:
        self.counts[outcome] += 1
        if self.bar is not None:
            text = " · ".join(f"{k} {v}" for k, v in sorted(self.counts.items(), key=lambda kv: -kv[1]))
            self.bar.update(self.task, advance=1, outcomes=text)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def run_sweep(specs: list, executor, database=None, definition: dict | None = None, command: str = "",
              progress: Progress | None = None, deadline: float | None = None) -> SweepResult:
    """Execute ``specs`` (skipping those stored in ``database``) and collect the records in spec order."""
    progress = progress or Progress(False)
    records: list = [None] * len(specs)
    todo = list(enumerate(specs))
    sweep_id = None
    if database is not None:
        keys = [spec.key() for spec in specs]
        stored = database.stored_runs(keys)
        for i, key in enumerate(keys):
            records[i] = stored.get(key)
        todo = [(i, spec) for i, spec in todo if records[i] is None]
        sweep_id = database.begin_sweep(definition or {}, command, len(specs))
    result = SweepResult([], len(specs), resumed=len(specs) - len(todo), executor=executor.describe() if todo else "",
                         sweep_id=sweep_id)
    progress.start(len(specs), result.resumed)
    tolerances = specs[0].tolerances.to_dict() if specs else {}
    seconds = None if deadline is None else deadline - time.monotonic()
    try:
        with time_budget(seconds):  # SIGALRM in the main thread: the one budget mechanism (exact_steps)
            for index, record in executor.map(todo):
                if database is not None:
                    database.save(record, sweep_id, tolerances)
                records[index] = record
                progress.advance(record["outcome"])
    except KeyboardInterrupt:
        result.interrupted = True
        executor.terminate()
    except BudgetExpired:
        result.interrupted = result.cut_short = True
        executor.terminate()
    except BaseException:
        if database is not None:  # the stored runs stay; the sweep says it did not finish
            database.end_sweep(sweep_id, "failed", sum(r is not None for r in records) - result.resumed)
        raise
    finally:
        progress.stop()
        if not result.interrupted:
            executor.close()
    result.records = [r for r in records if r is not None]
    if database is not None:
        database.end_sweep(sweep_id, "timeout" if result.cut_short else "interrupted" if result.interrupted
                           else "finished",
                           len(result.records) - result.resumed)
    return result
