"""Test-session settings: a private derivative cache, no colour, Hypothesis profiles, the slow marker.

Hypothesis: profile ``optkit`` (no deadline: the machine is shared and noisy) for
developers; with the ``CI`` environment variable set, profile ``ci`` is loaded
instead, which also derandomises (the same examples on every run, so CI never
fails on an example nobody can reproduce).

``@pytest.mark.slow`` marks tests that take more than ~2 s on an idle machine
(measured with ``pytest --durations=30``); ``pytest -m "not slow"`` is the fast
loop.  Unmarked tests that took longer than ``SLOW_SECONDS`` are listed at the
end of the session, so the marker stays true as tests are added (a listing,
never a failure: tests make no wall-clock assertions).
"""

import os
import tempfile

from hypothesis import settings

# Derivative programs are cached per test session, so the derivation path runs too.
os.environ.setdefault("OPTKIT_CACHE_DIR", tempfile.mkdtemp(prefix="optkit-cache-"))
os.environ.pop("OPTKIT_PROBLEMS", None)
os.environ["NO_COLOR"] = "1"

settings.register_profile("optkit", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "optkit")

SLOW_SECONDS = 2.0
_unmarked_slow: list[tuple[str, float]] = []


def pytest_runtest_logreport(report):
    if report.when == "call" and report.duration > SLOW_SECONDS and "slow" not in report.keywords:
        _unmarked_slow.append((report.nodeid, report.duration))


def pytest_terminal_summary(terminalreporter):
    if _unmarked_slow:
        terminalreporter.section("tests slower than 2 s without @pytest.mark.slow")
        for nodeid, seconds in sorted(_unmarked_slow, key=lambda item: -item[1]):
            terminalreporter.write_line(f"{seconds:6.2f} s  {nodeid}")
