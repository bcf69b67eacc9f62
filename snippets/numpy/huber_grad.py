import numpy as np


def numpy_huber_grad(y_true, y_pred, delta=1.0, reduction="mean"):
    """Gradient of the Huber loss with respect to y_pred: the error clipped to
    [-delta, delta], / n for reduction "mean"."""
    error = np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)
    scale = 1 / error.size if reduction == "mean" else 1.0
    return np.clip(error, -delta, delta) * scale
