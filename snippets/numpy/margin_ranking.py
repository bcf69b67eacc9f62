import numpy as np


def numpy_margin_ranking(y, x1, x2, margin=0.0):
    """Margin ranking loss: the mean of max(0, -y * (x1 - x2) + margin)."""
    y, x1, x2 = (np.asarray(a, dtype=float) for a in (y, x1, x2))
    return float(np.mean(np.maximum(0.0, -y * (x1 - x2) + margin)))
