import numpy as np


def numpy_log_cosh(y_true, y_pred):
    """Log-cosh loss: the mean of log(cosh(e)) for the errors e = y_pred - y_true.

    log cosh a = log(1 + (1 - exp(-a))**2 / (2 exp(-a))) for a = |e|: no cancellation
    for small errors; beyond a = 700 it is a - log 2, written log cosh(700) + (a - 700).
    """
    a = np.abs(np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float))
    c = np.minimum(a, 700.0)
    return float(np.mean(np.log1p(np.expm1(-c) ** 2 / (2 * np.exp(-c))) + (a - c)))
