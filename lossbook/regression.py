r"""Regression losses: squared, absolute and Huber errors between targets and predictions.

Every function takes `(y_true, y_pred)` of exactly the same shape (any shape, no
broadcasting) and computes the error $e = \hat y - y$ elementwise in float64.

Integer inputs are exact: float64 holds every integer up to $2^{53}$, and an integer it
would round (such as $2^{62} + 1$) raises `ValueError` instead of giving a silently wrong
difference. A mean is finite whenever the mathematics makes it finite: where the plain sum
overflows it is recomputed rescaled (the mean of four errors of $1.7 \times 10^{308}$ is
$1.7 \times 10^{308}$), and where an error or its square is beyond float64's range (about
$1.8 \times 10^{308}$) it is recomputed from halved inputs (for `huber`, if $\delta \ge 2^{-1021}$,
so that $\delta / 2$ is exact).
"""

import math

import numpy as np
from numpy.typing import ArrayLike

from lossbook._validation import (
    BLOCK,
    WIDE_BLOCK,
    as_float_array,
    blocks,
    check_finite,
    check_finite_inputs,
    check_number,
    check_reduction,
    check_same_shape,
    elementwise,
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
        optax `squared_error(predictions, targets)` takes the prediction first and returns
        the squares unreduced: this mean is its `.mean()`, and optax `l2_loss` is half the squares,
        `mse(..., reduction="none") / 2`. optax squares before it averages, so a square beyond
        float64 makes its mean `inf` where this mean is finite.
    """
    return _loss(_squared_error, y_true, y_pred, reduction, halved=_halved_mse)


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
    return _loss(
        _absolute_error,
        y_true,
        y_pred,
        reduction,
        halved=lambda t, p: 2 * elementwise(lambda a, b: _absolute_error(a / 2, b / 2), [t, p], "mean"),
    )


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
    y_true, y_pred = _pair(y_true, y_pred, "mean", blockwise=True)
    ms = _loss(_squared_error, y_true, y_pred, "mean")
    if 1e-280 < ms < 1e280:
        return math.sqrt(ms)
    half = ms == math.inf  # an error itself may be beyond float64: work with halved inputs
    scale, ms = _scaled_mean_square(y_true, y_pred, half=half)
    return scale * math.sqrt(ms) * (2 if half else 1)


def huber(y_true: ArrayLike, y_pred: ArrayLike, *, delta: float = 1.0, reduction: str = "mean") -> float | np.ndarray:
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
        optax `huber_loss(predictions, targets, delta=1.0)` is the same function with the same
        `delta`, prediction first, unreduced.
    """
    delta = check_number(delta, "delta", lambda d: d > 0, "positive")
    halved = (
        None
        if delta < 2.0**-1021
        # huber_d(e) = 4 huber_{d/2}(e/2), with d/2 exact
        else (lambda t, p: 4 * elementwise(lambda a, b: _huber(a / 2, b / 2, delta / 2), [t, p], "mean"))
    )
    return _loss(lambda t, p: _huber(t, p, delta), y_true, y_pred, reduction, halved=halved)


def _pair(y_true, y_pred, reduction, *, blockwise=False):
    check_reduction(reduction)
    y_true = as_float_array(y_true, "y_true", finite=False, blockwise=blockwise)  # checked in _loss, more cheaply
    y_pred = as_float_array(y_pred, "y_pred", finite=False, blockwise=blockwise)
    check_same_shape(y_true, "y_true", y_pred, "y_pred")
    return y_true, y_pred


def _scaled_mean_square(y_true, y_pred, *, half):
    """(s, m) with mean(e**2) = s**2 m, e = y_pred - y_true (or half of it), without under- or overflow.

    s is the largest |e| (rescaling as `math.hypot` does). Halved inputs are exact except in
    the subnormal range, which cannot matter where a square overflowed.
    """

    def error(t, p):
        return _absolute_error(t / 2, p / 2) if half else _absolute_error(t, p)

    with np.errstate(over="ignore"):
        scale = max(float(np.max(error(t, p))) for t, p in blocks([y_true, y_pred]))
    if scale == 0 or math.isinf(scale):
        return scale, 1.0
    return scale, elementwise(lambda t, p: np.square(error(t, p) / scale), [y_true, y_pred], "mean")


def _loss(kernel, y_true, y_pred, reduction, *, halved=None, size=BLOCK):
    """The reduced `kernel` losses; a mean that overflowed is recomputed as `halved(y_true, y_pred)`.

    `halved` computes the mean from halved inputs, whose errors cannot overflow: an error or a
    square beyond float64 need not make the mean infinite.
    """
    y_true, y_pred = _pair(y_true, y_pred, reduction, blockwise=True)  # converted block by block
    loss = elementwise(kernel, [y_true, y_pred], reduction, size=size)
    check_finite_inputs(loss, {"y_true": y_true, "y_pred": y_pred})  # NaN or inf make it non-finite
    if reduction == "mean" and loss == math.inf and halved is not None:
        return halved(y_true, y_pred)  # inf again only if the exact mean is beyond float64
    return loss


def _halved_mse(y_true, y_pred):
    scale, ms = _scaled_mean_square(y_true, y_pred, half=True)
    return scale * ms * scale * 4


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


def mse_grad(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: str = "mean") -> np.ndarray:
    r"""Gradient of `mse` with respect to the predictions `y_pred`.

    $$
    \frac{\partial \operatorname{MSE}}{\partial \hat y_i} = \frac{2}{n} (\hat y_i - y_i)
    $$

    The slope grows in proportion to the error: an outlier ten times further off pulls
    ten times harder.

    Args:
        y_true: Targets $y$, array-like of real numbers of any shape (booleans count as 0 and 1).
        y_pred: Predictions $\hat y$, the same shape as `y_true`.
        reduction: As for `mse`: `"mean"` (the formula above), `"sum"` ($2(\hat y_i - y_i)$, without
            the $\frac1n$), or `"none"` (the derivative of each squared error with respect to its
            own prediction, also $2(\hat y_i - y_i)$).

    Returns:
        A float64 array of the shape of `y_pred`.

    Raises:
        TypeError: If an input does not hold real numbers, or `reduction` is not a string.
        ValueError: As for `mse`.

    Examples:
        >>> from lossbook import mse_grad
        >>> print(" ".join(f"{g:.4f}" for g in mse_grad([3, -0.5, 2, 7], [2.5, 0.0, 2, 8])))
        -0.2500 0.2500 0.0000 0.5000

    Conventions:
        Equals PyTorch autograd through `mse_loss(input, target, reduction=...)`, with respect to
        `input`.
    """
    return _gradient(lambda e, scale: np.multiply(e, 2 * scale, out=e), y_true, y_pred, reduction)


def mae_grad(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: str = "mean") -> np.ndarray:
    r"""Gradient of `mae` with respect to the predictions `y_pred`.

    $$
    \frac{\partial \operatorname{MAE}}{\partial \hat y_i} = \frac{1}{n} \operatorname{sign}(\hat y_i - y_i),
    \qquad \operatorname{sign}(0) = 0
    $$

    Every element is pulled with the same force whatever the size of its error. At the kink
    $\hat y_i = y_i$ the derivative is taken as 0, as PyTorch does.

    Args:
        y_true: Targets $y$, array-like of real numbers of any shape (booleans count as 0 and 1).
        y_pred: Predictions $\hat y$, the same shape as `y_true`.
        reduction: `"mean"` (the formula above), `"sum"` or `"none"` (both without the $\frac1n$).

    Returns:
        A float64 array of the shape of `y_pred`.

    Raises:
        TypeError: If an input does not hold real numbers, or `reduction` is not a string.
        ValueError: As for `mae`.

    Examples:
        >>> from lossbook import mae_grad
        >>> print(" ".join(f"{g:.4f}" for g in mae_grad([3, -0.5, 2, 7], [2.5, 0.0, 2, 8])))
        -0.2500 0.2500 0.0000 0.2500

    Conventions:
        Equals PyTorch autograd through `l1_loss(input, target, reduction=...)`.
    """
    return _gradient(lambda e, scale: np.multiply(np.sign(e, out=e), scale, out=e), y_true, y_pred, reduction)


def rmse_grad(y_true: ArrayLike, y_pred: ArrayLike) -> np.ndarray:
    r"""Gradient of `rmse` with respect to the predictions `y_pred`.

    $$
    \frac{\partial \operatorname{RMSE}}{\partial \hat y_i} = \frac{\hat y_i - y_i}{n \operatorname{RMSE}(y, \hat y)}
    $$

    The gradient is the error divided by $n$ times the RMSE, so its length is $1/\sqrt{n}$
    whatever the size of the errors. Where every error is 0 (the kink of the square root)
    the gradient is taken as 0, as PyTorch's `torch.linalg.vector_norm` does.

    Args:
        y_true: Targets $y$, array-like of real numbers of any shape (booleans count as 0 and 1).
        y_pred: Predictions $\hat y$, the same shape as `y_true`.

    Returns:
        A float64 array of the shape of `y_pred`.

    Raises:
        TypeError: If an input does not hold real numbers.
        ValueError: As for `rmse`.

    Examples:
        >>> from lossbook import rmse_grad
        >>> print(" ".join(f"{g:.4f}" for g in rmse_grad([0, 0], [3, 4])))
        0.4243 0.5657

    Conventions:
        Equals PyTorch autograd through `sqrt(mse_loss(input, target))` wherever some error is
        nonzero; where all are zero PyTorch's square root gives NaN and lossbook 0.
    """
    root = rmse(y_true, y_pred)  # validates
    y_true, y_pred = _pair(y_true, y_pred, "mean")
    scale = 0.0 if root == 0 else 1 / y_true.size
    return elementwise(lambda t, p: np.multiply(np.divide(p - t, root or 1.0), scale), [y_true, y_pred], "none")


def huber_grad(y_true: ArrayLike, y_pred: ArrayLike, *, delta: float = 1.0, reduction: str = "mean") -> np.ndarray:
    r"""Gradient of `huber` with respect to the predictions `y_pred`: the error clipped to $\pm\delta$.

    $$
    \frac{\partial}{\partial \hat y_i} \frac{1}{n} \sum_{j} \ell_\delta(e_j)
        = \frac{1}{n} \operatorname{clip}(e_i, -\delta, \delta), \qquad e_i = \hat y_i - y_i
    $$

    Like `mse_grad` (halved) for errors within $\delta$, like `mae_grad` (times $\delta$) beyond.

    Args:
        y_true: Targets $y$, array-like of real numbers of any shape (booleans count as 0 and 1).
        y_pred: Predictions $\hat y$, the same shape as `y_true`.
        delta: Threshold $\delta > 0$, as for `huber`.
        reduction: `"mean"` (the formula above), `"sum"` or `"none"` (both without the $\frac1n$).

    Returns:
        A float64 array of the shape of `y_pred`.

    Raises:
        TypeError: If an input does not hold real numbers, `delta` is not a real number (or is
            a bool), or `reduction` is not a string.
        ValueError: As for `huber`.

    Examples:
        >>> from lossbook import huber_grad
        >>> print(" ".join(f"{g:.4f}" for g in huber_grad([0, 0, 0], [0.5, -1.0, 3.0], reduction="none")))
        0.5000 -1.0000 1.0000

    Conventions:
        Equals PyTorch autograd through `huber_loss(input, target, reduction=..., delta=...)`.
        `jax.grad` through optax `huber_loss` gives the same slope, but within `delta` computes it
        as $\delta + (|e| - \delta)$, which rounds it to about $10^{-16} \delta$ absolute: the slope
        $10^{-20}$ of an error of $10^{-20}$ comes out 0.
    """
    delta = check_number(delta, "delta", lambda d: d > 0, "positive")
    return _gradient(
        lambda e, scale: np.multiply(np.clip(e, -delta, delta, out=e), scale, out=e), y_true, y_pred, reduction
    )


def _gradient(kernel, y_true, y_pred, reduction):
    """`kernel(e, scale)` of the errors e = y_pred - y_true, with scale 1/n for "mean", else 1."""
    y_true, y_pred = _pair(y_true, y_pred, reduction)
    check_finite(y_true, "y_true")
    check_finite(y_pred, "y_pred")
    scale = 1 / y_true.size if reduction == "mean" else 1.0
    return elementwise(lambda t, p: kernel(p - t, scale), [y_true, y_pred], "none")


# The atlas of regression losses (issue 15) ---------------------------------------------------


def smooth_l1(
    y_true: ArrayLike, y_pred: ArrayLike, *, beta: float = 1.0, reduction: str = "mean"
) -> float | np.ndarray:
    r"""Smooth L1 loss: the Huber loss divided by its threshold, an absolute error with a rounded tip.

    $$
    \ell_\beta(e) = \begin{cases}
        \tfrac12 e^2 / \beta & |e| < \beta \\
        |e| - \tfrac12 \beta & |e| \ge \beta
    \end{cases}
    \qquad e = \hat y - y
    $$

    With $\beta = 0$ it is the absolute error $|e|$.

    Args:
        y_true: Targets $y$, array-like of real numbers of any shape (booleans count as 0 and 1).
        y_pred: Predictions $\hat y$, the same shape as `y_true`.
        beta: Threshold $\beta \ge 0$ where the loss turns from quadratic to linear.
        reduction: `"mean"` over all elements, `"sum"`, or `"none"` for the elementwise losses.

    Returns:
        A `float` for `"mean"` and `"sum"`; for `"none"`, a float64 array of the shape of `y_true`.

    Raises:
        TypeError: If an input does not hold real numbers, `beta` is not a real number, or
            `reduction` is not a string.
        ValueError: If the shapes differ, an input is empty or holds NaN or infinity, `beta` is
            negative or not finite, or `reduction` is not `"mean"`, `"sum"` or `"none"`.

    Examples:
        >>> from lossbook import smooth_l1
        >>> print(" ".join(f"{v:.4f}" for v in smooth_l1([0, 0, 0], [0.5, 1.0, 3.0], reduction="none")))
        0.1250 0.5000 2.5000
        >>> print(f"{smooth_l1([0, 0], [0.5, 3.0], beta=2.0):.4f}")
        1.0312

    Conventions:
        PyTorch `smooth_l1_loss(input, target, reduction="mean", beta=1.0)` (prediction first) is
        this loss; `huber(..., delta=beta)` is `beta` times it. Keras has no smooth L1 (its `Huber`
        is `huber`), nor has optax (`optax.losses.huber_loss` is the Huber loss, per element).
    """
    beta = check_number(beta, "beta", lambda b: b >= 0, "non-negative")
    if beta == 0:
        return _loss(_absolute_error, y_true, y_pred, reduction)
    if reduction == "none":
        return _loss(lambda t, p: _smooth_l1(t, p, beta), y_true, y_pred, reduction)
    loss = _loss(_smooth_l1_sums(beta, WIDE_BLOCK), y_true, y_pred, reduction, size=WIDE_BLOCK)
    if not math.isfinite(loss):  # a sum or an error beyond float64: elementwise (sums rescaled), halved inputs
        y_true, y_pred = _pair(y_true, y_pred, reduction, blockwise=True)  # smooth_l1_b(e) = 2 smooth_l1_{b/2}(e/2)
        return 2 * elementwise(lambda t, p: _smooth_l1(t / 2, p / 2, beta / 2), [y_true, y_pred], reduction)
    return loss


def smooth_l1_grad(y_true: ArrayLike, y_pred: ArrayLike, *, beta: float = 1.0, reduction: str = "mean") -> np.ndarray:
    r"""Gradient of `smooth_l1` with respect to `y_pred`: the error clipped to $\pm\beta$, over $\beta$.

    $$
    \frac{\partial \ell_\beta}{\partial \hat y} = \operatorname{clip}(e / \beta, -1, 1),
    \qquad \beta = 0:\ \operatorname{sign}(e)
    $$

    Args and raises are those of `smooth_l1`; `"mean"` divides by the number of elements $n$,
    `"sum"` does not, and `"none"` gives each element's derivative of its own loss.

    Returns:
        A float64 array of the shape of `y_pred`.

    Examples:
        >>> from lossbook import smooth_l1_grad
        >>> print(" ".join(f"{g:.4f}" for g in smooth_l1_grad([0, 0, 0], [0.5, -1.0, 3.0], reduction="sum")))
        0.5000 -1.0000 1.0000

    Conventions:
        Equals PyTorch autograd through `smooth_l1_loss` (with $\operatorname{sign}(0) = 0$ for $\beta = 0$).
    """
    beta = check_number(beta, "beta", lambda b: b >= 0, "non-negative")
    if beta == 0:
        return _elementwise_grad(lambda t, p: np.sign(p - t), y_true, y_pred, reduction)
    return _elementwise_grad(lambda t, p: np.clip((p - t) / beta, -1.0, 1.0), y_true, y_pred, reduction)


def log_cosh(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: str = "mean") -> float | np.ndarray:
    r"""Log-cosh loss: about $\tfrac12 e^2$ for small errors and $|e| - \log 2$ for large ones.

    $$
    \ell(e) = \log \cosh e, \qquad e = \hat y - y
    $$

    Computed without overflow or cancellation as $\log\big(1 + v^2 / (2 e^{-|e|})\big)$ with
    $v = 1 - e^{-|e|}$ (because $\cosh a - 1 = (1 - e^{-a})^2 / (2 e^{-a})$), so errors of
    $10^{-100}$ and $10^{300}$ are both accurate.

    Args:
        y_true: Targets $y$, array-like of real numbers of any shape (booleans count as 0 and 1).
        y_pred: Predictions $\hat y$, the same shape as `y_true`.
        reduction: `"mean"` over all elements, `"sum"`, or `"none"` for the elementwise losses.

    Returns:
        A `float` for `"mean"` and `"sum"`; for `"none"`, a float64 array of the shape of `y_true`.

    Raises:
        TypeError: If an input does not hold real numbers, or `reduction` is not a string.
        ValueError: If the shapes differ, an input is empty or holds NaN or infinity, or
            `reduction` is not `"mean"`, `"sum"` or `"none"`.

    Examples:
        The example of Keras' `LogCosh`:

        >>> from lossbook import log_cosh
        >>> print(f"{log_cosh([[0., 1.], [0., 0.]], [[1., 1.], [0., 0.]]):.4f}")
        0.1084
        >>> print(log_cosh([0.0], [1e-100]))
        5e-201
        >>> print(f"{log_cosh([0.0], [1e300]):.4g}")
        1e+300

    Conventions:
        Keras `LogCosh()(y_true, y_pred)` averages over the last axis, then the batch (the same
        number for equal-length rows); it computes $e + \operatorname{softplus}(-2e) - \log 2$,
        which loses all digits for small errors in float32. optax `log_cosh(predictions, targets)`
        returns the elementwise losses (`reduction="none"`), computed as
        $\operatorname{logaddexp}(e, -e) - \log 2$, which rounds small losses to about $2 \times 10^{-16}$
        absolute. PyTorch has no log-cosh loss.
    """
    return _loss(_log_cosh, y_true, y_pred, reduction)


def log_cosh_grad(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: str = "mean") -> np.ndarray:
    r"""Gradient of `log_cosh` with respect to `y_pred`: $\tanh e$ (over $n$ for the mean).

    $$
    \frac{\partial}{\partial \hat y} \log \cosh(\hat y - y) = \tanh(\hat y - y)
    $$

    Args and raises are those of `log_cosh`.

    Returns:
        A float64 array of the shape of `y_pred`.

    Examples:
        >>> from lossbook import log_cosh_grad
        >>> print(" ".join(f"{g:.4f}" for g in log_cosh_grad([0, 0], [0.5, -30.0], reduction="none")))
        0.4621 -1.0000

    Conventions:
        Equals autograd through Keras' formula or `log(cosh(e))` in PyTorch.
    """
    return _elementwise_grad(lambda t, p: np.tanh(p - t), y_true, y_pred, reduction)


def msle(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: str = "mean") -> float | np.ndarray:
    r"""Mean squared logarithmic error: the squared error of $\log(1 + y)$, for relative errors.

    $$
    \operatorname{MSLE}(y, \hat y) = \frac1n \sum_{i=1}^{n} \big(\log(1 + \hat y_i) - \log(1 + y_i)\big)^2
    $$

    The difference of logarithms is computed as $\log\big(1 + (\hat y - y) / (1 + y)\big)$,
    accurate when $\hat y$ is close to $y$ (and as $\log\big((1 + \hat y) / (1 + y)\big)$ when
    $\hat y$ is far below $y$).

    Args:
        y_true: Targets $y > -1$, array-like of real numbers of any shape.
        y_pred: Predictions $\hat y > -1$, the same shape as `y_true`.
        reduction: `"mean"` over all elements, `"sum"`, or `"none"` for the elementwise losses.

    Returns:
        A `float` for `"mean"` and `"sum"`; for `"none"`, a float64 array of the shape of `y_true`.

    Raises:
        TypeError: If an input does not hold real numbers, or `reduction` is not a string.
        ValueError: If the shapes differ, an input is empty, holds NaN, infinity or a value
            $\le -1$, or `reduction` is not `"mean"`, `"sum"` or `"none"`.

    Examples:
        The example of scikit-learn's `mean_squared_log_error`:

        >>> from lossbook import msle
        >>> print(f"{msle([3, 5, 2.5, 7], [2.5, 5, 4, 8]):.4f}")
        0.0397

    Conventions:
        scikit-learn `mean_squared_log_error(y_true, y_pred)` is the same (it also rejects values
        $\le -1$). Keras `MeanSquaredLogarithmicError` replaces every value below $10^{-7}$ by
        $10^{-7}$ (so negative values are not errors there, and 0 counts as $10^{-7}$), and averages
        over the last axis, then the batch. PyTorch and optax have no MSLE.
    """
    y_true, y_pred = _above_minus_one(y_true, y_pred, reduction)
    if reduction == "none":
        return _loss(lambda t, p: _squared(_log1p_difference(t, p)), y_true, y_pred, reduction)
    scratch = np.empty((2, BLOCK))  # reused by every block: no allocation per block
    return _loss(lambda t, p: _sum_of_squares(_log1p_difference(t, p, scratch)), y_true, y_pred, reduction)


def msle_grad(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: str = "mean") -> np.ndarray:
    r"""Gradient of `msle` with respect to `y_pred`.

    $$
    \frac{\partial \operatorname{MSLE}}{\partial \hat y_i}
        = \frac{2}{n} \cdot \frac{\log(1 + \hat y_i) - \log(1 + y_i)}{1 + \hat y_i}
    $$

    Args and raises are those of `msle` (`"sum"` and `"none"` drop the $\frac1n$).

    Returns:
        A float64 array of the shape of `y_pred`.

    Examples:
        >>> from lossbook import msle_grad
        >>> print(" ".join(f"{g:.4f}" for g in msle_grad([3, 0], [3, 1], reduction="sum")))
        0.0000 0.6931

    Conventions:
        Equals autograd through the formula above in PyTorch (Keras' clipping aside).
    """
    y_true, y_pred = _above_minus_one(y_true, y_pred, reduction)
    return _elementwise_grad(lambda t, p: 2 * _log1p_difference(t, p) / (1 + p), y_true, y_pred, reduction)


def mape(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: str = "mean") -> float | np.ndarray:
    r"""Mean absolute percentage error, in percent of the targets.

    $$
    \operatorname{MAPE}(y, \hat y) = \frac{100}{n} \sum_{i=1}^{n} \frac{|\hat y_i - y_i|}{|y_i|}
    $$

    Args:
        y_true: Targets $y \ne 0$, array-like of real numbers of any shape.
        y_pred: Predictions $\hat y$, the same shape as `y_true`.
        reduction: `"mean"` over all elements, `"sum"`, or `"none"` for the elementwise percentages.

    Returns:
        A `float` for `"mean"` and `"sum"`; for `"none"`, a float64 array of the shape of `y_true`.

    Raises:
        TypeError: If an input does not hold real numbers, or `reduction` is not a string.
        ValueError: If the shapes differ, an input is empty or holds NaN or infinity, a target is
            0 (the percentage is undefined), or `reduction` is not `"mean"`, `"sum"` or `"none"`.

    Examples:
        >>> from lossbook import mape
        >>> print(f"{mape([100.0, 50.0], [110.0, 40.0]):.4f}")
        15.0000

    Conventions:
        Keras `MeanAbsolutePercentageError` is in percent too, but divides by
        $\max(|y|, 10^{-7})$ instead of rejecting a zero target, and averages over the last axis,
        then the batch. scikit-learn `mean_absolute_percentage_error` returns a fraction (this
        divided by 100) and divides by $\max(|y|, \epsilon)$ with $\epsilon$ = 2.2e-16. PyTorch and
        optax have no MAPE.
    """
    y_true, y_pred = _nonzero_targets(y_true, y_pred, reduction)
    return _loss(_percentage_error, y_true, y_pred, reduction)


def mape_grad(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: str = "mean") -> np.ndarray:
    r"""Gradient of `mape` with respect to `y_pred`.

    $$
    \frac{\partial \operatorname{MAPE}}{\partial \hat y_i} = \frac{100}{n} \cdot
        \frac{\operatorname{sign}(\hat y_i - y_i)}{|y_i|}, \qquad \operatorname{sign}(0) = 0
    $$

    Args and raises are those of `mape` (`"sum"` and `"none"` drop the $\frac1n$).

    Returns:
        A float64 array of the shape of `y_pred`.

    Examples:
        >>> from lossbook import mape_grad
        >>> print(" ".join(f"{g:.4f}" for g in mape_grad([100.0, 50.0], [110.0, 40.0], reduction="sum")))
        1.0000 -2.0000

    Conventions:
        At $\hat y = y$ the derivative is 0, as PyTorch's derivative of $|x|$ at 0.
    """
    y_true, y_pred = _nonzero_targets(y_true, y_pred, reduction)
    return _elementwise_grad(lambda t, p: 100 * np.sign(p - t) / np.abs(t), y_true, y_pred, reduction)


def quantile(y_true: ArrayLike, y_pred: ArrayLike, *, q: float = 0.5, reduction: str = "mean") -> float | np.ndarray:
    r"""Quantile (pinball) loss: under-predictions cost $q$ per unit, over-predictions $1 - q$.

    $$
    \ell_q(y, \hat y) = \max\big(q\,(y - \hat y),\ (q - 1)(y - \hat y)\big)
    $$

    Its minimiser over constant predictions is the $q$-quantile of the targets; $q = 0.5$
    gives half the absolute error (the median).

    Args:
        y_true: Targets $y$, array-like of real numbers of any shape (booleans count as 0 and 1).
        y_pred: Predictions $\hat y$, the same shape as `y_true`.
        q: The quantile $q \in [0, 1]$.
        reduction: `"mean"` over all elements, `"sum"`, or `"none"` for the elementwise losses.

    Returns:
        A `float` for `"mean"` and `"sum"`; for `"none"`, a float64 array of the shape of `y_true`.

    Raises:
        TypeError: If an input does not hold real numbers, `q` is not a real number, or
            `reduction` is not a string.
        ValueError: If the shapes differ, an input is empty or holds NaN or infinity, `q` is
            outside $[0, 1]$, or `reduction` is not `"mean"`, `"sum"` or `"none"`.

    Examples:
        The examples of scikit-learn's `mean_pinball_loss`:

        >>> from lossbook import quantile
        >>> print(f"{quantile([1, 2, 3], [0, 2, 3], q=0.1):.4f}")
        0.0333
        >>> print(f"{quantile([1, 2, 3], [1, 2, 4], q=0.1):.4f}")
        0.3000

    Conventions:
        scikit-learn `mean_pinball_loss(y_true, y_pred, alpha=0.5)` is this loss (`alpha` is $q$).
        PyTorch, Keras and optax have no quantile loss.
    """
    q = check_number(q, "q", lambda v: 0 <= v <= 1, "in [0, 1]")
    return _loss(lambda t, p: _pinball(t, p, q), y_true, y_pred, reduction)


def quantile_grad(y_true: ArrayLike, y_pred: ArrayLike, *, q: float = 0.5, reduction: str = "mean") -> np.ndarray:
    r"""Gradient of `quantile` with respect to `y_pred`.

    $$
    \frac{\partial \ell_q}{\partial \hat y} = \begin{cases}
        -q & \hat y < y \\ \tfrac12 - q & \hat y = y \\ 1 - q & \hat y > y
    \end{cases}
    $$

    Args and raises are those of `quantile` (`"mean"` divides by $n$).

    Returns:
        A float64 array of the shape of `y_pred`.

    Examples:
        >>> from lossbook import quantile_grad
        >>> print(" ".join(f"{g:.2f}" for g in quantile_grad([1, 2, 3], [0, 2, 4], q=0.1, reduction="sum")))
        -0.10 0.40 0.90

    Conventions:
        At the kink the value is the mean of the two slopes, as PyTorch's autograd gives through
        `maximum(q * d, (q - 1) * d)` or through $\tfrac12|d| + (q - \tfrac12) d$ ($|x|' = 0$ at 0).
    """
    q = check_number(q, "q", lambda v: 0 <= v <= 1, "in [0, 1]")
    return _elementwise_grad(
        lambda t, p: np.where(p > t, 1 - q, np.where(p < t, -q, 0.5 - q)), y_true, y_pred, reduction
    )


def poisson_nll(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    log_input: bool = True,
    full: bool = False,
    eps: float = 1e-8,
    reduction: str = "mean",
) -> float | np.ndarray:
    r"""Negative log-likelihood of counts under a Poisson distribution with the predicted rate.

    $$
    \ell(y, x) = \begin{cases}
        e^{x} - y\,x & \texttt{log\_input} \text{ (x is the log-rate)} \\
        x - y \log(x + \varepsilon) & \text{otherwise (x is the rate)}
    \end{cases}
    \;\; \Big[{} + y \log y - y + \tfrac12 \log(2\pi y) \text{ where } y > 1, \text{ if } \texttt{full}\Big]
    $$

    The bracket is Stirling's approximation of $\log y!$, the term that makes the loss the
    exact negative log-likelihood; it does not depend on the prediction.

    Args:
        y_true: Counts $y \ge 0$, array-like of any shape (whole numbers are not required).
        y_pred: Predictions $x$, the same shape: log-rates if `log_input`, else rates $\ge 0$.
        log_input: Whether `y_pred` holds log-rates (default) or rates.
        full: Whether to add the Stirling term.
        eps: $\varepsilon \ge 0$ added to the rate inside the logarithm when not `log_input`.
        reduction: `"mean"` over all elements, `"sum"`, or `"none"` for the elementwise losses.

    Returns:
        A `float` for `"mean"` and `"sum"`; for `"none"`, a float64 array of the shape of `y_true`.

    Raises:
        TypeError: If an input does not hold real numbers, `log_input` or `full` is not a bool,
            `eps` is not a real number, or `reduction` is not a string.
        ValueError: If the shapes differ, an input is empty or holds NaN or infinity, a count is
            negative, a rate is negative (when not `log_input`), `eps` is negative, or
            `reduction` is not `"mean"`, `"sum"` or `"none"`.

    Examples:
        >>> from lossbook import poisson_nll
        >>> print(f"{poisson_nll([2.0, 0.0], [0.5, -1.0]):.4f}")
        0.5083
        >>> print(f"{poisson_nll([2.0, 0.0], [1.5, 0.5], log_input=False):.4f}")
        0.5945

    Conventions:
        PyTorch `poisson_nll_loss(input, target, log_input=True, full=False, eps=1e-8,
        reduction="mean")` (prediction first) is this loss. Keras `Poisson` is
        `log_input=False, eps=1e-7` (averaged over the last axis, then the batch) and has no
        Stirling term. Neither checks that counts and rates are non-negative; with `eps=0` a zero
        rate makes the loss infinite for a positive count, and $0 \log 0$ counts as 0 here
        (PyTorch gives NaN). optax has no Poisson loss.
    """
    y_true, y_pred, log_input, full, eps = _poisson_args(y_true, y_pred, log_input, full, eps, reduction)
    return _loss(lambda t, p: _poisson_nll(t, p, log_input, full, eps), y_true, y_pred, reduction)


def poisson_nll_grad(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    log_input: bool = True,
    full: bool = False,
    eps: float = 1e-8,
    reduction: str = "mean",
) -> np.ndarray:
    r"""Gradient of `poisson_nll` with respect to `y_pred`.

    $$
    \frac{\partial \ell}{\partial x} = \begin{cases}
        e^{x} - y & \texttt{log\_input} \\ 1 - y / (x + \varepsilon) & \text{otherwise}
    \end{cases}
    $$

    The Stirling term of `full` does not depend on $x$. Args and raises are those of `poisson_nll`.

    Returns:
        A float64 array of the shape of `y_pred`.

    Examples:
        >>> from lossbook import poisson_nll_grad
        >>> print(" ".join(f"{g:.4f}" for g in poisson_nll_grad([2.0, 0.0], [0.0, 0.0], reduction="sum")))
        -1.0000 1.0000

    Conventions:
        Equals PyTorch autograd through `poisson_nll_loss`.
    """
    y_true, y_pred, log_input, full, eps = _poisson_args(y_true, y_pred, log_input, full, eps, reduction)
    if log_input:
        # e^p - t; near p = 0 as expm1(p) - (t - 1), exact where the gradient is near 0 at t = 1
        kernel = lambda t, p: np.where(np.abs(p) < 1, np.expm1(p) - (t - 1), np.exp(p) - t)  # noqa: E731
    else:
        kernel = lambda t, p: ((p - t) + eps) / (p + eps)  # noqa: E731  (1 - t / (p + eps), no cancelling)
    return _elementwise_grad(kernel, y_true, y_pred, reduction)


def gaussian_nll(
    y_true: ArrayLike,
    mean: ArrayLike,
    var: ArrayLike,
    *,
    full: bool = False,
    eps: float = 1e-6,
    reduction: str = "mean",
) -> float | np.ndarray:
    r"""Negative log-likelihood of targets under Gaussians with predicted means and variances.

    $$
    \ell(y, \mu, \sigma^2) = \tfrac12 \Big(\log v + \frac{(\mu - y)^2}{v}\Big)
        \;\Big[{} + \tfrac12 \log 2\pi \text{ if } \texttt{full}\Big],
    \qquad v = \max(\sigma^2, \varepsilon)
    $$

    Args:
        y_true: Targets $y$, array-like of real numbers of any shape.
        mean: Predicted means $\mu$, the same shape as `y_true`.
        var: Predicted variances $\sigma^2 \ge 0$, the same shape as `y_true` (for one variance
            shared by many targets, repeat it: `np.full_like(mean, v)`).
        full: Whether to add the constant $\tfrac12 \log 2\pi$.
        eps: $\varepsilon > 0$, the smallest variance used: smaller ones are raised to it.
        reduction: `"mean"` over all elements, `"sum"`, or `"none"` for the elementwise losses.

    Returns:
        A `float` for `"mean"` and `"sum"`; for `"none"`, a float64 array of the shape of `y_true`.

    Raises:
        TypeError: If an input does not hold real numbers, `full` is not a bool, `eps` is not a
            real number, or `reduction` is not a string.
        ValueError: If the shapes differ, an input is empty or holds NaN or infinity, a variance
            is negative, `eps` is not positive, or `reduction` is not `"mean"`, `"sum"` or `"none"`.

    Examples:
        >>> from lossbook import gaussian_nll
        >>> print(f"{gaussian_nll([1.0, 2.0], [1.5, 2.0], [0.25, 1.0]):.4f}")
        -0.0966
        >>> print(f"{gaussian_nll([1.0, 2.0], [1.5, 2.0], [0.25, 1.0], full=True):.4f}")
        0.8224

    Conventions:
        PyTorch `gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean")`
        takes the mean first and also accepts a `var` with one axis fewer or of size 1 along one
        axis (broadcast); here `var` has the shape of `y_true`, nothing is broadcast. Keras and
        optax have no Gaussian negative log-likelihood.
    """
    y_true, mean, var, full, eps = _gaussian_args(y_true, mean, var, full, eps, reduction)
    constant = 0.5 * math.log(2 * math.pi) if full else 0.0
    loss = elementwise(lambda t, m, v: _gaussian_nll(t, m, v, eps) + constant, [y_true, mean, var], reduction)
    check_finite_inputs(loss, {"y_true": y_true, "mean": mean, "var": var})
    return loss


def gaussian_nll_grad(
    y_true: ArrayLike,
    mean: ArrayLike,
    var: ArrayLike,
    *,
    full: bool = False,
    eps: float = 1e-6,
    reduction: str = "mean",
) -> tuple[np.ndarray, np.ndarray]:
    r"""Gradients of `gaussian_nll` with respect to both predictions, `mean` and `var`.

    $$
    \frac{\partial \ell}{\partial \mu} = \frac{\mu - y}{v}, \qquad
    \frac{\partial \ell}{\partial \sigma^2} = \frac12 \Big(\frac1v - \frac{(\mu - y)^2}{v^2}\Big),
    \qquad v = \max(\sigma^2, \varepsilon)
    $$

    Args and raises are those of `gaussian_nll` (`"mean"` divides both by $n$).

    Returns:
        A pair of float64 arrays `(d_mean, d_var)`, each of the shape of `y_true`.

    Examples:
        >>> from lossbook import gaussian_nll_grad
        >>> d_mean, d_var = gaussian_nll_grad([1.0, 2.0], [1.5, 2.0], [0.25, 1.0], reduction="sum")
        >>> print(" ".join(f"{g:.4f}" for g in d_mean), "|", " ".join(f"{g:.4f}" for g in d_var))
        2.0000 0.0000 | 0.0000 0.5000

    Conventions:
        Equals PyTorch autograd through `gaussian_nll_loss`, which raises small variances to
        $\varepsilon$ without recording it: below $\varepsilon$ the derivative with respect to
        `var` is the one at $\varepsilon$, not 0. Unlike the other gradients this returns two arrays.
    """
    y_true, mean, var, full, eps = _gaussian_args(y_true, mean, var, full, eps, reduction)
    scale = 1 / y_true.size if reduction == "mean" else 1.0
    arrays = [y_true, mean, var]
    d_mean = elementwise(lambda t, m, v: scale * (m - t) / np.maximum(v, eps), arrays, "none")
    d_var = elementwise(lambda t, m, v: _gaussian_var_grad(t, m, np.maximum(v, eps), scale), arrays, "none")
    return d_mean, d_var


def _smooth_l1_sums(beta, size):
    """A kernel: the sum of the smooth L1 losses of a block of at most `size` elements, as one number.

    With m = clip(e, -beta, beta), the loss is (m e - m^2 / 2) / beta (e^2 / (2 beta) inside,
    |e| - beta/2 outside): a subtraction, a clip and two dot products, in two scratch rows reused
    by every block, and one division per block. Each term is at least m^2 / 2 >= 0. Where the
    block's sum is below 2^-900 some products m e may have lost digits below the normal range,
    and the block is summed again as u e - beta u^2 / 2 with u = m / beta (every term of the size
    of the loss). A sum beyond float64 is left to `smooth_l1`'s rescaled fallback.
    """
    scratch = np.empty((2, size))
    inverse = 1 / beta if beta >= 2.0**-1022 else None  # 1 / beta would overflow: divide instead

    def kernel(t, p):
        e, m = scratch[:, : t.size]
        np.subtract(p, t, out=e)
        e.clip(-beta, beta, out=m)  # the method skips np.clip's dispatch: a microsecond a block
        total = np.dot(m, e) - 0.5 * np.dot(m, m)
        if total >= 2.0**-900:
            return total / beta
        u = np.divide(m, beta, out=m) if inverse is None else np.multiply(m, inverse, out=m)
        squares = np.dot(u, u)
        if squares < 2.0**-950:  # terms u^2 below the normal range, where digits are lost: u (beta u) instead
            return np.dot(u, e) - 0.5 * np.dot(u, np.multiply(u, beta))
        return np.dot(u, e) - 0.5 * beta * squares

    return kernel


def _smooth_l1(t, p, beta):
    """u (e - beta u / 2) with u = clip(e / beta, -1, 1): e^2 / (2 beta) if |e| < beta, else |e| - beta/2."""
    e = p - t
    u = np.clip(e / beta, -1.0, 1.0)
    e -= (0.5 * beta) * u
    e *= u
    return e


def _log_cosh(t, p):
    """log cosh a = log(1 + v^2 / (2 e^-a)) with v = 1 - e^-a: every term positive, nothing cancels.

    (cosh a - 1 = (1 - e^-a)^2 / (2 e^-a).) Beyond a = 700, where e^-a underflows, log cosh a
    is a - log 2 to double precision: log cosh 700 + (a - 700).
    """
    a = _absolute_error(t, p)
    c = np.minimum(a, 700.0)
    v = np.expm1(-c)
    v *= v
    w = np.exp(-c)
    w *= 2
    loss = np.log1p(np.divide(v, w, out=w), out=w)
    a -= c
    loss += a
    return loss


def _above_minus_one(y_true, y_pred, reduction):
    """The pair, validated, with every value above -1 (one pass for each minimum).

    NaN and infinity are left to `_loss` (they make the loss non-finite, which it checks); the
    gradients check them themselves.
    """
    y_true, y_pred = _pair(y_true, y_pred, reduction, blockwise=True)  # converted block by block
    for a, name in ((y_true, "y_true"), (y_pred, "y_pred")):
        lo = np.min(a)
        if lo <= -1:
            raise ValueError(f"{name} must be greater than -1 (log(1 + {name}) is taken), got {float(lo)!r}")
    return y_true, y_pred


def _log1p_difference(t, p, scratch=None):
    """log(1 + p) - log(1 + t) without cancellation: log1p(r) with r = (p - t) / (1 + t).

    p - t is exact for close values, and log1p(r) is then accurate to a few ulps as long as 1 + r
    is not small. Where p is far below t (r < -0.9, where 1 + r = (1 + p) / (1 + t) would lose
    digits) the difference is at least log 10: the logarithm of that ratio, on those elements only.
    Where r overflows (t near -1, p huge) or the ratio leaves the normal range, the difference of
    the two logarithms, far from 0 there too. `scratch`, two rows of at least `t.size`, holds the
    result (else a new array does).
    """
    d, r = (np.empty_like(t), np.empty_like(t)) if scratch is None else scratch[:, : t.size]
    np.subtract(p, t, out=d)
    np.add(t, 1.0, out=r)
    np.divide(d, r, out=r)
    far = r < -0.9
    d = np.log1p(r, out=r)
    if far.any():
        i = np.flatnonzero(far)
        q = p[i] + 1
        q /= t[i] + 1
        d[i] = np.log(q)
        if q.min() < _TINY:  # subnormal or 0: digits lost
            d[i] = np.where(q < _TINY, np.log1p(p[i]) - np.log1p(t[i]), d[i])
    if not math.isfinite(np.dot(d, d)):  # r overflowed (or a NaN input: left alone)
        bad = np.isinf(d)
        d[bad] = np.log1p(p[bad]) - np.log1p(t[bad])
    return d


_TINY = float(np.finfo(np.float64).tiny)


def _percentage_error(t, p):
    e = np.abs(t)
    np.divide(_absolute_error(t, p), e, out=e)  # into the divisor's own buffer: fast
    e *= 100
    return e


def _squared(d):
    return np.multiply(d, d, out=d)


def _sum_of_squares(d):
    return np.dot(d.reshape(-1), d.reshape(-1))


def _nonzero_targets(y_true, y_pred, reduction):
    y_true, y_pred = _pair(y_true, y_pred, reduction, blockwise=True)
    zero = y_true == 0
    if zero.any():
        index = tuple(int(i) for i in np.unravel_index(np.argmax(zero), y_true.shape))
        raise ValueError(f"y_true must be nonzero (a percentage of 0 is undefined), got 0 at index {index}")
    return y_true, y_pred


def _pinball(t, p, q):
    d = t - p
    return np.maximum(q * d, (q - 1) * d)


def _elementwise_grad(kernel, y_true, y_pred, reduction):
    """`kernel(t, p)`, the elementwise derivatives, divided by n for "mean"."""
    y_true, y_pred = _pair(y_true, y_pred, reduction, blockwise=True)
    check_finite(y_true, "y_true")
    check_finite(y_pred, "y_pred")
    grad = elementwise(kernel, [y_true, y_pred], "none")
    if reduction == "mean":
        grad /= y_true.size
    return grad


def _check_flag(value, name):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def _poisson_args(y_true, y_pred, log_input, full, eps, reduction):
    log_input, full = _check_flag(log_input, "log_input"), _check_flag(full, "full")
    eps = check_number(eps, "eps", lambda e: e >= 0, "non-negative")
    y_true, y_pred = _pair(y_true, y_pred, reduction, blockwise=True)
    check_finite(y_true, "y_true")
    check_finite(y_pred, "y_pred")
    if np.min(y_true) < 0:
        raise ValueError(f"y_true must be non-negative counts, got {float(np.min(y_true))!r}")
    if not log_input and np.min(y_pred) < 0:
        raise ValueError(
            f"y_pred must be non-negative rates when log_input=False, got {float(np.min(y_pred))!r} "
            "(pass log_input=True for log-rates)"
        )
    return y_true, y_pred, log_input, full, eps


def _poisson_nll(t, p, log_input, full, eps):
    if log_input:
        loss = np.exp(p) - t * p
    else:
        loss = p - np.where(t == 0, 0.0, t * np.log(p + eps))  # 0 log 0 = 0
    if full:
        big = np.maximum(t, 1.0)  # the term is 0 where t <= 1
        loss += np.where(t > 1, big * np.log(big) - big + 0.5 * np.log(2 * math.pi * big), 0.0)
    return loss


def _gaussian_args(y_true, mean, var, full, eps, reduction):
    full = _check_flag(full, "full")
    eps = check_number(eps, "eps", lambda e: e > 0, "positive")
    check_reduction(reduction)
    arrays = ((y_true, "y_true"), (mean, "mean"), (var, "var"))
    y_true, mean, var = (as_float_array(a, name, blockwise=True) for a, name in arrays)  # elementwise converts
    check_same_shape(y_true, "y_true", mean, "mean")
    check_same_shape(y_true, "y_true", var, "var")
    if np.min(var) < 0:
        raise ValueError(f"var must be non-negative variances, got {float(np.min(var))!r}")
    return y_true, mean, var, full, eps


def _gaussian_nll(t, m, v, eps):
    v = np.maximum(v, eps)
    loss = np.log(v)
    e = _squared_error(t, m)
    loss += np.divide(e, v, out=v)
    loss *= 0.5
    return loss


def _gaussian_var_grad(t, m, v, scale):
    r = np.square(m - t) / v
    return (0.5 * scale) * (1 - r) / v
