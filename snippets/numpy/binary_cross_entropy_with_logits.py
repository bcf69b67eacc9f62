import numpy as np


def numpy_binary_cross_entropy_with_logits(y_true, logits):
    """Binary cross-entropy of sigmoid(z) in nats, without the sigmoid: the
    mean of (1 - y) max(z, 0) + y max(-z, 0) + log(1 + exp(-|z|))."""
    y, z = np.asarray(y_true, dtype=float), np.asarray(logits, dtype=float)
    # Every term is >= 0 and exp(-|z|) <= 1: nothing overflows or cancels.
    linear = (1 - y) * np.maximum(z, 0) + y * np.maximum(-z, 0)
    return float(np.mean(linear + np.log1p(np.exp(-np.abs(z)))))
