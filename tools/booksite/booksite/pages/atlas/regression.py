"""The regression atlas (docs/atlas/regression.md): each loss's figure and worked example.

A figure function takes the grid it plots; a steps function takes the example's inputs and
computes each element's loss with ``math`` (or exactly, with fractions), independently of
lossbook, then checks the mean against lossbook.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

import numpy as np

import lossbook
from booksite.page import num
from booksite.pages.atlas import curves, loss_and_slope, worked

ERROR = "error $e = \\hat y - y$"
RATIO = "prediction / target"


def smooth_l1_figure(e: np.ndarray, betas: tuple[float, ...] = (0.0, 1.0, 2.0)) -> str:
    options = {f"β = {b:g}": {"beta": b} for b in betas}
    series = curves(lossbook.smooth_l1, lossbook.smooth_l1_grad, (np.zeros_like(e), e), options)
    caption = "Smooth L1 for three thresholds: the slope is the error over β, clipped to ±1."
    return loss_and_slope(e, series, xlabel=ERROR, what="error", caption=caption)


def smooth_l1_steps(y_true: list[float], y_pred: list[float], beta: float) -> str:
    rows, values = [], []
    for i, (y, y_hat) in enumerate(zip(y_true, y_pred), 1):
        err = y_hat - y
        if abs(err) < beta:
            value, formula = err * err / (2 * beta), f"$({num(err, 3)})^2 / (2 \\cdot {num(beta)})$"
        else:
            value, formula = abs(err) - beta / 2, f"$\\lvert {num(err, 3)} \\rvert - {num(beta)} / 2$"
        values.append(value)
        rows.append([i, num(err, 3), formula, num(value)])
    header = ["reading", "error $e$", "$\\ell_\\beta(e)$", "value"]
    lossbook_value = lossbook.smooth_l1(y_true, y_pred, beta=beta)
    return worked(f"readings, beta {beta:g}", "lossbook.regression.smooth_l1", header, rows, values, lossbook_value)


def log_cosh_figure(e: np.ndarray) -> str:
    zero = np.zeros_like(e)
    series = [
        ("log cosh", lossbook.log_cosh(zero, e, reduction="none"), lossbook.log_cosh_grad(zero, e, reduction="none")),
        ("half squared error", 0.5 * e**2, e),
        ("Huber, δ = 1", lossbook.huber(zero, e, reduction="none"), np.clip(e, -1, 1)),
    ]
    caption = "Log-cosh follows half the squared error near 0 and a line of slope 1 beyond; its slope is tanh e."
    return loss_and_slope(e, series, xlabel=ERROR, what="error", caption=caption)


def log_cosh_steps(y_true: list[float], y_pred: list[float]) -> str:
    rows, values = [], []
    for i, (y, y_hat) in enumerate(zip(y_true, y_pred), 1):
        err = y_hat - y
        value = math.log(math.cosh(err))  # no cancellation to fear for errors that are not tiny
        values.append(value)
        rows.append([i, num(err, 3), f"$\\log \\cosh({num(err, 3)})$", num(value)])
    header = ["element", "error $e$", "$\\ell(e)$", "value"]
    lossbook_value = lossbook.log_cosh(y_true, y_pred)
    return worked("log-cosh", "lossbook.regression.log_cosh", header, rows, values, lossbook_value)


def _against_ratio(loss: Callable, grad: Callable, ratio: np.ndarray, targets: tuple[float, ...]) -> list:
    """(label, losses, slopes) of a loss for each target, against the ratio of prediction to target."""
    return [curves(loss, grad, (np.full_like(ratio, t), t * ratio), {f"target {t:g}": {}})[0] for t in targets]


def msle_figure(ratio: np.ndarray) -> str:
    series = _against_ratio(lossbook.msle, lossbook.msle_grad, ratio, (1.0, 10.0, 100.0))
    caption = "MSLE against the ratio of prediction to target, for three targets."
    return loss_and_slope(ratio, series, xlabel=RATIO, what="ratio of prediction to target", caption=caption)


def msle_asymmetry(target: float, ratios: tuple[float, float] = (0.5, 1.5)) -> str:
    """The sentence comparing an under- and an over-prediction by the same amount."""
    below, above = (lossbook.msle([target], [target * r]) for r in ratios)
    return (
        f"For a target of {num(target)}, predicting {num(target * ratios[0])} costs {num(below)} and predicting "
        f"{num(target * ratios[1])} costs {num(above)}: the same absolute error weighs "
        f"{'more' if below > above else 'less'} below the target than above it."
    )


def msle_steps(y_true: list[float], y_pred: list[float]) -> str:
    rows, values = [], []
    for i, (y, y_hat) in enumerate(zip(y_true, y_pred), 1):
        value = (math.log(1 + y_hat) - math.log(1 + y)) ** 2
        values.append(value)
        rows.append([i, num(y), num(y_hat), f"$(\\log {num(1 + y_hat)} - \\log {num(1 + y)})^2$", num(value)])
    header = ["element", "$y$", "$\\hat y$", "$\\ell$", "value"]
    lossbook_value = lossbook.msle(y_true, y_pred)
    return worked("scikit-learn's MSLE example", "lossbook.regression.msle", header, rows, values, lossbook_value)


def mape_figure(ratio: np.ndarray) -> str:
    series = _against_ratio(lossbook.mape, lossbook.mape_grad, ratio, (1.0, 10.0))
    caption = "MAPE is a V in the ratio of prediction to target; its slope is 100 / |y| per unit of prediction."
    return loss_and_slope(ratio, series, xlabel=RATIO, what="ratio of prediction to target", caption=caption)


def mape_steps(y_true: list[float], y_pred: list[float]) -> str:
    rows, values = [], []
    for i, (y, y_hat) in enumerate(zip(y_true, y_pred), 1):
        value = 100 * abs(y_hat - y) / abs(y)
        values.append(value)
        term = f"$100 \\cdot \\lvert {num(y_hat)} - {num(y)} \\rvert / {num(abs(y))}$"
        rows.append([i, num(y), num(y_hat), term, num(value)])
    header = ["element", "$y$", "$\\hat y$", "$\\ell$ (%)", "value"]
    lossbook_value = lossbook.mape(y_true, y_pred)
    return worked("forecasts", "lossbook.regression.mape", header, rows, values, lossbook_value)


def quantile_figure(e: np.ndarray, qs: tuple[float, ...] = (0.1, 0.5, 0.9)) -> str:
    options = {f"q = {q:g}": {"q": q} for q in qs}
    series = curves(lossbook.quantile, lossbook.quantile_grad, (np.zeros_like(e), e), options)
    caption = "The pinball loss tilts the absolute error: for q = 0.9, predicting too low costs nine times more."
    return loss_and_slope(e, series, xlabel=ERROR, what="error", caption=caption)


def quantile_steps(y_true: list[str], y_pred: list[str], q: str) -> str:
    """The pinball loss in exact arithmetic: inputs and q are decimal strings."""
    truth, guess, level = [Fraction(v) for v in y_true], [Fraction(v) for v in y_pred], Fraction(q)
    rows, values = [], []
    for i, (y, y_hat) in enumerate(zip(truth, guess), 1):
        d = y - y_hat
        value = max(level * d, (level - 1) * d)
        values.append(value)
        side = "under" if d > 0 else "over" if d < 0 else "exact"
        rows.append([i, num(float(d)), side, num(float(value))])
    header = ["element", "$d = y - \\hat y$", "prediction", f"$\\ell_{{{q}}}$"]
    lossbook_value = lossbook.quantile([float(v) for v in truth], [float(v) for v in guess], q=float(level))
    return worked(
        f"pinball, q = {q}", "lossbook.regression.quantile", header, rows, values, lossbook_value, align="rrlr"
    )


def poisson_figure(log_rate: np.ndarray, counts: tuple[float, ...] = (0.0, 2.0, 5.0)) -> str:
    series = [
        curves(
            lossbook.poisson_nll, lossbook.poisson_nll_grad, (np.full_like(log_rate, c), log_rate), {f"count {c:g}": {}}
        )[0]
        for c in counts
    ]
    caption = "For a positive count the Poisson loss is lowest where the rate e^x equals the count."
    return loss_and_slope(log_rate, series, xlabel="log-rate $x$", what="log-rate", caption=caption)


def poisson_steps(counts: list[float], log_rates: list[float]) -> str:
    """The full Poisson NLL of log-rates: e^x - y x plus Stirling's term for counts above 1."""
    rows, values = [], []
    for i, (y, x) in enumerate(zip(counts, log_rates), 1):
        stirling = y * math.log(y) - y + 0.5 * math.log(2 * math.pi * y) if y > 1 else 0.0
        value = math.exp(x) - y * x + stirling
        values.append(value)
        rows.append([i, num(y), num(x), f"$e^{{{num(x)}}} - {num(y)} \\cdot {num(x)}$", num(stirling), num(value)])
    header = ["element", "count $y$", "log-rate $x$", "$e^x - yx$", "Stirling term", "value"]
    lossbook_value = lossbook.poisson_nll(counts, log_rates, full=True)
    return worked("counts, full", "lossbook.regression.poisson_nll", header, rows, values, lossbook_value)


