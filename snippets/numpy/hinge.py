import numpy as np


def numpy_hinge(y_true, y_pred):
    """Hinge loss: the mean of max(0, 1 - y * score), labels -1/1 (0/1 mapped to -1/1)."""
    y, s = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    if np.all((y == 0) | (y == 1)):
        y = 2 * y - 1
    return float(np.mean(np.maximum(0.0, 1.0 - y * s)))
