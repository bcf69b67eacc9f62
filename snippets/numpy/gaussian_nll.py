import numpy as np


def numpy_gaussian_nll(y_true, mean, var, full=False, eps=1e-6):
    """Gaussian negative log-likelihood: the mean of (log v + (mean - y)**2 / v) / 2 with
    v = max(var, eps); with full, plus log(2 pi) / 2."""
    y, mu = np.asarray(y_true, dtype=float), np.asarray(mean, dtype=float)
    v = np.maximum(np.asarray(var, dtype=float), eps)
    loss = 0.5 * (np.log(v) + (mu - y) ** 2 / v)
    return float(np.mean(loss + (0.5 * np.log(2 * np.pi) if full else 0.0)))
