"""Adam and its variants (Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization", Algorithm 1).

Update at step t = k + 1 (t starts at 1), with g_t = ∇f(x_{t−1}) (a batch
gradient for data-driven problems with ``batch_size``)::

    m_t = β₁ m_{t−1} + (1 − β₁) g_t            m₀ = 0          beta1 = β₁ (0.9)
    v_t = β₂ v_{t−1} + (1 − β₂) g_t²           v₀ = 0          beta2 = β₂ (0.999)
    m̂_t = m_t / (1 − β₁ᵗ)                                     bias_correction (on)
    v̂_t = v_t / (1 − β₂ᵗ)          (AMSGrad: v̂_t = max_{s≤t} v_s / (1 − β₂ᵗ))   amsgrad (off)
    x_t = x_{t−1} − α_t ( m̂_t / (√v̂_t + ε) + w x_{t−1} )                     eps = ε (1e-8)

α_t is ``lr`` (1e-3) through ``schedule`` (α_k with k = t − 1); w is
``weight_decay`` (0): AdamW's *decoupled* weight decay (Loshchilov & Hutter
2019), applied as in PyTorch's AdamW (multiplied by α_t, not by the adaptive
factor).  AMSGrad follows PyTorch's convention (Reddi et al. 2018 with bias
correction): the running maximum of v_t, then bias correction.

First step: m̂₁ = g, v̂₁ = g², so each coordinate moves by α·|g|/(|g| + ε) ≈ α
against the sign of its gradient.  With ``bias_correction=False`` it moves by
α(1 − β₁)|g| / (√(1 − β₂)|g| + ε) ≈ α(1 − β₁)/√(1 − β₂) ≈ 3.16α (course
exercise E9).  Warning: Optim.jl initialises m with the first gradient and
so takes a first step about ten times larger; optkit follows the paper.

Adam is not a descent method: f may rise, and near a minimum with constant α
it behaves like sign descent, so a tight gtol may not be reached — the run
then reports "maximum iterations", never success.
"""

from __future__ import annotations

import numpy as np

from optkit.run.results import Step


class Adam:
    name = "adam"
    needs = frozenset({"grad"})
    monotone = False

    @property
    def columns(self) -> tuple:
        """Trace columns; without bias correction the moments are m and v, not m̂ and v̂ (E9)."""
        moments = ("m_hat", "v_hat") if self.bias_correction else ("m", "v")
        return ("alpha", "pred_linear", "actual", "step_norm", *moments, "eff_lr")

    def __init__(self, schedule, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8,
                 bias_correction: bool = True, amsgrad: bool = False, weight_decay: float = 0.0,
                 show_moments_n: int = 4):
        self.schedule, self.beta1, self.beta2, self.eps = schedule, beta1, beta2, eps
        self.bias_correction, self.amsgrad, self.weight_decay = bias_correction, amsgrad, weight_decay
        self.show_moments_n = show_moments_n

    def prepare(self, problem, ctx) -> None:
        self.m = self.v = self.v_max = None

    def step(self, k, x, f, g, oracle) -> Step:
        if self.m is None:
            self.m, self.v, self.v_max = np.zeros_like(x), np.zeros_like(x), np.zeros_like(x)
        t = k + 1
        alpha = self.schedule(k)
        self.m = self.beta1 * self.m + (1 - self.beta1) * g
        self.v = self.beta2 * self.v + (1 - self.beta2) * g * g
        v = self.v
        if self.amsgrad:
            self.v_max = np.maximum(self.v_max, self.v)
            v = self.v_max
        if self.bias_correction:
            m_hat = self.m / (1 - self.beta1**t)
            v_hat = v / (1 - self.beta2**t)
        else:
            m_hat, v_hat = self.m, v
        scale = 1.0 / (np.sqrt(v_hat) + self.eps)
        delta = -alpha * (m_hat * scale + self.weight_decay * x)
        data = {"alpha": alpha, "step_norm": float(np.linalg.norm(delta)), "pred_linear": float(-(g @ delta))}
        if x.size <= self.show_moments_n:
            # without bias correction the step uses m and v themselves: name them so (E9's point)
            first, second = ("m_hat", "v_hat") if self.bias_correction else ("m", "v")
            data.update({first: m_hat.tolist(), second: v_hat.tolist(), "eff_lr": (alpha * scale).tolist()})
        return Step(x + delta, data=data)
