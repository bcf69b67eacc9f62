import numpy as np


def accuracy(y_true, y_pred):
    """Accuracy: the share of predicted labels equal to the true ones."""
    return float(np.mean(np.asarray(y_pred) == np.asarray(y_true)))


def r2_score(y_true, y_pred):
    """R² = 1 - MSE(y, y_pred) / MSE(y, mean(y)): the MSE relative to
    that of predicting the mean for every example."""
    y_true = np.asarray(y_true, dtype=float)
    y_pred = np.asarray(y_pred, dtype=float)
    mse_model = np.mean((y_pred - y_true) ** 2)
    return float(1 - mse_model / np.mean((y_true.mean() - y_true) ** 2))


def brier_score(y_true, p_pred):
    """Brier score: mean((p_pred - y_true)**2), outcomes y_true in {0, 1}."""
    error = np.asarray(p_pred, dtype=float) - np.asarray(y_true, dtype=float)
    return float(np.mean(error**2))


def reliability_bins(y_true, p_pred, n_bins=10):
    """For n_bins equal bins of p_pred on [0, 1] (a value on an edge goes
    to the lower bin): the count, the mean predicted probability and the
    observed frequency of y_true = 1 in each bin."""
    y_true = np.asarray(y_true, dtype=float)
    p_pred = np.asarray(p_pred, dtype=float)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    bin_of = np.searchsorted(edges[1:-1], p_pred)
    counts = np.bincount(bin_of, minlength=n_bins)
    seen = np.maximum(counts, 1)  # empty bins: 0 / 1 instead of 0 / 0
    confidence = np.bincount(bin_of, weights=p_pred, minlength=n_bins) / seen
    frequency = np.bincount(bin_of, weights=y_true, minlength=n_bins) / seen
    return counts, confidence, frequency


def expected_calibration_error(y_true, p_pred, n_bins=10):
    """ECE: the sum over bins of (count / n) * |frequency - confidence|."""
    counts, confidence, frequency = reliability_bins(y_true, p_pred, n_bins)
    weights = counts / counts.sum()
    return float(np.sum(weights * np.abs(frequency - confidence)))
