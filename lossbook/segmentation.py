r"""Segmentation losses: overlap between a target mask and a predicted soft mask.

Both take `(y_true, y_pred)` of exactly the same shape, with values in $[0, 1]$ (a hard
mask of 0 and 1, or probabilities), and sum over the axes in `axis` (all of them by
default), giving one loss per slice over the remaining axes. The overlap sums are
$\mathrm{TP} = \sum y \hat y$, $\mathrm{FN} = \sum y (1 - \hat y)$ and $\mathrm{FP} = \sum (1 - y) \hat y$.
"""

import numbers

import numpy as np
from numpy.typing import ArrayLike

from lossbook._validation import (
    as_float_array,
    check_finite,
    check_number,
    check_probabilities,
    check_reduction,
    check_same_shape,
    reduce,
)


def dice(
    y_true: ArrayLike, y_pred: ArrayLike, *, axis: int | tuple[int, ...] | None = None, reduction: str = "mean"
) -> float | np.ndarray:
    r"""Dice loss: one minus the Dice coefficient (the F1 score of soft masks).

    $$
    \ell(y, \hat y) = 1 - \frac{2 \sum y \hat y}{\sum y + \sum \hat y}
    $$

    with the sums over `axis`. The loss is 0 for a perfect prediction and 1 with no overlap.

    Args:
        y_true: Target mask, values in $[0, 1]$, array-like of any shape.
        y_pred: Predicted mask (probabilities), the same shape as `y_true`.
        axis: The axes to sum over: None for all (one loss), an int or a tuple of ints (one loss
            per slice over the other axes, e.g. `axis=(1, 2)` for images of shape $(N, H, W)$).
        reduction: `"mean"` over the slices, `"sum"`, or `"none"` for the slice losses.

    Returns:
        A `float` for `"mean"` and `"sum"`, or when `axis` covers every axis; for `"none"`, a
        float64 array of the shape of `y_true` without the summed axes.

    Raises:
        TypeError: If an input does not hold real numbers, `axis` is not None, an int or a tuple
            of ints, or `reduction` is not a string.
        ValueError: If the shapes differ, an input is empty, holds NaN, infinity or a value
            outside $[0, 1]$, an axis is out of range or repeated, a slice has
            $\sum y + \sum \hat y = 0$ (both masks empty: the coefficient is 0/0), or `reduction`
            is unknown.

    Examples:
        The example of Keras' `dice`:

        >>> from lossbook import dice
        >>> y_true = [[[[1.0], [1.0]], [[0.0], [0.0]]], [[[1.0], [1.0]], [[0.0], [0.0]]]]
        >>> y_pred = [[[[0.0], [1.0]], [[0.0], [1.0]]], [[[0.4], [0.0]], [[0.0], [0.9]]]]
        >>> print(" ".join(f"{v:.4f}" for v in dice(y_true, y_pred, axis=(1, 2, 3), reduction="none")))
        0.5000 0.7576
        >>> print(f"{dice(y_true, y_pred):.4f}")
        0.6164

    Conventions:
        Keras `Dice(axis=None)` and `dice(y_true, y_pred, axis=None)` add $10^{-7}$ to the
        denominator, so two empty masks give a loss of 1 there (an error here), and a perfect
        prediction a loss of about $10^{-7} / \sum y$; the class averages the slice losses as
        `"mean"` does. PyTorch has no Dice loss. optax `dice_loss(predictions, targets, smooth=1.0,
        apply_softmax=True)` takes logits first (probabilities with `apply_softmax=False`), the
        classes on the last axis, sums over the axes between the first and the last, adds `smooth`
        above and below, and averages the class losses; with `smooth=0.0` each class's loss is this
        one over the image axes. `binary_dice_loss(logits, targets)` applies the sigmoid first.
    """
    y_true, y_pred, axis = _masks(y_true, y_pred, axis, reduction)
    tp, total = _overlap(y_true, y_pred, axis), _sums(y_true, axis) + _sums(y_pred, axis)
    _check_denominator(total, "sum(y_true) + sum(y_pred)", "both masks are empty")
    return _reduce(1 - 2 * tp / total, reduction)


