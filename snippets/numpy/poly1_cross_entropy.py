import numpy as np


def numpy_poly1_cross_entropy(labels, logits, epsilon=2.0):
    """Poly-1 cross-entropy for class indices: the mean over rows of
    -log p_y + epsilon (1 - p_y), with 1 - p_y = -expm1(log p_y)."""
    z = np.asarray(logits, dtype=float)
    shifted = z - np.max(z, axis=-1, keepdims=True)
    log_p = shifted - np.logaddexp.reduce(shifted, axis=-1, keepdims=True)
    log_p_true = np.take_along_axis(log_p, np.asarray(labels)[..., None], axis=-1)[..., 0]
    return float(np.mean(-log_p_true - epsilon * np.expm1(log_p_true)))
