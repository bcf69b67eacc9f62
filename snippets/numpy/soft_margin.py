import numpy as np


def numpy_soft_margin(y_true, scores):
    """Soft margin loss: the mean of log(1 + exp(-y * s)), as max(-ys, 0) + log1p(exp(-|ys|))."""
    ys = np.asarray(y_true, dtype=float) * np.asarray(scores, dtype=float)
    return float(np.mean(np.maximum(-ys, 0.0) + np.log1p(np.exp(-np.abs(ys)))))
