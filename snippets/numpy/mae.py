import numpy as np


def numpy_mae(y_true, y_pred):
    """Mean absolute error: mean(|y_pred - y_true|) over all values."""
    error = np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)
    return float(np.mean(np.abs(error)))
