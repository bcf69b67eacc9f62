import numpy as np


def numpy_hinge_embedding_grad(y_true, distances, margin=1.0, reduction="mean"):
    """Gradient of the hinge embedding loss with respect to the distances: 1 for similar pairs
    (y = 1); -1 for dissimilar ones while m - d >= 0 (the kink included), else 0; / n for "mean"."""
    y, d = np.asarray(y_true, dtype=float), np.asarray(distances, dtype=float)
    grad = np.where(y == 1, 1.0, np.where(margin - d >= 0, -1.0, 0.0))
    return grad / (y.size if reduction == "mean" else 1)
