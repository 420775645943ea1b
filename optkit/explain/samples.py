"""One sample of a data-driven problem: its forward pass, loss and gradient (``optkit eval --sample``).

Course exercise E7 works one sample through the 2-2-1 network by hand; a
problem that supports this gives its built functions a ``sample_pass(theta,
x, y)`` and its data set ``data = (X, Y)`` (see ``problems/bundled/xor-mlp.py``).
"""

from __future__ import annotations

import numpy as np

from optkit.errors import OptkitError


def parse_sample(spec: str, n_samples: int | None, n_inputs: int) -> tuple[int | None, list[float], float]:
    """'N' (the data set's N-th sample, 1-based) or 'x1,x2:y' (a sample of your own) → (N or None, x, y)."""
    from optkit.symbolic.grammar import parse_number, parse_vector

    spec = spec.strip()
    if ":" in spec:
        xs, _, ys = spec.partition(":")
        x = parse_vector(xs, n_inputs, "--sample input x")
        return None, [float(v) for v in x], float(parse_number(ys, "--sample target y"))
    try:
        index = int(spec)
    except ValueError:
        raise OptkitError(f"--sample {spec!r} is neither a sample number (1 to {n_samples}) nor x1,x2:y "
                          "(e.g. --sample 2,3:1)") from None
    if not n_samples or not 1 <= index <= n_samples:
        raise OptkitError(f"--sample {index} is out of range: the data set has {n_samples} samples (1 to {n_samples})")
    return index, [], float("nan")


def sample_record(problem, theta, spec: str) -> dict:
    """The record of one sample's pass at parameters ``theta``: z, s, u, ŷ, loss and ∂loss/∂θ by name."""
    fns = problem._fns  # the problem's own functions: sample_pass and data live there
    passer, data = getattr(fns, "sample_pass", None), getattr(fns, "data", None)
    if passer is None or data is None:
        raise OptkitError(f"--sample applies to data-driven problems with a single-sample pass (xor-mlp); "
                          f"{problem.name} has none")
    X, Y = data
    index, x, y = parse_sample(spec, len(X), X.shape[1])
    if index is not None:
        x, y = [float(v) for v in X[index - 1]], float(Y[index - 1])
    theta = np.asarray(theta, dtype=float)
    out = passer(theta, np.asarray(x), y)
    where = f"sample {index} of {len(X)} of the data set" if index is not None else "a sample of your own"
    return {
        "problem": problem.name, "params": dict(problem.params), "variables": list(problem.variables),
        "theta": theta.tolist(), "sample": {"index": index, "x": list(x), "y": y, "description": where},
        "z": np.asarray(out["z"]).tolist(), "s": np.asarray(out["s"]).tolist(), "u": float(out["u"]),
        "yhat": float(out["yhat"]), "loss": float(out["loss"]), "dL_du": float(out["dL_du"]),
        "dL_dz": np.asarray(out["dL_dz"]).tolist(), "grad": np.asarray(out["grad"]).tolist(),
        "data": {"x": X.tolist(), "y": Y.tolist()},
    }
