"""The atlas page on margin losses (docs/atlas/margin.md): its figures and the multi-label worked example."""

from __future__ import annotations

import numpy as np

import lossbook
from booksite.page import alt_num, num
from booksite.pages.atlas import loss_and_slope


def hinge_figure(s: np.ndarray) -> str:
    """Hinge, squared hinge and soft margin of the label +1 against the scores ``s``, with their derivatives."""
    ones = np.ones_like(s)
    series = [
        (name, loss(ones, s, reduction="none"), grad(ones, s, reduction="none"))
        for name, loss, grad in (
            ("hinge", lossbook.hinge, lossbook.hinge_grad),
            ("squared hinge", lossbook.squared_hinge, lossbook.squared_hinge_grad),
            ("soft margin", lossbook.soft_margin, lossbook.soft_margin_grad),
        )
    ]
    return loss_and_slope(
        s,
        series,
        xlabel="score s (label y = +1)",
        what="score s of a positive example",
        caption="Hinge, squared hinge and soft margin losses for a positive label: the loss (left) and its derivative "
        "(right).",
    )


def multiclass_figure(gap: np.ndarray) -> str:
    """Categorical hinge and multi-margin of three classes whose true score leads the two others by ``gap``."""
    scores = np.stack([gap, np.zeros_like(gap), np.zeros_like(gap)], axis=1)
    labels = np.zeros(len(gap), dtype=int)
    series = [
        (name, loss(labels, scores, reduction="none"), grad(labels, scores, reduction="none")[:, 0])
        for name, loss, grad in (
            ("categorical hinge", lossbook.categorical_hinge, lossbook.categorical_hinge_grad),
            ("multi-margin", lossbook.multi_margin, lossbook.multi_margin_grad),
        )
    ]
    return loss_and_slope(
        gap,
        series,
        xlabel=f"true score minus the other scores (K = {scores.shape[1]})",
        what="lead of the true score over the two others",
        slope="derivative in the true score",
        caption="Categorical hinge and multi-margin losses for three classes: the loss (left) and its derivative in "
        "the true class's score (right).",
    )


def multilabel_figure(other: np.ndarray) -> str:
    """Multi-label margin of one target class scoring 0 and one other class scoring ``other``."""
    rows = np.stack([np.zeros_like(other), other], axis=1)
    targets = np.tile([0, -1], (len(other), 1))
    loss = lossbook.multilabel_margin(targets, rows, reduction="none")
    grad = lossbook.multilabel_margin_grad(targets, rows, reduction="none")[:, 1]
    return loss_and_slope(
        other,
        [("multi-label margin", loss, grad)],
        xlabel="score of the non-target class (target scores 0, K = 2)",
        what="score of the non-target class",
        slope="derivative in that score",
        caption="Multi-label margin loss for one target and one other class: the loss (left) and its derivative "
        "in the other class's score (right).",
    )


def embedding_figure(d: np.ndarray, margin: float = 1.0) -> str:
    """Hinge embedding of similar and dissimilar pairs at the distances ``d``."""
    series = [
        (
            f"{kind} (y = {alt_num(label)})",
            lossbook.hinge_embedding(np.full_like(d, label), d, margin=margin, reduction="none"),
            lossbook.hinge_embedding_grad(np.full_like(d, label), d, margin=margin, reduction="none"),
        )
        for kind, label in (("similar", 1), ("dissimilar", -1))
    ]
    return loss_and_slope(
        d,
        series,
        xlabel=f"distance d (margin {alt_num(margin)})",
        what="distance d",
        caption="Hinge embedding loss for similar and dissimilar pairs: the loss (left) and its derivative (right).",
    )


def multilabel_steps(s: list[float], targets: list[int]) -> tuple[str, float]:
    """The multi-label margin of one row, pair by pair, in plain floats: (Markdown, the loss)."""
    listed = targets[: targets.index(-1)] if -1 in targets else targets
    others = [i for i in range(len(s)) if i not in listed]
    pairs = [(j, i, max(0.0, 1 - (s[j] - s[i]))) for j in listed for i in others]
    lines = [
        f"- target {j} against class {i}: $\\max(0, 1 - ({num(s[j])} - {num(s[i])})) = {num(v)}$" for j, i, v in pairs
    ]
    total = sum(v for *_, v in pairs) / len(s)
    after = [t for t in targets[len(listed) + 1 :] if t != -1]
    ignored = f", so class {', '.join(map(str, after))} after it is not a target" if after else ""
    text = "\n".join(lines) + (
        f"\n\nThe targets list is read up to the first $-1${ignored}. "
        f"The sum divided by $K = {len(s)}$ is ${num(total)}$.\n"
    )
    return text, total
