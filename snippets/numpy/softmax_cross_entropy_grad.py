import numpy as np


def numpy_softmax_cross_entropy_grad(labels, logits):
    """Gradient of the mean softmax cross-entropy with respect to the logits
    (N, K): (softmax(z) - onehot(label)) / N."""
    z = np.asarray(logits, dtype=float)
    shifted = z - np.max(z, axis=-1, keepdims=True)
    log_p = shifted - np.logaddexp.reduce(shifted, axis=-1, keepdims=True)
    grad = np.exp(log_p)
    rows = np.arange(len(z))
    # p - 1 for the true class as expm1(log p): exact also where p is close to 1.
    grad[rows, labels] = np.expm1(log_p[rows, labels])
    return grad / len(z)
