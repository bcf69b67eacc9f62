import numpy as np


def numpy_soft_margin_grad(y_true, scores, reduction="mean"):
    """Gradient of the soft margin loss log(1 + e^(-y s)) with respect to the scores:
    -y / (1 + e^(y s)); / n for reduction "mean"."""
    y, s = np.asarray(y_true, dtype=float), np.asarray(scores, dtype=float)
    with np.errstate(over="ignore"):  # e^(y s) = inf: the slope is 0
        grad = -y / (1.0 + np.exp(y * s))
    return grad / (y.size if reduction == "mean" else 1)
