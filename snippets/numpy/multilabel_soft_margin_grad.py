import numpy as np


def numpy_multilabel_soft_margin_grad(y_true, logits, weight=None, reduction="mean"):
    """Gradient of the multi-label soft margin loss with respect to the logits:
    (sigmoid(z) - y) w / K, over the rows too for "mean"."""
    y, z = np.asarray(y_true, dtype=float), np.asarray(logits, dtype=float)
    s, s_minus = 1 / (1 + np.exp(-z)), 1 / (1 + np.exp(z))
    grad = (1 - y) * s - y * s_minus  # sigma(z) - y without cancelling near 1
    grad = grad / (z.size if reduction == "mean" else z.shape[-1])
    return grad if weight is None else grad * np.asarray(weight, dtype=float)
