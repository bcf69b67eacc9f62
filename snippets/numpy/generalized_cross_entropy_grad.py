import numpy as np


def numpy_generalized_cross_entropy_grad(labels, probs, q=0.5, reduction="mean"):
    """Gradient of the generalized cross-entropy (1 - p_y**q) / q with respect to the
    probabilities: -p_y**(q - 1) at the true class, 0 elsewhere; / the number of rows for "mean"."""
    p = np.asarray(probs, dtype=float)
    y = np.eye(p.shape[-1])[np.asarray(labels)]
    grad = -y * np.sum(y * p, axis=-1, keepdims=True) ** (q - 1)
    return grad / (grad.size // p.shape[-1] if reduction == "mean" else 1)
