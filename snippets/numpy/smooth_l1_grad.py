import numpy as np


def numpy_smooth_l1_grad(y_true, y_pred, beta=1.0, reduction="mean"):
    """Gradient of the smooth L1 loss with respect to y_pred: the error over beta clipped
    to [-1, 1] (its sign for beta = 0), / n for reduction "mean"."""
    error = np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)
    scale = 1 / error.size if reduction == "mean" else 1.0
    slope = np.sign(error) if beta == 0 else np.clip(error / beta, -1, 1)
    return slope * scale
