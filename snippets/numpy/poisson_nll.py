import numpy as np


def numpy_poisson_nll(y_true, y_pred, log_input=True, full=False, eps=1e-8):
    """Poisson negative log-likelihood: the mean of exp(x) - y x (x the log-rate), or of
    x - y log(x + eps) (x the rate, 0 log 0 = 0); with full, plus Stirling's approximation
    of log(y!), y log y - y + log(2 pi y) / 2, where y > 1."""
    y, x = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    if log_input:
        loss = np.exp(x) - y * x
    else:
        loss = x - np.where(y == 0, 0.0, y * np.log(x + eps))
    if full:
        big = np.maximum(y, 1.0)
        loss = loss + np.where(y > 1, big * np.log(big) - big + 0.5 * np.log(2 * np.pi * big), 0.0)
    return float(np.mean(loss))
