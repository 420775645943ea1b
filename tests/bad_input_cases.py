"""The bad-input corpus of issue 8: hand-written cases and a generator read from the Typer app.

Every case is a command line (plus, for some, files it needs and environment variables) and
what a user must see:

* ``error``  -- exactly one line on stderr, starting ``Error:``, exit code 2, no traceback;
* ``ok``     -- exit code 0, no traceback, nothing on stderr but ``Warning:`` lines; a case
  may add a ``check(stdout, stderr)`` for the right answer (silent wrong answers).

Every case must finish within :data:`HANG_SECONDS` (a hang detector, not a speed test).

``tests/test_bad_input.py`` runs the corpus in the suite.  Run this file as a script to count
cases, tracebacks and hangs with one fresh process per case (the figures of the report)::

    python tests/bad_input_cases.py            # counts; lists the failing cases
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

HANG_SECONDS = 30

# ---------------------------------------------------------------- files some cases need


def _clash_folder(root: Path) -> None:
    """A user problem file whose name is a bundled name (quartic), with another formula."""
    folder = root / "clash"
    folder.mkdir(exist_ok=True)
    (folder / "mine.toml").write_text('name = "quartic"\nformula = "x**2 + y**2"\nx0 = [1, 1]\n')


def _exit_folder(root: Path) -> None:
    """A user problem module that calls sys.exit(3) when imported."""
    folder = root / "exits"
    folder.mkdir(exist_ok=True)
    (folder / "quits.py").write_text("import sys\nsys.exit(3)\n")


def _huge_exponent_toml(root: Path) -> None:
    folder = root / "hugeexp"
    folder.mkdir(exist_ok=True)
    (folder / "hugeexp.toml").write_text('formula = "x**2 + y**2"\nx0 = ["1e-100000000", "1"]\n')


SETUPS: dict[str, Callable[[Path], None]] = {
    "clash": _clash_folder, "exits": _exit_folder, "hugeexp": _huge_exponent_toml,
}


@dataclass(frozen=True)
class Case:
    id: str
    args: tuple[str, ...]
    expect: str = "error"  # "error" or "ok"
    env: tuple[tuple[str, str], ...] = ()
    setup: str | None = None  # a key of SETUPS; "{tmp}" in args/env is the case's folder
    check: Callable[[str, str], bool] | None = field(default=None, compare=False)
    owner: str | None = None  # another helper's item: xfail(strict=False) while it still fails
    slow: bool = False  # more than ~2 s on an idle machine (sympy budgets, classify's exact path)


def _json_f(expected: float, tol: float = 1e-12):
    def check(stdout: str, stderr: str) -> bool:
        return abs(json.loads(stdout)["f"] - expected) <= tol * max(1.0, abs(expected))
    return check


def _clash_check(stdout: str, stderr: str) -> bool:
    # The user's quartic (x**2 + y**2) wins: f(1, 1) = 2 by hand; the clash is said on stderr.
    return abs(json.loads(stdout)["f"] - 2.0) < 1e-12 and "quartic" in stderr and "Warning:" in stderr


def _clash_list_check(stdout: str, stderr: str) -> bool:
    rows = json.loads(stdout)
    quartic = [r for r in rows if r["name"] == "quartic"]
    # The user's file has no source and no tags; the bundled quartic is "Course exercise E1".
    return len(quartic) == 1 and quartic[0]["tags"] == [] and "Warning:" in stderr and "quartic" in stderr


LONG = "a" * 256
E = "eval"
CASES: list[Case] = [
    # -- silent wrong answers
    Case("clash-eval", (E, "--fn", "quartic", "--problems", "{tmp}/clash", "--at", "1,1", "-f", "json"),
         "ok", setup="clash", check=_clash_check),
    Case("clash-list", ("list", "--problems", "{tmp}/clash", "-f", "json"), "ok", setup="clash",
         check=_clash_list_check),
    Case("vars-e", (E, "--expr", "e*x", "--vars", "e,x", "--at", "1,1", "-f", "json"), "ok",
         check=_json_f(1.0)),  # the declared variable e wins: f(1, 1) = 1·1 by hand
    Case("vars-pi", (E, "--expr", "pi + x", "--vars", "pi,x", "--at", "2,3", "-f", "json"), "ok",
         check=_json_f(5.0)),  # 2 + 3 by hand
    # -- literals out of float range
    Case("tiny-literal", (E, "--expr", "1e-400*x", "--at", "1")),
    Case("overflow-product", (E, "--expr", "1e308*1e308*x", "--at", "1")),
    Case("at-400-digits", (E, "--fn", "quartic", "--at", "9" * 400 + ",1")),
    Case("x0-400-digits", ("run", "gd", "--fn", "quartic", "--x0", "9" * 400 + ",1")),
    Case("nan-hessian-3", (E, "--expr", "sqrt(x+y+z)", "--at", "-1,-1,-1"), "ok"),
    Case("power-tower", (E, "--expr", "**".join(["x"] * 60), "--at", "1"), env=(("OPTKIT_SYMPY_BUDGET", "3"),),
         slow=True),
    Case("output-dev-full", ("run", "gd", "--fn", "quartic", "--max-iter", "2", "--output", "/dev/full")),
    Case("output-dev-full-json", ("run", "gd", "--fn", "quartic", "--max-iter", "2", "-f", "json",
                                  "--output", "/dev/full")),
    Case("fn-256", (E, "--fn", LONG)),
    Case("show-256", ("show", LONG)),
    Case("problems-long-path", ("list", "--problems", "/" + "/".join([LONG] * 20))),
    Case("env-long-path", ("list",), env=(("OPTKIT_PROBLEMS", "/" + "/".join([LONG] * 20)),)),
    # a dense Hessian that cannot fit is refused before it is allocated (newton needs it) ...
    Case("param-width-huge", ("run", "newton", "--fn", "xor-mlp", "--param", "width=100000", "--max-iter", "1")),
    # ... while eval beyond n = 2,000 forms none (extreme Ritz values from Hessian-vector products): it answers
    Case("param-width-huge-eval", (E, "--fn", "xor-mlp", "--param", "width=100000"), "ok"),
    Case("n-huge", (E, "--fn", "rosenbrock", "--n", "1000000000")),
    Case("n-huge-run", ("run", "gd", "--fn", "rosenbrock", "--n", "1000000000", "--max-iter", "1")),
    Case("newton-log-armijo", ("run", "newton", "--expr", "log(x)", "--x0", "1", "--line-search", "armijo"),
         "ok"),  # ends "failed: no finite shift" once ‖H‖ overflows near x = 0
    # -- hangs: huge decimal exponents everywhere a number is read
    Case("at-huge-exp", (E, "--fn", "quartic", "--at", "1e-100000000,1")),
    Case("at-huge-exp-pos", (E, "--fn", "quartic", "--at", "1e100000000,1")),
    Case("x0-huge-exp", ("run", "gd", "--fn", "quartic", "--x0", "1e-100000000,1")),
    Case("box-huge-exp", ("classify", "--fn", "quartic", "--box", "-1e100000000,1 -1,1")),
    Case("expr-huge-exp", (E, "--expr", "1e-100000000*x", "--at", "1")),
    Case("lr-huge-exp", ("run", "gd", "--fn", "quartic", "--lr", "1e-100000000")),
    Case("opt-huge-exp", ("run", "gd", "--fn", "quartic", "--opt", "lr=1e100000000")),
    Case("gtol-huge-exp", ("run", "gd", "--fn", "quartic", "--gtol", "1e-100000000")),
    Case("param-huge-exp", (E, "--fn", "quadratic", "--param", "cond=1e100000000")),
    Case("toml-huge-exp", (E, "--fn", "hugeexp", "--problems", "{tmp}/hugeexp"), setup="hugeexp"),
    Case("taylor-12-budget", (E, "--expr", "exp(sin(x)*cos(y))/(1+x**2+y**2)", "--at", "0,0", "--taylor", "12"),
         env=(("OPTKIT_SYMPY_BUDGET", "3"),), slow=True),
    # -- messages
    Case("lr-empty", ("run", "gd", "--fn", "quartic", "--lr", ""),
         check=lambda out, err: "empty formula" in err and "--lr" in err),
    Case("seed-negative", ("run", "gd", "--fn", "quartic", "--seed", "-1"),
         check=lambda out, err: "--seed" in err),
    Case("env-bad-folder", ("list",), env=(("OPTKIT_PROBLEMS", "/no/such/folder"),),
         check=lambda out, err: "OPTKIT_PROBLEMS" in err),
    Case("fn-init", (E, "--fn", "__init__")),
    Case("n-abc", (E, "--fn", "rosenbrock", "--n", "abc")),
    Case("run-n-abc", ("run", "gd", "--fn", "rosenbrock", "--n", "abc")),
    Case("unknown-option", (E, "--bogus", "1")),
    Case("missing-argument", ("show",)),
    Case("unknown-command", ("frobnicate",)),
    Case("output-empty", ("run", "gd", "--fn", "quartic", "--max-iter", "2", "--output", "")),
    Case("list-sys-exit", ("list", "--problems", "{tmp}/exits"), "ok", setup="exits",
         check=lambda out, err: "quits.py" in err and "SystemExit" in err),
    Case("hex-number", (E, "--fn", "quartic", "--at", "0x10,1")),
    Case("underscore-number", (E, "--fn", "quartic", "--at", "1_000,1")),
    Case("expr-hex", (E, "--expr", "0x10*x", "--at", "1")),
    Case("eig-tol-inf-eval", (E, "--fn", "quartic", "--at", "0,0", "--eig-tol", "inf")),
    Case("eig-tol-inf-classify", ("classify", "--fn", "quartic", "--eig-tol", "inf")),
    Case("eig-tol-nan-classify", ("classify", "--fn", "quartic", "--eig-tol", "nan")),
    Case("classify-seed-negative", ("classify", "--fn", "quartic", "--seed", "-1"),
         check=lambda out, err: "--seed" in err),
    Case("syntax-warning", (E, "--expr", "1(2)*x", "--at", "1")),
    Case("runtime-warning", (E, "--expr", "log(x)", "--at", "-1"), "ok",
         check=lambda out, err: "RuntimeWarning" not in err),
    # -- owned by other helpers (xfail while they still fail; the exact-mode ones pass since main's loop merge)
    Case("classify-timeout-inf", ("classify", "--fn", "quartic", "--timeout", "inf"), "ok"),  # inf: no cap
    Case("classify-starts-huge", ("classify", "--fn", "quartic", "--method", "numeric",
                                  "--starts", "99999999999999999999999")),
    Case("classify-wide-box", ("classify", "--fn", "quartic", "--method", "numeric",
                               "--box", "-1e308,1e308 -1e308,1e308")),
    Case("exact-zero-schedule", ("run", "gd", "--fn", "quartic", "--schedule", "(1 - k/3)/4", "--exact"), slow=True),
    Case("exact-pole-schedule", ("run", "gd", "--expr", "x**2", "--x0", "1", "--schedule", "1/(2-k)", "--exact"),
         "ok"),
    Case("exact-4300-digits", ("run", "gd", "--expr", "x**4", "--x0", "1/2", "--lr", "1/10", "--exact",
                               "--max-iter", "50"), "ok"),
]

# ---------------------------------------------------------------- the generator

#: Values malformed for every option that takes a value: the empty text, a non-number, a
#: number beyond every range, a hostile exponent, unbalanced brackets.
MALFORMED = ("", "nan", "(((", "1e-100000000", "9" * 400, "x" * 5000, "-")

#: A valid command line for each command, which the generator breaks one option at a time.
BASELINES = {
    "list": ("list",),
    "show": ("show", "quartic"),
    "eval": (E, "--fn", "quartic", "--at", "0,0"),
    "classify": ("classify", "--fn", "quartic", "--method", "exact"),
    "run": ("run", "gd", "--fn", "quartic", "--max-iter", "2"),
    "methods": ("methods",),
    "compare": ("compare", "--methods", "gd", "--fn", "quartic", "--max-iter", "2", "--jobs", "1"),
}
EXPR_BASELINES = {  # for --expr and --vars, which need an --expr instead of --fn
    "eval": (E, "--expr", "x**2 + y**2", "--at", "0,0"),
    "classify": ("classify", "--expr", "x**2 + y**2", "--method", "exact"),
    "run": ("run", "gd", "--expr", "x**2 + y**2", "--x0", "1,1", "--max-iter", "2"),
}

#: (command, option, value) that are legitimately valid: listed here, never skipped silently.
VALID = {("run", "--output", v) for v in MALFORMED if v}  # any non-empty text is a file name
VALID |= {("run", "--every", "9" * 400)}  # a stride beyond the run shows its first and last iterations

#: Options of another helper's items (issue 8's classify part): xfail(strict=False) while they fail.
OWNED: dict = {}
# --timeout caps the whole command; a value past the float range is inf, which means "no cap" (the
# exact path keeps its own finite --exact-budget), so it is a correct result, not an error.
VALID |= {(command, "--timeout", "9" * 400) for command in ("classify", "compare")}
# Found by the generator when compare landed on main (15:30, the hand-off): not yet judged -- some
# (--save NAME) may be valid values to move into VALID, the others are compare's to fix.
# Judged at integration: any non-empty text but '-' names a database file (sqlite3 creates it).
VALID |= {("compare", "--save", v) for v in ("nan", "(((", "1e-100000000")}


def command_options():
    """(command name, parameter) for every option and argument that takes a value, from the app."""
    import typer.main

    from optkit.cli.app import app

    group = typer.main.get_command(app)
    for name, command in sorted(group.commands.items()):
        for param in command.params:
            if getattr(param, "is_flag", False) or getattr(param, "count", False):
                continue
            if "--help" in getattr(param, "opts", ()):
                continue
            yield name, param


def generated_cases() -> list[Case]:
    cases = []
    for command, param in command_options():
        flag = param.opts[0] if param.param_type_name == "option" else None
        for value in MALFORMED:
            if (command, flag, value) in VALID:
                continue
            # A command without a baseline yet is still covered, from its bare name.
            base = EXPR_BASELINES[command] if flag in ("--expr", "--vars") and command in EXPR_BASELINES \
                else BASELINES.get(command, (command,))
            base = _without(base, flag, param)
            if flag is None:  # a positional argument: put the value in its place
                args = (command, value, *base[2:]) if len(base) >= 2 else (command, value)
            else:
                args = (*base, flag, value)
            shown = value if len(value) < 20 else f"{value[:6]}..{len(value)}"
            cases.append(Case(f"gen:{command}:{flag or param.name}={shown}", tuple(args),
                              owner=OWNED.get((command, flag, value))))
    return cases


def _without(base: tuple, flag: str | None, param) -> tuple:
    """The baseline without the option under test (so the malformed value is the one used)."""
    names = set(param.opts) | set(getattr(param, "secondary_opts", ()))
    out, skip = [], False
    for token in base:
        if skip:
            skip = False
            continue
        if token in names:
            skip = True
            continue
        out.append(token)
    return tuple(out)


def all_cases() -> list[Case]:
    return CASES + generated_cases()


# ---------------------------------------------------------------- judging one run


def prepare(case: Case, root: Path) -> tuple[list[str], dict[str, str]]:
    if case.setup:
        SETUPS[case.setup](root)
    args = [a.replace("{tmp}", str(root)) for a in case.args]
    env = {k: v.replace("{tmp}", str(root)) for k, v in case.env}
    return args, env


def verdict(case: Case, code: int | None, stdout: str, stderr: str) -> str | None:
    """None when the run is what the user must see, else the reason it is not."""
    if code is None:
        return "hang"
    if "Traceback" in stderr or "Traceback" in stdout:
        return "traceback"
    lines = [line for line in stderr.splitlines() if line.strip()]
    if case.expect == "error":
        if code != 2:
            return f"exit {code}, expected 2"
        if len(lines) != 1 or not lines[0].startswith("Error:"):
            return f"stderr is not one Error: line: {stderr[:200]!r}"
    else:
        if code != 0:
            return f"exit {code}, expected 0: {stderr[:200]!r}"
        if any(not line.startswith("Warning:") for line in lines):
            return f"stray stderr: {stderr[:200]!r}"
    if case.check is not None:
        try:
            if not case.check(stdout, stderr):
                return f"wrong answer: {stdout[:200]!r} / {stderr[:200]!r}"
        except Exception as exc:  # a check that cannot read the output is a wrong answer
            return f"wrong answer ({type(exc).__name__}): {stdout[:200]!r} / {stderr[:200]!r}"
    return None


def run_in_subprocess(case: Case, root: Path, timeout: float = HANG_SECONDS):
    args, env = prepare(case, root)
    full_env = {**os.environ, **env}
    full_env.setdefault("OPTKIT_CACHE_DIR", str(root / "cache"))
    cmd = [sys.executable, "-c", "from optkit.cli.app import main; main()", *args]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=root, env=full_env,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return None, "", ""
    return done.returncode, done.stdout, done.stderr


def main() -> None:
    import concurrent.futures

    cases = all_cases()
    if len(sys.argv) > 1:
        cases = [c for c in cases if any(pattern in c.id for pattern in sys.argv[1:])]

    def one(case):
        with tempfile.TemporaryDirectory() as tmp:
            code, out, err = run_in_subprocess(case, Path(tmp))
            return case, code, out, err, verdict(case, code, out, err)

    counts = {"cases": 0, "pass": 0, "traceback": 0, "hang": 0, "other": 0}
    with concurrent.futures.ThreadPoolExecutor(max_workers=int(os.environ.get("JOBS", "2"))) as pool:
        for case, code, out, err, why in pool.map(one, cases):
            counts["cases"] += 1
            if why is None:
                counts["pass"] += 1
                continue
            kind = why if why in ("traceback", "hang") else "other"
            counts[kind] += 1
            owner = f" [owner: {case.owner}]" if case.owner else ""
            print(f"FAIL {case.id}{owner}: {why}", flush=True)
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
