"""compare: local worker processes and a real Dask cluster give the records of --jobs 1; hangs and crashes are caught."""

import pytest

from optkit.compare.executors import DaskExecutor, LocalExecutor
from optkit.compare.problems import select_problems
from optkit.compare.session import run_sweep
from optkit.compare.sweep import Sweep, Tolerances
from optkit.methods.specs import parse_specs

VOLATILE = ("time",)


def same_records(a, b):
    strip = [[{k: v for k, v in r.items() if k not in VOLATILE} for r in records] for records in (a, b)]
    return strip[0] == strip[1]


def tiny():
    # pure Newton walks into the saddle of x² − y² (E10), so the sweep holds a saddle end as well as minima
    return Sweep(parse_specs("newton,scipy:BFGS"), select_problems(fn=["himmelblau", "saddle"]), starts=1).runs()


@pytest.mark.slow  # the fork server's start-up and two sweeps: ~2-3 s on an idle machine
def test_two_workers_give_the_records_of_one():
    specs = tiny()
    one = run_sweep(specs, LocalExecutor(1))
    two = run_sweep(specs, LocalExecutor(2))
    assert len(one.records) == len(specs) == 8
    assert same_records(one.records, two.records)
    assert {r["outcome"] for r in one.records} >= {"minimum", "saddle"}


@pytest.mark.slow  # a real scheduler and worker on loopback: ~2-4 s
def test_dask_local_cluster_gives_the_records_of_the_local_executor():
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    specs = tiny()
    local = run_sweep(specs, LocalExecutor(1))
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp",
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        executor = DaskExecutor(cluster.scheduler_address, batch_size=4)
        assert "1 workers" in executor.describe()
        remote = run_sweep(specs, executor)
    assert same_records(local.records, remote.records)


@pytest.mark.slow
def test_unreachable_scheduler_is_one_error_within_seconds():
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    from typer.testing import CliRunner

    from optkit.cli.app import app

    result = CliRunner().invoke(app, ["compare", "--fn", "booth", "--executor", "dask", "--scheduler",
                                      "tcp://127.0.0.1:9"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: cannot reach the Dask scheduler at tcp://127.0.0.1:9 within 3 s")
    assert len(result.stderr.strip().splitlines()) == 1


HANGS = """
import os, time
import numpy as np
from optkit.problems.problem import Functions, ProblemDefinition

def build(n, mode=0):
    def f(x):
        if x[0] > 0.5 and mode == 1:
            time.sleep(60)  # a run that hangs inside one evaluation (no callback can stop it)
        if x[0] > 0.5 and mode == 2:
            os._exit(3)  # a run that kills its worker
        return float(x @ x)
    return Functions(f=f, grad=lambda x: 2 * x, hess=lambda x: 2 * np.eye(2), x0=[0.0, 0.0], box=[[-1, 1], [-1, 1]],
                     fstar=0.0)

PROBLEM = ProblemDefinition(name="trap", build=build, dimension=2, params={"mode": 0})
"""


@pytest.mark.parametrize("mode, outcome", [(1, "timeout"), (2, "failed")])
def test_a_hanging_or_crashing_run_is_recorded_and_the_sweep_goes_on(tmp_path, mode, outcome):
    (tmp_path / "trap.py").write_text(HANGS)
    refs = select_problems(fn=["trap"], params={"mode": str(mode)}, problems_dirs=[str(tmp_path)])
    sweep = Sweep(parse_specs("newton"), refs, starts=0, tolerances=Tolerances(), run_timeout=0.5, x0=(0.9, 0.0))
    healthy = Sweep(parse_specs("newton"), select_problems(fn=["booth"]), starts=0).runs()
    result = run_sweep(sweep.runs() + healthy, LocalExecutor(1, grace=0.2))
    assert [r["outcome"] for r in result.records] == [outcome, "minimum"]
    assert "worker" in result.records[0]["reason"]


@pytest.mark.slow  # starts the fork server when no earlier test did
def test_workers_run_with_one_blas_thread():
    from pathlib import Path

    executor = LocalExecutor(1)
    worker = executor._start_worker()
    try:
        environ = Path(f"/proc/{worker.process.pid}/environ")
        if not environ.exists():
            pytest.skip("no /proc on this system to read a worker's environment")
        variables = dict(item.split("=", 1) for item in environ.read_text().split("\0") if "=" in item)
        assert all(variables.get(name) == "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"))
    finally:
        worker.kill()


@pytest.mark.slow  # a real scheduler and worker on loopback: ~2-4 s
def test_a_run_hanging_inside_one_evaluation_times_out_on_dask_too(tmp_path):
    """A Dask worker cannot be killed per run; the loop's own deadline (run/deadline.py) returns the run at its
    limit while the evaluation still sleeps, so the sweep goes on (before: the task hung for the whole sleep)."""
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    # a 5 s sleep, not 60: the abandoned evaluation finishes in this process (an in-process cluster), and the
    # session's exit would wait for it
    (tmp_path / "trap.py").write_text(HANGS.replace("time.sleep(60)", "time.sleep(5)"))
    refs = select_problems(fn=["trap"], params={"mode": "1"}, problems_dirs=[str(tmp_path)])
    sweep = Sweep(parse_specs("newton"), refs, starts=0, tolerances=Tolerances(), run_timeout=0.5, x0=(0.9, 0.0))
    healthy = Sweep(parse_specs("newton"), select_problems(fn=["booth"]), starts=0).runs()
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp",
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        result = run_sweep(sweep.runs() + healthy, DaskExecutor(cluster.scheduler_address, batch_size=1))
    assert [r["outcome"] for r in result.records] == ["timeout", "minimum"]
    assert any("still being evaluated at the time limit" in n for n in result.records[0]["notes"])  # f(x0) blocks


@pytest.mark.slow  # starts worker processes and waits out a 3 s limit
def test_compare_timeout_caps_the_whole_command_and_marks_what_finished(tmp_path):
    """compare --timeout (the conventions: any command): at expiry the finished runs are shown, marked cut short;
    the database says how the sweep ended.  3,024 runs cannot finish in 3 s on any machine this runs on."""
    import json
    import sqlite3
    import subprocess
    import sys
    from pathlib import Path

    optkit_script = Path(sys.executable).with_name("optkit")
    if not optkit_script.exists():
        pytest.skip("the optkit script is not installed beside this Python")
    db = tmp_path / "runs.db"
    done = subprocess.run([str(optkit_script), "compare", "--tag", "classic", "--starts", "20", "--jobs", "1",
                           "--timeout", "3", "--format", "json", "--save", str(db)],
                          capture_output=True, text=True, timeout=60)  # a hang detector, not a speed test
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["cut_short"] is True and record["interrupted"] is False
    assert len(record["runs"]) < record["planned"] == 3024
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT state FROM sweeps").fetchone()[0] == "timeout"
