import numpy as np


def numpy_categorical_hinge(y_true, y_pred):
    """Categorical hinge (Keras): mean over rows of max(0, max((1 - y) * s) - sum(y * s) + 1)."""
    y, s = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    pos = np.sum(y * s, axis=-1)
    neg = np.max((1 - y) * s, axis=-1)
    return float(np.mean(np.maximum(0.0, neg - pos + 1)))
