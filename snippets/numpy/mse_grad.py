import numpy as np


def numpy_mse_grad(y_true, y_pred, reduction="mean"):
    """Gradient of the MSE with respect to y_pred: 2 (y_pred - y_true) / n,
    without the / n for reduction "sum" or "none"."""
    error = np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)
    scale = 1 / error.size if reduction == "mean" else 1.0
    return error * (2 * scale)
