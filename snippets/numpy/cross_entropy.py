import numpy as np


def numpy_cross_entropy(p, q, base=np.e):
    """Cross-entropy H(p, q) = -sum_k p_k log q_k along the last axis, with
    0 log 0 = 0, for the truth p and predictions q. Nats; bits with base=2."""
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    safe_q = np.where(p > 0, q, 1.0)  # log(1) = 0: p_k = 0 adds nothing
    with np.errstate(divide="ignore"):  # q_k = 0 < p_k: log(0) = -inf
        h = -np.sum(p * np.log(safe_q), axis=-1) / np.log(base)
    return h + 0.0  # + 0.0 turns -0.0 into 0.0
