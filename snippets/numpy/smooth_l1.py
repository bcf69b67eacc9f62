import numpy as np


def numpy_smooth_l1(y_true, y_pred, beta=1.0):
    """Smooth L1 loss: the mean of e**2 / (2 beta) where |e| < beta, else |e| - beta / 2,
    for the errors e = y_pred - y_true (beta = 0: the mean absolute error)."""
    abs_error = np.abs(np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float))
    if beta == 0:
        return float(np.mean(abs_error))
    with np.errstate(over="ignore"):  # may overflow where it is not used
        quadratic = 0.5 * abs_error**2 / beta
    return float(np.mean(np.where(abs_error < beta, quadratic, abs_error - 0.5 * beta)))
