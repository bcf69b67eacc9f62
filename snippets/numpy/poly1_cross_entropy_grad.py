import numpy as np


def numpy_poly1_cross_entropy_grad(labels, logits, epsilon=2.0, reduction="mean"):
    """Gradient of the poly-1 loss CE + epsilon (1 - p_t) with respect to the logits (class
    indices): p - y - epsilon p (y - p_t); / the number of rows for "mean"."""
    z = np.asarray(logits, dtype=float)
    shifted = z - np.max(z, axis=-1, keepdims=True)
    p = np.exp(shifted - np.logaddexp.reduce(shifted, axis=-1, keepdims=True))
    y = np.eye(z.shape[-1])[np.asarray(labels)]
    p_t = np.sum(y * p, axis=-1, keepdims=True)
    grad = p - y - epsilon * p * (y - p_t)
    return grad / (grad.size // z.shape[-1] if reduction == "mean" else 1)
