import numpy as np


def numpy_poisson_nll_grad(y_true, y_pred, log_input=True, full=False, eps=1e-8, reduction="mean"):
    """Gradient of the Poisson NLL with respect to y_pred: exp(x) - y for log-rates (written
    expm1(x) - (y - 1) near x = 0, where it nears 0 for y = 1), or 1 - y / (x + eps) for rates,
    written (x - y + eps) / (x + eps); full adds nothing. / n for reduction "mean"."""
    y, x = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    if log_input:
        grad = np.where(np.abs(x) < 1, np.expm1(x) - (y - 1), np.exp(x) - y)
    else:
        grad = ((x - y) + eps) / (x + eps)
    return grad * (1 / y.size if reduction == "mean" else 1.0)
