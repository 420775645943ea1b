"""Regenerate the figures the README shows (docs/figures/*.png): python docs/make_figures.py

Each figure is made by the optkit command printed beside it, so the README's commands and
its pictures cannot disagree.  The default comparison's profiles need ``optkit compare``
(about two minutes); pass --no-compare to skip them.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent / "figures"

COMMANDS = {
    "e10-saddle.png": "plot --fn saddle --methods newton,sfn --x0 1,0.001",
    "himmelblau-paths.png": "plot --fn himmelblau --methods newton,sfn,gd --x0 0.5,1.5",
    "himmelblau-convergence.png": "plot --fn himmelblau --methods newton,sfn,gd --x0 0.5,1.5 --convergence",
    "xor-mlp-spectrum.png": "plot --fn xor-mlp --param width=4 --methods gd,newton,sfn --spectrum --max-iter 300",
    "rosenbrock-slice.png": "plot --fn rosenbrock --n 4 --methods newton,tr-cg --x0 -1.2,1,-1.2,1 "
                            "--slice-at 1,1,1,1 --dims 0,1 --box \"-2,2 -1,3\"",
}
COMPARE = {
    "default-comparison-profiles.png": "report {db} --plot {out}",
}


def optkit() -> list[str]:
    script = Path(sys.executable).with_name("optkit")
    return [str(script)] if script.exists() else [shutil.which("optkit") or "optkit"]


def run(args: str) -> None:
    import shlex

    print("optkit " + args, flush=True)
    subprocess.run(optkit() + shlex.split(args), check=True)


def main() -> None:
    HERE.mkdir(parents=True, exist_ok=True)
    for name, command in COMMANDS.items():
        run(f"{command} --out {HERE / name}")
    if "--no-compare" in sys.argv:
        return
    db = HERE / "default-comparison.db"
    if db.exists():
        db.unlink()
    run(f"compare --save {db}")
    for name, command in COMPARE.items():
        run(command.format(db=db, out=HERE / name))
    db.unlink()


if __name__ == "__main__":
    main()
