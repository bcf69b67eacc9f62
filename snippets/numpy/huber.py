import numpy as np


def numpy_huber(y_true, y_pred, delta=1.0):
    """Huber loss: the mean of e**2 / 2 where |e| <= delta, else
    delta * (|e| - delta / 2), for the errors e = y_pred - y_true."""
    error = np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)
    abs_error = np.abs(error)
    with np.errstate(over="ignore"):  # may overflow where it is not used
        quadratic = 0.5 * abs_error**2
    linear = delta * (abs_error - 0.5 * delta)
    return float(np.mean(np.where(abs_error <= delta, quadratic, linear)))
