import numpy as np


def numpy_kl_divergence(p, q, base=np.e):
    """KL divergence D(p || q) = sum_k p_k log(p_k / q_k) along the last
    axis, with 0 log 0 = 0, for the truth p and predictions q. Nats; bits
    with base=2."""
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    safe_p = np.where(p > 0, p, 1.0)  # where p_k = 0 the term is 0 * log(1)
    safe_q = np.where(p > 0, q, 1.0)
    with np.errstate(divide="ignore"):  # q_k = 0 < p_k: log(inf) = inf
        return np.sum(p * np.log(safe_p / safe_q), axis=-1) / np.log(base)
