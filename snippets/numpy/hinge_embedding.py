import numpy as np


def numpy_hinge_embedding(y_true, distances, margin=1.0):
    """Hinge embedding loss: the mean of d where y = 1 and max(0, margin - d) where y = -1."""
    y, d = np.asarray(y_true, dtype=float), np.asarray(distances, dtype=float)
    return float(np.mean(np.where(y == 1, d, np.maximum(0.0, margin - d))))
