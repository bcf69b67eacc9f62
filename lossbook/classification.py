r"""Classification: one-hot targets, softmax, and cross-entropy losses on logits or probabilities.

Everything is computed so that it cannot overflow where the mathematics is finite:
softmax and its cross-entropy subtract the largest logit first (log-sum-exp), and the
logistic loss uses a stable log-sigmoid, so logits as large as $\pm 10^{300}$ are fine.
"""

import numpy as np
from numpy.typing import ArrayLike

from lossbook._validation import (
    as_array, as_float_array, check_count, check_distribution, check_labels, check_number,
    check_probabilities, check_reduction, check_same_shape, elementwise, map_blocks, reduce,
)


def one_hot(labels: ArrayLike, num_classes: int) -> np.ndarray:
    r"""One-hot encode integer class labels.

    $$
    \operatorname{onehot}(y)_{k} = [\,y = k\,], \qquad k = 0, \dots, K - 1
    $$

    Args:
        labels: Class labels in $[0, K)$, array-like of shape $(N,)$ (any shape works). Integer
            or bool dtypes, or floats that are exactly integral (`1.0`, not `1.5`).
        num_classes: The number of classes $K \ge 1$, an `int`.

    Returns:
        A float64 array of shape $(N, K)$ (in general `labels.shape + (K,)`).

    Raises:
        TypeError: If `labels` does not hold real numbers, or `num_classes` is not an integer.
        ValueError: If `labels` is empty, holds NaN, infinity, a non-integral value, or a label
            outside $[0, K)$, or `num_classes` is less than 1.

    Examples:
        >>> from lossbook import one_hot
        >>> for row in one_hot([0, 2], 3):
        ...     print(" ".join(f"{v:.1f}" for v in row))
        1.0 0.0 0.0
        0.0 0.0 1.0

    Conventions:
        PyTorch `one_hot(tensor, num_classes=-1)` returns int64 and infers $K$ from the largest
        label; Keras `ops.one_hot(x, num_classes)` returns floats like this one; scikit-learn's
        `LabelBinarizer` gives a single column for two classes.
    """
    num_classes = check_count(num_classes, "num_classes")
    labels = check_labels(labels, "labels", num_classes)
    out = np.zeros(labels.shape + (num_classes,))
    np.put_along_axis(out, labels[..., None], 1.0, axis=-1)
    return out


def softmax(logits: ArrayLike, *, axis: int = -1) -> np.ndarray:
    r"""Softmax: probabilities proportional to the exponentials of the logits.

    $$
    \operatorname{softmax}(z)_k = \frac{e^{z_k - m}}{\sum_j e^{z_j - m}}, \qquad m = \max_j z_j
    $$

    Subtracting the largest logit $m$ changes nothing mathematically and keeps every
    exponential in $[0, 1]$, so no logit can overflow.

    Args:
        logits: Logits $z$, array-like of any shape with at least one axis.
        axis: The axis along which the probabilities sum to 1.

    Returns:
        A float64 array of the shape of `logits`.

    Raises:
        TypeError: If `logits` does not hold real numbers, or `axis` is not an integer.
        ValueError: If `logits` is a scalar or empty or holds NaN or infinity, or `axis` is
            out of range.

    Examples:
        >>> from lossbook import softmax
        >>> print(" ".join(f"{v:.4f}" for v in softmax([1.0, 2.0, 3.0])))
        0.0900 0.2447 0.6652
        >>> print(" ".join(f"{v:.4f}" for v in softmax([1e300, -1e300])))
        1.0000 0.0000

    Conventions:
        PyTorch `softmax(input, dim)` needs the axis; Keras `ops.softmax(x, axis=-1)` defaults to
        the last axis as here; `scipy.special.softmax(x, axis=None)` normalises over the whole
        array by default.
    """
    return _along_axis(_softmax_rows, logits, axis)


