import numpy as np


def numpy_binary_cross_entropy_with_logits_grad(y_true, logits):
    """Gradient of the mean binary cross-entropy with respect to the logits:
    (sigmoid(z) - y) / n, as (1 - y) sigmoid(z) - y sigmoid(-z)."""
    y, z = np.asarray(y_true, dtype=float), np.asarray(logits, dtype=float)
    e = np.exp(-np.abs(z))  # in (0, 1]: no overflow
    # (1 + e) sigmoid(z) is 1 for z >= 0, else e; (1 + e) sigmoid(-z) the other one
    numerator = (1 - y) * np.where(z >= 0, 1.0, e) - y * np.where(z >= 0, e, 1.0)
    return numerator / (1 + e) / z.size
