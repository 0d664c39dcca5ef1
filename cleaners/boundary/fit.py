"""An L2 logistic regression whose weights are the same bits on every machine.

scikit-learn's lbfgs sums through BLAS and takes ``exp``/``log`` from
SIMD code chosen for the CPU at run time, so their last bits depend on the
machine, and a few hundred iterations turn that into different float16
weights: the shipped model was not rebuilt byte for byte on another CPU.
Here every step is element-wise IEEE arithmetic (correctly rounded on any
machine), gathers, and sums in a fixed order (``np.bincount``); ``exp`` and
``log`` are polynomials written out below. The problem is convex, so the
optimum is scikit-learn's; only the path to it is ours.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

LN2_HI = 6.93147180369123816490e-01  # ln 2 with its low bits zero: k * LN2_HI is exact
LN2_LO = 1.90821492927058770002e-10
LN2 = 0.6931471805599453
SQRT_HALF = 0.7071067811865476
EXP_TERMS = 14  # Taylor terms on |r| <= ln2 / 2: error below 1e-17
LOG_TERMS = 11  # atanh series terms on |s| <= 0.172: error below 1e-18


def exp_neg(x: np.ndarray) -> np.ndarray:
    """exp(x) for x <= 0 (x clamped at -700), from +, *, / and exact scaling.

    >>> [round(float(v), 12) for v in exp_neg(np.array([0.0, -1.0, -20.0]))]
    [1.0, 0.367879441171, 2.061e-09]
    """
    x = np.maximum(x, -700.0)
    k = np.rint(x * (1.0 / LN2))
    r = (x - k * LN2_HI) - k * LN2_LO
    p = np.ones_like(r)
    for n in range(EXP_TERMS, 0, -1):  # Horner: 1 + r/1 (1 + r/2 (1 + ...))
        p = 1.0 + p * r / n
    return np.ldexp(p, k.astype(np.int32))


def log1p_unit(e: np.ndarray) -> np.ndarray:
    """log(1 + e) for 0 <= e <= 1.

    >>> [round(float(v), 12) for v in log1p_unit(np.array([0.0, 1e-9, 0.5, 1.0]))]
    [0.0, 1e-09, 0.405465108108, 0.69314718056]
    """
    u = 1.0 + e
    m, ex = np.frexp(u)  # u = m * 2**ex, m in [0.5, 1)
    low = m < SQRT_HALF
    m = np.where(low, 2.0 * m, m)
    ex = np.where(low, ex - 1, ex)
    s = (m - 1.0) / (m + 1.0)
    s2 = s * s
    series = np.zeros_like(s)
    for n in range(LOG_TERMS - 1, -1, -1):  # log m = 2 (s + s^3/3 + s^5/5 + ...)
        series = 1.0 / (2 * n + 1) + s2 * series
    log_u = ex * LN2 + 2.0 * s * series
    # log(u) * e / (u - 1) undoes the rounding of 1 + e (u - 1 is exact)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(u == 1.0, e, log_u * (e / (u - 1.0)))


class Summer:
    """Sums in index order (``np.bincount`` is one sequential loop), not BLAS's or SIMD's order."""

    def __init__(self):
        self._zeros = np.zeros(0, dtype=np.intp)

    def __call__(self, values: np.ndarray) -> float:
        if len(self._zeros) != len(values):
            self._zeros = np.zeros(len(values), dtype=np.intp)
        return float(np.bincount(self._zeros, weights=values, minlength=1)[0])

    def dot(self, a: np.ndarray, b: np.ndarray) -> float:
        return self(a * b)


@dataclass
class Problem:
    """Weighted logistic loss over rows of feature columns, plus L2 (scikit-learn's scaling)."""

    columns: np.ndarray  # (templates, rows) column of each row's features, 0..n_columns-1
    label: np.ndarray  # (rows,) bool
    weight: np.ndarray  # (rows,) sample weights
    n_columns: int
    c: float

    def __post_init__(self):
        self.sum = Summer()
        self.total_weight = self.sum(self.weight)
        self.flat = self.columns.ravel()
        self.sign = np.where(self.label, 1.0, -1.0)

    def margins(self, w: np.ndarray) -> np.ndarray:
        z = w[self.columns[0]].copy()
        for cols in self.columns[1:]:  # one template at a time: a fixed order of additions
            z += w[cols]
        return z

    def value_and_gradient(self, w: np.ndarray) -> tuple[float, np.ndarray]:
        """Mean weighted log-loss + ||w||^2 / (2 C sum(weight)), and its gradient."""
        m = self.sign * self.margins(w)
        e = exp_neg(-np.abs(m))
        loss = np.maximum(-m, 0.0) + log1p_unit(e)
        wrong = np.where(m >= 0, e / (1.0 + e), 1.0 / (1.0 + e))  # sigmoid(-m)
        residual = -self.sign * wrong * self.weight
        templates = self.columns.shape[0]
        grad = np.bincount(self.flat, weights=np.tile(residual, templates), minlength=self.n_columns)
        reg = 1.0 / (self.c * self.total_weight)
        value = self.sum(loss * self.weight) / self.total_weight + 0.5 * reg * self.sum.dot(w, w)
        return value, grad / self.total_weight + reg * w


def lbfgs(problem: Problem, max_iter: int = 1000, gtol: float = 1e-6, memory: int = 10) -> np.ndarray:
    """Minimise ``problem`` by L-BFGS with a backtracking (Armijo) line search; deterministic."""
    dot = problem.sum.dot
    w = np.zeros(problem.n_columns)
    f, g = problem.value_and_gradient(w)
    history: deque[tuple[np.ndarray, np.ndarray, float]] = deque(maxlen=memory)
    for _ in range(max_iter):
        if float(np.max(np.abs(g))) <= gtol:
            break
        d = -_two_loop(g, history, dot)
        slope = dot(g, d)
        if slope >= 0:  # not a descent direction: start the memory again
            history.clear()
            d, slope = -g, -dot(g, g)
        step = 1.0 if history else 1.0 / max(1.0, float(np.max(np.abs(g))))
        while True:
            w_new = w + step * d
            f_new, g_new = problem.value_and_gradient(w_new)
            if f_new <= f + 1e-4 * step * slope or step < 1e-12:
                break
            step *= 0.5
        s, y = w_new - w, g_new - g
        sy = dot(s, y)
        if sy > 1e-12 * dot(y, y):
            history.append((s, y, 1.0 / sy))
        w, f, g = w_new, f_new, g_new
    return w


def _two_loop(g, history, dot) -> np.ndarray:
    q = g.copy()
    alphas = []
    for s, y, rho in reversed(history):
        a = rho * dot(s, q)
        q -= a * y
        alphas.append(a)
    if history:
        s, y, _ = history[-1]
        q *= dot(s, y) / dot(y, y)
    for (s, y, rho), a in zip(history, reversed(alphas), strict=True):
        b = rho * dot(y, q)
        q += (a - b) * s
    return q


def fit_logistic(index: np.ndarray, label: np.ndarray, weight: np.ndarray, n_features: int,
                 c: float = 1.0, max_iter: int = 1000) -> np.ndarray:
    """Weights (float64, one per feature) of the L2 logistic regression over rows of feature indices.

    Only the features that occur are optimised (the others stay exactly 0).
    """
    used, columns = np.unique(index, return_inverse=True)
    columns = np.ascontiguousarray(columns.reshape(index.shape).T)
    problem = Problem(columns, label.astype(bool), weight.astype(np.float64), len(used), c)
    out = np.zeros(n_features)
    out[used] = lbfgs(problem, max_iter=max_iter)
    return out
