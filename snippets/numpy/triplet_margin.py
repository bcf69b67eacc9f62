import numpy as np


def numpy_triplet_margin(anchor, positive, negative, margin=1.0, eps=1e-6):
    """Triplet margin loss (Euclidean): the mean of max(0, d(a, p) - d(a, n) + margin), with
    d(x, y) = |x - y + eps| as PyTorch's pairwise_distance."""
    a, p, n = (np.asarray(x, dtype=float) for x in (anchor, positive, negative))
    d_ap = np.linalg.norm(a - p + eps, axis=-1)
    d_an = np.linalg.norm(a - n + eps, axis=-1)
    return float(np.mean(np.maximum(0.0, d_ap - d_an + margin)))