def dice_grad(
    y_true: ArrayLike, y_pred: ArrayLike, *, axis: int | tuple[int, ...] | None = None, reduction: str = "mean"
) -> np.ndarray:
    r"""Gradient of `dice` with respect to `y_pred`.

    With $I = \sum y \hat y$ and $U = \sum y + \sum \hat y$ over the element's slice,

    $$
    \frac{\partial \ell}{\partial \hat y_i} = \frac{2}{U} \Big(\frac{I}{U} - y_i\Big)
    $$

    Args and raises are those of `dice` (`"mean"` divides by the number of slices).

    Returns:
        A float64 array of the shape of `y_pred`.

    Examples:
        >>> from lossbook import dice_grad
        >>> print(" ".join(f"{g:.4f}" for g in dice_grad([1.0, 0.0], [0.5, 0.5])))
        -0.7500 0.2500

    Conventions:
        Equals PyTorch autograd through the formula (without Keras' $10^{-7}$).
    """
    y_true, y_pred, axis = _masks(y_true, y_pred, axis, reduction)
    tp, total = _sums(y_true * y_pred, axis, True), _sums(y_true, axis, True) + _sums(y_pred, axis, True)
    _check_denominator(total, "sum(y_true) + sum(y_pred)", "both masks are empty")
    return _scale(2 * (tp / total - y_true) / total, tp, reduction)


def tversky(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    alpha: float = 0.5,
    beta: float = 0.5,
    axis: int | tuple[int, ...] | None = None,
    reduction: str = "mean",
) -> float | np.ndarray:
    r"""Tversky loss: Dice with separate weights for false negatives and false positives (Keras' convention).

    $$
    \ell(y, \hat y) = 1 - \frac{\mathrm{TP}}{\mathrm{TP} + \alpha\,\mathrm{FN} + \beta\,\mathrm{FP}},
    \qquad \mathrm{FN} = \sum y\,(1 - \hat y), \quad \mathrm{FP} = \sum (1 - y)\,\hat y
    $$

    `alpha` weighs the **false negatives** (target pixels the prediction misses) and `beta` the
    false positives, as Keras computes it; $\alpha = \beta = \tfrac12$ gives `dice`, and
    $\alpha > \beta$ favours recall.

    Args:
        y_true: Target mask, values in $[0, 1]$, array-like of any shape.
        y_pred: Predicted mask (probabilities), the same shape as `y_true`.
        alpha: Weight $\alpha \ge 0$ of the false negatives.
        beta: Weight $\beta \ge 0$ of the false positives.
        axis: The axes to sum over, as for `dice`.
        reduction: `"mean"` over the slices, `"sum"`, or `"none"` for the slice losses.

    Returns:
        As for `dice`.

    Raises:
        TypeError: As for `dice`, or if `alpha` or `beta` is not a real number.
        ValueError: As for `dice` (the denominator being
            $\mathrm{TP} + \alpha\,\mathrm{FN} + \beta\,\mathrm{FP}$), or if `alpha` or `beta` is
            negative or not finite.

    Examples:
        >>> from lossbook import tversky
        >>> y_true, y_pred = [1.0, 1.0, 0.0, 0.0], [0.9, 0.2, 0.6, 0.0]
        >>> print(f"{tversky(y_true, y_pred, alpha=0.7, beta=0.3):.4f}")
        0.4241
        >>> print(f"{tversky(y_true, y_pred, alpha=0.3, beta=0.7):.4f}")
        0.3855

    Conventions:
        Keras `Tversky(alpha=0.5, beta=0.5, axis=None)` computes this (plus $10^{-7}$ in the
        denominator, as for `dice`). Its docstring calls `alpha` the weight of false positives,
        but the code multiplies `alpha` by $\sum y (1 - \hat y)$, the false negatives, as here. In
        Salehi et al. (2017), the paper Keras cites, $\alpha$ weighs the false positives: their
        $(\alpha, \beta)$ is $(\beta, \alpha)$ here. PyTorch has no Tversky loss. optax `dice_loss`
        follows the paper: `tversky(y, p, alpha=a, beta=b)` is, per class, its
        `dice_loss(p, y, alpha=b, beta=a, smooth=0.0, apply_softmax=False)`.
    """
    alpha, beta = _tversky_weights(alpha, beta)
    y_true, y_pred, axis = _masks(y_true, y_pred, axis, reduction)
    tp, denominator = _tversky_sums(y_true, y_pred, alpha, beta, axis)
    return _reduce(1 - tp / denominator, reduction)


