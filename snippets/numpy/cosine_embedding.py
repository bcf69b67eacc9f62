import numpy as np


def numpy_cosine_embedding(y, x1, x2, margin=0.0):
    """Cosine embedding loss: the mean of 1 - cos(x1, x2) where y = 1 and max(0, cos - margin)
    where y = -1, with cos = x1 . x2 / (|x1| |x2|) row by row (0 for a zero vector)."""
    x1, x2 = np.asarray(x1, dtype=float), np.asarray(x2, dtype=float)
    norms = np.linalg.norm(x1, axis=-1) * np.linalg.norm(x2, axis=-1)
    cos = np.sum(x1 * x2, axis=-1) / np.where(norms > 0, norms, 1.0)
    return float(np.mean(np.where(np.asarray(y) == 1, 1 - cos, np.maximum(0.0, cos - margin))))
