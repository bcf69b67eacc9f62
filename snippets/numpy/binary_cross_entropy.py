import numpy as np


def numpy_binary_cross_entropy(y_true, p_pred):
    """Binary cross-entropy in nats: the mean of
    -(y log p + (1 - y) log(1 - p)), with 0 log 0 = 0."""
    y, p = np.asarray(y_true, dtype=float), np.asarray(p_pred, dtype=float)
    # log(0) = -inf is meant: a certain prediction that is wrong costs inf.
    with np.errstate(divide="ignore", invalid="ignore"):
        positive = np.where(y > 0, y * np.log(p), 0.0)
        # log1p(-p) is log(1 - p), accurate also for tiny p.
        negative = np.where(y < 1, (1 - y) * np.log1p(-p), 0.0)
    return float(-np.mean(positive + negative) + 0.0)  # 0.0, never -0.0
