"""A time limit that holds even while one iteration overruns it.

The loop checks the deadline between iterations, which is enough until one
iteration takes longer than the limit itself: a dense solve at n = 6,000
(seconds of LAPACK, which no Python signal can interrupt), a slow user f.
The conventions ask for the answer within 2 s of ``--timeout``, so with a
limit set the loop runs on a worker thread and the caller's thread waits for
it until the deadline plus ``OVERRUN_GRACE``.  If it is still running then,
the caller takes the run as it stood after its last completed iteration
(``abandon``) and the worker is told to stop at its next record; a call that
never returns keeps its (daemon) thread until the process exits.  Ctrl-C
reaches the waiting thread at once, even during a long C call, and is
handled the same way.

A process that leaves such a worker behind should end with ``os._exit``
once its output is flushed (the CLI does, :func:`workers_left_running`):
interpreter shutdown otherwise waits for the worker's BLAS call to return,
which measured up to minutes at n = 3,000, and tearing the interpreter down
under a BLAS call still running crashed it (a segfault in OpenBLAS).  For
library users an exit handler therefore waits, up to ``EXIT_WAIT`` seconds,
for abandoned workers, which stop at their next record.
"""

from __future__ import annotations

import atexit
import threading
import time

#: Seconds past the deadline the caller waits for the loop to notice the limit itself between iterations.
OVERRUN_GRACE = 0.5


_left_running: list[threading.Thread] = []


def workers_left_running() -> bool:
    """Whether an abandoned loop is still computing on its worker thread."""
    return any(t.is_alive() for t in _left_running)


#: Seconds the exit handler waits, in all, for abandoned workers: a step that never returns must not hang
#: the exit for ever (a daemon thread frozen in Python code at shutdown is harmless; one in BLAS is not).
EXIT_WAIT = 10.0


@atexit.register
def _wait_for_abandoned_workers() -> None:
    give_up = time.monotonic() + EXIT_WAIT
    for thread in _left_running:
        thread.join(max(0.0, give_up - time.monotonic()))


class Abandoned(Exception):
    """Raised on the worker at its next record once the caller has taken the partial result."""


def run_with_deadline(loop, deadline: float, abandon):
    """``loop()`` on a worker thread; at ``deadline`` + grace, or on Ctrl-C, ``abandon(reason)`` instead.

    ``reason`` is "timeout" or "interrupted".  Exceptions of ``loop`` are
    re-raised here, on the caller's thread.
    """
    box: dict = {}

    def work():
        try:
            box["result"] = loop()
        except Abandoned:
            pass
        except BaseException as exc:  # noqa: BLE001 — handed to the caller's thread, which re-raises it
            box["error"] = exc

    worker = threading.Thread(target=work, name="optkit-run", daemon=True)
    try:
        worker.start()  # inside the try: Ctrl-C may land while start() waits for the worker to run
        worker.join(max(0.0, deadline - time.perf_counter()) + OVERRUN_GRACE)
    except KeyboardInterrupt:
        _left_running.append(worker)
        return abandon("interrupted")
    if worker.is_alive():
        _left_running.append(worker)
        return abandon("timeout")
    if "error" in box:
        raise box["error"]
    return box["result"]
