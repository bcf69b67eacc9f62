import numpy as np


def numpy_entropy(p, base=np.e):
    """Entropy H(p) = -sum_k p_k log p_k along the last axis, 0 log 0 = 0.
    In nats; in bits with base=2."""
    p = np.asarray(p, dtype=float)
    safe_p = np.where(p > 0, p, 1.0)  # log(1) = 0: p_k = 0 adds nothing
    h = -np.sum(p * np.log(safe_p), axis=-1) / np.log(base)
    return h + 0.0  # + 0.0 turns -0.0 into 0.0
