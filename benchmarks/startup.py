"""Start-up cost of the CLI against the bare numpy import, measured in one run.

Targets (issue 2): ``optkit --help`` within 2x ``python -c "import numpy"``,
``optkit eval --fn course-2.2 --at 0,0`` within 3x.  Each command runs REPEATS
times after one untimed warm-up (which also fills the derivative cache); the
median wall time is reported.  Usage: python benchmarks/startup.py [REPEATS]
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def optkit_command() -> list[str]:
    script = Path(sys.executable).with_name("optkit")
    if script.exists():
        return [str(script)]
    found = shutil.which("optkit")
    return [found] if found else [sys.executable, "-m", "optkit"]


def median_seconds(command: list[str], repeats: int) -> float:
    subprocess.run(command, check=True, capture_output=True)  # warm-up (and cache fill)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    optkit = optkit_command()
    cases = {
        "python -c 'import numpy'": [sys.executable, "-c", "import numpy"],
        "optkit --help": optkit + ["--help"],
        "optkit eval --fn course-2.2 --at 0,0": optkit + ["eval", "--fn", "course-2.2", "--at", "0,0"],
    }
    targets = {"optkit --help": 2.0, "optkit eval --fn course-2.2 --at 0,0": 3.0}
    results = {name: median_seconds(cmd, repeats) for name, cmd in cases.items()}
    baseline = results["python -c 'import numpy'"]
    print(f"median of {repeats} runs each")
    print(f"{'command':42} {'seconds':>8} {'ratio':>7} {'target':>7}")
    for name, seconds in results.items():
        target = targets.get(name)
        verdict = "" if target is None else ("ok" if seconds / baseline <= target else "MISSED")
        print(f"{name:42} {seconds:8.3f} {seconds / baseline:7.2f} {('≤ %.0fx' % target) if target else '':>7} {verdict}")


if __name__ == "__main__":
    main()
