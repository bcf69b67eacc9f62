import numpy as np


def numpy_sigmoid_focal(y_true, logits, alpha=0.25, gamma=2.0):
    """Sigmoid focal loss: the mean of a_t (1 - p_t)**gamma BCE(y, z), with
    1 - p_t = y sigmoid(-z) + (1 - y) sigmoid(z) and a_t = alpha y + (1 - alpha)(1 - y)
    (a_t = 1 for alpha None). Both sigmoids are computed directly: nothing cancels."""
    y, z = np.asarray(y_true, dtype=float), np.asarray(logits, dtype=float)
    with np.errstate(over="ignore"):  # exp(|z|) = inf gives a sigmoid of exactly 0
        s, s_minus = 1 / (1 + np.exp(-z)), 1 / (1 + np.exp(z))
    bce = (1 - y) * np.maximum(z, 0) + y * np.maximum(-z, 0) + np.log1p(np.exp(-np.abs(z)))
    weight = 1.0 if alpha is None else alpha * y + (1 - alpha) * (1 - y)
    return float(np.mean(weight * (y * s_minus + (1 - y) * s) ** gamma * bce))
