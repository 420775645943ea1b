"""The trace's columns: key, header and what each one means (the glossary).

One list serves the iteration table (headers, display order), ``optkit methods
--glossary`` and the README's glossary, so a column is named and explained in
one place.  The order is the order of priority when a table is too wide: the
first columns stay in the main table, later ones move to a second table.
"""

from __future__ import annotations

#: (key, header, meaning) of the step columns, in display order.
STEP_COLUMNS = [
    ("alpha", "α", "step length α_k: x_{k+1} = x_k + α_k p_k (fixed, from the schedule, or found by the line search)"),
    ("alpha_exact", "α", "the step length in exact arithmetic (--exact)"),
    ("trials", "trials", "step lengths the line search tried before accepting one"),
    ("delta", "Δ", "trust-region radius Δ_k used for this step"),
    ("rho", "ρ", "trust region: ρ = actual decrease / quadratic-model prediction; the step is accepted when ρ > eta "
                 "and the radius shrinks (ρ < ¼) or grows (ρ > ¾ on the boundary), N&W Algorithm 4.1"),
    ("accepted", "accepted", "trust region: whether the step was taken (a rejected step keeps x_k and shrinks Δ)"),
    ("pred_linear", "lin. pred.", "first-order (linear Taylor) prediction of the decrease: −α_k g_kᵀp_k "
                                      "(= α_k‖g_k‖² for gradient descent, course exercise E5)"),
    ("pred_quadratic", "quad. pred.", "quadratic-model (second-order Taylor) prediction of the decrease: "
                                            "m(0) − m(s) = −g_kᵀs − ½ sᵀH_k s for the step s = x_{k+1} − x_k "
                                            "(Newton, saddle-free Newton — with the true H, not |H| —, trust "
                                            "region, where ρ divides by it)"),
    ("pred", "pred. decrease", "predicted decrease recorded by an older optkit (one label for several quantities)"),
    ("actual", "actual", "actual decrease f(x_k) − f(x_{k+1}) (negative when f rose)"),
    ("step_norm", "‖step‖", "length of the step ‖x_{k+1} − x_k‖₂"),
    ("lambda", "λ (TR)", "trust region (exact subproblem): the multiplier λ ≥ 0 with (H + λI)s = −g, ‖s‖ = Δ "
                         "when λ > 0 (N&W Theorem 4.1)"),
    ("damping", "damping", "the shift added to the curvature: modified Newton's H + τI (N&W Alg. 3.3), or "
                           "saddle-free Newton's |λᵢ| + damping"),
    ("modification", "modification", "damped Newton: none (H positive definite), shift (H + τI) or "
                                     "negative-curvature (a step off a saddle), N&W §3.4"),
    ("model_ratio", "model ρ", "saddle-free Newton: actual decrease / the |H| model's prediction for the step "
                               "taken; drives the adaptive damping"),
    ("next_damping", "next damping", "saddle-free Newton: the damping for the next step (×4 after a poor or "
                                     "shortened step, ÷4 after a good full one)"),
    ("rho_nonmonotone", "ρ (nonmonotone)", "trust region: the decrease from the largest recent f over the "
                                           "prediction (Toint 1997); a step is also accepted when this exceeds eta"),
    ("sigma", "σ", "ARC: the cubic regularisation weight σ_k of m(p) = f + gᵀp + ½pᵀHp + (σ/3)‖p‖³ (×2 after "
                   "a rejected step, ÷2 after a very good one; Cartis, Gould & Toint 2011)"),
    ("m_hat", "m̂", "Adam: bias-corrected first moment m̂_t = m_t/(1 − β₁ᵗ)"),
    ("v_hat", "v̂", "Adam: bias-corrected second moment v̂_t = v_t/(1 − β₂ᵗ)"),
    ("m", "m", "Adam without bias correction: the first moment m_t = β₁m_{t−1} + (1 − β₁)g_t as used"),
    ("v", "v", "Adam without bias correction: the second moment v_t = β₂v_{t−1} + (1 − β₂)g_t² as used"),
    ("eff_lr", "α/(√v̂+ε)", "Adam: the per-coordinate step length actually applied to m̂ (to m without bias "
                           "correction)"),
]

#: The columns every trace has, for the glossary.
BASE_COLUMNS = [
    ("k", "k", "iteration: row k shows x_k and the step taken from it to x_{k+1}"),
    ("x", "x, y, … / ‖x‖₂", "the iterate x_k (when the table is narrow: ‖x_k‖₂ and the first coordinates)"),
    ("f", "f", "f(x_k)"),
    ("grad_norm", "‖g‖₂", "Euclidean norm of the gradient ∇f(x_k); the run converges when ‖g‖₂ ≤ gtol"),
    ("grad", "grad_x, … (JSON, CSV)", "the gradient vector ∇f(x_k), for n ≤ 10"),
    ("direction", "direction (JSON, CSV)", "the search direction p_k of the step from x_k (Newton's −H⁻¹g, −g, …), "
                                           "for n ≤ 10"),
    ("step", "step_x, … (CSV)", "the step x_{k+1} − x_k, for n ≤ 10"),
    ("eigenvalues", "eigenvalues of H / λ_min, λ_max, index",
     "eigenvalues of the Hessian at x_k (ascending); narrow or large: the extremes and the index, the count of "
     "negative eigenvalues (Dauphin et al. 2014)"),
]

HEADERS = {key: header for key, header, _ in STEP_COLUMNS}


def header_of(key: str, keys_present: set) -> str:
    """The column header; Adam's α/(√v+ε) without bias correction (the record then holds m and v)."""
    if key == "eff_lr" and "v" in keys_present and "v_hat" not in keys_present:
        return "α/(√v+ε)"
    return HEADERS.get(key, key)


def glossary() -> list[tuple[str, str, str]]:
    """(key, header, meaning) for every column a trace may have."""
    return [*BASE_COLUMNS, *[c for c in STEP_COLUMNS if c[0] not in ("pred", "alpha_exact")]]
