"""The classification atlas (docs/atlas/classification.md): each loss's figure and worked example.

The figures plot against a logit, or against the margin of the true class over one other
class (two classes); their alt text describes the first point, the most wrong answer. The
steps compute each row's loss with ``math``, independently of lossbook, then check the mean.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

import lossbook
from booksite.page import num
from booksite.pages.atlas import curves, loss_and_slope, worked

MARGIN = "margin of the true class $z_y - z_{\\mathrm{other}}$"


def sigmoid(z: float) -> float:
    """The logistic function of one logit (the worked examples use small logits only)."""
    return 1 / (1 + math.exp(-z))


def log_softmax_row(row: Sequence[float]) -> list[float]:
    """The log-probabilities of one row of logits, shifted by its maximum."""
    top = max(row)
    lse = top + math.log(math.fsum(math.exp(v - top) for v in row))
    return [v - lse for v in row]


def two_classes(margin: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Labels (all class 0) and two-class logits whose true class leads by ``margin``."""
    return np.zeros(len(margin), dtype=int), np.stack([margin, np.zeros_like(margin)], axis=-1)


def sigmoid_focal_figure(x: np.ndarray, gammas: tuple[float, ...] = (0.0, 1.0, 2.0, 5.0)) -> str:
    options = {f"γ = {g:g}": {"alpha": None, "gamma": g} for g in gammas}
    series = curves(lossbook.sigmoid_focal, lossbook.sigmoid_focal_grad, (np.ones_like(x), x), options)
    caption = "For a positive label, the focal factor flattens the loss of confident right answers (large z)."
    return loss_and_slope(x, series, xlabel="logit $z$ (label 1)", what="logit", caption=caption)


def sigmoid_focal_steps(labels: list[float], logits: list[float], alpha: float, gamma: float) -> str:
    rows, values = [], []
    for i, (y, z) in enumerate(zip(labels, logits), 1):
        wrong = y * sigmoid(-z) + (1 - y) * sigmoid(z)  # 1 - p_t
        bce = -(y * math.log(sigmoid(z)) + (1 - y) * math.log(sigmoid(-z)))
        weight = alpha * y + (1 - alpha) * (1 - y)
        value = weight * wrong**gamma * bce
        values.append(value)
        rows.append([i, num(y), num(z), num(wrong), num(bce), num(weight), num(value)])
    header = ["element", "$y$", "$z$", "$1 - p_t$", "BCE", "$\\alpha_t$", f"$\\alpha_t (1 - p_t)^{{{gamma:g}}}$ BCE"]
    lossbook_value = lossbook.sigmoid_focal(labels, logits, alpha=alpha, gamma=gamma)
    return worked("anchors", "lossbook.classification.sigmoid_focal", header, rows, values, lossbook_value)


def softmax_focal_figure(x: np.ndarray, gammas: tuple[float, ...] = (0.0, 2.0, 5.0)) -> str:
    options = {f"γ = {g:g}": {"alpha": 1.0, "gamma": g} for g in gammas}
    series = curves(lossbook.softmax_focal, lossbook.softmax_focal_grad, two_classes(x), options, column=0)
    caption = "Two classes: γ = 0 is cross-entropy; larger γ silences the rows already right."
    return loss_and_slope(x, series, xlabel=MARGIN, what="margin", caption=caption)


def softmax_focal_steps(labels: list[int], logits: list[list[float]], alpha: float, gamma: float) -> str:
    rows, values = [], []
    for i, (c, row) in enumerate(zip(labels, logits), 1):
        log_p = log_softmax_row(row)[c]
        p = math.exp(log_p)
        value = -alpha * (1 - p) ** gamma * log_p
        values.append(value)
        rows.append([i, c, num(p), f"$-{alpha:g}\\,(1 - {num(p)})^{{{gamma:g}}} \\log {num(p)}$", num(value)])
    header = ["row", "class $y$", "$p_y$", "$\\ell$", "value"]
    lossbook_value = lossbook.softmax_focal(labels, logits, alpha=alpha, gamma=gamma)
    return worked("rows", "lossbook.classification.softmax_focal", header, rows, values, lossbook_value)


