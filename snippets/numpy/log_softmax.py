import numpy as np


def numpy_log_softmax(logits, axis=-1):
    """Log-softmax: z_k - log(sum_j exp(z_j)) along `axis`, computed with a
    stable log-sum-exp."""
    z = np.asarray(logits, dtype=float)
    # Subtract the largest logit: it becomes 0 and no exp can overflow.
    shifted = z - np.max(z, axis=axis, keepdims=True)
    # log(sum(exp(shifted))) by logaddexp: accurate also when the sum is ~1.
    return shifted - np.logaddexp.reduce(shifted, axis=axis, keepdims=True)
