import numpy as np


def numpy_mape(y_true, y_pred):
    """Mean absolute percentage error: 100 times the mean of |y_pred - y_true| / |y_true|."""
    t, p = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    return float(100 * np.mean(np.abs(p - t) / np.abs(t)))
