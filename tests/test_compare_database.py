"""compare: the SQLite results database, resume, interruption, the read API."""

import sqlite3

import pytest

from optkit.compare.database import SCHEMA_VERSION, Database, load_runs, load_sweeps
from optkit.compare.problems import select_problems
from optkit.compare.runner import execute
from optkit.compare.session import run_sweep
from optkit.compare.sweep import Sweep
from optkit.errors import OptkitError
from optkit.methods.specs import parse_specs


class InProcess:
    """An executor that runs in this process and counts what it ran (a test double for LocalExecutor)."""

    def __init__(self, stop_after=None):
        self.ran, self.stop_after = [], stop_after

    def describe(self):
        return "in process"

    def map(self, items):
        for index, spec in items:
            if self.stop_after is not None and len(self.ran) == self.stop_after:
                raise KeyboardInterrupt
            self.ran.append(spec)
            yield index, execute(spec)

    def close(self):
        pass

    def terminate(self):
        pass


def tiny():
    return Sweep(parse_specs("newton,sfn,scipy:BFGS"), select_problems(fn=["himmelblau", "booth"]), starts=1)


def sweep_into(path, executor, sweep=None):
    sweep = sweep or tiny()
    db = Database(path)
    try:
        return run_sweep(sweep.runs(), executor, db, sweep.to_dict(), "optkit compare ...")
    finally:
        db.close()


def strip(record):
    return {k: v for k, v in record.items() if k not in ("sweep_id", "tolerances", "environment")}


def test_round_trip_and_read_api(tmp_path):
    path = tmp_path / "runs.db"
    result = sweep_into(path, InProcess())
    assert len(result.records) == 12  # 3 methods × 2 problems × 2 starts
    stored = load_runs(path)
    assert [strip(r) for r in stored] == [strip(r) for r in result.records]
    assert all(r["path"] and isinstance(r["path"][0], list) for r in stored)
    assert {r["method"] for r in load_runs(path, method="sfn")} == {"sfn"}
    assert {r["problem"] for r in load_runs(path, fn=["booth"])} == {"booth"}
    assert len(load_runs(path, sweep=1)) == 12 and load_runs(path, sweep=2) == []
    sweeps = load_sweeps(path)
    assert sweeps[0]["state"] == "finished" and sweeps[0]["runs_done"] == 12
    assert sweeps[0]["definition"]["methods"] == ["newton", "sfn", "scipy:BFGS"]
    with sqlite3.connect(path) as conn:  # the documented schema, readable with plain sqlite3
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (str(SCHEMA_VERSION),)
        row = conn.execute("SELECT numpy_version, scipy_version, optkit_version, machine FROM runs").fetchone()
        assert all(row)


def test_resume_skips_stored_runs(tmp_path):
    path = tmp_path / "runs.db"
    sweep_into(path, InProcess())
    again = InProcess()
    result = sweep_into(path, again)
    assert again.ran == [] and result.resumed == 12 and len(result.records) == 12
    bigger = Sweep(parse_specs("newton,sfn,scipy:BFGS,tr-cg"), select_problems(fn=["himmelblau", "booth"]), starts=1)
    more = InProcess()
    sweep_into(path, more, bigger)
    assert {s.method for s in more.ran} == {"tr-cg"} and len(more.ran) == 4


def test_interrupted_sweep_keeps_finished_runs_and_resumes(tmp_path):
    path = tmp_path / "runs.db"
    result = sweep_into(path, InProcess(stop_after=5))
    assert result.interrupted and len(result.records) == 5
    assert len(load_runs(path)) == 5 and load_sweeps(path)[0]["state"] == "interrupted"
    rest = InProcess()
    sweep_into(path, rest)
    assert len(rest.ran) == 7 and len(load_runs(path)) == 12


def test_a_failing_write_leaves_the_database_whole(tmp_path):
    path = tmp_path / "runs.db"
    sweep_into(path, InProcess())
    before = path.read_bytes()
    db = Database(path)
    record = execute(tiny().runs()[0])
    record["key"] = "new"
    record["evaluations"] = {"f": 1}  # a malformed record fails while the row is built
    with pytest.raises(KeyError):
        db.save(record, 1, {})
    db.close()
    assert len(load_runs(path)) == 12
    assert path.read_bytes() == before


def test_foreign_and_newer_databases_are_refused(tmp_path):
    foreign = tmp_path / "other.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER)")
    before = foreign.read_bytes()
    with pytest.raises(OptkitError, match="not an optkit results database"):
        Database(foreign)
    with pytest.raises(OptkitError, match="not an optkit results database"):
        load_runs(foreign)
    assert foreign.read_bytes() == before
    text = tmp_path / "notes.db"
    text.write_text("hello")
    with pytest.raises(OptkitError, match="not an SQLite file"):
        Database(text)
    assert text.read_text() == "hello"
    newer = tmp_path / "newer.db"
    Database(newer).close()
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    with pytest.raises(OptkitError, match="newer optkit"):
        load_runs(newer)
    with pytest.raises(OptkitError, match="no such database"):
        load_runs(tmp_path / "missing.db")


def test_progress_counts_outcomes_and_stays_quiet_without_a_terminal(capsys):
    from optkit.compare.session import Progress

    quiet = Progress()  # pytest's stderr is not a terminal
    assert not quiet.enabled
    shown = Progress(enabled=True)
    shown.start(3, 1)
    for outcome in ("minimum", "saddle", "minimum"):
        shown.advance(outcome)
    shown.stop()
    assert shown.counts == {"minimum": 2, "saddle": 1}
    assert capsys.readouterr().out == ""  # the bar never touches stdout (JSON stays clean)


def test_a_failing_sweep_keeps_its_runs_and_says_so(tmp_path):
    class Breaks(InProcess):
        def map(self, items):
            for count, item in enumerate(super().map(items)):
                if count == 4:
                    raise RuntimeError("the executor broke")
                yield item

    path = tmp_path / "runs.db"
    with pytest.raises(RuntimeError):
        sweep_into(path, Breaks())
    assert len(load_runs(path)) == 4 and load_sweeps(path)[0]["state"] == "failed"
    assert sweep_into(path, InProcess()).resumed == 4
