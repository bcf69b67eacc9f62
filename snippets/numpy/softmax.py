import numpy as np


def numpy_softmax(logits, axis=-1):
    """Softmax: exp(z_k) / sum_j exp(z_j) along `axis`."""
    z = np.asarray(logits, dtype=float)
    # Subtract the largest logit: its exp is 1 and no exp can overflow.
    exps = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return exps / np.sum(exps, axis=axis, keepdims=True)