def log_softmax(logits: ArrayLike, *, axis: int = -1) -> np.ndarray:
    r"""Logarithm of the softmax, computed directly (log-sum-exp) rather than as `log(softmax)`.

    $$
    \log \operatorname{softmax}(z)_k = (z_k - m) - \log \sum_j e^{z_j - m}, \qquad m = \max_j z_j
    $$

    The sum contains $e^0 = 1$ for the largest logit, so its logarithm is taken with
    `log1p` of the other terms, keeping full accuracy when one logit dominates.

    Args:
        logits: Logits $z$, array-like of any shape with at least one axis.
        axis: The axis along which the softmax is normalised.

    Returns:
        A float64 array of the shape of `logits`, every value $\le 0$.

    Raises:
        TypeError: If `logits` does not hold real numbers, or `axis` is not an integer.
        ValueError: If `logits` is a scalar or empty or holds NaN or infinity, or `axis` is
            out of range.

    Examples:
        >>> from lossbook import log_softmax
        >>> print(" ".join(f"{v:.4f}" for v in log_softmax([1.0, 2.0, 3.0])))
        -2.4076 -1.4076 -0.4076
        >>> print(" ".join(f"{v:.4g}" for v in log_softmax([1e300, -1e300])))
        0 -2e+300

    Conventions:
        PyTorch `log_softmax(input, dim)` needs the axis; Keras `ops.log_softmax(x, axis=-1)`
        defaults to the last axis; `scipy.special.log_softmax(x, axis=None)` uses the whole array
        by default.
    """
    return _along_axis(_log_softmax_rows, logits, axis)


def softmax_cross_entropy(
    y_true: ArrayLike, logits: ArrayLike, *, label_smoothing: float = 0.0, reduction: str = "mean"
) -> float | np.ndarray:
    r"""Cross-entropy between targets and the softmax of logits, for multi-class classification.

    With label smoothing $\varepsilon$ the targets become $y'_k = (1 - \varepsilon)\, y_k +
    \varepsilon / K$, and for each of the $N$ rows

    $$
    \ell(y, z) = -\sum_{k=1}^{K} y'_k \log \operatorname{softmax}(z)_k
        = \sum_{k=1}^{K} y'_k \Big(\log \sum_j e^{z_j} - z_k\Big),
    $$

    where for a class index $c$ the target $y$ is `one_hot(c)`. It equals PyTorch's
    `torch.nn.functional.cross_entropy(logits, y_true, label_smoothing=...)`.

    Args:
        y_true: Either class indices in $[0, K)$ of shape $(N,)$ (integer or bool dtype, or
            exactly integral floats), or probability rows of shape $(N, K)$, each summing to 1.
        logits: Logits $z$ of shape $(N, K)$, unnormalised log-probabilities.
        label_smoothing: $\varepsilon \in [0, 1]$, the weight moved to the uniform distribution.
        reduction: `"mean"` over the $N$ rows, `"sum"`, or `"none"` for the $N$ losses.

    Returns:
        A `float` for `"mean"` and `"sum"`; for `"none"`, a float64 array of shape $(N,)$.

    Raises:
        TypeError: If an input does not hold real numbers, `label_smoothing` is not a real
            number, or `reduction` is not a string.
        ValueError: If `logits` is not 2-D, `y_true` has neither shape $(N,)$ nor the shape of
            `logits`, an input is empty or holds NaN or infinity, a label is not an integer in
            $[0, K)$, a probability row is outside $[0, 1]$ or does not sum to 1 within
            $10^{-6}$, `label_smoothing` is outside $[0, 1]$, or `reduction` is unknown.

    Examples:
        >>> from lossbook import softmax_cross_entropy
        >>> logits = [[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]]
        >>> print(f"{softmax_cross_entropy([0, 1], logits):.4f}")
        0.3185
        >>> print(f"{softmax_cross_entropy([[1, 0, 0], [0, 1, 0]], logits):.4f}")
        0.3185
        >>> print(f"{softmax_cross_entropy([0, 1], logits, label_smoothing=0.1):.4f}")
        0.4369
        >>> print(f"{softmax_cross_entropy([1], [[1e300, -1e300]]):.4g}")
        2e+300

    Conventions:
        PyTorch `cross_entropy(input, target)` takes the logits first, accepts class indices or
        probability rows, and averages over $N$ by default (with the same label smoothing).
        Keras `categorical_crossentropy(y_true, y_pred)` expects probabilities unless
        `from_logits=True` (clipping them to $[10^{-7}, 1 - 10^{-7}]$), takes one-hot rows, and has
        `sparse_categorical_crossentropy` for indices. scikit-learn `log_loss(y_true, y_proba)`
        takes labels and probabilities, never logits, and clips them to machine epsilon. All nats.
    """
    eps = check_number(label_smoothing, "label_smoothing", lambda e: 0 <= e <= 1, "in [0, 1]")
    check_reduction(reduction)
    z = as_float_array(logits, "logits")
    if z.ndim != 2:
        raise ValueError(f"logits must have shape (N, K), got shape {z.shape}")
    y = as_array(y_true, "y_true")
    if y.ndim == 2:
        y = as_float_array(y, "y_true")
        check_same_shape(y, "y_true", z, "logits")
        check_distribution(y, "y_true")
    elif y.shape == z.shape[:1]:
        y = check_labels(y, "y_true", z.shape[1])
    else:
        raise ValueError(f"y_true must have shape (N,) or (N, K) for logits of shape (N, K), "
                         f"got shapes {y.shape} and {z.shape}")
    losses = map_blocks(lambda z, y: _cross_entropy_rows(z, y, eps), [z, y])
    return reduce(losses, reduction)


