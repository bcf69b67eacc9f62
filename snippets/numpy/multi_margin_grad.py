import numpy as np


def numpy_multi_margin_grad(labels, scores, p=1, margin=1.0, reduction="mean"):
    """Gradient of the multi-class margin loss with respect to the scores: with
    z_k = margin - s_y + s_k, d/ds_k = p z_k**(p - 1) / K where z_k > 0 (k != y, 0 at the kink),
    and d/ds_y = minus the sum of the others; / rows for "mean"."""
    s = np.asarray(scores, dtype=float)
    rows, k = np.arange(len(s)), s.shape[1]
    z = s + (margin - s[rows, labels])[:, None]
    grad = np.where(z > 0, p * z ** (p - 1), 0.0) / k
    grad[rows, labels] = 0.0  # the true class is not a competitor ...
    grad[rows, labels] = -np.sum(grad, axis=1)  # ... but every competitor pushes it down
    return grad / (len(s) if reduction == "mean" else 1)
