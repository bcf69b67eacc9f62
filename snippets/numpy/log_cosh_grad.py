import numpy as np


def numpy_log_cosh_grad(y_true, y_pred, reduction="mean"):
    """Gradient of log-cosh with respect to y_pred: tanh of the error, / n for reduction "mean"."""
    error = np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)
    scale = 1 / error.size if reduction == "mean" else 1.0
    return np.tanh(error) * scale
