import numpy as np


def numpy_tversky_grad(y_true, y_pred, alpha=0.5, beta=0.5, axis=None, reduction="mean"):
    """Gradient of the Tversky loss with respect to y_pred: (TP / D ((1 - alpha) y + beta (1 - y)) - y) / D
    with D = TP + alpha FN + beta FP over `axis`; / the number of slices for "mean"."""
    y, p = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    tp = np.sum(y * p, axis=axis, keepdims=True)
    fn = np.sum(y * (1 - p), axis=axis, keepdims=True)
    fp = np.sum((1 - y) * p, axis=axis, keepdims=True)
    d = tp + alpha * fn + beta * fp
    grad = (tp / d * ((1 - alpha) * y + beta * (1 - y)) - y) / d
    return grad / (tp.size if reduction == "mean" else 1)
