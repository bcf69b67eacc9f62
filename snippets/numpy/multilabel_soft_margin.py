import numpy as np


def numpy_multilabel_soft_margin(y_true, logits, weight=None):
    """Multi-label soft margin loss: the binary cross-entropy of each class's logit,
    times its weight, averaged over the classes (last axis), then over the rows."""
    y, z = np.asarray(y_true, dtype=float), np.asarray(logits, dtype=float)
    bce = (1 - y) * np.maximum(z, 0) + y * np.maximum(-z, 0) + np.log1p(np.exp(-np.abs(z)))
    if weight is not None:
        bce = bce * np.asarray(weight, dtype=float)
    return float(np.mean(np.mean(bce, axis=-1)))
