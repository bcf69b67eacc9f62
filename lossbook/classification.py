r"""Classification: one-hot targets, softmax, and cross-entropy losses on logits or probabilities.

Everything is computed so that it cannot overflow where the mathematics is finite:
softmax and its cross-entropy subtract the largest logit first (log-sum-exp), and the
logistic loss uses a stable log-sigmoid, so logits as large as $\pm 10^{300}$ are fine.
Up to the float64 limit of about $\pm 1.8 \times 10^{308}$ too: where a gap $z_k - \max_j z_j$
or a weighted sum of gaps (soft targets, label smoothing) would overflow, it is computed
halved and doubled back, and a mean whose plain sum overflows is recomputed rescaled.
"""

import math

import numpy as np
from numpy.typing import ArrayLike

from lossbook._validation import (
    as_array,
    as_float_array,
    check_count,
    check_distribution,
    check_ignore_index,
    check_labels,
    check_number,
    check_probabilities,
    check_reduction,
    check_same_shape,
    check_weight,
    elementwise,
    map_blocks,
    reduce,
    zeros,
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
            outside $[0, K)$, or `num_classes` is less than 1 or asks for an array larger than
            any computer can address (the message says the memory it would need).
        MemoryError: If the array would fit in the address space but not in the memory available.

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
    out = zeros(labels.shape + (num_classes,), "num_classes", num_classes)
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
    y_true: ArrayLike,
    logits: ArrayLike,
    *,
    label_smoothing: float = 0.0,
    weight: ArrayLike | None = None,
    ignore_index: int | None = None,
    reduction: str = "mean",
) -> float | np.ndarray:
    r"""Cross-entropy between targets and the softmax of logits, for multi-class classification.

    The classes lie along the last axis of `logits`, shape $(\dots, K)$: a batch $(N, K)$,
    the tokens of a sequence $(N, T, K)$ or the pixels of an image $(H, W, K)$ alike. With
    label smoothing $\varepsilon$ the targets become $y'_k = (1 - \varepsilon)\, y_k +
    \varepsilon / K$, and with class weights $w$ (all 1 by default) each position $i$ costs

    $$
    \ell_i(y, z) = -\sum_{k=1}^{K} w_k\, y'_k \log \operatorname{softmax}(z)_k
        = \sum_{k=1}^{K} w_k\, y'_k \Big(\log \sum_j e^{z_j} - z_k\Big),
    $$

    where for a class index $c$ the target $y$ is `one_hot(c)`. The mean over class indices
    is the weighted mean $\sum_i \ell_i / \sum_i w_{c_i}$ over the positions not ignored (with
    no weights, their count); over probability targets it is $\sum_i \ell_i / N$. It equals
    PyTorch's `torch.nn.functional.cross_entropy(logits, y_true, weight=..., ignore_index=...,
    label_smoothing=...)` with the class axis moved to second place.

    Args:
        y_true: Either class indices in $[0, K)$ of shape $(\dots)$, the shape of `logits` without
            its last axis (integer or bool dtype, or exactly integral floats), or probability
            rows of the shape of `logits`, each summing to 1 along the last axis.
        logits: Logits $z$ of shape $(\dots, K)$, unnormalised log-probabilities.
        label_smoothing: $\varepsilon \in [0, 1]$, the weight moved to the uniform distribution.
        weight: Optional class weights $w_k \ge 0$, shape $(K,)$.
        ignore_index: Optional class index whose positions contribute nothing to the loss and are
            left out of the mean (for padding); class indices only. It need not lie in $[0, K)$.
        reduction: `"mean"` as above, `"sum"`, or `"none"` for the losses, shape $(\dots)$.

    Returns:
        A `float` for `"mean"` and `"sum"`; for `"none"`, a float64 array of shape $(\dots)$,
        0 at ignored positions. The mean is NaN, as in PyTorch, when every position is ignored or
        the targets' weights sum to 0 (the weighted mean of nothing).

    Raises:
        TypeError: If an input does not hold real numbers, `label_smoothing` is not a real
            number, `ignore_index` is not an integer, or `reduction` is not a string.
        ValueError: If `logits` is a scalar, `y_true` has neither the shape of `logits` nor that
            shape without its last axis (for class indices with a trailing axis of 1 the message
            says how to reshape them), an input is empty or holds NaN or infinity, a label is
            not an integer in $[0, K)$ (or `ignore_index`), a probability row is outside $[0, 1]$
            or does not sum to 1 within $10^{-6}$, `weight` does not have shape $(K,)$ or is
            negative, `ignore_index` is given with probability targets, `label_smoothing` is
            outside $[0, 1]$, or `reduction` is unknown.

    Examples:
        >>> from lossbook import softmax_cross_entropy
        >>> logits = [[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]]
        >>> print(f"{softmax_cross_entropy([0, 1], logits):.4f}")
        0.3185
        >>> print(f"{softmax_cross_entropy([[1, 0, 0], [0, 1, 0]], logits):.4f}")
        0.3185
        >>> print(f"{softmax_cross_entropy([0, 1], logits, label_smoothing=0.1):.4f}")
        0.4369
        >>> print(f"{softmax_cross_entropy([0, 1], logits, weight=[1.0, 3.0, 1.0]):.4f}")
        0.2693
        >>> print(f"{softmax_cross_entropy([0, -100], logits, ignore_index=-100):.4f}")
        0.4170
        >>> print(f"{softmax_cross_entropy([1], [[1e300, -1e300]]):.4g}")
        2e+300

    Conventions:
        PyTorch `cross_entropy(input, target)` takes the logits first, accepts class indices or
        probability rows, and averages over the positions by default (with the same label
        smoothing, `weight` and `ignore_index`, whose default there is -100). PyTorch puts the
        classes on the second axis, `(N, C, d1, ...)`, with targets `(N, d1, ...)`; lossbook, like
        NumPy, Keras and JAX, puts them last, so PyTorch's `cross_entropy(z, y)` on `(N, C, T)`
        logits is `softmax_cross_entropy(y, np.moveaxis(z, 1, -1))` here.
        Keras `categorical_crossentropy(y_true, y_pred)` expects probabilities unless
        `from_logits=True` (clipping them to $[10^{-7}, 1 - 10^{-7}]$), takes one-hot rows, and has
        `sparse_categorical_crossentropy` for indices. scikit-learn `log_loss(y_true, y_proba)`
        takes labels and probabilities, never logits, and clips them to machine epsilon. All nats.
        optax takes the logits first, returns the losses of the positions unreduced and has no
        `weight` or `ignore_index`: `softmax_cross_entropy(logits, labels)` for probability rows
        (`safe_softmax_cross_entropy` also takes logits of $-\infty$ where the target is 0), and
        `softmax_cross_entropy_with_integer_labels(logits, labels)` for indices, which computes
        $\log \sum_j e^{z_j} - z_c$ and so rounds away a loss that is small next to the largest
        logit (logits $[10^{300}, 10^{300}]$ give 0, not $\log 2$). Label smoothing there is
        `smooth_labels(one_hot(labels), alpha)` applied to the targets, the same $y'$ as here.
    """
    eps = check_number(label_smoothing, "label_smoothing", lambda e: 0 <= e <= 1, "in [0, 1]")
    check_reduction(reduction)
    t = _class_targets(y_true, "y_true", logits, "logits", weight, ignore_index, probabilities=True, blockwise=True)
    kernel = lambda z, y, *keep: _cross_entropy_rows(z, y, *keep, eps=eps, w=t.weight)  # noqa: E731
    return t.reduce(map_blocks(kernel, t.arrays, raw=t.raw), reduction)


