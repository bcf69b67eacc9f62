import numpy as np


def numpy_quantile_grad(y_true, y_pred, q=0.5, reduction="mean"):
    """Gradient of the pinball loss with respect to y_pred: 1 - q above the target, -q below,
    the mean of the two, 1/2 - q, at it; / n for reduction "mean"."""
    t, p = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    scale = 1 / t.size if reduction == "mean" else 1.0
    return np.where(p > t, 1 - q, np.where(p < t, -q, 0.5 - q)) * scale
