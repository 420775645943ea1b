"""Speed of ``optkit compare``, each figure a ratio against a baseline measured in the same run.

1. The default sweep (``optkit compare`` with no arguments: 8 methods × the classic problems ×
   6 starts), whole command, wall time.  Target: about two minutes on a 2-core machine.
2. ``--jobs 2`` against ``--jobs 1`` on a sweep of ≥ 200 runs (same runs, interleaved, median
   of REPEATS).  Target: ≥ 1.6×.
3. The sweep machinery's own cost per run (hand-off to a worker, the solved rule, recording,
   the database) on 2-D problems: a ``--jobs 1`` sweep saving to a database against a plain
   loop over ``optkit.minimize`` making the same runs in this process.  Target: < 5 ms per run.
4. A fully resumed sweep (every run stored) against the original, whole command.
   Target: < 10 %.

The machine may be shared (other processes compete for the cores); the load average is
printed beside the figures, and only medians and ratios are quoted.

Usage: python benchmarks/compare_speed.py [REPEATS] [--skip-default]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OPTKIT = [sys.executable, "-m", "optkit"]
JOBS_SWEEP = ["--methods", "newton+armijo,tr-exact,tr-cg,sfn,scipy:BFGS", "--tag", "classic", "--starts", "10"]
OVERHEAD_METHODS = "newton+armijo,tr-exact,tr-cg,sfn"


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def load() -> str:
    return "load average " + " ".join(f"{v:.1f}" for v in os.getloadavg()) + f" on {os.cpu_count()} cores"


def default_sweep(folder: Path) -> float:
    print(f"1. default sweep (`optkit compare --save`, {load()})")
    seconds = wall(OPTKIT + ["compare", "--format", "json", "--save", str(folder / "default.db")])
    print(f"   {seconds:.1f} s   (target: about 120 s)\n")
    return seconds


def jobs_speedup(repeats: int) -> None:
    from optkit.compare.executors import LocalExecutor
    from optkit.compare.problems import select_problems
    from optkit.compare.session import run_sweep
    from optkit.compare.sweep import Sweep
    from optkit.methods.specs import parse_specs

    specs = Sweep(parse_specs(JOBS_SWEEP[1]), select_problems(tag=["classic"]), starts=2).runs()
    run_sweep(specs[:4], LocalExecutor(2))  # warm-up: the fork server, the derivative cache
    times = {1: [], 2: []}
    for _ in range(repeats):
        for jobs in (1, 2):
            start = time.perf_counter()
            run_sweep(specs, LocalExecutor(jobs))
            times[jobs].append(time.perf_counter() - start)
    one, two = statistics.median(times[1]), statistics.median(times[2])
    ceiling = pool_ceiling(repeats)
    print(f"2. --jobs 2 against --jobs 1, {len(specs)} runs, median of {repeats} ({load()})")
    print(f"   jobs 1: {one:.2f} s   jobs 2: {two:.2f} s   speed-up {one / two:.2f}×   (target ≥ 1.6×)")
    print(f"   the machine's own ceiling now: a multiprocessing.Pool of a pure-Python loop, 2 processes against 1: "
          f"{ceiling:.2f}×\n")


def _burn(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def pool_ceiling(repeats: int) -> float:
    """Speed-up of 2 processes over 1 on work with no hand-off at all: what --jobs 2 can reach at best."""
    import multiprocessing

    times = {1: [], 2: []}
    for _ in range(repeats):
        for processes in (1, 2):
            start = time.perf_counter()
            with multiprocessing.get_context("fork").Pool(processes) as pool:
                pool.map(_burn, [2_000_000] * 4)
            times[processes].append(time.perf_counter() - start)
    return statistics.median(times[1]) / statistics.median(times[2])


def machinery_cost(repeats: int) -> None:
    import numpy as np

    from optkit.compare.database import Database
    from optkit.compare.executors import LocalExecutor
    from optkit.compare.instances import build_problem
    from optkit.compare.problems import select_problems
    from optkit.compare.session import run_sweep
    from optkit.compare.sweep import Sweep
    from optkit.methods.specs import parse_specs
    from optkit.run.driver import minimize

    refs = [r for r in select_problems(tag=["classic"]) if r.n == 2]
    sweep = Sweep(parse_specs(OVERHEAD_METHODS), refs, starts=5)
    specs = sweep.runs()

    def plain() -> None:
        for spec in specs:
            minimize(build_problem(spec.problem), spec.method, np.asarray(spec.x0), eig=False,
                     options={**spec.tolerances.common(), "seed": spec.seed})

    def machinery() -> None:
        with tempfile.TemporaryDirectory() as folder:
            db = Database(Path(folder) / "runs.db")
            try:
                run_sweep(specs, LocalExecutor(1), db, sweep.to_dict())
            finally:
                db.close()

    def inline() -> None:
        from optkit.compare.runner import execute

        with tempfile.TemporaryDirectory() as folder:
            db = Database(Path(folder) / "runs.db")
            sweep_id = db.begin_sweep(sweep.to_dict(), "", len(specs))
            try:
                for spec in specs:
                    db.save(execute(spec), sweep_id, spec.tolerances.to_dict())
            finally:
                db.close()

    plain()
    machinery()  # warm-up
    times = {"plain": [], "sweep": [], "inline": []}
    cpu = {"plain": [], "sweep": [], "inline": []}
    for _ in range(repeats):
        for name, fn in (("plain", plain), ("sweep", machinery), ("inline", inline)):
            start, start_cpu = time.perf_counter(), time.process_time()
            fn()
            times[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - start_cpu)
    a, b = statistics.median(times["plain"]), statistics.median(times["sweep"])
    cpu_plain, cpu_inline = statistics.median(cpu["plain"]), statistics.median(cpu["inline"])
    handoff = _handoff_cpu(specs)
    print(f"3. machinery per run, {len(specs)} runs on 2-D problems, median of {repeats} ({load()})")
    print(f"   wall: plain loop over optkit.minimize {a:.2f} s, sweep (--jobs 1, --save) {b:.2f} s: "
          f"{(b - a) / len(specs) * 1000:.2f} ms per run   (target < 5 ms)")
    print(f"   CPU, in this process (robust on a shared machine): minimize {cpu_plain / len(specs) * 1000:.2f} ms, "
          f"execute() + database.save() {cpu_inline / len(specs) * 1000:.2f} ms per run; "
          f"+ hand-off (pickling spec and record both ways) {handoff * 1000:.2f} ms")
    print(f"   machinery = {((cpu_inline - cpu_plain) / len(specs) + handoff) * 1000:.2f} ms CPU per run\n")


def _handoff_cpu(specs) -> float:
    """CPU seconds per run to pickle a spec and its record and read them back (what the pipe carries)."""
    import pickle

    from optkit.compare.runner import execute

    pairs = [(spec, execute(spec)) for spec in specs[:100]]
    start = time.process_time()
    for spec, record in pairs:
        pickle.loads(pickle.dumps(spec))
        pickle.loads(pickle.dumps(record))
    return (time.process_time() - start) / len(pairs)


def resume_ratio(folder: Path, default_seconds: float | None) -> None:
    print(f"4. fully resumed sweep against the original, whole command, median of 3 resumes ({load()})")
    if default_seconds is not None:
        command = OPTKIT + ["compare", "--format", "json", "--save", str(folder / "default.db")]
        resumed = statistics.median(wall(command) for _ in range(3))
        print(f"   default sweep: original {default_seconds:.2f} s   resumed {resumed:.2f} s   "
              f"ratio {resumed / default_seconds:.1%}   (target < 10 %)")
    command = OPTKIT + ["compare", *JOBS_SWEEP, "--jobs", "2", "--save", str(folder / "small.db"), "--format", "json"]
    full = wall(command)
    resumed = statistics.median(wall(command) for _ in range(3))
    print(f"   {JOBS_SWEEP[1]} × classic × 3 starts: original {full:.2f} s   resumed {resumed:.2f} s   "
          f"ratio {resumed / full:.1%}   (a resume costs a fixed ~1–2 s: start-up, rebuilding the problems for "
          "the keys, reading the runs back)\n")


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    repeats = int(args[0]) if args else 3
    print(f"optkit compare speed; {load()}")
    try:
        autogroup = Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() == "1"
    except OSError:
        autogroup = False
    if autogroup and os.getloadavg()[0] > (os.cpu_count() or 1):
        print("note: the kernel shares CPU between sessions (autogroup) and other sessions keep the cores busy, so\n"
              "      more worker processes in this session get little more CPU: --jobs speed-ups are understated")
    print()
    with tempfile.TemporaryDirectory() as folder:
        default_seconds = None if "--skip-default" in sys.argv else default_sweep(Path(folder))
        jobs_speedup(repeats)
        machinery_cost(repeats)
        resume_ratio(Path(folder), default_seconds)


if __name__ == "__main__":
    main()
