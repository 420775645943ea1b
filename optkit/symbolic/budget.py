"""A time budget for sympy work (derivatives, Taylor polynomials, exact formulas).

sympy is pure Python, so an interval timer (``SIGALRM``) can stop it between two
bytecodes: :func:`time_budget` raises :class:`BudgetExceeded` (an
:class:`~optkit.errors.OptkitError`, hence one ``Error:`` line in the CLI) when the
work runs past its budget.  The budget is ``$OPTKIT_SYMPY_BUDGET`` seconds (default
:data:`DEFAULT_SECONDS`).  Signals reach only the main thread: elsewhere (a worker
thread, Windows) the work runs unbounded, as it did before.  An outer budget is
honoured: the inner one never extends it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time

from optkit.errors import OptkitError

DEFAULT_SECONDS = 10.0  # every bundled problem derives in well under a second


class BudgetExceeded(OptkitError):
    """sympy work ran out of its time budget."""


def budget_seconds() -> float:
    raw = os.environ.get("OPTKIT_SYMPY_BUDGET", "")
    try:
        value = float(raw) if raw.strip() else DEFAULT_SECONDS
    except ValueError:
        raise OptkitError(f"$OPTKIT_SYMPY_BUDGET must be a number of seconds, got {raw!r}") from None
    if not 0 < value < 1e6:
        raise OptkitError(f"$OPTKIT_SYMPY_BUDGET must be between 0 and 1e6 seconds, got {raw!r}")
    return value


def _usable() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def time_budget(what: str, seconds: float | None = None):
    """Run the body under a budget; past it, raise BudgetExceeded naming ``what`` and the budget."""
    seconds = budget_seconds() if seconds is None else seconds
    if not _usable():
        yield
        return
    outer_remaining, _ = signal.getitimer(signal.ITIMER_REAL)
    if outer_remaining and outer_remaining < seconds:  # an outer budget ends first: leave it alone
        yield
        return
    started = time.monotonic()

    def expired(signum, frame):
        raise BudgetExceeded(f"{what} ran out of its time budget of {seconds:g} s (sympy); "
                             "set $OPTKIT_SYMPY_BUDGET to allow more, or simplify the formula")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_remaining:  # restore the outer timer, less the time spent here
            signal.setitimer(signal.ITIMER_REAL, max(outer_remaining - (time.monotonic() - started), 1e-3))
