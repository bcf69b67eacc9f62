import numpy as np


def numpy_cosine_embedding_grad(y, x1, x2, margin=0.0, reduction="mean"):
    """Gradients of the cosine embedding loss with respect to x1 and x2, row by row: with
    c = cos(x1, x2), dc/dx1 = (x2 / |x2| - c x1 / |x1|) / |x1| (and the mirror for x2), times -1
    where y = 1 and [c - margin >= 0] where y = -1 (0 for a zero vector); / rows for "mean"."""
    x1, x2 = np.asarray(x1, dtype=float), np.asarray(x2, dtype=float)
    n1 = np.linalg.norm(x1, axis=-1, keepdims=True)
    n2 = np.linalg.norm(x2, axis=-1, keepdims=True)
    u1, u2 = x1 / np.where(n1 > 0, n1, 1.0), x2 / np.where(n2 > 0, n2, 1.0)
    cos = np.sum(u1 * u2, axis=-1, keepdims=True)
    outer = np.where(np.asarray(y)[:, None] == 1, -1.0, np.where(cos - margin >= 0, 1.0, 0.0))
    d1 = np.where(n1 > 0, (u2 - cos * u1) / np.where(n1 > 0, n1, 1.0), 0.0)
    d2 = np.where(n2 > 0, (u1 - cos * u2) / np.where(n2 > 0, n2, 1.0), 0.0)
    scale = len(x1) if reduction == "mean" else 1
    return (outer * d1 + 0.0) / scale, (outer * d2 + 0.0) / scale