def tversky_grad(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    alpha: float = 0.5,
    beta: float = 0.5,
    axis: int | tuple[int, ...] | None = None,
    reduction: str = "mean",
) -> np.ndarray:
    r"""Gradient of `tversky` with respect to `y_pred`.

    With $D = \mathrm{TP} + \alpha\,\mathrm{FN} + \beta\,\mathrm{FP}$ over the element's slice,

    $$
    \frac{\partial \ell}{\partial \hat y_i}
        = \frac1D \Big(\frac{\mathrm{TP}}{D} \big((1 - \alpha)\, y_i + \beta\,(1 - y_i)\big) - y_i\Big)
    $$

    Args and raises are those of `tversky` (`"mean"` divides by the number of slices).

    Returns:
        A float64 array of the shape of `y_pred`.

    Examples:
        >>> from lossbook import tversky_grad
        >>> print(" ".join(f"{g:.4f}" for g in tversky_grad([1.0, 0.0], [0.5, 0.5], alpha=0.7, beta=0.3)))
        -0.8500 0.1500

    Conventions:
        Equals PyTorch autograd through Keras' formula (without its $10^{-7}$).
    """
    alpha, beta = _tversky_weights(alpha, beta)
    y_true, y_pred, axis = _masks(y_true, y_pred, axis, reduction)
    tp, denominator = _tversky_sums(y_true, y_pred, alpha, beta, axis, keepdims=True)
    slope = (1 - alpha) * y_true + beta * (1 - y_true)
    return _scale((tp / denominator * slope - y_true) / denominator, tp, reduction)


def _masks(y_true, y_pred, axis, reduction):
    check_reduction(reduction)
    y_true, y_pred = _mask(y_true, "y_true"), _mask(y_pred, "y_pred")
    check_same_shape(y_true, "y_true", y_pred, "y_pred")
    return y_true, y_pred, _axes(axis, y_true.ndim)


def _mask(x, name):
    """`x` as a float64 array with values in [0, 1], in one pass over it.

    A float64 in [0, 1] read as an unsigned 64-bit integer is at most the bits of 1.0, and every
    other value (negative, above 1, NaN or infinite) is above them: one maximum of the integer view
    checks it. Only -0.0 also lands above, and takes the slow path, which accepts it.
    """
    a = as_float_array(x, name, finite=False)
    if a.view(np.uint64).max() > _ONE_BITS:
        check_finite(a, name)
        check_probabilities(a, name)
    return a


_ONE_BITS = np.float64(1.0).view(np.uint64)


def _axes(axis, ndim):
    """`axis` as a tuple of distinct non-negative axes (None: all of them)."""
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, tuple) else (axis,)
    for a in axes:
        if isinstance(a, (bool, np.bool_)) or not isinstance(a, numbers.Integral):
            raise TypeError(f"axis must be None, an int or a tuple of ints, got {axis!r}")
    if any(not -ndim <= a < ndim for a in axes):
        raise ValueError(f"axis {axis!r} is out of range for masks with {ndim} axes")
    normal = tuple(int(a) % ndim if ndim else 0 for a in axes)
    if len(set(normal)) != len(normal):
        raise ValueError(f"axis must not repeat an axis, got {axis!r}")
    return normal


def _sums(a, axis, keepdims=False):
    return np.sum(a, axis=axis, keepdims=keepdims)


def _check_denominator(denominator, what, why):
    if np.min(denominator) <= 0:
        index = tuple(int(i) for i in np.unravel_index(np.argmin(denominator), np.shape(denominator)))
        where = f" in the slice at index {index}" if index else ""
        raise ValueError(
            f"the loss is undefined (0/0){where}: {what} is 0 ({why}); sum over more axes, or leave such slices out"
        )


def _tversky_weights(alpha, beta):
    return (
        check_number(alpha, "alpha", lambda a: a >= 0, "non-negative"),
        check_number(beta, "beta", lambda b: b >= 0, "non-negative"),
    )


def _overlap(y_true, y_pred, axis, keepdims=False):
    """sum(y_true * y_pred) over `axis`: one dot product when every axis is summed."""
    if len(axis) == y_true.ndim and not keepdims:
        return np.dot(y_true.reshape(-1), y_pred.reshape(-1))
    return _sums(y_true * y_pred, axis, keepdims)


def _tversky_sums(y_true, y_pred, alpha, beta, axis, keepdims=False):
    tp = _overlap(y_true, y_pred, axis, keepdims)
    fn = _sums(y_true, axis, keepdims) - tp  # sum y (1 - p): its rounding is tiny beside tp + ...
    fp = _sums(y_pred, axis, keepdims) - tp  # sum (1 - y) p
    denominator = tp + alpha * fn + beta * fp
    _check_denominator(denominator, "TP + alpha FN + beta FP", "no overlap and nothing weighted to count")
    return tp, denominator


def _reduce(losses, reduction):
    out = reduce(np.asarray(losses, dtype=np.float64), reduction)
    return float(out) if np.ndim(out) == 0 else out


def _scale(grad, per_slice, reduction):
    """The gradient, divided by the number of slices (the size of a per-slice sum) for "mean"."""
    if reduction == "mean":
        grad /= per_slice.size
    return grad
