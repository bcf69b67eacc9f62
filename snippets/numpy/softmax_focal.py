import numpy as np


def numpy_softmax_focal(labels, logits, alpha=0.25, gamma=2.0):
    """Softmax focal loss for class indices: the mean over rows of
    -alpha (1 - p_y)**gamma log p_y, with log p_y from a log-sum-exp and
    1 - p_y = -expm1(log p_y), accurate when p_y is close to 1."""
    z = np.asarray(logits, dtype=float)
    shifted = z - np.max(z, axis=-1, keepdims=True)
    log_p = shifted - np.logaddexp.reduce(shifted, axis=-1, keepdims=True)
    log_p_true = np.take_along_axis(log_p, np.asarray(labels)[..., None], axis=-1)[..., 0]
    return float(np.mean(-alpha * (-np.expm1(log_p_true)) ** gamma * log_p_true))
