"""E7: one sample's forward and backward pass of the 2-2-1 network (course-exercises.md), and a per-unit bias."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

import optkit
from optkit.cli.app import app

runner = CliRunner()
# the course's hand-worked pass: W_i = [[1, 2], [3, 4]] (as W_i·x), b_a = (2, 4), W_o = (1, 2), b_o = 3
THETA = "1,2,3,4,2,4,1,2,3"


def eval_json(*args):
    result = runner.invoke(app, ["eval", "--fn", "xor-mlp", *args, "-f", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_e7_worked_pass_golden_values():
    record = eval_json("--param", "unit_bias=1", "--at", THETA, "--sample", "2,3:1")
    assert record["z"] == [10.0, 22.0]  # by hand: (1·2 + 2·3 + 2, 3·2 + 4·3 + 4)
    assert record["u"] == pytest.approx(5.9999546, abs=1e-7)  # σ(10) + 2σ(22) + 3, course-exercises.md
    assert record["yhat"] == pytest.approx(0.997527, abs=1e-6)
    assert record["loss"] == pytest.approx(3.06e-06, rel=2e-3)
    assert len(record["grad"]) == 9 and record["variables"][4:6] == ["ba1", "ba2"]


def test_sample_gradient_matches_central_differences():
    problem = optkit.get_problem("xor-mlp", unit_bias=1)
    theta = np.array([0.3, -0.2, 0.5, 0.1, -0.4, 0.2, 0.7, -0.6, 0.1])
    record = eval_json("--param", "unit_bias=1", "--at", ",".join(map(str, theta)), "--sample", "2,3:1")
    passer = problem._fns.sample_pass
    h = 1e-6
    fd = [(passer(theta + h * e, np.array([2.0, 3.0]), 1.0)["loss"] - passer(theta - h * e, np.array([2.0, 3.0]),
                                                                               1.0)["loss"]) / (2 * h)
          for e in np.eye(9)]
    assert record["grad"] == pytest.approx(fd, abs=1e-8)


def test_data_set_sample_and_full_loss_agree():
    """The four samples' losses add up to the problem's L at the same θ (L = ½ Σ (ŷ − y)²)."""
    problem = optkit.get_problem("xor-mlp")
    theta = problem.x0
    at = ",".join(repr(float(v)) for v in theta)
    total = sum(eval_json("--at", at, "--sample", str(i))["loss"] for i in range(1, 5))
    assert total == pytest.approx(problem.f(theta), rel=1e-12)


def test_per_unit_bias_reduces_to_the_shared_one_and_its_derivatives_are_right():
    shared, per_unit = optkit.get_problem("xor-mlp"), optkit.get_problem("xor-mlp", unit_bias=1)
    assert per_unit.n == 9 and shared.n == 8
    rng = np.random.default_rng(1)
    t = rng.standard_normal(8)
    t9 = np.concatenate([t[:4], [t[4], t[4]], t[5:]])  # both units get the shared bias
    assert per_unit.f(t9) == pytest.approx(shared.f(t))
    g9 = per_unit.grad(t9)
    assert g9[4] + g9[5] == pytest.approx(shared.grad(t)[4])  # the shared bias feeds both units
    h = 1e-6
    fd = np.array([(per_unit.f(t9 + h * e) - per_unit.f(t9 - h * e)) / (2 * h) for e in np.eye(9)])
    assert g9 == pytest.approx(fd, abs=1e-7)
    H = per_unit.hess(t9)
    fdH = np.column_stack([(per_unit.grad(t9 + h * e) - per_unit.grad(t9 - h * e)) / (2 * h) for e in np.eye(9)])
    assert H == pytest.approx(fdH, abs=1e-6)


@pytest.mark.parametrize("args, message", [
    (("--sample", "9"), "out of range"), (("--sample", "abc"), "neither a sample number"),
    (("--sample", "1,2,3:1"), "--sample input x"), (("--param", "unit_bias=2"), "unit_bias"),
])
def test_bad_samples_are_one_line_errors(args, message):
    result = runner.invoke(app, ["eval", "--fn", "xor-mlp", *args])
    assert result.exit_code == 2 and message in result.output


def test_problems_without_a_sample_pass_refuse():
    result = runner.invoke(app, ["eval", "--fn", "quartic", "--sample", "1"])
    assert result.exit_code == 2 and "data-driven" in result.output
