import numpy as np


def numpy_categorical_hinge_grad(y_true, y_pred, reduction="mean"):
    """Gradient of the categorical hinge with respect to y_pred: where the row's loss
    max((1 - y) * s) - sum(y * s) + 1 is positive, d/ds_k = (1 - y_j) [k = j] - y_k with j the
    first argmax of (1 - y) * s; 0 elsewhere (also at the kink). / rows for "mean"."""
    y, s = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    rows = np.arange(len(s))
    other = (1 - y) * s
    j = np.argmax(other, axis=-1)
    loss = other[rows, j] - np.sum(y * s, axis=-1) + 1
    grad = 0.0 - y
    grad[rows, j] += 1 - y[rows, j]
    grad = np.where(loss[:, None] > 0, grad, 0.0)
    return grad / (len(s) if reduction == "mean" else 1)
