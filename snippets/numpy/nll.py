import numpy as np


def numpy_nll(labels, log_probs):
    """Negative log-likelihood: the mean over the rows of -log_probs[label]
    for labels (N,) and log-probabilities (N, K)."""
    log_q = np.asarray(log_probs, dtype=float)
    picked = log_q[np.arange(len(log_q)), labels]
    return float(np.mean(0.0 - picked))  # 0.0 - x, where -x would give -0.0
