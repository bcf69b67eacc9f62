import numpy as np


def numpy_softmax_cross_entropy(labels, logits):
    """Cross-entropy of softmax(logits) in nats, for labels (N,) and logits
    (N, K): the mean over the rows of log(sum_j exp(z_j)) - z_label."""
    z = np.asarray(logits, dtype=float)
    # Subtract each row's largest logit: it becomes 0, no exp can overflow.
    shifted = z - np.max(z, axis=-1, keepdims=True)
    # log(sum(exp(shifted))) by logaddexp: accurate also when the sum is ~1.
    log_sum_exp = np.logaddexp.reduce(shifted, axis=-1)
    true_logit = shifted[np.arange(len(z)), labels]
    return float(np.mean(log_sum_exp - true_logit))
