import numpy as np


def numpy_margin_ranking_grad(y, x1, x2, margin=0.0, reduction="mean"):
    """Gradients of the margin ranking loss max(0, -y (x1 - x2) + m) with respect to x1 and x2:
    -y and y while m - y (x1 - x2) >= 0 (the kink included), else 0; / n for "mean"."""
    y, a, b = (np.asarray(v, dtype=float) for v in (y, x1, x2))
    grad = np.where(margin - y * (a - b) >= 0, -y, 0.0) / (y.size if reduction == "mean" else 1)
    return grad, 0.0 - grad
