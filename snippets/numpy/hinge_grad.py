import numpy as np


def numpy_hinge_grad(y_true, y_pred, reduction="mean"):
    """Gradient of the hinge loss with respect to y_pred: -y where 1 - y s > 0, else 0 (also at
    the kink); / n for reduction "mean". Labels -1/1 (0/1 mapped to -1/1)."""
    y, s = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    if np.all((y == 0) | (y == 1)):
        y = 2 * y - 1
    grad = np.where(1.0 - y * s > 0, -y, 0.0)
    return grad / (y.size if reduction == "mean" else 1)