def binary_cross_entropy(
    y_true: ArrayLike, p_pred: ArrayLike, *, weight: ArrayLike | None = None, reduction: str = "mean"
) -> float | np.ndarray:
    r"""Binary cross-entropy (log loss) of predicted probabilities.

    $$
    \ell(y, p) = -\big(y \log p + (1 - y) \log(1 - p)\big), \qquad 0 \log 0 = 0
    $$

    The result is `inf` where a prediction is exactly 0 or 1 and the label says otherwise,
    as the mathematics says; nothing is clipped. $\log(1 - p)$ is computed as `log1p(-p)`,
    accurate for tiny $p$. With element weights $w$ each loss is multiplied by its weight
    (an element of weight 0 counts 0, even where its loss is `inf`) and the mean still divides
    by the number of elements, as PyTorch does.

    Args:
        y_true: Labels in $[0, 1]$, array-like of any shape: 0 or 1, or soft labels in between.
        p_pred: Predicted probabilities of the label 1, in $[0, 1]$, the same shape as `y_true`.
        weight: Optional weights $w \ge 0$ that broadcast to the shape of `p_pred` (one per
            element, per column, or of shape $(N, 1)$ per row).
        reduction: `"mean"` over all elements, `"sum"`, or `"none"` for the elementwise losses.

    Returns:
        A `float` for `"mean"` and `"sum"`; for `"none"`, a float64 array of the shape of `y_true`.

    Raises:
        TypeError: If an input does not hold real numbers, or `reduction` is not a string.
        ValueError: If the shapes differ, an input is empty, holds NaN or infinity or a value
            outside $[0, 1]$, `weight` does not broadcast to the shape of `p_pred` or is
            negative, or `reduction` is not `"mean"`, `"sum"` or `"none"`.

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
    y_true, p_pred = _binary_pair(y_true, "y_true", p_pred, "p_pred", reduction, blockwise=True)
    check_probabilities(p_pred, "p_pred")
    w = _element_weight(weight, p_pred, "p_pred")
    return _weighted(_binary_cross_entropy, [y_true, p_pred], w, reduction)


def binary_cross_entropy_with_logits(
    y_true: ArrayLike,
    logits: ArrayLike,
    *,
    weight: ArrayLike | None = None,
    pos_weight: ArrayLike | None = None,
    reduction: str = "mean",
) -> float | np.ndarray:
    r"""Binary cross-entropy of the sigmoid of logits, computed without forming the sigmoid.

    $$
    \ell(y, z) = -\big(y \log \sigma(z) + (1 - y) \log \sigma(-z)\big)
        = (1 - y) \max(z, 0) + y \max(-z, 0) + \log\big(1 + e^{-|z|}\big)
    $$

    with $\sigma(z) = 1 / (1 + e^{-z})$. Every term on the right is non-negative and no
    exponential can overflow, so the loss is accurate for logits up to $\pm 10^{300}$.

    The options are PyTorch's: `pos_weight` $a$ multiplies the positive term,
    $\ell = -\big(a\, y \log \sigma(z) + (1 - y) \log \sigma(-z)\big)$, one factor per class
    along the last axis (more than 1 makes a missed positive cost more: recall over precision);
    `weight` $w$ multiplies each element's loss, and the mean still divides by the number of
    elements.

    Args:
        y_true: Labels in $[0, 1]$, array-like of any shape: 0 or 1, or soft labels in between.
        logits: Logits $z$, the same shape as `y_true`.
        weight: Optional weights $w \ge 0$ that broadcast to the shape of `logits`.
        pos_weight: Optional factors $a \ge 0$ for the positive term, shape $(K,)$ for logits of
            shape $(\dots, K)$ (one per class), or $(1,)$ or $()$ for all.
        reduction: `"mean"` over all elements, `"sum"`, or `"none"` for the elementwise losses.

    Returns:
        A `float` for `"mean"` and `"sum"`; for `"none"`, a float64 array of the shape of `y_true`.

    Raises:
        TypeError: If an input does not hold real numbers, or `reduction` is not a string.
        ValueError: If the shapes differ, an input is empty or holds NaN or infinity, a label is
            outside $[0, 1]$, `weight` does not broadcast to the shape of `logits`, `pos_weight`
            has another shape, a weight is negative, or `reduction` is not `"mean"`, `"sum"` or
            `"none"`.

    Examples:
        >>> from lossbook import binary_cross_entropy_with_logits
        >>> print(f"{binary_cross_entropy_with_logits([1, 0], [2.0, -1.0]):.4f}")
        0.2201
        >>> print(f"{binary_cross_entropy_with_logits([1, 0], [2.0, -1.0], pos_weight=[3.0]):.4f}")
        0.3470
        >>> print(f"{binary_cross_entropy_with_logits([0], [1e300]):.4g}")
        1e+300

    Conventions:
        PyTorch `binary_cross_entropy_with_logits(input, target)` takes the logits first and
        computes the same stable formula. Keras `binary_crossentropy(y_true, y_pred,
        from_logits=True)` does too, averaging over the last axis. scikit-learn's `log_loss`
        takes probabilities only. All use nats and the mean.
        optax `sigmoid_binary_cross_entropy(logits, labels)` (logits first) computes the same two
        non-negative terms, unreduced, without `weight` or `pos_weight`.
    """
    y_true, logits = _binary_pair(y_true, "y_true", logits, "logits", reduction, blockwise=True)
    w, a = _element_weight(weight, logits, "logits"), _pos_weight(pos_weight, logits)
    if a is None:
        return _weighted(_binary_cross_entropy_with_logits, [y_true, logits], w, reduction)
    losses = _class_rows(lambda y, z: _binary_cross_entropy_with_logits(y, z, a), [y_true, logits])
    return _weighted(None, [losses], w, reduction)


def _along_axis(rows_kernel, logits, axis):
    z = as_float_array(logits, "logits", blockwise=True)  # converted to float64 block by block
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
    d = z - np.take_along_axis(z, top, axis=-1)  # -inf where the gap exceeds float64: exp(d) = 0 is right
    e = np.exp(d)
    np.put_along_axis(e, top, 0.0, axis=-1)  # the largest logit's exp(0) = 1 goes into log1p
    return d, np.log1p(np.sum(e, axis=-1))


def _gap_sums(z, d, w=None):
    """Per row, sum_k w_k d_k for the gaps d = z - max(z) and weights w >= 0 summing to 1, or
    the mean of d where `w` is None: a finite number whenever the mathematics makes it finite.

    A gap beyond float64's range is -inf in d, and the plain sum of finite gaps can overflow
    too; those rows are recomputed from halved logits (exact) and doubled back.
    """
    if w is None:
        s = np.mean(d, axis=-1)
    else:
        t = d * w
        np.fmin(t, 0.0, out=t)  # every term is <= 0: fmin counts the NaN of 0 * (-inf) as 0
        s = np.sum(t, axis=-1)
    far = np.isinf(s)
    if far.any():
        h = z[far] / 2
        h -= np.max(h, axis=-1, keepdims=True)
        h *= 1 / z.shape[-1] if w is None else w[far]
        s[far] = 2 * np.sum(h, axis=-1)  # -inf only where the exact result is beyond float64
    return s


def _softmax_rows(z):
    d, lse = _log_sum_exp(z)
    d -= lse[:, None]
    return np.exp(d, out=d)


def _log_softmax_rows(z):
    d, lse = _log_sum_exp(z)
    d -= lse[:, None]
    return d


def _cross_entropy_rows(z, y, keep=None, *, eps, w):
    """Cross-entropy of logit rows z against indices y (R,) or probabilities y (R, K); 0 where not keep."""
    d, lse = _log_sum_exp(z)  # -log softmax(z)_k = lse - d_k >= 0: no term can cancel
    smooth = _uniform_part(z, d, lse, w) if eps else 0.0
    if eps == 1:  # the targets have no weight (and 0 * inf would be NaN)
        loss = smooth
    else:
        if y.ndim == 1:  # class indices
            loss = lse - np.take_along_axis(d, y[:, None], axis=-1)[:, 0]
            if w is not None:
                loss *= w[y]
        else:  # probability rows
            t = y if w is None else y * w
            loss = lse * np.sum(t, axis=-1) - _gap_sums(z, d, t)
        if eps:
            loss = (1 - eps) * loss + eps * smooth
            far = np.isinf(loss)  # (1 - eps) times a loss beyond float64 can be finite: sum the smoothed targets
            if far.any():
                t = np.full((np.count_nonzero(far), z.shape[-1]), eps / z.shape[-1])
                if y.ndim == 1:
                    t[np.arange(len(t)), y[far]] += 1 - eps
                else:
                    t += (1 - eps) * y[far]
                if w is not None:
                    t *= w
                loss[far] = lse[far] * np.sum(t, axis=-1) - _gap_sums(z[far], d[far], t)
    if keep is not None:
        loss[~keep] = 0.0
    return loss


def _uniform_part(z, d, lse, w):
    """Per row, sum_k w_k (lse - d_k) / K (w_k = 1 without weights): the loss against the uniform target."""
    if w is None:
        return lse - _gap_sums(z, d)
    total = float(np.sum(w))
    if total == 0:
        return np.zeros(len(z))
    return total / z.shape[-1] * (lse - _gap_sums(z, d, np.broadcast_to(w / total, z.shape)))


def _smoothed(y, eps, w):
    """The targets w * ((1 - eps) y + eps / K) of probability rows y."""
    t = (1 - eps) * y + eps / y.shape[-1] if eps else y
    return t if w is None else t * w


def _binary_pair(y_true, y_name, x, x_name, reduction, *, blockwise=False):
    check_reduction(reduction)
    y_true = as_float_array(y_true, y_name, blockwise=blockwise)  # blockwise: converted block by block
    x = as_float_array(x, x_name, blockwise=blockwise)
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


def _binary_cross_entropy_with_logits(y, z, a=None):
    loss = np.log1p(np.exp(-np.abs(z)))
    if a is not None:  # (1 - y) max(z, 0) + a y max(-z, 0) + (1 - y + a y) log(1 + e^-|z|): no term < 0
        ay = a * y
        loss *= 1 - y + ay
        loss += (1 - y) * np.maximum(z, 0) + ay * np.maximum(-z, 0)
        return loss
    linear = (z > 0) - y
    linear *= z  # (1 - y) z if z > 0, else -y z: never negative, so nothing cancels
    loss += linear
    return loss


def nll(
    labels: ArrayLike,
    log_probs: ArrayLike,
    *,
    weight: ArrayLike | None = None,
    ignore_index: int | None = None,
    reduction: str = "mean",
) -> float | np.ndarray:
    r"""Negative log-likelihood of class indices under given log-probabilities.

    $$
    \ell_i = -w_{c_i} \log q_{i, c_i}, \qquad
    \operatorname{NLL} = \frac{\sum_{i} \ell_i}{\sum_{i} w_{c_i}}
    $$

    where $c_i$ is the class index at position $i$, $\log q_i$ the given log-probabilities and
    $w$ the class weights (all 1 by default); both sums run over the positions not equal to
    `ignore_index`. `nll(labels, log_softmax(z))` is `softmax_cross_entropy(labels, z)`.

    Args:
        labels: Class indices in $[0, K)$ of shape $(\dots)$ (integer or bool dtype, or exactly
            integral floats); positions equal to `ignore_index` may hold that value instead.
        log_probs: Log-probabilities $\log q$ of shape $(\dots, K)$, classes on the last axis.
        weight: Optional class weights $w_k \ge 0$, shape $(K,)$.
        ignore_index: Optional class index whose positions contribute nothing and are left out of
            the mean (for padding).
        reduction: `"mean"` as above, `"sum"`, or `"none"` for the losses, shape $(\dots)$.

    Returns:
        A `float` for `"mean"` and `"sum"`; for `"none"`, a float64 array of shape $(\dots)$,
        0 at ignored positions. The mean is NaN, as in PyTorch, when every position is ignored or
        the weights of the labels sum to 0.

    Raises:
        TypeError: If an input does not hold real numbers, `ignore_index` is not an integer, or
            `reduction` is not a string.
        ValueError: If `log_probs` is a scalar, `labels` does not have the shape of `log_probs`
            without its last axis, an input is empty or holds NaN or infinity, a label is not an
            integer in $[0, K)$ (or `ignore_index`), `weight` does not have shape $(K,)$ or is
            negative, or `reduction` is unknown.

    Examples:
        >>> import math
        >>> from lossbook import nll
        >>> log_q = [[math.log(0.5), math.log(0.5)], [math.log(0.9), math.log(0.1)]]
        >>> print(f"{nll([1, 0], log_q):.4f}")
        0.3993
        >>> print(f"{nll([1, -100], log_q, ignore_index=-100):.4f}")
        0.6931

    Conventions:
        Equals PyTorch `nll_loss(input, target, weight=..., ignore_index=...)` (log-probabilities
        first, default `ignore_index=-100`) with the class axis moved from second to last place.
        Keras has no separate NLL: `sparse_categorical_crossentropy` takes probabilities or logits.
    """
    check_reduction(reduction)
    t = _class_targets(labels, "labels", log_probs, "log_probs", weight, ignore_index, probabilities=False)
    return t.reduce(_nll_rows(*t.arrays, w=t.weight), reduction)


def softmax_cross_entropy_grad(
    y_true: ArrayLike,
    logits: ArrayLike,
    *,
    label_smoothing: float = 0.0,
    weight: ArrayLike | None = None,
    ignore_index: int | None = None,
    reduction: str = "mean",
) -> np.ndarray:
    r"""Gradient of `softmax_cross_entropy` with respect to the logits: softmax minus target.

    With the weighted, smoothed targets $t_k = w_k\, y'_k$ of a position (see
    `softmax_cross_entropy`) and $p = \operatorname{softmax}(z)$,

    $$
    \frac{\partial \ell}{\partial z_k} = p_k \sum_{j} t_j - t_k,
    $$

    which without weights is $p_k - y'_k$: the predicted minus the target distribution. For
    `"mean"` it is divided by the same denominator as the loss; ignored positions get 0.

    Args:
        y_true: Class indices of shape $(\dots)$ or probability rows of shape $(\dots, K)$.
        logits: Logits $z$ of shape $(\dots, K)$.
        label_smoothing: $\varepsilon \in [0, 1]$, as for `softmax_cross_entropy`.
        weight: Optional class weights, shape $(K,)$, as for `softmax_cross_entropy`.
        ignore_index: Optional class index to ignore, as for `softmax_cross_entropy`.
        reduction: `"mean"`, `"sum"`, or `"none"` (each position's gradient of its own loss).

    Returns:
        A float64 array of the shape of `logits`. For `"mean"`, NaN at the positions not ignored
        when the targets' weights sum to 0, and all 0 when every position is ignored, as PyTorch.

    Raises:
        TypeError: As for `softmax_cross_entropy`.
        ValueError: As for `softmax_cross_entropy`.

    Examples:
        >>> from lossbook import softmax_cross_entropy_grad
        >>> for row in softmax_cross_entropy_grad([0], [[2.0, 1.0, 0.1]], reduction="sum"):
        ...     print(" ".join(f"{g:.4f}" for g in row))
        -0.3410 0.2424 0.0986

    Conventions:
        Equals PyTorch autograd through `cross_entropy(logits, y_true, ...)` with the same
        options (class axis last here, second there).
    """
    eps = check_number(label_smoothing, "label_smoothing", lambda e: 0 <= e <= 1, "in [0, 1]")
    check_reduction(reduction)
    t = _class_targets(y_true, "y_true", logits, "logits", weight, ignore_index, probabilities=True, blockwise=True)
    scale = t.scale(reduction)
    kernel = lambda z, y, *keep: _cross_entropy_grad_rows(z, y, *keep, eps=eps, w=t.weight, scale=scale)  # noqa: E731
    return map_blocks(kernel, t.arrays, raw=t.raw).reshape(t.full_shape)


def nll_grad(
    labels: ArrayLike,
    log_probs: ArrayLike,
    *,
    weight: ArrayLike | None = None,
    ignore_index: int | None = None,
    reduction: str = "mean",
) -> np.ndarray:
    r"""Gradient of `nll` with respect to `log_probs`: $-w_{c_i}$ at each label, 0 elsewhere.

    $$
    \frac{\partial \operatorname{NLL}}{\partial \log q_{i,k}} = -\frac{w_{c_i} [k = c_i]}{\sum_j w_{c_j}}
    $$

    For `"sum"` and `"none"` without the denominator; 0 at ignored positions.

    Args:
        labels: Class indices of shape $(\dots)$, as for `nll`.
        log_probs: Log-probabilities of shape $(\dots, K)$.
        weight: Optional class weights, shape $(K,)$.
        ignore_index: Optional class index to ignore.
        reduction: `"mean"`, `"sum"`, or `"none"` (each position's gradient of its own loss).

    Returns:
        A float64 array of the shape of `log_probs` (NaN or 0 in the degenerate means, as for
        `softmax_cross_entropy_grad`).

    Raises:
        TypeError: As for `nll`.
        ValueError: As for `nll`.

    Examples:
        >>> from lossbook import nll_grad
        >>> print(nll_grad([1, 0], [[-0.7, -0.7], [-0.1, -2.3]]).tolist())
        [[0.0, -0.5], [-0.5, 0.0]]

    Conventions:
        Equals PyTorch autograd through `nll_loss(input, target, ...)`.
    """
    check_reduction(reduction)
    t = _class_targets(labels, "labels", log_probs, "log_probs", weight, ignore_index, probabilities=False)
    g = np.zeros(t.x.shape)
    value = np.full(len(t.y), -t.scale(reduction)) if t.weight is None else -t.scale(reduction) * t.weight[t.y]
    if t.keep is not None:
        value[~t.keep] = 0.0
    np.put_along_axis(g, t.y[:, None], value[:, None], axis=-1)
    return g.reshape(t.full_shape)


def binary_cross_entropy_grad(
    y_true: ArrayLike, p_pred: ArrayLike, *, weight: ArrayLike | None = None, reduction: str = "mean"
) -> np.ndarray:
    r"""Gradient of `binary_cross_entropy` with respect to the predicted probabilities `p_pred`.

    $$
    \frac{\partial \ell}{\partial p} = -\frac{y}{p} + \frac{1 - y}{1 - p} = \frac{p - y}{p (1 - p)}
    $$

    times the element's weight, and divided by $n$ for `"mean"`. A term with a zero coefficient
    drops out ($0 \log 0 = 0$), so at $p = 0$ the derivative is 1 for $y = 0$ and $-\infty$ for
    $y > 0$, and at $p = 1$ it is $-1$ for $y = 1$ and $+\infty$ for $y < 1$. An element of
    weight 0 has derivative 0.

    Args:
        y_true: Labels in $[0, 1]$, as for `binary_cross_entropy`.
        p_pred: Predicted probabilities in $[0, 1]$, the same shape as `y_true`.
        weight: Optional weights $w \ge 0$ that broadcast to the shape of `p_pred`.
        reduction: `"mean"` (divided by the number of elements), `"sum"` or `"none"`.

    Returns:
        A float64 array of the shape of `p_pred`.

    Raises:
        TypeError: As for `binary_cross_entropy`.
        ValueError: As for `binary_cross_entropy`.

    Examples:
        >>> from lossbook import binary_cross_entropy_grad
        >>> print(" ".join(f"{g:.4f}" for g in binary_cross_entropy_grad([1, 0], [0.8, 0.8], reduction="sum")))
        -1.2500 5.0000

    Conventions:
        Equals PyTorch autograd through `binary_cross_entropy(input, target, weight=...)` where
        $p (1 - p) \ge 10^{-12}$; PyTorch's backward divides by $\max(p (1 - p), 10^{-12})$, so
        closer to 0 or 1 its gradient is smaller than the true one.
    """
    y_true, p_pred = _binary_pair(y_true, "y_true", p_pred, "p_pred", reduction)
    check_probabilities(p_pred, "p_pred")
    w, scale = _element_weight(weight, p_pred, "p_pred"), _scale(p_pred, reduction)
    return _weighted(lambda y, p: _binary_cross_entropy_grad(y, p, scale), [y_true, p_pred], w, "none")


def binary_cross_entropy_with_logits_grad(
    y_true: ArrayLike,
    logits: ArrayLike,
    *,
    weight: ArrayLike | None = None,
    pos_weight: ArrayLike | None = None,
    reduction: str = "mean",
) -> np.ndarray:
    r"""Gradient of `binary_cross_entropy_with_logits` with respect to the logits: $\sigma(z) - y$.

    $$
    \frac{\partial \ell}{\partial z} = \sigma(z) - y
    \qquad\text{and with } a = \texttt{pos\_weight}: \qquad
    \frac{\partial \ell}{\partial z} = (1 - y)\, \sigma(z) - a\, y\, \sigma(-z)
    $$

    times the element's weight, and divided by $n$ for `"mean"`. It is computed in the second
    form (with $a = 1$), where each term is accurate, so a tiny gradient such as $-\sigma(-40)$
    for $y = 1$, $z = 40$ is not rounded to 0.

    Args:
        y_true: Labels in $[0, 1]$, as for `binary_cross_entropy_with_logits`.
        logits: Logits $z$, the same shape as `y_true`.
        weight: Optional weights $w \ge 0$ that broadcast to the shape of `logits`.
        pos_weight: Optional factors for the positive term, shape $(K,)$, $(1,)$ or $()$.
        reduction: `"mean"` (divided by the number of elements), `"sum"` or `"none"`.

    Returns:
        A float64 array of the shape of `logits`.

    Raises:
        TypeError: As for `binary_cross_entropy_with_logits`.
        ValueError: As for `binary_cross_entropy_with_logits`.

    Examples:
        >>> from lossbook import binary_cross_entropy_with_logits_grad
        >>> g = binary_cross_entropy_with_logits_grad([1, 0], [2.0, -1.0], reduction="none")
        >>> print(" ".join(f"{v:.4f}" for v in g))
        -0.1192 0.2689

    Conventions:
        Equals PyTorch autograd through `binary_cross_entropy_with_logits(input, target,
        weight=..., pos_weight=...)`, which computes $\sigma(z) - y$ and so rounds a gradient
        smaller than about $10^{-16}$ next to $y$ to 0.
    """
    y_true, logits = _binary_pair(y_true, "y_true", logits, "logits", reduction)
    w, a, scale = _element_weight(weight, logits, "logits"), _pos_weight(pos_weight, logits), _scale(logits, reduction)
    kernel = lambda y, z: _binary_cross_entropy_with_logits_grad(y, z, a, scale)  # noqa: E731
    if a is None:
        return _weighted(kernel, [y_true, logits], w, "none")
    return _weighted(None, [_class_rows(kernel, [y_true, logits])], w, "none")


class _ClassTargets:
    """Validated targets for class scores `x` of shape (..., K), flattened to R positions (rows).

    `y` holds class indices (R,) or probability rows (R, K); `keep` is False at ignored positions
    (None when none is ignored); `denominator` is what the mean divides by: the sum of the kept
    targets' weights (their count without weights) for indices, R for probabilities.
    """

    def __init__(self, x, y, keep, weight, full_shape):
        self.x, self.y, self.keep, self.weight, self.full_shape = x, y, keep, weight, full_shape
        if y.ndim == 2:
            self.denominator = len(y)
        elif weight is None:
            self.denominator = len(y) if keep is None else int(np.count_nonzero(keep))
        else:
            self.denominator = float(np.sum(weight[y] if keep is None else weight[y[keep]]))

    @property
    def arrays(self):
        return [self.x, self.y] + ([] if self.keep is None else [self.keep])

    @property
    def raw(self):
        """The positions in `arrays` that `map_blocks` must not convert to float: class indices, `keep`."""
        return ((1,) if self.y.ndim == 1 else ()) + (() if self.keep is None else (2,))

    def reduce(self, losses, reduction):
        if reduction == "none":
            return losses.reshape(self.full_shape[:-1])
        if reduction == "sum":
            return reduce(losses, "sum")
        if not self.denominator:
            return math.nan  # PyTorch's 0 / 0
        # The mean over all positions (rescaled where the plain sum overflows), then over the denominator.
        mean = reduce(losses, "mean")
        return mean if self.denominator == len(losses) else mean * (len(losses) / self.denominator)

    def scale(self, reduction):
        """The factor of each kept position's gradient: 1 / denominator for "mean" (NaN for 1 / 0)."""
        if reduction != "mean":
            return 1.0
        return 1 / self.denominator if self.denominator else math.nan


def _class_targets(y_true, y_name, x, x_name, weight, ignore_index, *, probabilities, blockwise=False):
    """Validate class targets `y_true` against class scores `x` (..., K); return a _ClassTargets.

    With `blockwise=True` the scores and probability targets keep their own dtype, for callers
    that pass `arrays` only through `map_blocks` (with `raw`), which converts one block at a time.
    """
    ignore_index = check_ignore_index(ignore_index)
    x = as_float_array(x, x_name, blockwise=blockwise)
    if x.ndim == 0:
        raise ValueError(f"{x_name} must have a last axis of classes, shape (..., K), got a scalar")
    k = x.shape[-1]
    if weight is not None:
        weight = check_weight(
            weight, "weight", lambda shape: shape == (k,), f"({k},), one weight per class (the last axis of {x_name})"
        )
    y = as_array(y_true, y_name)
    keep = None
    if probabilities and y.ndim == x.ndim:
        y = as_float_array(y, y_name, blockwise=blockwise)
        try:
            check_same_shape(y, y_name, x, x_name)
            check_distribution(y, y_name)
        except ValueError as e:
            if y.shape[-1] != 1 or y.shape[:-1] != x.shape[:-1]:
                raise
            shape = -1 if x.ndim == 2 else ", ".join(map(str, x.shape[:-1]))
            raise ValueError(
                f"{e}; if {y_name} holds class indices, give them shape {x.shape[:-1]}: pass {y_name}.reshape({shape})"
            ) from None
        if ignore_index is not None:
            raise ValueError(
                f"ignore_index works with class indices only (as in PyTorch), but {y_name} holds "
                f"probability rows of shape {y.shape}: pass class indices of shape {x.shape[:-1]}, "
                f"or drop ignore_index"
            )
        y = y.reshape(-1, k)
    elif y.shape == x.shape[:-1]:
        if ignore_index is not None:
            keep = np.reshape(y != ignore_index, -1)
            y = np.where(keep.reshape(y.shape), y, 0)
            keep = None if keep.all() else keep
        y = check_labels(y, y_name, k).reshape(-1)
    else:
        expected = (
            f"{x.shape[:-1]} (class indices) or {x.shape} (probabilities)" if probabilities else f"{x.shape[:-1]}"
        )
        raise ValueError(
            f"{y_name} must have shape {expected} for {x_name} of shape {x.shape} "
            f"(classes on the last axis), got shape {y.shape}"
        )
    return _ClassTargets(x.reshape(-1, k), y, keep, weight, x.shape)


def _cross_entropy_grad_rows(z, y, keep=None, *, eps, w, scale):
    """Gradient of each row's cross-entropy: p * sum(t) - t for the weighted, smoothed targets t."""
    d, lse = _log_sum_exp(z)
    d -= lse[:, None]  # log softmax(z)
    k = z.shape[-1]
    if y.ndim == 1:  # class indices: t = (1 - eps) w_c onehot(c) + eps / K w
        log_pc = np.take_along_axis(d, y[:, None], axis=-1)[:, 0]
        g = np.exp(d, out=d)
        pc = np.exp(log_pc)
        wc = 1.0 if w is None else w[y]
        total = k if w is None else np.sum(w)
        if w is not None:
            g *= ((1 - eps) * wc + eps / k * total)[:, None]
        if eps:
            g -= eps / k * (1.0 if w is None else w)
        # The true class's p_c S - t_c, as (1 - eps) w_c (p_c - 1) + eps / K (p_c W - w_c), with
        # p_c - 1 = expm1(log p_c): accurate where p_c is close to 1 (p_c - 1 would cancel).
        gc = (1 - eps) * wc * np.expm1(log_pc)
        if eps:
            gc = gc + eps / k * (pc * total - wc)
        np.put_along_axis(g, y[:, None], np.reshape(gc, (-1, 1)), axis=-1)
    else:
        g = np.exp(d, out=d)
        t = _smoothed(y, eps, w)
        g *= np.sum(t, axis=-1)[:, None]
        g -= t
    if scale != 1:
        g *= scale
    if keep is not None:
        g[~keep] = 0.0
    return g


def _nll_rows(x, y, keep=None, *, w):
    loss = 0.0 - np.take_along_axis(x, y[:, None], axis=-1)[:, 0]
    if w is not None:
        loss *= w[y]
    if keep is not None:
        loss[~keep] = 0.0
    return loss


def _element_weight(weight, x, x_name):
    """Validate element weights that broadcast to the shape of `x` (None stays None)."""
    if weight is None:
        return None

    def broadcasts(shape):
        try:
            return len(shape) <= x.ndim and np.broadcast_shapes(shape, x.shape) == x.shape
        except ValueError:
            return False

    return check_weight(weight, "weight", broadcasts, f"broadcasting to the shape of {x_name}, {x.shape}")


def _pos_weight(pos_weight, z):
    """Validate pos_weight: one factor per class along the last axis of z, or one for all."""
    if pos_weight is None:
        return None
    k = z.shape[-1] if z.ndim else 1
    return check_weight(
        pos_weight,
        "pos_weight",
        lambda shape: shape in ((), (1,), (k,)),
        f"({k},), one factor per class (the last axis of logits), or (1,) or ()",
    )


def _weighted(kernel, arrays, w, reduction):
    """Reduce `kernel(*arrays)` (or `arrays[0]` if `kernel` is None), each element times its weight in `w`."""
    if w is None and kernel is not None:
        return elementwise(kernel, arrays, reduction)
    values = arrays[0] if kernel is None else elementwise(kernel, arrays, "none")
    if w is not None:
        with np.errstate(invalid="ignore"):
            values *= w
        values[np.isnan(values)] = 0.0  # inf * 0: an element of weight 0 counts 0
    return reduce(values, reduction)


def _class_rows(kernel, arrays):
    """`kernel(*arrays)` on rows along the last axis, so per-class factors broadcast along it."""
    k = arrays[0].shape[-1] if arrays[0].ndim else 1
    return map_blocks(kernel, [a.reshape(-1, k) for a in arrays]).reshape(arrays[0].shape)


def _scale(x, reduction):
    return 1 / x.size if reduction == "mean" else 1.0


def _binary_cross_entropy_grad(y, p, scale):
    g = p - y
    g /= p * (1 - p)  # (p - y) / (p (1 - p)) = -y / p + (1 - y) / (1 - p)
    at0, at1 = p == 0, p == 1  # where p (1 - p) = 0, the term with a zero coefficient drops out
    g[at0] = np.where(y[at0] > 0, -np.inf, 1.0)
    g[at1] = np.where(y[at1] < 1, np.inf, -1.0)
    g *= scale
    return g


def _binary_cross_entropy_with_logits_grad(y, z, a, scale):
    e = np.exp(-np.abs(z))
    positive = z >= 0
    g = np.where(positive, 1.0, e)  # (1 + e) sigma(z), with e = exp(-|z|)
    g *= 1 - y
    other = np.where(positive, e, 1.0)  # (1 + e) sigma(-z)
    other *= y if a is None else a * y
    g -= other  # (1 - y) sigma(z) - a y sigma(-z), times (1 + e)
    e += 1
    g /= e
    if scale != 1:
        g *= scale
    return g


# The atlas of classification losses (issue 15) -----------------------------------------------


def sigmoid_focal(
    y_true: ArrayLike,
    logits: ArrayLike,
    *,
    alpha: float | None = 0.25,
    gamma: float = 2.0,
    reduction: str = "mean",
) -> float | np.ndarray:
    r"""Sigmoid focal loss: binary cross-entropy scaled down where the prediction is already good.

    With $\sigma(z) = 1 / (1 + e^{-z})$ and $1 - p_t = y\,\sigma(-z) + (1 - y)\,\sigma(z)$ (the
    probability given to the wrong answer),

    $$
    \ell(y, z) = \alpha_t\,(1 - p_t)^{\gamma}\, \operatorname{BCE}(y, z), \qquad
    \alpha_t = \alpha y + (1 - \alpha)(1 - y)
    $$

    and $\alpha_t = 1$ when `alpha` is None. $1 - p_t$ is computed from $\sigma(-z)$ and
    $\sigma(z)$ directly, never as a difference, so a confident correct prediction keeps its
    tiny loss instead of rounding it to 0.

    Args:
        y_true: Labels in $[0, 1]$, array-like of any shape: 0 or 1, or soft labels in between.
        logits: Logits $z$, the same shape as `y_true`.
        alpha: Weight $\alpha \in [0, 1]$ of the positive class ($1 - \alpha$ for the negative), or
            None for no weighting.
        gamma: Focusing exponent $\gamma \ge 0$; $\gamma = 0$ gives $\alpha_t$ times the BCE.
        reduction: `"mean"` over all elements, `"sum"`, or `"none"` for the elementwise losses.

    Returns:
        A `float` for `"mean"` and `"sum"`; for `"none"`, a float64 array of the shape of `y_true`.

    Raises:
        TypeError: If an input does not hold real numbers, `alpha` is neither None nor a real
            number, `gamma` is not a real number, or `reduction` is not a string.
        ValueError: If the shapes differ, an input is empty or holds NaN or infinity, a label is
            outside $[0, 1]$, `alpha` is outside $[0, 1]$, `gamma` is negative, or `reduction` is
            not `"mean"`, `"sum"` or `"none"`.

    Examples:
        >>> from lossbook import sigmoid_focal
        >>> print(f"{sigmoid_focal([1, 0], [2.0, -1.0]):.4f}")
        0.0087
        >>> print(f"{sigmoid_focal([1, 0], [2.0, -1.0], alpha=None, gamma=0.0):.4f}")
        0.2201
        >>> print(f"{sigmoid_focal([1], [40.0]):.4g}")
        1.917e-53

    Conventions:
        torchvision `ops.sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2,
        reduction="none")` takes the logits first, defaults to no reduction, and disables the
        weighting with `alpha=-1` (None here); it forms $1 - p_t$ as a difference, which is 0 for
        logits beyond about $\pm 37$. Keras `BinaryFocalCrossentropy(apply_class_balancing=False,
        alpha=0.25, gamma=2.0, from_logits=False)` applies `alpha` only with
        `apply_class_balancing=True` (so its default is `alpha=None` here), expects probabilities
        unless `from_logits=True`, clips them to $[10^{-7}, 1 - 10^{-7}]$, and averages over the
        last axis. optax `sigmoid_focal_loss(logits, labels, alpha=None, gamma=2.0)` returns the
        elementwise losses. PyTorch itself has no focal loss.
    """
    alpha, gamma = _focal_options(alpha, gamma)
    y_true, logits = _binary_pair(y_true, "y_true", logits, "logits", reduction, blockwise=True)
    return elementwise(lambda y, z: _sigmoid_focal(y, z, alpha, gamma), [y_true, logits], reduction)


def sigmoid_focal_grad(
    y_true: ArrayLike,
    logits: ArrayLike,
    *,
    alpha: float | None = 0.25,
    gamma: float = 2.0,
    reduction: str = "mean",
) -> np.ndarray:
    r"""Gradient of `sigmoid_focal` with respect to the logits.

    With $m = 1 - p_t$, whose derivative is $(1 - 2y)\,\sigma(z)\,\sigma(-z)$,

    $$
    \frac{\partial \ell}{\partial z} = \alpha_t\, m^{\gamma} \Big( \gamma\,(1 - 2y)\,
        \frac{\sigma(z)\,\sigma(-z)}{m}\, \operatorname{BCE}(y, z) + \sigma(z) - y \Big)
    $$

    Args and raises are those of `sigmoid_focal` (`"mean"` divides by the number of elements).

    Returns:
        A float64 array of the shape of `logits`.

    Examples:
        >>> from lossbook import sigmoid_focal_grad
        >>> print(" ".join(f"{g:.4f}" for g in sigmoid_focal_grad([1, 0], [2.0, -1.0], reduction="none")))
        -0.0012 0.0394

    Conventions:
        Equals PyTorch autograd through torchvision's formula where that formula is accurate
        (its $1 - p_t$ cancels for large logits).
    """
    alpha, gamma = _focal_options(alpha, gamma)
    y_true, logits = _binary_pair(y_true, "y_true", logits, "logits", reduction, blockwise=True)
    grad = elementwise(lambda y, z: _sigmoid_focal_grad(y, z, alpha, gamma), [y_true, logits], "none")
    if reduction == "mean":
        grad /= grad.size
    return grad


def softmax_focal(
    labels: ArrayLike,
    logits: ArrayLike,
    *,
    alpha: float | ArrayLike = 0.25,
    gamma: float = 2.0,
    reduction: str = "mean",
) -> float | np.ndarray:
    r"""Softmax (categorical) focal loss: cross-entropy scaled down for well-classified rows.

    With $p = \operatorname{softmax}(z)$ along the class axis (last), for each row

    $$
    \ell(y, z) = -\sum_{k=1}^{K} \alpha_k\, y_k\, (1 - p_k)^{\gamma} \log p_k
    $$

    where $y$ is `one_hot(label)` for a class index. $1 - p_k$ is computed as
    $-\operatorname{expm1}(\log p_k)$ from the log-softmax, accurate when $p_k$ is close to 1.

    Args:
        labels: Class indices in $[0, K)$ of shape $(\dots)$ (integer or bool dtype, or exactly
            integral floats), or probability rows of the shape of `logits`, each summing to 1.
        logits: Logits $z$ of shape $(\dots, K)$: a batch $(N, K)$, a sequence $(N, T, K)$, an image
            $(H, W, K)$.
        alpha: A weight $\alpha \ge 0$ for every class, or an array of $K$ per-class weights.
        gamma: Focusing exponent $\gamma \ge 0$; $\gamma = 0$ gives $\alpha$ times the cross-entropy.
        reduction: `"mean"` over the rows, `"sum"`, or `"none"` for the row losses of shape $(\dots)$.

    Returns:
        A `float` for `"mean"` and `"sum"`; for `"none"`, a float64 array of shape `logits.shape[:-1]`.

    Raises:
        TypeError: If an input does not hold real numbers, `alpha` or `gamma` is not a real
            number (or `alpha` an array of them), or `reduction` is not a string.
        ValueError: If `logits` is a scalar, `labels` has neither shape $(\dots)$ nor that of
            `logits`, an input is empty or holds NaN or infinity, a label is not an integer in
            $[0, K)$, a probability row is outside $[0, 1]$ or does not sum to 1 within
            $10^{-6}$, `alpha` is negative or not of shape $(K,)$, `gamma` is negative, or
            `reduction` is unknown.

    Examples:
        >>> from lossbook import softmax_focal
        >>> logits = [[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]]
        >>> print(f"{softmax_focal([0, 1], logits):.4f}")
        0.0071
        >>> print(f"{softmax_focal([0, 1], logits, alpha=1.0, gamma=0.0):.4f}")
        0.3185

    Conventions:
        Keras `CategoricalFocalCrossentropy(alpha=0.25, gamma=2.0, from_logits=False)` takes
        one-hot rows (class axis last, as here), probabilities unless `from_logits=True`, clips
        them to $[10^{-7}, 1 - 10^{-7}]$, and averages the row losses. PyTorch and optax have no
        softmax focal loss; PyTorch's class axis is the second, `(N, C, d1, ...)`.
    """
    check_reduction(reduction)
    y, z = _label_rows(labels, logits, indices=True)
    alpha, gamma = _class_weights(alpha, z.shape[-1]), _focal_options(0.0, gamma)[1]
    if y.shape != z.shape:  # class indices: only the true class's log-probability is needed
        weight = alpha if np.ndim(alpha) == 0 else alpha[y]
        logp = _true_log_softmax(z, y)
        return _reduce_rows(-weight * np.power(-np.expm1(logp), gamma) * logp, reduction)
    return _row_loss(lambda z, y: _softmax_focal_rows(z, y, alpha, gamma)[0], z, y, reduction)


def softmax_focal_grad(
    labels: ArrayLike,
    logits: ArrayLike,
    *,
    alpha: float | ArrayLike = 0.25,
    gamma: float = 2.0,
    reduction: str = "mean",
) -> np.ndarray:
    r"""Gradient of `softmax_focal` with respect to the logits.

    With $G_k = \alpha_k y_k (1 - p_k)^{\gamma} \big(\gamma\, p_k \log p_k / (1 - p_k) - 1\big)$,

    $$
    \frac{\partial \ell}{\partial z_j} = G_j - p_j \sum_k G_k
    $$

    Args and raises are those of `softmax_focal` (`"mean"` divides by the number of rows).

    Returns:
        A float64 array of the shape of `logits`.

    Examples:
        >>> from lossbook import softmax_focal_grad
        >>> for row in softmax_focal_grad([0], [[2.0, 1.0, 0.1]], reduction="sum"):
        ...     print(" ".join(f"{g:.4f}" for g in row))
        -0.0259 0.0184 0.0075

    Conventions:
        Equals PyTorch autograd through the formula above.
    """
    check_reduction(reduction)
    y, z = _label_rows(labels, logits)
    alpha, gamma = _class_weights(alpha, z.shape[-1]), _focal_options(0.0, gamma)[1]
    return _row_grad(lambda z, y: _softmax_focal_rows(z, y, alpha, gamma, grad=True)[1], z, y, reduction)


def generalized_cross_entropy(
    labels: ArrayLike, probs: ArrayLike, *, q: float = 0.5, reduction: str = "mean"
) -> float | np.ndarray:
    r"""Generalized cross-entropy: a noise-robust loss between cross-entropy and the absolute error.

    For the probability $p_y$ given to the true class,

    $$
    \ell_q(y, p) = \frac{1 - p_y^{\,q}}{q}
    $$

    which tends to the cross-entropy $-\log p_y$ as $q \to 0$ and is $1 - p_y$ (the absolute
    error of the one-hot target, halved) at $q = 1$. Computed as $-\operatorname{expm1}(q \log p_y) / q$.

    Args:
        labels: Class indices in $[0, K)$ of shape $(\dots)$ (integer or bool dtype, or exactly
            integral floats).
        probs: Predicted probabilities of shape $(\dots, K)$, each row summing to 1.
        q: The exponent $q \in (0, 1]$.
        reduction: `"mean"` over the rows, `"sum"`, or `"none"` for the row losses of shape $(\dots)$.

    Returns:
        A `float` for `"mean"` and `"sum"`; for `"none"`, a float64 array of shape `probs.shape[:-1]`.

    Raises:
        TypeError: If an input does not hold real numbers, `q` is not a real number, or
            `reduction` is not a string.
        ValueError: If `probs` is a scalar, `labels` does not have shape `probs.shape[:-1]`, an
            input is empty or holds NaN or infinity, a label is not an integer in $[0, K)$, a row
            of `probs` is outside $[0, 1]$ or does not sum to 1 within $10^{-6}$, `q` is outside
            $(0, 1]$, or `reduction` is unknown.

    Examples:
        >>> from lossbook import generalized_cross_entropy
        >>> probs = [[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]]
        >>> print(f"{generalized_cross_entropy([0, 1], probs):.4f}")
        0.6156
        >>> print(f"{generalized_cross_entropy([0, 1], probs, q=1.0):.4f}")
        0.5000

    Conventions:
        Keras `CategoricalGeneralizedCrossEntropy(q=0.5)` takes class indices and probabilities
        (truth first, class axis last) and averages the row losses; it does not check that rows
        sum to 1. PyTorch and optax have no generalized cross-entropy.
    """
    labels, p, q = _gce_args(labels, probs, q, reduction)
    rows = [p.reshape(-1, p.shape[-1]), labels.reshape(-1)]
    losses = map_blocks(lambda p, y: -np.expm1(q * np.log(_true_class(p, y))) / q, rows, raw=(1,))
    return _reduce_rows(losses.reshape(labels.shape), reduction)


def generalized_cross_entropy_grad(
    labels: ArrayLike, probs: ArrayLike, *, q: float = 0.5, reduction: str = "mean"
) -> np.ndarray:
    r"""Gradient of `generalized_cross_entropy` with respect to the probabilities.

    $$
    \frac{\partial \ell_q}{\partial p_k} = -[k = y]\; p_y^{\,q - 1}
    $$

    Only the true class's probability has a derivative; it is $-\infty$ where $p_y = 0$ and $q < 1$.
    Args and raises are those of `generalized_cross_entropy` (`"mean"` divides by the number of rows).

    Returns:
        A float64 array of the shape of `probs`.

    Examples:
        >>> from lossbook import generalized_cross_entropy_grad
        >>> for row in generalized_cross_entropy_grad([0], [[0.25, 0.5, 0.25]], reduction="sum"):
        ...     print(" ".join(f"{g:.4f}" for g in row))
        -2.0000 0.0000 0.0000

    Conventions:
        Equals PyTorch autograd through the formula, probabilities held fixed (no softmax).
    """
    labels, p, q = _gce_args(labels, probs, q, reduction)
    grad = np.zeros(p.shape)
    with np.errstate(divide="ignore"):  # p_y = 0 with q < 1: an infinite slope, the true one
        values = -np.power(_true_class(p, labels), q - 1)
    np.put_along_axis(grad, labels[..., None], values[..., None], axis=-1)
    if reduction == "mean":
        grad /= labels.size
    return grad


def poly1_cross_entropy(
    labels: ArrayLike, logits: ArrayLike, *, epsilon: float = 2.0, reduction: str = "mean"
) -> float | np.ndarray:
    r"""Poly-1 cross-entropy: cross-entropy plus $\epsilon$ times the probability missed.

    With $p = \operatorname{softmax}(z)$ and $p_t = \sum_k y_k p_k$, for each row

    $$
    \ell(y, z) = -\sum_k y_k \log p_k + \epsilon\,(1 - p_t)
    $$

    the first term of the Taylor series of the cross-entropy in $1 - p_t$, weighted anew.
    $1 - p_t$ is computed as $\sum_k y_k (1 - p_k)$ with $1 - p_k = -\operatorname{expm1}(\log p_k)$.

    Args:
        labels: Class indices in $[0, K)$ of shape $(\dots)$, or probability rows of the shape of
            `logits`, each summing to 1.
        logits: Logits $z$ of shape $(\dots, K)$.
        epsilon: The weight $\epsilon$ of the polynomial term, any real number with
            $\epsilon \ge -1$ (below, the loss can decrease as $p_t$ falls).
        reduction: `"mean"` over the rows, `"sum"`, or `"none"` for the row losses of shape $(\dots)$.

    Returns:
        A `float` for `"mean"` and `"sum"`; for `"none"`, a float64 array of shape `logits.shape[:-1]`.

    Raises:
        TypeError: If an input does not hold real numbers, `epsilon` is not a real number, or
            `reduction` is not a string.
        ValueError: As for `softmax_focal`, or if `epsilon` is below -1.

    Examples:
        >>> from lossbook import poly1_cross_entropy
        >>> logits = [[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]]
        >>> print(f"{poly1_cross_entropy([0, 1], logits):.4f}")
        0.8571
        >>> print(f"{poly1_cross_entropy([0, 1], logits, epsilon=0.0):.4f}")
        0.3185

    Conventions:
        optax `poly_loss_cross_entropy(logits, labels, epsilon=2.0)` takes the logits first and
        probability (one-hot) rows, and returns the row losses (`reduction="none"`). PyTorch and
        Keras have no poly loss.
    """
    epsilon = check_number(epsilon, "epsilon", lambda e: e >= -1, "at least -1")
    check_reduction(reduction)
    y, z = _label_rows(labels, logits, indices=True)
    if y.shape != z.shape:  # class indices: -log p_y + epsilon (1 - p_y)
        logp = _true_log_softmax(z, y)
        return _reduce_rows(-epsilon * np.expm1(logp) - logp, reduction)
    return _row_loss(lambda z, y: _poly1_rows(z, y, epsilon)[0], z, y, reduction)


def poly1_cross_entropy_grad(
    labels: ArrayLike, logits: ArrayLike, *, epsilon: float = 2.0, reduction: str = "mean"
) -> np.ndarray:
    r"""Gradient of `poly1_cross_entropy` with respect to the logits.

    $$
    \frac{\partial \ell}{\partial z_j} = p_j \textstyle\sum_k y_k - y_j - \epsilon\, p_j\,(y_j - p_t)
    $$

    Args and raises are those of `poly1_cross_entropy` (`"mean"` divides by the number of rows).

    Returns:
        A float64 array of the shape of `logits`.

    Examples:
        >>> from lossbook import poly1_cross_entropy_grad
        >>> for row in poly1_cross_entropy_grad([0], [[2.0, 1.0, 0.1]], reduction="sum"):
        ...     print(" ".join(f"{g:.4f}" for g in row))
        -0.7904 0.5620 0.2285

    Conventions:
        Equals PyTorch autograd through optax's formula.
    """
    epsilon = check_number(epsilon, "epsilon", lambda e: e >= -1, "at least -1")
    check_reduction(reduction)
    y, z = _label_rows(labels, logits)
    return _row_grad(lambda z, y: _poly1_rows(z, y, epsilon, grad=True)[1], z, y, reduction)


def multilabel_soft_margin(
    y_true: ArrayLike, logits: ArrayLike, *, weight: ArrayLike | None = None, reduction: str = "mean"
) -> float | np.ndarray:
    r"""Multi-label soft margin loss: the binary cross-entropy of every class, averaged per row.

    For a row of $C$ independent labels $y_c \in [0, 1]$ and logits $z_c$,

    $$
    \ell(y, z) = \frac1C \sum_{c=1}^{C} w_c \operatorname{BCE}(y_c, z_c)
        = -\frac1C \sum_{c=1}^{C} w_c \big(y_c \log \sigma(z_c) + (1 - y_c) \log \sigma(-z_c)\big)
    $$

    Args:
        y_true: Labels in $[0, 1]$ of shape $(\dots, C)$: 1 where a class is present.
        logits: Logits $z$, the same shape as `y_true`.
        weight: Per-class weights $w_c \ge 0$ of shape $(C,)$, or None for all 1.
        reduction: `"mean"` over the rows, `"sum"`, or `"none"` for the row losses of shape $(\dots)$.

    Returns:
        A `float` for `"mean"` and `"sum"` (and for a single row); for `"none"`, a float64
        array of shape `logits.shape[:-1]`.

    Raises:
        TypeError: If an input or `weight` does not hold real numbers, or `reduction` is not a string.
        ValueError: If the shapes differ, an input is empty or holds NaN or infinity, a label is
            outside $[0, 1]$, `weight` is not of shape $(C,)$ or has a negative or non-finite
            entry, or `reduction` is not `"mean"`, `"sum"` or `"none"`.

    Examples:
        >>> from lossbook import multilabel_soft_margin
        >>> print(f"{multilabel_soft_margin([[1, 0, 1]], [[2.0, -1.0, 0.5]]):.4f}")
        0.3048
        >>> print(f"{multilabel_soft_margin([[1, 0, 1]], [[2.0, -1.0, 0.5]], weight=[1, 1, 0]):.4f}")
        0.1467

    Conventions:
        PyTorch `multilabel_soft_margin_loss(input, target, weight=None, reduction="mean")` takes
        the logits first, with classes along the last axis of an $(N, C)$ or $(C,)$ input as here.
        Without weights it equals Keras `BinaryCrossentropy(from_logits=True)`, which averages over
        the last axis, then the batch, and optax `sigmoid_binary_cross_entropy` averaged over the
        last axis.
    """
    y_true, z = _binary_pair(y_true, "y_true", logits, "logits", reduction, blockwise=True)
    w = _per_class_weight(weight, z)
    losses = elementwise(_binary_cross_entropy_with_logits, [y_true, z], "none")
    if w is not None:
        losses *= w
    return _reduce_rows(np.mean(losses, axis=-1), reduction)


def multilabel_soft_margin_grad(
    y_true: ArrayLike, logits: ArrayLike, *, weight: ArrayLike | None = None, reduction: str = "mean"
) -> np.ndarray:
    r"""Gradient of `multilabel_soft_margin` with respect to the logits.

    $$
    \frac{\partial \ell}{\partial z_c} = \frac{w_c}{C} \big(\sigma(z_c) - y_c\big)
    $$

    Args and raises are those of `multilabel_soft_margin` (`"mean"` divides by the number of rows).

    Returns:
        A float64 array of the shape of `logits`.

    Examples:
        >>> from lossbook import multilabel_soft_margin_grad
        >>> for row in multilabel_soft_margin_grad([[1, 0]], [[0.0, 0.0]]):
        ...     print(" ".join(f"{g:.4f}" for g in row))
        -0.2500 0.2500

    Conventions:
        Equals PyTorch autograd through `multilabel_soft_margin_loss`.
    """
    y_true, z = _binary_pair(y_true, "y_true", logits, "logits", reduction, blockwise=True)
    w = _per_class_weight(weight, z)
    grad = elementwise(_sigmoid_minus_label, [y_true, z], "none")
    grad /= z.shape[-1] * (z.size // z.shape[-1] if reduction == "mean" else 1)
    if w is not None:
        grad *= w
    return grad


def _sigmoids(z):
    """sigma(z) and sigma(-z), each computed without cancellation or overflow."""
    e = np.exp(-np.abs(z))
    large = e + 1
    np.divide(1.0, large, out=large)  # sigma(|z|) = 1 / (1 + e)
    small = e * large  # sigma(-|z|) = e / (1 + e)
    positive = z >= 0
    return np.where(positive, large, small), np.where(positive, small, large)


def _sigmoid_minus_label(y, z):
    s, s_minus = _sigmoids(z)
    return (1 - y) * s - y * s_minus  # sigma(z) - y without cancelling when both are near 1


def _focal_options(alpha, gamma):
    if alpha is not None:
        alpha = check_number(alpha, "alpha", lambda a: 0 <= a <= 1, "in [0, 1] (or None for no weighting)")
    return alpha, check_number(gamma, "gamma", lambda g: g >= 0, "non-negative")


def _sigmoid_focal_parts(y, z, alpha):
    s, s_minus = _sigmoids(z)
    m = y * s_minus + (1 - y) * s  # 1 - p_t, the probability of the wrong answer
    weight = 1.0 if alpha is None else alpha * y + (1 - alpha) * (1 - y)
    return s, s_minus, m, weight, _binary_cross_entropy_with_logits(y, z)


def _sigmoid_focal(y, z, alpha, gamma):
    """With a = |z|, e = exp(-a) and c = 1 - y where z >= 0, else y (the label on the wrong side):
    BCE = log(1 + e) + a c and 1 - p_t = sigma(-a) + tanh(a/2) c, sums of non-negative terms."""
    a = np.abs(z)
    e = np.exp(-a)
    big = e + 1
    np.divide(1.0, big, out=big)  # sigma(a)
    small = e * big  # sigma(-a)
    c = (z >= 0) * (1 - 2 * y)
    c += y
    loss = np.log1p(e, out=e)
    loss += a * c
    big -= small  # tanh(a / 2)
    big *= c
    big += small  # 1 - p_t
    # (1 - p_t)^gamma below the normal range (it may underflow to 0 where the loss does not: a soft
    # label of 1e-138 on a logit of -4e161 has the loss 1e-320): those few in logarithms instead.
    low = np.flatnonzero(big < 2.0 ** (-1000 / gamma)) if gamma > 1 else np.empty(0, dtype=np.intp)
    m_low, loss_low = big[low], loss[low]
    if gamma != 1:
        np.power(big, gamma, out=big)
    loss *= big
    if low.size:
        with np.errstate(divide="ignore"):  # log 0 = -inf, and exp(-inf) = 0: a loss of 0 stays 0
            loss[low] = np.exp(gamma * np.log(m_low) + np.log(loss_low))
    if alpha is not None:
        loss *= alpha * y + (1 - alpha) * (1 - y)  # two non-negative terms: nothing cancels
    return loss


def _sigmoid_focal_grad(y, z, alpha, gamma):
    s, s_minus, m, weight, bce = _sigmoid_focal_parts(y, z, alpha)
    ratio = np.where(m > 0, s * s_minus / np.where(m > 0, m, 1.0), 0.0)  # sigma(z) sigma(-z) / m <= 1
    return weight * np.power(m, gamma) * (gamma * (1 - 2 * y) * ratio * bce + (1 - y) * s - y * s_minus)


def _label_rows(labels, logits, indices=False):
    """(y, z): float64 rows (..., K) of targets and the logits.

    Class indices become one-hot rows, or with `indices` stay checked class indices of shape (...).
    """
    z = as_float_array(logits, "logits", blockwise=True)  # only map_blocks reads it: converted block by block
    if z.ndim == 0:
        raise ValueError("logits must have a class axis (the last), got a scalar")
    y = as_array(labels, "labels")
    if y.shape == z.shape:
        y = as_float_array(y, "labels", blockwise=True)
        check_distribution(y, "labels")
    elif y.shape == z.shape[:-1]:
        y = check_labels(y, "labels", z.shape[-1]) if indices else one_hot(y, z.shape[-1])
    else:
        raise ValueError(
            f"labels must be class indices of shape {z.shape[:-1]} or probability rows of "
            f"shape {z.shape} for logits of shape {z.shape}, got shape {y.shape}"
        )
    return y, z


def _class_weights(alpha, k):
    """alpha as a float, or as a float64 array of K non-negative weights."""
    if np.ndim(alpha) == 0 and not isinstance(alpha, np.ndarray):
        return check_number(alpha, "alpha", lambda a: a >= 0, "non-negative")
    return check_weight(alpha, "alpha", lambda shape: shape == (k,), f"({k},), a number or one weight per class")


def _per_class_weight(weight, z):
    """None, or `weight` as a float64 array of shape (C,): one non-negative weight per class."""
    if weight is None:
        return None
    k = z.shape[-1]
    return check_weight(weight, "weight", lambda shape: shape == (k,), f"({k},), one weight per class (the last axis)")


def _true_log_softmax(z, labels):
    """log softmax(z)_y for logit rows z (..., K) and class indices y (...), without the other classes."""
    k = z.shape[-1]
    rows, y = z.reshape(-1, k), labels.reshape(-1)

    def kernel(z, y):
        d, lse = _log_sum_exp(z)
        return np.take_along_axis(d, y[:, None], axis=-1)[:, 0] - lse

    return map_blocks(kernel, [rows, y], raw=(1,)).reshape(labels.shape)  # raw: class indices stay integers


def _log_softmax_and_complement(z):
    """log p and 1 - p for logit rows z; 1 - p = -expm1(log p) is accurate even when p is near 1."""
    logp = _log_softmax_rows(z)
    return logp, -np.expm1(logp)


def _softmax_focal_rows(z, y, alpha, gamma, grad=False):
    logp, m = _log_softmax_and_complement(z)
    focus = np.power(m, gamma)
    if not grad:
        terms = y * focus * logp
        np.fmin(terms, 0.0, out=terms)  # 0 * (-inf) = NaN counts as 0; every term is <= 0
        return -np.sum(alpha * terms, axis=-1), None
    p = np.exp(logp)
    ratio = np.where(m > 0, p * logp / np.where(m > 0, m, 1.0), -1.0)  # p log p / (1 - p), -1 at p = 1
    g = alpha * y * focus * (gamma * ratio - 1)
    total = np.sum(g, axis=-1, keepdims=True)
    return None, g * m - p * (total - g)  # g - p * total, without cancelling where p is near 1


def _poly1_rows(z, y, epsilon, grad=False):
    logp, m = _log_softmax_and_complement(z)
    if not grad:
        terms = y * logp
        np.fmin(terms, 0.0, out=terms)
        return np.sum(epsilon * y * m - terms, axis=-1), None
    p = np.exp(logp)
    yp = y * p
    rest = np.sum(yp, axis=-1, keepdims=True) - yp  # sum over the other classes of y_k p_k
    y_minus_pt = y * m - rest  # y_j - p_t
    others = np.sum(y, axis=-1, keepdims=True) - y
    return None, p * others - y * m - epsilon * p * y_minus_pt  # p sum(y) - y - eps p (y - p_t)


def _row_loss(rows_kernel, z, y, reduction):
    k = z.shape[-1]
    losses = map_blocks(rows_kernel, [z.reshape(-1, k), y.reshape(-1, k)])
    return _reduce_rows(losses.reshape(z.shape[:-1]), reduction)


def _row_grad(rows_kernel, z, y, reduction):
    k = z.shape[-1]
    grad = map_blocks(rows_kernel, [z.reshape(-1, k), y.reshape(-1, k)]).reshape(z.shape)
    if reduction == "mean":
        grad /= grad.size // k
    return grad


def _reduce_rows(losses, reduction):
    """Reduce row losses; a single row's loss (0-d) is a float even for "none"."""
    out = reduce(np.asarray(losses, dtype=np.float64), reduction)
    return float(out) if np.ndim(out) == 0 else out


def _gce_args(labels, probs, q, reduction):
    q = check_number(q, "q", lambda v: 0 < v <= 1, "in (0, 1]")
    check_reduction(reduction)
    p = as_float_array(probs, "probs")
    if p.ndim == 0:
        raise ValueError("probs must have a class axis (the last), got a scalar")
    check_distribution(p, "probs")
    y = as_array(labels, "labels")
    if y.shape != p.shape[:-1]:
        raise ValueError(
            f"labels must be class indices of shape {p.shape[:-1]} for probs of shape {p.shape}, got shape {y.shape}"
        )
    return check_labels(y, "labels", p.shape[-1]), p, q


def _true_class(p, labels):
    return np.take_along_axis(p, labels[..., None], axis=-1)[..., 0]