def gce_figure(p_true: np.ndarray, qs: tuple[float, ...] = (0.1, 0.5, 1.0)) -> str:
    inputs = np.zeros(len(p_true), dtype=int), np.stack([p_true, 1 - p_true], axis=-1)
    options = {f"q = {q:g}": {"q": q} for q in qs}
    series = curves(lossbook.generalized_cross_entropy, lossbook.generalized_cross_entropy_grad, inputs, options, 0)
    caption = "Small q behaves like cross-entropy (steep near p = 0); q = 1 is a straight line, bounded by 1."
    xlabel = "probability of the true class $p_y$"
    return loss_and_slope(p_true, series, xlabel=xlabel, what="probability", caption=caption)


def gce_steps(labels: list[int], probs: list[list[float]], q: float) -> str:
    rows, values = [], []
    for i, (c, row) in enumerate(zip(labels, probs), 1):
        value = (1 - row[c] ** q) / q
        values.append(value)
        rows.append([i, c, num(row[c]), f"$(1 - {num(row[c])}^{{{q:g}}}) / {q:g}$", num(value)])
    header = ["row", "class $y$", "$p_y$", f"$\\ell_{{{q:g}}}$", "value"]
    lossbook_value = lossbook.generalized_cross_entropy(labels, probs, q=q)
    return worked(
        f"rows, q = {q:g}", "lossbook.classification.generalized_cross_entropy", header, rows, values, lossbook_value
    )


def poly1_figure(x: np.ndarray, epsilons: tuple[float, ...] = (-1.0, 0.0, 2.0)) -> str:
    options = {f"ε = {eps:g}": {"epsilon": eps} for eps in epsilons}
    series = curves(lossbook.poly1_cross_entropy, lossbook.poly1_cross_entropy_grad, two_classes(x), options, column=0)
    caption = "Two classes: ε = 0 is cross-entropy; ε = 2 (optax's default) steepens it, ε = -1 flattens it."
    return loss_and_slope(x, series, xlabel=MARGIN, what="margin", caption=caption)


def poly1_steps(labels: list[int], logits: list[list[float]], epsilon: float) -> str:
    rows, values = [], []
    for i, (c, row) in enumerate(zip(labels, logits), 1):
        log_p = log_softmax_row(row)[c]
        p = math.exp(log_p)
        value = -log_p + epsilon * (1 - p)
        values.append(value)
        rows.append([i, c, num(p), f"$-\\log {num(p)} + {epsilon:g}\\,(1 - {num(p)})$", num(value)])
    header = ["row", "class $y$", "$p_t$", "$\\ell$", "value"]
    lossbook_value = lossbook.poly1_cross_entropy(labels, logits, epsilon=epsilon)
    return worked(
        f"rows, epsilon {epsilon:g}",
        "lossbook.classification.poly1_cross_entropy",
        header,
        rows,
        values,
        lossbook_value,
    )


def multilabel_figure(x: np.ndarray) -> str:
    loss, grad, one_class = lossbook.multilabel_soft_margin, lossbook.multilabel_soft_margin_grad, x[:, None]
    series = [curves(loss, grad, (np.full_like(one_class, y), one_class), {f"label {y:g}": {}}, 0)[0] for y in (0, 1)]
    caption = "One class of a multi-label row: the binary cross-entropy, its slope σ(z) − y."
    return loss_and_slope(x, series, xlabel="logit $z_c$", what="logit", caption=caption)


def multilabel_steps(targets: list[list[float]], scores: list[list[float]]) -> str:
    rows, values = [], []
    for i, (ys, zs) in enumerate(zip(targets, scores), 1):
        terms = [-(y * math.log(sigmoid(z)) + (1 - y) * math.log(sigmoid(-z))) for y, z in zip(ys, zs)]
        value = math.fsum(terms) / len(terms)
        values.append(value)
        rows.append([i, ", ".join(f"{int(y)}" for y in ys), ", ".join(num(t) for t in terms), num(value)])
    header = ["row", "labels", "BCE per class", "row mean"]
    lossbook_value = lossbook.multilabel_soft_margin(targets, scores)
    return worked(
        "multi-label rows", "lossbook.classification.multilabel_soft_margin", header, rows, values, lossbook_value
    )
