import numpy as np


def numpy_cosine_similarity_grad(y_true, y_pred, reduction="mean"):
    """Gradient of -cos(y, p) (along the last axis) with respect to p:
    -(y / |y| - cos * p / |p|) / |p|, 0 for a zero vector; / the number of vectors for "mean"."""
    y, p = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    norm_y = np.linalg.norm(y, axis=-1, keepdims=True)
    norm_p = np.linalg.norm(p, axis=-1, keepdims=True)
    unit_y = y / np.where(norm_y > 0, norm_y, 1.0)
    unit_p = p / np.where(norm_p > 0, norm_p, 1.0)
    cos = np.sum(unit_y * unit_p, axis=-1, keepdims=True)
    grad = 0.0 - np.where(norm_p > 0, (unit_y - cos * unit_p) / np.where(norm_p > 0, norm_p, 1.0), 0.0)  # no -0.0
    return grad / (cos.size if reduction == "mean" else 1)