def gaussian_figure(e: np.ndarray, variances: tuple[float, ...] = (0.25, 1.0, 4.0)) -> str:
    zero = np.zeros_like(e)
    series = []
    for v in variances:
        var = np.full_like(e, v)
        d_mean, _ = lossbook.gaussian_nll_grad(zero, e, var, reduction="none")
        series.append((f"σ² = {v:g}", lossbook.gaussian_nll(zero, e, var, reduction="none"), d_mean))
    caption = "A larger predicted variance flattens the loss and its slope, for a constant price of log σ² / 2."
    return loss_and_slope(e, series, xlabel="error $\\mu - y$", what="error", caption=caption)


def gaussian_steps(y_true: list[float], mean: list[float], var: list[float]) -> str:
    """The full Gaussian NLL (with log 2 pi / 2) of each target."""
    rows, values = [], []
    for i, (y, mu, v) in enumerate(zip(y_true, mean, var), 1):
        value = 0.5 * (math.log(v) + (mu - y) ** 2 / v) + 0.5 * math.log(2 * math.pi)
        values.append(value)
        formula = f"$\\tfrac12(\\log {num(v)} + ({num(mu - y)})^2 / {num(v)} + \\log 2\\pi)$"
        rows.append([i, num(y), num(mu), num(v), formula, num(value)])
    header = ["element", "$y$", "$\\mu$", "$\\sigma^2$", "$\\ell$", "value"]
    lossbook_value = lossbook.gaussian_nll(y_true, mean, var, full=True)
    return worked("targets, full", "lossbook.regression.gaussian_nll", header, rows, values, lossbook_value)
