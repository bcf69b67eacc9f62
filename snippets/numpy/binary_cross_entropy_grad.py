import numpy as np


def numpy_binary_cross_entropy_grad(y_true, p_pred):
    """Gradient of the mean binary cross-entropy with respect to p:
    (p - y) / (p (1 - p)) / n, where a term with a zero factor drops out."""
    y, p = np.asarray(y_true, dtype=float), np.asarray(p_pred, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # p = 0 or 1: fixed below;
        # p (1 - p) below about 1e-308 / |p - y|: the true slope is beyond float64, inf
        grad = (p - y) / (p * (1 - p))
    grad = np.where(p == 0, np.where(y > 0, -np.inf, 1.0), grad)  # 0 log 0 = 0
    grad = np.where(p == 1, np.where(y < 1, np.inf, -1.0), grad)
    return grad / p.size
