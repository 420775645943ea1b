"""The results database (``--save runs.db``): SQLite through Python's ``sqlite3``, no server.

Schema (version :data:`SCHEMA_VERSION`; documented in the README for ``sqlite3`` and
``pandas.read_sql`` users):

* ``meta(key, value)``: ``application = optkit-compare`` and ``schema_version``.  A file
  without them is not ours and is refused; a newer schema is refused; neither is written to.
* ``sweeps``: one row per ``optkit compare`` invocation: its definition (JSON), command line,
  environment (optkit, numpy, scipy, Python versions; machine), start and end times and how it
  ended (running, finished, interrupted, timeout, failed).
* ``runs``: one row per run: the identity (problem, n, params, expr, method, canonical,
  tolerances, start_index, seed, x0), the measures, the outcome and classification, the path
  (JSON list of iterates, thinned as the conventions say) and the environment; ``key`` is the
  resume key (unique), ``match_key`` the same without the optkit version.

Every run is written in its own transaction (WAL journal): it is in the file whole or not at
all, whatever happens to the process, and an interrupted or failing sweep never damages what
is already stored.
"""

from __future__ import annotations

import json
import math
import os
import platform
import sqlite3
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path

from optkit.errors import OptkitError

SCHEMA_VERSION = 1
APPLICATION = "optkit-compare"
SQLITE_HEADER = b"SQLite format 3\x00"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sweeps (
    id INTEGER PRIMARY KEY,
    started TEXT NOT NULL, finished TEXT, state TEXT NOT NULL,
    command TEXT, definition TEXT NOT NULL, runs_planned INTEGER, runs_done INTEGER,
    optkit_version TEXT, numpy_version TEXT, scipy_version TEXT, python_version TEXT, machine TEXT
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE, match_key TEXT NOT NULL, sweep_id INTEGER REFERENCES sweeps(id),
    problem TEXT NOT NULL, n INTEGER NOT NULL, params TEXT NOT NULL, expr TEXT,
    method TEXT NOT NULL, canonical TEXT NOT NULL, options TEXT NOT NULL, tolerances TEXT NOT NULL,
    start_index INTEGER NOT NULL, seed INTEGER NOT NULL, x0 TEXT NOT NULL,
    outcome TEXT NOT NULL, solved INTEGER NOT NULL, solved_minimum TEXT, success INTEGER NOT NULL,
    converged INTEGER NOT NULL, status TEXT NOT NULL, message TEXT, reason TEXT,
    iterations INTEGER NOT NULL, evals_f INTEGER NOT NULL, evals_grad INTEGER NOT NULL,
    evals_hess INTEGER NOT NULL, evals_hvp INTEGER NOT NULL, evaluations INTEGER NOT NULL,
    time REAL NOT NULL, f REAL, f_minus_fstar REAL, grad_norm REAL, x TEXT,
    classification TEXT, kind TEXT, notes TEXT,
    path TEXT NOT NULL, path_thinning TEXT,
    optkit_version TEXT, numpy_version TEXT, scipy_version TEXT, python_version TEXT, machine TEXT,
    created TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_by_method ON runs(method);
CREATE INDEX IF NOT EXISTS runs_by_problem ON runs(problem);
CREATE INDEX IF NOT EXISTS runs_by_sweep ON runs(sweep_id);
"""

RUN_COLUMNS = ("key", "match_key", "sweep_id", "problem", "n", "params", "expr", "method", "canonical", "options",
               "tolerances", "start_index", "seed", "x0", "outcome", "solved", "solved_minimum", "success",
               "converged", "status", "message", "reason", "iterations", "evals_f", "evals_grad", "evals_hess",
               "evals_hvp", "evaluations", "time", "f", "f_minus_fstar", "grad_norm", "x", "classification", "kind",
               "notes", "path", "path_thinning", "optkit_version", "numpy_version", "scipy_version",
               "python_version", "machine", "created")


def environment() -> dict:
    import numpy
    import scipy

    from optkit import __version__

    return {"optkit_version": __version__, "numpy_version": numpy.__version__, "scipy_version": scipy.__version__,
            "python_version": platform.python_version(),
            "machine": f"{platform.node()} {platform.system()} {platform.machine()} ({os.cpu_count()} cores)"}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _json(value) -> str:
    from optkit.render.output import to_jsonable

    return json.dumps(to_jsonable(value), sort_keys=True)


def _real(value):
    """SQLite REAL: finite floats as numbers; nan/inf as NULL would lose them, so they are stored as text."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else ("nan" if math.isnan(value) else ("inf" if value > 0 else "-inf"))


def _check_ours(conn: sqlite3.Connection, path: str) -> None:
    """Refuse a database from another program or a newer schema, in one line."""
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError:
        raise OptkitError(f"{path} is not an optkit results database (not an SQLite file)") from None
    if not tables:
        return  # an empty database: ours to set up
    if "meta" not in tables:
        raise OptkitError(f"{path} is not an optkit results database (it has tables {', '.join(sorted(tables))} "
                          "but no optkit meta table); give a new file name")
    meta = dict(conn.execute("SELECT key, value FROM meta"))
    if meta.get("application") != APPLICATION:
        raise OptkitError(f"{path} is not an optkit results database (application {meta.get('application')!r})")
    version = int(meta.get("schema_version", "0"))
    if version > SCHEMA_VERSION:
        raise OptkitError(f"{path} was written by a newer optkit (database schema {version}); this optkit reads "
                          f"schema {SCHEMA_VERSION} and older: upgrade optkit")


def _connect(path: str | Path, create: bool) -> sqlite3.Connection:
    path = str(path)
    exists = os.path.exists(path)
    if not exists and not create:
        raise OptkitError(f"no such database {path!r}; `optkit compare --save {path}` creates one")
    if exists:
        if os.path.isdir(path):
            raise OptkitError(f"{path} is a folder, not a results database")
        with open(path, "rb") as handle:
            head = handle.read(16)
        if head and head != SQLITE_HEADER:
            raise OptkitError(f"{path} is not an optkit results database (not an SQLite file); give a new file name")
    else:
        parent = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(parent):
            raise OptkitError(f"cannot create {path}: folder {parent} does not exist")
    try:
        conn = sqlite3.connect(path if create else f"file:{path}?mode=ro", uri=not create, timeout=30)
    except sqlite3.Error as exc:
        raise OptkitError(f"cannot open {path}: {exc}") from None
    try:
        _check_ours(conn, path)
    except OptkitError:
        conn.close()
        raise
    return conn


class Database:
    """A results database opened for a sweep (created and set up when new)."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        self.conn = _connect(self.path, create=True)
        try:
            self.conn.execute("PRAGMA journal_mode=WAL")  # readers never block, a crash never corrupts
            self.conn.execute("PRAGMA synchronous=NORMAL")  # still atomic per transaction
            with self.conn:
                self.conn.executescript(SCHEMA)
                self.conn.execute("INSERT OR IGNORE INTO meta VALUES ('application', ?)", (APPLICATION,))
                self.conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        except sqlite3.Error as exc:
            self.conn.close()
            raise OptkitError(f"cannot use {self.path} as a results database: {exc}") from None
        self.env = environment()

    def stored_keys(self) -> set[str]:
        return {row[0] for row in self.conn.execute("SELECT key FROM runs")}

    def stored_runs(self, keys) -> dict[str, dict]:
        keys = list(keys)
        out = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            query = f"SELECT * FROM runs WHERE key IN ({','.join('?' * len(chunk))})"
            for row in _rows(self.conn, query, chunk):
                out[row["key"]] = row_to_run(row)
        return out

    def begin_sweep(self, definition: dict, command: str, planned: int) -> int:
        with self.conn:
            cursor = self.conn.execute(
                "INSERT INTO sweeps (started, state, command, definition, runs_planned, runs_done, optkit_version, "
                "numpy_version, scipy_version, python_version, machine) VALUES (?, 'running', ?, ?, ?, 0, ?, ?, ?, ?, ?)",
                (_now(), command, _json(definition), planned, *(self.env[k] for k in
                 ("optkit_version", "numpy_version", "scipy_version", "python_version", "machine"))))
        return int(cursor.lastrowid)

    def end_sweep(self, sweep_id: int, state: str, done: int) -> None:
        with self.conn:
            self.conn.execute("UPDATE sweeps SET finished = ?, state = ?, runs_done = ? WHERE id = ?",
                              (_now(), state, done, sweep_id))

    def save(self, record: dict, sweep_id: int, tolerances: dict) -> None:
        """One run, in one transaction (a second run with the same key is ignored)."""
        values = run_row(record, sweep_id, tolerances, self.env)
        with self.conn:
            self.conn.execute(f"INSERT OR IGNORE INTO runs ({', '.join(RUN_COLUMNS)}) VALUES "
                              f"({', '.join('?' * len(RUN_COLUMNS))})", [values[c] for c in RUN_COLUMNS])

    def close(self) -> None:
        self.conn.close()


def run_row(record: dict, sweep_id: int, tolerances: dict, env: dict) -> dict:
    ev = record["evaluations"]
    canonical = record["canonical"]
    return {
        "key": record["key"], "match_key": record["match_key"], "sweep_id": sweep_id, "problem": record["problem"],
        "n": record["n"], "params": _json(record["params"]), "expr": record.get("expr"), "method": record["method"],
        "canonical": _json(canonical), "options": _json(canonical.get("options", {})), "tolerances": _json(tolerances),
        "start_index": record["start_index"], "seed": record["seed"], "x0": _json(record["x0"]),
        "outcome": record["outcome"], "solved": int(record["solved"]), "solved_minimum": record.get("solved_minimum"),
        "success": int(record["success"]), "converged": int(record["converged"]), "status": record["status"],
        "message": record.get("message"), "reason": record.get("reason"), "iterations": record["iterations"],
        "evals_f": ev["f"], "evals_grad": ev["grad"], "evals_hess": ev["hess"], "evals_hvp": ev["hvp"],
        "evaluations": sum(ev.values()), "time": record["time"], "f": _real(record["f"]),
        "f_minus_fstar": _real(record.get("f_minus_fstar")), "grad_norm": _real(record["grad_norm"]),
        "x": None if record.get("x") is None else _json(record["x"]),
        "classification": None if record.get("classification") is None else _json(record["classification"]),
        "kind": (record.get("classification") or {}).get("kind"), "notes": _json(record.get("notes") or []),
        "path": _json(record.get("path") or []),
        "path_thinning": None if record.get("path_thinning") is None else _json(record["path_thinning"]),
        **{k: env[k] for k in ("optkit_version", "numpy_version", "scipy_version", "python_version", "machine")},
        "created": _now(),
    }


def _number(value):
    if value is None:
        return None
    return float(value)  # "nan", "inf" stored as text come back as floats


def _rows(conn, query: str, args=()) -> list[dict]:
    cursor = conn.execute(query, args)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor]


def row_to_run(row: dict) -> dict:
    """A ``runs`` row → the run dict of the conventions (plus ``path``, ``path_thinning``, ``sweep_id``)."""
    loads = json.loads
    return {
        "problem": row["problem"], "n": row["n"], "params": loads(row["params"]), "expr": row["expr"],
        "method": row["method"], "canonical": loads(row["canonical"]), "start_index": row["start_index"],
        "x0": loads(row["x0"]), "seed": row["seed"], "key": row["key"], "match_key": row["match_key"],
        "outcome": row["outcome"], "solved": bool(row["solved"]), "solved_minimum": row["solved_minimum"],
        "success": bool(row["success"]), "converged": bool(row["converged"]), "status": row["status"],
        "message": row["message"], "reason": row["reason"], "iterations": row["iterations"],
        "evaluations": {"f": row["evals_f"], "grad": row["evals_grad"], "hess": row["evals_hess"],
                        "hvp": row["evals_hvp"]},
        "time": row["time"], "f": _number(row["f"]), "f_minus_fstar": _number(row["f_minus_fstar"]),
        "grad_norm": _number(row["grad_norm"]), "x": None if row["x"] is None else loads(row["x"]),
        "classification": None if row["classification"] is None else loads(row["classification"]),
        "notes": loads(row["notes"] or "[]"),
        "path": [[float(v) for v in p] for p in loads(row["path"])],
        "path_thinning": None if row["path_thinning"] is None else loads(row["path_thinning"]),
        "sweep_id": row["sweep_id"], "tolerances": loads(row["tolerances"]),
        "environment": {k: row[k] for k in ("optkit_version", "numpy_version", "scipy_version", "python_version",
                                            "machine")},
    }


def load_runs(path, method=None, fn=None, sweep=None) -> list[dict]:
    """The runs stored in ``path``, in the order they were stored: plain dicts (see :func:`row_to_run`).

    ``method``, ``fn``: a name or a list of names (the method spec as given, or the problem);
    ``sweep``: a sweep id or a list of them.  This is the read API for reports and figures.
    """
    clauses, args = [], []
    for column, value in (("method", method), ("problem", fn), ("sweep_id", sweep)):
        if value is None:
            continue
        values = [value] if isinstance(value, (str, int)) else list(value)
        clauses.append(f"{column} IN ({','.join('?' * len(values))})")
        args.extend(values)
    query = "SELECT * FROM runs" + (" WHERE " + " AND ".join(clauses) if clauses else "") + " ORDER BY id"
    with closing(_connect(path, create=False)) as conn:
        return [row_to_run(row) for row in _rows(conn, query, args)]


def load_sweeps(path) -> list[dict]:
    """The ``sweeps`` table as dicts (``definition`` decoded)."""
    with closing(_connect(path, create=False)) as conn:
        rows = _rows(conn, "SELECT * FROM sweeps ORDER BY id")
    for row in rows:
        row["definition"] = json.loads(row["definition"])
    return rows


def check_readable(path) -> None:
    """Raise one clear OptkitError unless ``path`` is an optkit results database this optkit can read."""
    with closing(_connect(path, create=False)):
        pass


__all__ = ["Database", "SCHEMA_VERSION", "check_readable", "load_runs", "load_sweeps", "row_to_run"]
