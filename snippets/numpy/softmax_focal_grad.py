import numpy as np


def numpy_softmax_focal_grad(labels, logits, alpha=0.25, gamma=2.0, reduction="mean"):
    """Gradient of the softmax focal loss (class indices) with respect to the logits: with
    g = -alpha (1 - p_y)**gamma (1 - gamma p_y log p_y / (1 - p_y)) at the true class, g - p g;
    / the number of rows for "mean"."""
    z = np.asarray(logits, dtype=float)
    shifted = z - np.max(z, axis=-1, keepdims=True)
    log_p = shifted - np.logaddexp.reduce(shifted, axis=-1, keepdims=True)
    p = np.exp(log_p)
    y = np.eye(z.shape[-1])[np.asarray(labels)]
    m = -np.expm1(log_p)  # 1 - p, accurate near p = 1
    g = np.sum(alpha * y * m**gamma * (gamma * p * log_p / m - 1), axis=-1, keepdims=True)
    grad = y * g - p * g
    return grad / (grad.size // z.shape[-1] if reduction == "mean" else 1)
