"""Sparklines under `run`'s summary (terminal only): worked by hand."""

from optkit.figures.sparkline import BARS, sparkline, summary_lines


def test_log_scale_by_hand():
    # log10: 0, 1, 2, 3 over a span of 3 -> heights int(8·v/3) = 0, 2, 5, 8 (capped at 7)
    assert sparkline([1, 10, 100, 1000], 10) == ("▁▃▆█", True)


def test_linear_when_values_change_sign():
    line, log = sparkline([-1.0, 0.0, 1.0], 10)
    assert not log and line == "▁▅█"  # heights int(8·0) = 0, int(8·0.5) = 4, 8 capped at 7


def test_groups_show_their_last_value():
    values = list(range(100, 0, -1))  # 100 values, 10 columns: the 10th, 20th, ... value
    line, _ = sparkline(values, 10, log=False)
    assert len(line) == 10 and line[0] == BARS[-1] and line[-1] == BARS[0]
    assert list(line) == sorted(line, reverse=True)


def test_non_finite_is_a_space_and_constant_is_flat():
    assert sparkline([1.0, float("nan"), 1.0], 3)[0] == "▁ ▁"
    assert sparkline([], 5) == ("", False)


def test_summary_lines_from_a_run_record():
    import optkit

    record = optkit.minimize(optkit.get_problem("rosenbrock"), "newton", [-1.2, 1.0]).to_dict()
    f_line, g_line = summary_lines(record)
    assert f_line.startswith("f ") and g_line.startswith("‖g‖₂")
    assert f"{record['trace'][0]['f']:.3g} → {record['trace'][-1]['f']:.3g}" in f_line
    assert len(f_line.split()[1]) == len(record["trace"])  # fewer iterates than columns: one each
