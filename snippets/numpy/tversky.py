import numpy as np


def numpy_tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """Tversky loss (Keras' convention): 1 - TP / (TP + alpha FN + beta FP) with
    TP = sum(y p), FN = sum(y (1 - p)), FP = sum((1 - y) p) over `axis`, averaged over
    the remaining slices; alpha weighs the false negatives."""
    y, p = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    tp = np.sum(y * p, axis=axis)
    fn, fp = np.sum(y * (1 - p), axis=axis), np.sum((1 - y) * p, axis=axis)
    return float(np.mean(1 - tp / (tp + alpha * fn + beta * fp)))