def binary_cross_entropy(y_true: ArrayLike, p_pred: ArrayLike, *, reduction: str = "mean") -> float | np.ndarray:
    r"""Binary cross-entropy (log loss) of predicted probabilities.

    $$
    \ell(y, p) = -\big(y \log p + (1 - y) \log(1 - p)\big), \qquad 0 \log 0 = 0
    $$

    The result is `inf` where a prediction is exactly 0 or 1 and the label says otherwise,
    as the mathematics says; nothing is clipped. $\log(1 - p)$ is computed as `log1p(-p)`,
    accurate for tiny $p$.

    Args:
        y_true: Labels in $[0, 1]$, array-like of any shape: 0 or 1, or soft labels in between.
        p_pred: Predicted probabilities of the label 1, in $[0, 1]$, the same shape as `y_true`.
        reduction: `"mean"` over all elements, `"sum"`, or `"none"` for the elementwise losses.

    Returns:
        A `float` for `"mean"` and `"sum"`; for `"none"`, a float64 array of the shape of `y_true`.

    Raises:
        TypeError: If an input does not hold real numbers, or `reduction` is not a string.
        ValueError: If the shapes differ, an input is empty, holds NaN or infinity or a value
            outside $[0, 1]$, or `reduction` is not `"mean"`, `"sum"` or `"none"`.

    Examples:
        >>> from lossbook import binary_cross_entropy
        >>> print(f"{binary_cross_entropy([1, 0, 0, 1], [0.9, 0.1, 0.2, 0.65]):.4f}")
        0.2162
        >>> print(f"{binary_cross_entropy([1], [0.0]):.4f}")
        inf

    Conventions:
        PyTorch `binary_cross_entropy(input, target)` takes the prediction first and clamps each
        logarithm at $-100$, so one element costs at most 100. Keras
        `binary_crossentropy(y_true, y_pred)` clips predictions to $[10^{-7}, 1 - 10^{-7}]$ (at most
        about 16.1) and averages over the last axis. scikit-learn `log_loss(y_true, y_proba)`
        (version 1.9) takes hard labels only and clips to $[\epsilon, 1 - \epsilon]$ with
        $\epsilon$ = 2.2e-16, the float64 machine epsilon (at most about 36.0). All use nats
        and the mean.
    """
    y_true, p_pred = _binary_pair(y_true, "y_true", p_pred, "p_pred", reduction)
    check_probabilities(p_pred, "p_pred")
    return elementwise(_binary_cross_entropy, [y_true, p_pred], reduction)


