import numpy as np


def numpy_multi_margin(labels, scores, p=1, margin=1.0):
    """Multi-class margin loss: mean over rows of sum over k != y of max(0, margin - s_y + s_k)**p / K."""
    s = np.asarray(scores, dtype=float)
    rows = np.arange(len(s))
    z = np.maximum(0.0, (margin - s[rows, labels])[:, None] + s) ** p
    z[rows, labels] = 0.0  # the true class is not a competitor
    return float(np.mean(np.sum(z, axis=1) / s.shape[1]))
