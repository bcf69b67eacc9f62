import numpy as np


def numpy_generalized_cross_entropy(labels, probs, q=0.5):
    """Generalized cross-entropy: the mean over rows of (1 - p_y**q) / q for the
    probability p_y of the true class, as -expm1(q log p_y) / q (exact when p_y is near 1)."""
    p = np.asarray(probs, dtype=float)
    p_true = np.take_along_axis(p, np.asarray(labels)[..., None], axis=-1)[..., 0]
    with np.errstate(divide="ignore"):  # log 0 = -inf gives the largest loss, 1 / q
        return float(np.mean(-np.expm1(q * np.log(p_true)) / q))
