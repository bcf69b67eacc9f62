"""Shared figure code of the atlas pages on margin and similarity losses (docs/atlas/margin.md, similarity.md)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from booksite.page import alt_num, figure, panels


def loss_and_gradient(x: np.ndarray, curves: dict[str, tuple[np.ndarray, np.ndarray]], xlabel: str, what: str) -> str:
    """Two panels over the same ``x``: each curve's loss (left) and its derivative (right).

    ``curves`` maps a label to (losses, derivatives). The alt text gives, for each curve, the
    loss and the derivative at both ends and, when the loss reaches 0, the first ``x`` where it does.
    """
    fig, (left, right) = panels(2, figsize=(8, 3.2))
    for label, (loss, grad) in curves.items():
        left.plot(x, loss, label=label)
        right.plot(x, grad, label=label)
    fig.supxlabel(xlabel, fontsize=plt.rcParams["axes.labelsize"])  # one label under both panels: some are long
    left.set_ylabel("loss")
    right.set_ylabel("derivative")
    left.legend(fontsize=9)
    parts = []
    for label, (loss, grad) in curves.items():
        zero = f", zero from {alt_num(x[np.argmax(loss == 0)])} on" if (loss == 0).any() else ""
        ends = f"loss from {alt_num(loss[0])} to {alt_num(loss[-1])}{zero}"
        parts.append(f"{label}: {ends}; derivative from {alt_num(grad[0])} to {alt_num(grad[-1])}")
    return figure(
        fig,
        alt=f"{what}, for {xlabel} from {alt_num(x[0])} to {alt_num(x[-1])}. " + "; ".join(parts) + ".",
        caption=f"{what}: the loss (left) and its derivative (right).",
    )


def rotated(angles: np.ndarray) -> np.ndarray:
    """Unit vectors in the plane at the given angles (radians) from (1, 0), one per row."""
    return np.stack([np.cos(angles), np.sin(angles)], axis=1)
