r"""Regression losses: squared, absolute and Huber errors between targets and predictions.

Every function takes `(y_true, y_pred)` of exactly the same shape (any shape, no
broadcasting) and computes the error $e = \hat y - y$ elementwise in float64.
"""

import math

import numpy as np
from numpy.typing import ArrayLike

from lossbook._validation import (
    as_float_array, check_finite_inputs, check_number, check_reduction, check_same_shape, elementwise,
)


def mse(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: str = "mean") -> float | np.ndarray:
    r"""Mean squared error, the average of the squared differences.

    $$
    \operatorname{MSE}(y, \hat y) = \frac{1}{n} \sum_{i=1}^{n} (\hat y_i - y_i)^2
    $$

    Args:
        y_true: Targets $y$, array-like of real numbers of any shape (booleans count as 0 and 1).
        y_pred: Predictions $\hat y$, the same shape as `y_true`.
        reduction: `"mean"` over all elements, `"sum"`, or `"none"` for the squared errors.

    Returns:
        A `float` for `"mean"` and `"sum"`; for `"none"`, a float64 array of the shape of `y_true`.

    Raises:
        TypeError: If an input does not hold real numbers, or `reduction` is not a string.
        ValueError: If the shapes differ, an input is empty or holds NaN or infinity, or
            `reduction` is not `"mean"`, `"sum"` or `"none"`.

    Examples:
        The example of scikit-learn's `mean_squared_error`:

        >>> from lossbook import mse
        >>> print(f"{mse([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]):.4f}")
        0.3750
        >>> print(" ".join(f"{v:.4f}" for v in mse([1, 2], [1, 4], reduction="none")))
        0.0000 4.0000

    Conventions:
        scikit-learn `mean_squared_error(y_true, y_pred)` and Keras `mean_squared_error(y_true, y_pred)`
        take the truth first, PyTorch `mse_loss(input, target)` the prediction first; the loss is
        symmetric, so only keyword calls can go wrong. PyTorch and scikit-learn average over all
        elements as here (scikit-learn averages per output column first, which for a 2-D array is
        the same number); Keras averages over the last axis per sample, then over the batch.
    """
    return _loss(_squared_error, y_true, y_pred, reduction)


def mae(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: str = "mean") -> float | np.ndarray:
    r"""Mean absolute error, the average of the absolute differences.

    $$
    \operatorname{MAE}(y, \hat y) = \frac{1}{n} \sum_{i=1}^{n} |\hat y_i - y_i|
    $$

    Args:
        y_true: Targets $y$, array-like of real numbers of any shape (booleans count as 0 and 1).
        y_pred: Predictions $\hat y$, the same shape as `y_true`.
        reduction: `"mean"` over all elements, `"sum"`, or `"none"` for the absolute errors.

    Returns:
        A `float` for `"mean"` and `"sum"`; for `"none"`, a float64 array of the shape of `y_true`.

    Raises:
        TypeError: If an input does not hold real numbers, or `reduction` is not a string.
        ValueError: If the shapes differ, an input is empty or holds NaN or infinity, or
            `reduction` is not `"mean"`, `"sum"` or `"none"`.

    Examples:
        The example of scikit-learn's `mean_absolute_error`:

        >>> from lossbook import mae
        >>> print(f"{mae([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]):.4f}")
        0.5000

    Conventions:
        PyTorch calls it `l1_loss(input, target)` (prediction first); scikit-learn
        `mean_absolute_error(y_true, y_pred)` and Keras `mean_absolute_error(y_true, y_pred)`
        take the truth first. All default to the mean; Keras averages over the last axis per
        sample, then over the batch, which for equal-length rows is the same number.
    """
    return _loss(_absolute_error, y_true, y_pred, reduction)


