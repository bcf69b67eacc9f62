import numpy as np


def numpy_msle(y_true, y_pred):
    """Mean squared logarithmic error: the mean of (log(1 + y_pred) - log(1 + y_true))**2.

    The difference is log1p(r) with r = (y_pred - y_true) / (1 + y_true), exact for close
    values; where y_pred is far below y_true (r < -1/2), log((1 + y_pred) / (1 + y_true)).
    """
    t, p = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    r = (p - t) / (1 + t)
    d = np.where(r < -0.5, np.log((1 + p) / (1 + t)), np.log1p(np.maximum(r, -0.5)))
    return float(np.mean(d**2))
