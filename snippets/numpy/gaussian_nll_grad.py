import numpy as np


def numpy_gaussian_nll_grad(y_true, mean, var, full=False, eps=1e-6, reduction="mean"):
    """Gradients of the Gaussian NLL with respect to the mean and the variance v = max(var, eps):
    (mean - y) / v and (1 - (mean - y)**2 / v) / (2 v), / n for reduction "mean"; full adds nothing."""
    y, m = np.asarray(y_true, dtype=float), np.asarray(mean, dtype=float)
    v = np.maximum(np.asarray(var, dtype=float), eps)
    scale = 1 / y.size if reduction == "mean" else 1.0
    return scale * (m - y) / v, (0.5 * scale) * (1 - (m - y) ** 2 / v) / v
