import numpy as np


def numpy_entropy_grad(p, base=np.e):
    """Gradient of the entropy with respect to p: -(ln p_k + 1) / ln(base),
    +inf where p_k = 0."""
    p = np.asarray(p, dtype=float)
    with np.errstate(divide="ignore"):  # log(0) = -inf: an infinite slope
        return (np.log(p) + 1) * (-1 / np.log(base))
