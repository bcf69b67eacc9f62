import numpy as np


def numpy_squared_hinge_grad(y_true, y_pred, reduction="mean"):
    """Gradient of the squared hinge loss with respect to y_pred: -2 y max(0, 1 - y s);
    / n for reduction "mean". Labels -1/1 (0/1 mapped to -1/1)."""
    y, s = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    if np.all((y == 0) | (y == 1)):
        y = 2 * y - 1
    grad = -2.0 * y * np.maximum(1.0 - y * s, 0.0)
    return grad / (y.size if reduction == "mean" else 1)
