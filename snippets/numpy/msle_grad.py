import numpy as np


def numpy_msle_grad(y_true, y_pred, reduction="mean"):
    """Gradient of the MSLE with respect to y_pred: 2 (log(1 + y_pred) - log(1 + y_true)) / (1 + y_pred),
    / n for reduction "mean"; the difference of logarithms computed as in numpy_msle."""
    t, p = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    r = (p - t) / (1 + t)
    d = np.where(r < -0.5, np.log((1 + p) / (1 + t)), np.log1p(np.maximum(r, -0.5)))
    scale = 1 / d.size if reduction == "mean" else 1.0
    return 2 * d / (1 + p) * scale
