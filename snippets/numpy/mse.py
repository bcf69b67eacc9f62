import numpy as np


def numpy_mse(y_true, y_pred):
    """Mean squared error: mean((y_pred - y_true)**2) over all values."""
    error = np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)
    return float(np.mean(error**2))
