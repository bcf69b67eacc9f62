import numpy as np


def numpy_cross_entropy_grad(p, q, base=np.e):
    """Gradient of H(p, q) with respect to q: -p_k / (q_k ln(base)); 0 where
    p_k = 0, -inf where q_k = 0 < p_k."""
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):  # p / 0: inf, 0 / 0: NaN
        grad = (p / q) * (-1 / np.log(base))
    return np.where(p > 0, grad, 0.0)  # the term of p_k = 0 is 0 whatever q_k is