def binary_cross_entropy_with_logits(
    y_true: ArrayLike, logits: ArrayLike, *, reduction: str = "mean"
) -> float | np.ndarray:
    r"""Binary cross-entropy of the sigmoid of logits, computed without forming the sigmoid.

    $$
    \ell(y, z) = -\big(y \log \sigma(z) + (1 - y) \log \sigma(-z)\big)
        = (1 - y) \max(z, 0) + y \max(-z, 0) + \log\big(1 + e^{-|z|}\big)
    $$

    with $\sigma(z) = 1 / (1 + e^{-z})$. Every term on the right is non-negative and no
    exponential can overflow, so the loss is accurate for logits up to $\pm 10^{300}$.

    Args:
        y_true: Labels in $[0, 1]$, array-like of any shape: 0 or 1, or soft labels in between.
        logits: Logits $z$, the same shape as `y_true`.
        reduction: `"mean"` over all elements, `"sum"`, or `"none"` for the elementwise losses.

    Returns:
        A `float` for `"mean"` and `"sum"`; for `"none"`, a float64 array of the shape of `y_true`.

    Raises:
        TypeError: If an input does not hold real numbers, or `reduction` is not a string.
        ValueError: If the shapes differ, an input is empty or holds NaN or infinity, a label is
            outside $[0, 1]$, or `reduction` is not `"mean"`, `"sum"` or `"none"`.

    Examples:
        >>> from lossbook import binary_cross_entropy_with_logits
        >>> print(f"{binary_cross_entropy_with_logits([1, 0], [2.0, -1.0]):.4f}")
        0.2201
        >>> print(f"{binary_cross_entropy_with_logits([0], [1e300]):.4g}")
        1e+300

    Conventions:
        PyTorch `binary_cross_entropy_with_logits(input, target)` takes the logits first and
        computes the same stable formula. Keras `binary_crossentropy(y_true, y_pred,
        from_logits=True)` does too, averaging over the last axis. scikit-learn's `log_loss`
        takes probabilities only. All use nats and the mean.
    """
    y_true, logits = _binary_pair(y_true, "y_true", logits, "logits", reduction)
    return elementwise(_binary_cross_entropy_with_logits, [y_true, logits], reduction)


def _along_axis(rows_kernel, logits, axis):
    z = as_float_array(logits, "logits")
    if z.ndim == 0:
        raise ValueError("logits must have at least one axis, got a scalar")
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"axis must be an integer, got {axis!r}")
    if not -z.ndim <= axis < z.ndim:
        raise ValueError(f"axis {axis} is out of range for logits of shape {z.shape}")
    z = np.moveaxis(z, axis, -1)
    out = map_blocks(rows_kernel, [z.reshape(-1, z.shape[-1])])
    return np.moveaxis(out.reshape(z.shape), -1, axis)


def _log_sum_exp(z):
    """For logit rows z: d = z - max(z) <= 0 and log(sum(exp(z))) - max(z) = log(sum(exp(d)))."""
    top = np.argmax(z, axis=-1)[:, None]
    d = z - np.take_along_axis(z, top, axis=-1)
    e = np.exp(d)
    np.put_along_axis(e, top, 0.0, axis=-1)  # the largest logit's exp(0) = 1 goes into log1p
    return d, np.log1p(np.sum(e, axis=-1))


def _softmax_rows(z):
    d, lse = _log_sum_exp(z)
    d -= lse[:, None]
    return np.exp(d, out=d)


def _log_softmax_rows(z):
    d, lse = _log_sum_exp(z)
    d -= lse[:, None]
    return d


def _cross_entropy_rows(z, y, eps):
    d, lse = _log_sum_exp(z)  # -log softmax(z)_k = lse - d_k >= 0: no term can cancel
    smooth = lse - np.mean(d, axis=-1) if eps else 0.0
    if y.ndim == 1:  # class indices
        loss = lse - np.take_along_axis(d, y[:, None], axis=-1)[:, 0]
    else:  # probability rows
        d *= y
        np.fmin(d, 0.0, out=d)  # every term is <= 0: fmin counts the NaN of 0 * (-inf) as 0
        loss = lse * np.sum(y, axis=-1) - np.sum(d, axis=-1)
    return (1 - eps) * loss + eps * smooth if eps else loss


def _binary_pair(y_true, y_name, x, x_name, reduction):
    check_reduction(reduction)
    y_true, x = as_float_array(y_true, y_name), as_float_array(x, x_name)
    check_same_shape(y_true, y_name, x, x_name)
    check_probabilities(y_true, y_name)
    return y_true, x


def _binary_cross_entropy(y, p):
    a = np.log(p)
    a *= y
    b = np.log1p(-p)  # log(1 - p), accurate for tiny p
    b *= 1 - y
    a += b
    np.fmin(a, 0.0, out=a)  # every term is <= 0: fmin counts the NaN of 0 * log 0 as 0
    return np.subtract(0.0, a, out=a)  # 0 - a, where -a would give -0.0


def _binary_cross_entropy_with_logits(y, z):
    loss = np.log1p(np.exp(-np.abs(z)))
    linear = (z > 0) - y
    linear *= z  # (1 - y) z if z > 0, else -y z: never negative, so nothing cancels
    loss += linear
    return loss
