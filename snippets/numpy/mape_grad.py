import numpy as np


def numpy_mape_grad(y_true, y_pred, reduction="mean"):
    """Gradient of the MAPE (in percent) with respect to y_pred: 100 sign(error) / |y_true|,
    / n for reduction "mean"."""
    t, p = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    scale = 1 / t.size if reduction == "mean" else 1.0
    return 100 * np.sign(p - t) / np.abs(t) * scale
