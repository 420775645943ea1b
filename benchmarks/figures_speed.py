"""Speed of the pictures (issue 13), measured against a baseline in the same run.

1. A landscape of a closed-form 2-D problem with three paths, whole process:
   ``optkit plot --fn himmelblau --methods newton,sfn,gd --x0 0.5,1.5 --out F.png``
   against ``python -c "import matplotlib.pyplot"``, interleaved, median of REPEATS
   (target ≤ 3×).  The first run, on an empty cache, derives and classifies (both
   cached, as every later run finds them); it is reported on its own.
2. The report page of the default comparison's database, whole process:
   ``optkit report DB --html report.html`` (target ≤ 20 s).  Give DB as the second
   argument; without one the default comparison is run first (``optkit compare --save``,
   about two minutes), when this optkit has ``compare``.

Usage: python benchmarks/figures_speed.py [REPEATS] [DB]
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def optkit_command() -> list[str]:
    script = Path(sys.executable).with_name("optkit")
    if script.exists():
        return [str(script)]
    found = shutil.which("optkit")
    return [found] if found else [sys.executable, "-m", "optkit"]


def seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def landscape(repeats: int, folder: Path) -> None:
    optkit = optkit_command()
    baseline = [sys.executable, "-c", "import matplotlib.pyplot"]
    plot = optkit + ["plot", "--fn", "himmelblau", "--methods", "newton,sfn,gd", "--x0", "0.5,1.5",
                     "--out", str(folder / "landscape.png")]
    seconds(baseline)
    cold = seconds(plot)  # warm-up on an empty cache: derives, classifies and caches both
    base, ours = [], []
    for _ in range(repeats):  # interleaved, so load changes hit both alike
        base.append(seconds(baseline))
        ours.append(seconds(plot))
    b, o = statistics.median(base), statistics.median(ours)
    ratios = sorted(x / y for x, y in zip(ours, base))
    print(f"landscape, himmelblau, 3 paths (median of {repeats}, interleaved)")
    print(f"  python -c 'import matplotlib.pyplot'  {b:7.3f} s")
    print(f"  optkit plot ..., empty cache (once)   {cold:7.3f} s   ratio {cold / b:5.2f}  (derivatives and classify)")
    print(f"  optkit plot ...                       {o:7.3f} s   ratio {o / b:5.2f}  "
          f"(paired ratios {ratios[0]:.2f}–{ratios[-1]:.2f})  target ≤ 3×  {'ok' if o / b <= 3 else 'MISSED'}")


def report(db: str | None, folder: Path) -> None:
    optkit = optkit_command()
    if subprocess.run(optkit + ["report", "--help"], capture_output=True).returncode != 0:
        print("report page: this optkit has no `optkit report` (compare not installed): skipped")
        return
    if db is None:
        db = str(folder / "default.db")
        print("running the default comparison once (optkit compare --save) ...", flush=True)
        took = seconds(optkit + ["compare", "--save", db])
        print(f"  default comparison: {took:.1f} s")
    page = folder / "report.html"
    took = [seconds(optkit + ["report", db, "--html", str(page)]) for _ in range(3)]
    print(f"report page of {db}: median of 3 {statistics.median(took):.2f} s "
          f"({page.stat().st_size / 1e6:.1f} MB)  target ≤ 20 s  {'ok' if statistics.median(took) <= 20 else 'MISSED'}")


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    db = sys.argv[2] if len(sys.argv) > 2 else None
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["OPTKIT_CACHE_DIR"] = str(Path(tmp) / "cache")  # a cache of this run's own
        landscape(repeats, Path(tmp))
        report(db, Path(tmp))


if __name__ == "__main__":
    main()
