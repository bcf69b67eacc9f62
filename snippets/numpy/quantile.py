import numpy as np


def numpy_quantile(y_true, y_pred, q=0.5):
    """Quantile (pinball) loss: the mean of max(q d, (q - 1) d) for d = y_true - y_pred."""
    d = np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float)
    return float(np.mean(np.maximum(q * d, (q - 1) * d)))