def rmse(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    r"""Root mean squared error, the square root of `mse`, in the units of the targets.

    $$
    \operatorname{RMSE}(y, \hat y) = \sqrt{\frac{1}{n} \sum_{i=1}^{n} (\hat y_i - y_i)^2}
    $$

    The result is finite and accurate even where the squares under- or overflow (errors
    of $10^{-200}$ or $10^{200}$): it then rescales by the largest error, as `math.hypot` does.

    Args:
        y_true: Targets $y$, array-like of real numbers of any shape (booleans count as 0 and 1).
        y_pred: Predictions $\hat y$, the same shape as `y_true`.

    Returns:
        The root mean squared error over all elements, a `float`.

    Raises:
        TypeError: If an input does not hold real numbers.
        ValueError: If the shapes differ, or an input is empty or holds NaN or infinity.

    Examples:
        >>> from lossbook import rmse
        >>> print(f"{rmse([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]):.4f}")
        0.6124
        >>> print(rmse([0.0], [1e-200]))
        1e-200

    Conventions:
        scikit-learn `root_mean_squared_error(y_true, y_pred)` takes the square root per output
        column and then averages the columns, so for a 2-D array it generally differs from this
        root of the overall mean (it agrees for 1-D input). Keras' `RootMeanSquaredError` metric is
        the root of the overall mean as here; PyTorch has no RMSE loss (`sqrt(mse_loss(...))`).
    """
    y_true, y_pred = _pair(y_true, y_pred, "mean")
    ms = _loss(_squared_error, y_true, y_pred, "mean")
    if 1e-280 < ms < 1e280:
        return math.sqrt(ms)
    with np.errstate(over="ignore"):  # squares under- or overflowed: rescale by the largest error
        scale = float(np.max(np.abs(y_pred - y_true)))
    if scale == 0 or math.isinf(scale):
        return scale
    scaled = elementwise(lambda t, p: np.square((p - t) / scale), [y_true, y_pred], "mean")
    return scale * math.sqrt(scaled)


def huber(
    y_true: ArrayLike, y_pred: ArrayLike, *, delta: float = 1.0, reduction: str = "mean"
) -> float | np.ndarray:
    r"""Huber loss: squared error for small errors, absolute error beyond `delta`.

    $$
    \ell_\delta(e) = \begin{cases}
        \tfrac12 e^2 & |e| \le \delta \\
        \delta \left(|e| - \tfrac12 \delta\right) & |e| > \delta
    \end{cases}
    \qquad e = \hat y - y
    $$

    The two branches meet with equal value and slope at $|e| = \delta$, so
    $\delta|e| - \tfrac12\delta^2 \le \ell_\delta(e) \le \min(\tfrac12 e^2, \delta |e|)$.

    Args:
        y_true: Targets $y$, array-like of real numbers of any shape (booleans count as 0 and 1).
        y_pred: Predictions $\hat y$, the same shape as `y_true`.
        delta: Threshold $\delta > 0$ where the loss turns from quadratic to linear.
        reduction: `"mean"` over all elements, `"sum"`, or `"none"` for the elementwise losses.

    Returns:
        A `float` for `"mean"` and `"sum"`; for `"none"`, a float64 array of the shape of `y_true`.

    Raises:
        TypeError: If an input does not hold real numbers, `delta` is not a real number (or is
            a bool), or `reduction` is not a string.
        ValueError: If the shapes differ, an input is empty or holds NaN or infinity, `delta`
            is not positive and finite, or `reduction` is not `"mean"`, `"sum"` or `"none"`.

    Examples:
        >>> from lossbook import huber
        >>> print(" ".join(f"{v:.4f}" for v in huber([0, 0, 0], [0.5, 1.0, 3.0], reduction="none")))
        0.1250 0.5000 2.5000
        >>> print(f"{huber([0, 0, 0], [0.5, 1.0, 3.0], delta=2.0):.4f}")
        1.5417

    Conventions:
        PyTorch `huber_loss(input, target, reduction="mean", delta=1.0)` and Keras
        `Huber(delta=1.0)` compute the same function (PyTorch takes the prediction first; Keras
        averages over the last axis, then the batch). PyTorch's `smooth_l1_loss(beta)` is this
        loss divided by `beta`. scikit-learn has no Huber metric; its `HuberRegressor(epsilon=1.35)`
        applies the threshold to errors scaled by a fitted scale, not to raw errors.
    """
    delta = check_number(delta, "delta", lambda d: d > 0, "positive")
    return _loss(lambda t, p: _huber(t, p, delta), y_true, y_pred, reduction)


def _pair(y_true, y_pred, reduction):
    check_reduction(reduction)
    y_true = as_float_array(y_true, "y_true", finite=False)  # checked in _loss, more cheaply
    y_pred = as_float_array(y_pred, "y_pred", finite=False)
    check_same_shape(y_true, "y_true", y_pred, "y_pred")
    return y_true, y_pred


def _loss(kernel, y_true, y_pred, reduction):
    y_true, y_pred = _pair(y_true, y_pred, reduction)
    loss = elementwise(kernel, [y_true, y_pred], reduction)
    check_finite_inputs(loss, {"y_true": y_true, "y_pred": y_pred})  # NaN or inf make it non-finite
    return loss


def _squared_error(t, p):
    e = p - t  # exact when t and p are close (Sterbenz), so near-equal predictions lose nothing
    return np.multiply(e, e, out=e)


def _absolute_error(t, p):
    e = p - t
    return np.abs(e, out=e)


def _huber(t, p, delta):
    e = _absolute_error(t, p)
    m = np.minimum(e, delta)
    e -= 0.5 * m
    e *= m
    return e  # m (e - m/2) with m = min(e, delta): e^2/2 if e <= delta, else delta (e - delta/2)
