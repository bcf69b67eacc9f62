import numpy as np


def numpy_dice(y_true, y_pred, axis=None):
    """Dice loss: 1 - 2 sum(y p) / (sum(y) + sum(p)), the sums over `axis` (all axes
    by default), averaged over the remaining slices."""
    y, p = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    overlap = np.sum(y * p, axis=axis)
    return float(np.mean(1 - 2 * overlap / (np.sum(y, axis=axis) + np.sum(p, axis=axis))))
