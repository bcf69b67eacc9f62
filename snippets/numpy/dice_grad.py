import numpy as np


def numpy_dice_grad(y_true, y_pred, axis=None, reduction="mean"):
    """Gradient of the Dice loss with respect to y_pred: 2 (I / U - y) / U with I = sum(y p),
    U = sum(y) + sum(p) over `axis`; / the number of slices for "mean"."""
    y, p = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    overlap = np.sum(y * p, axis=axis, keepdims=True)
    total = np.sum(y, axis=axis, keepdims=True) + np.sum(p, axis=axis, keepdims=True)
    grad = 2 * (overlap / total - y) / total
    return grad / (overlap.size if reduction == "mean" else 1)
