import numpy as np


def numpy_mae_grad(y_true, y_pred, reduction="mean"):
    """Gradient of the MAE with respect to y_pred: sign(y_pred - y_true) / n
    (sign(0) = 0), without the / n for reduction "sum" or "none"."""
    error = np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)
    scale = 1 / error.size if reduction == "mean" else 1.0
    return np.sign(error) * scale
