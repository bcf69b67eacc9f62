import numpy as np


def numpy_sigmoid_focal_grad(y_true, logits, alpha=0.25, gamma=2.0, reduction="mean"):
    """Gradient of the sigmoid focal loss a_t m**gamma BCE with respect to the logits, m = 1 - p_t:
    a_t m**gamma (gamma (1 - 2y) sigmoid(z) sigmoid(-z) / m BCE + sigmoid(z) - y), / n for "mean"."""
    y, z = np.asarray(y_true, dtype=float), np.asarray(logits, dtype=float)
    s, s_minus = 1 / (1 + np.exp(-z)), 1 / (1 + np.exp(z))
    m = y * s_minus + (1 - y) * s
    bce = (1 - y) * np.maximum(z, 0) + y * np.maximum(-z, 0) + np.log1p(np.exp(-np.abs(z)))
    weight = 1.0 if alpha is None else alpha * y + (1 - alpha) * (1 - y)
    slope = gamma * (1 - 2 * y) * s * s_minus / m * bce + (1 - y) * s - y * s_minus  # sigma(z) - y
    return weight * m**gamma * slope * (1 / z.size if reduction == "mean" else 1.0)
