import numpy as np


def numpy_kl_divergence_grad(p, q, base=np.e):
    """Gradient of KL(p || q) with respect to q: -p_k / (q_k ln(base)), the
    same as the cross-entropy's; 0 where p_k = 0, -inf where q_k = 0 < p_k."""
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):  # p / 0: inf, 0 / 0: NaN
        grad = (p / q) * (-1 / np.log(base))
    return np.where(p > 0, grad, 0.0)  # H(p), the other part of KL, does not depend on q
