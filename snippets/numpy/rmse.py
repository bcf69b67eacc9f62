import numpy as np


def numpy_rmse(y_true, y_pred):
    """Root mean squared error: sqrt(mean((y_pred - y_true)**2)), in the
    units of y."""
    error = np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)
    # Divide by the largest error so that no square can over- or underflow.
    scale = np.max(np.abs(error))
    if scale == 0:
        return 0.0
    return float(scale * np.sqrt(np.mean((error / scale) ** 2)))
