r"""Margin losses: a score should beat a threshold (or the other classes' scores) by a margin.

Hinge-type losses are zero once a prediction is right by at least the margin and grow
linearly (or quadratically) with the shortfall. Their derivative is undefined at the
kink; like PyTorch's `relu` and `clamp_min`, lossbook gives the derivative of the side
PyTorch uses: the zero side for `hinge`, `squared_hinge`, `categorical_hinge`,
`multi_margin` and `multilabel_margin` (their kernels test `z > 0`), the linear side for
`hinge_embedding` (`clamp_min` passes the gradient at the kink).
"""

import math

import numpy as np
from numpy.typing import ArrayLike

from lossbook._validation import (
    BLOCK,
    WIDE_BLOCK,
    as_array,
    as_float_array,
    check_labels,
    check_number,
    check_probabilities,
    check_reduction,
    check_same_shape,
    elementwise,
    reduce,
)


def _sign_labels(y, name, *, zero_one=False):
    """Labels in {-1, 1} as floats; with `zero_one`, {0, 1} too (mapped to -1, 1 as Keras does)."""
    bad = np.abs(y) != 1
    if not bad.any():  # the usual case first: labels -1 and 1 (all ones is both kinds alike)
        return y
    if zero_one and np.all((y == 0) | (y == 1)):
        return 2.0 * y - 1.0
    if bad.any():
        allowed = "{-1, 1} or in {0, 1}" if zero_one else "{-1, 1}"
        raise ValueError(
            f"{name} must hold labels in {allowed}, got {float(y[bad].flat[0])!r}; map other labels to -1 and 1 first"
        )
    return y


def _pair(y_true, y_name, x, x_name, reduction, *, zero_one=False):
    check_reduction(reduction)
    y, x = as_float_array(y_true, y_name), as_float_array(x, x_name)
    check_same_shape(y, y_name, x, x_name)
    return _sign_labels(y, y_name, zero_one=zero_one), x


def _signed_sum(product, margin, y, *xs, squared=False, reduction):
    """The reduced loss max(0, margin - z) (squared if `squared`) of labels `y` and arrays `xs`, or None.

    One pass of blocks of `WIDE_BLOCK` elements, each used while in cache: the labels are checked
    (y * y = 1, which holds exactly for -1 and 1 only); `product(y, *xs, out)` computes the block
    z (such as y * s), finite exactly when the block's `xs` are; and the block's losses are summed.
    NaN or infinity anywhere shows in w = margin - z: NaN or -inf in its minimum (taken before the
    clamp at 0 hides -inf), +inf in the sum. None when a label is not -1 or 1, w is not finite or
    the sum overflows: the caller's general path then maps {0, 1} labels, raises the error naming
    the argument, or rescales the sum. (`np.maximum` against an array of zeros is several times
    faster than against the scalar 0.)
    """
    if reduction == "none" or any(x.shape != y.shape for x in xs):
        return None
    n, size = y.size, min(y.size, WIDE_BLOCK)
    flat = [a.reshape(-1) for a in (y, *xs)]
    zeros, w, ok = np.zeros(size), np.empty(size), np.empty(size, dtype=bool)
    sums = []
    with np.errstate(all="ignore"):
        for i in range(0, n, size):
            block = [a[i : i + size] for a in flat]
            if block[0].size < size:  # the last, partial block
                k = block[0].size
                zeros, w, ok = zeros[:k], w[:k], ok[:k]
            if not np.equal(np.multiply(block[0], block[0], out=w), 1.0, out=ok).all():
                return None
            np.subtract(margin, product(*block, out=w), out=w)
            if not w.min() > -math.inf:  # NaN or -inf
                return None
            np.maximum(w, zeros, out=w)
            sums.append(float(np.dot(w, w)) if squared else float(w.sum()))
        total = math.fsum(sums)
    if not math.isfinite(total):
        return None
    return total / n if reduction == "mean" else total


def _fast_pair(y_true, y_name, x, x_name, reduction):
    """(labels, scores) as float64 arrays for `_signed_sum`, not yet checked beyond their dtype."""
    check_reduction(reduction)
    return as_float_array(y_true, y_name, finite=False), as_float_array(x, x_name, finite=False)


def _scale(grad, reduction, count):
    """The derivative of a "mean" is the elementwise derivative divided by the count."""
    if reduction == "mean":
        grad /= count
    return grad


def _hinge(y, s):
    z = y * s
    np.subtract(1.0, z, out=z)
    return np.maximum(z, 0.0, out=z)


def _squared_hinge(y, s):
    z = _hinge(y, s)
    return np.multiply(z, z, out=z)


def hinge(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: str = "mean") -> float | np.ndarray:
    r"""Hinge loss of scores against labels $\pm 1$, the loss of a support-vector machine.

    $$
    \ell(y, \hat y) = \max(0,\ 1 - y \hat y)
    $$

    Args:
        y_true: Labels in $\{-1, 1\}$, or all in $\{0, 1\}$ (then mapped to $2y - 1$ as Keras
            does), array-like of any shape.
        y_pred: Scores $\hat y$ (real numbers, not probabilities), the shape of `y_true`.
        reduction: `"mean"` over all elements, `"sum"`, or `"none"` for the elementwise losses.

    Returns:
        A `float` for `"mean"` and `"sum"`; for `"none"`, a float64 array of the shape of `y_true`.

    Raises:
        TypeError: If an input does not hold real numbers, or `reduction` is not a string.
        ValueError: If the shapes differ, an input is empty or holds NaN or infinity, `y_true`
            mixes $\{-1, 1\}$ and $\{0, 1\}$ or holds another value, or `reduction` is unknown.

    Examples:
        >>> from lossbook.margin import hinge
        >>> print(f"{hinge([1, -1, 1], [0.3, -2.0, 1.5]):.4f}")
        0.2333
        >>> print(f"{hinge([1, 0, 1], [0.3, -2.0, 1.5]):.4f}")
        0.2333

    Conventions:
        Keras `Hinge()(y_true, y_pred)` is the same mean (it averages the last axis, then the
        batch), with the same {0, 1} mapping; its `reduction=None` keeps one value per row (the
        mean over the last axis) where `"none"` here keeps every element, and its `"sum"` adds
        those row means where `"sum"` here adds every element. Keras silently keeps labels that
        are neither: $y = 0.5$ there is a number, here an error. PyTorch has no hinge class
        (`F.relu(1 - y * s)` is the formula; its derivative at the kink, 0, is lossbook's).
        optax `hinge_loss(predictor_outputs, targets)` (scores first, labels $\pm 1$ only) returns
        the elementwise losses; `jax.grad` through it gives half the slope at the kink. Its
        `perceptron_loss`, $\max(0, -y s)$, is `margin_ranking(y, s, 0 * s)` with margin 0.
    """
    y, s = _fast_pair(y_true, "y_true", y_pred, "y_pred", reduction)
    if (fast := _signed_sum(np.multiply, 1.0, y, s, reduction=reduction)) is not None:
        return fast
    y, s = _pair(y_true, "y_true", y_pred, "y_pred", reduction, zero_one=True)
    return elementwise(_hinge, [y, s], reduction)


def hinge_grad(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: str = "mean") -> np.ndarray:
    r"""Derivative of [hinge][lossbook.margin.hinge] with respect to `y_pred`.

    $$
    \frac{\partial \ell}{\partial \hat y} = -y\,[\,1 - y \hat y > 0\,]
    $$

    divided by the number of elements for `"mean"`; 0 at the kink $y \hat y = 1$ (PyTorch's
    `relu`). Same arguments and errors as `hinge`; returns a float64 array of `y_pred`'s shape.

    Examples:
        >>> from lossbook.margin import hinge_grad
        >>> print(hinge_grad([1, -1], [0.5, 2.0], reduction="sum"))
        [-1.  1.]
    """
    y, s = _pair(y_true, "y_true", y_pred, "y_pred", reduction, zero_one=True)
    return _scale(np.where(1.0 - y * s > 0, -y, 0.0), reduction, y.size)


def squared_hinge(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: str = "mean") -> float | np.ndarray:
    r"""Squared hinge loss: the hinge squared, smooth at the kink and harder on large shortfalls.

    $$
    \ell(y, \hat y) = \max(0,\ 1 - y \hat y)^2
    $$

    Args:
        y_true: Labels in $\{-1, 1\}$, or all in $\{0, 1\}$ (mapped to $2y - 1$ as Keras does).
        y_pred: Scores $\hat y$, the shape of `y_true`.
        reduction: `"mean"` over all elements, `"sum"`, or `"none"` for the elementwise losses.

    Returns:
        A `float` for `"mean"` and `"sum"`; for `"none"`, a float64 array of the shape of `y_true`.

    Raises:
        TypeError: If an input does not hold real numbers, or `reduction` is not a string.
        ValueError: As for [hinge][lossbook.margin.hinge].

    Examples:
        >>> from lossbook.margin import squared_hinge
        >>> print(f"{squared_hinge([1, -1, 1], [0.3, -2.0, 1.5]):.4f}")
        0.1633

    Conventions:
        Keras `SquaredHinge` is the same mean with the same label mapping; its `reduction=None`
        keeps the mean over the last axis and its `"sum"` adds those means. PyTorch has no class
        for it (`MultiMarginLoss(p=2)` on two classes is the closest).
    """
    y, s = _fast_pair(y_true, "y_true", y_pred, "y_pred", reduction)
    if (fast := _signed_sum(np.multiply, 1.0, y, s, squared=True, reduction=reduction)) is not None:
        return fast
    y, s = _pair(y_true, "y_true", y_pred, "y_pred", reduction, zero_one=True)
    return elementwise(_squared_hinge, [y, s], reduction)


def squared_hinge_grad(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: str = "mean") -> np.ndarray:
    r"""Derivative of [squared_hinge][lossbook.margin.squared_hinge] with respect to `y_pred`.

    $$
    \frac{\partial \ell}{\partial \hat y} = -2 y \max(0,\ 1 - y \hat y)
    $$

    divided by the number of elements for `"mean"`. Same arguments and errors as
    `squared_hinge`; returns a float64 array of `y_pred`'s shape.

    Examples:
        >>> from lossbook.margin import squared_hinge_grad
        >>> print(squared_hinge_grad([1, -1], [0.5, 2.0], reduction="sum"))
        [-1.  6.]
    """
    y, s = _pair(y_true, "y_true", y_pred, "y_pred", reduction, zero_one=True)
    return _scale(-2.0 * y * np.maximum(1.0 - y * s, 0.0), reduction, y.size)


def _class_rows(y_true, y_pred, reduction, *, score_name="y_pred"):
    """(one-hot or soft target rows, scores) with the class axis last."""
    check_reduction(reduction)
    s = as_float_array(y_pred, score_name)
    if s.ndim == 0:
        raise ValueError(f"{score_name} must have a class axis (last), got a scalar")
    y = as_array(y_true, "y_true")
    if y.shape == s.shape:
        y = as_float_array(y, "y_true")
        check_probabilities(y, "y_true")
        return y, s
    if y.shape == s.shape[:-1]:
        labels = check_labels(y, "y_true", s.shape[-1])
        return (labels[..., None] == np.arange(s.shape[-1])).astype(np.float64), s
    raise ValueError(
        f"y_true must have the shape of {score_name} {s.shape} (one-hot rows) or "
        f"{s.shape[:-1]} (class indices), got shape {y.shape}"
    )


def _categorical_hinge_parts(y, s):
    pos = np.sum(y * s, axis=-1)
    other = (1.0 - y) * s
    top = np.argmax(other, axis=-1)
    neg = np.take_along_axis(other, top[..., None], axis=-1)[..., 0]
    return neg - pos + 1.0, top


def _categorical_hinge_rows(y, s):
    """The per-row losses of target rows `y` and scores `s` in one pass over blocks of rows.

    None when a target is outside [0, 1] or NaN, or a loss is not finite (a score holds NaN or
    infinity, or a difference overflows): the general path then validates, raises or computes.
    """
    k = s.shape[-1]
    rows_y, rows_s = y.reshape(-1, k), s.reshape(-1, k)
    n = len(rows_s)
    step = max(1, BLOCK // k)
    out = np.empty(n)
    # (1 - y) s, then its transpose: the maximum over the classes becomes an elementwise maximum of
    # rows, several times faster than a maximum along each short row
    other, columns = np.empty((min(n, step), k)), np.empty((k, min(n, step)))
    with np.errstate(all="ignore"):
        for i in range(0, n, step):
            yb, sb = rows_y[i : i + step], rows_s[i : i + step]
            if not (yb.min() >= 0 and yb.max() <= 1):  # False for NaN too
                return None
            pos = np.einsum("ij,ij->i", yb, sb)
            z = np.subtract(1.0, yb, out=other[: len(yb)])
            z *= sb
            np.copyto(columns[:, : len(yb)], z.T)
            out[i : i + step] = np.max(columns[:, : len(yb)], axis=0) - pos + 1.0
        if not np.isfinite(np.sum(out)):
            return None
    return np.maximum(out, 0.0, out=out).reshape(s.shape[:-1])


def categorical_hinge(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: str = "mean") -> float | np.ndarray:
    r"""Categorical hinge (Keras): the true class's score should beat the best other score by 1.

    For one row of scores $s$ and one-hot target $y$,

    $$
    \ell(y, s) = \max\Big(0,\ \max_k\,(1 - y_k)\, s_k - \sum_k y_k s_k + 1\Big).
    $$

    Args:
        y_true: One-hot (or, as Keras allows, any $[0, 1]$-valued) rows of the shape of
            `y_pred`, or class indices of shape `y_pred.shape[:-1]`.
        y_pred: Scores of shape $(\dots, K)$, the class axis last.
        reduction: `"mean"` over the rows, `"sum"`, or `"none"` for one loss per row.

    Returns:
        A `float` for `"mean"` and `"sum"`; for `"none"`, a float64 array of shape
        `y_pred.shape[:-1]`.

    Raises:
        TypeError: If an input does not hold real numbers, or `reduction` is not a string.
        ValueError: If `y_pred` is a scalar, `y_true` has neither accepted shape, an input is
            empty or holds NaN or infinity, a target is outside $[0, 1]$ or a class index outside
            $[0, K)$, or `reduction` is unknown.

    Examples:
        >>> from lossbook.margin import categorical_hinge
        >>> print(f"{categorical_hinge([0, 2], [[2.0, 1.5, 0.1], [0.3, 0.9, 1.2]]):.4f}")
        0.6000

    Conventions:
        Keras `CategoricalHinge` computes the same, including its quirk: the true class's
        entry of $(1 - y) s$ is 0, so when every other score is negative the "best other
        score" is 0, not the largest wrong score (the textbook Crammer-Singer loss takes the
        maximum over $k \ne$ the target). Keras does not map $\{-1, 1\}$ targets here; lossbook
        rejects them. PyTorch's `MultiMarginLoss` is the sum over wrong classes instead of the
        maximum. At a tie for the best other score, the gradient goes to the first one. optax
        `multiclass_hinge_loss(scores, labels)` is the Crammer-Singer loss, which this one equals
        once every score is at least 0: `categorical_hinge(labels, s - s.min(-1, keepdims=True))`.
    """
    check_reduction(reduction)
    s, y = as_float_array(y_pred, "y_pred", finite=False), as_array(y_true, "y_true")
    if s.ndim and y.shape == s.shape:
        loss = _categorical_hinge_rows(as_float_array(y, "y_true", finite=False), s)
        if loss is not None:
            return reduce(loss, reduction)
    y, s = _class_rows(y_true, y_pred, reduction)
    return reduce(np.maximum(_categorical_hinge_parts(y, s)[0], 0.0), reduction)


def categorical_hinge_grad(y_true: ArrayLike, y_pred: ArrayLike, *, reduction: str = "mean") -> np.ndarray:
    r"""Derivative of [categorical_hinge][lossbook.margin.categorical_hinge] w.r.t. `y_pred`.

    Where the loss is positive, $\partial \ell / \partial s_k = (1 - y_j)[k = j] - y_k$ with
    $j$ the first argmax of $(1 - y) s$; 0 where the loss is 0 (and at the kink). Divided by
    the number of rows for `"mean"`. Same arguments and errors as `categorical_hinge`;
    returns a float64 array of `y_pred`'s shape.

    Examples:
        >>> from lossbook.margin import categorical_hinge_grad
        >>> print(categorical_hinge_grad([0], [[2.0, 1.5, 0.1]], reduction="sum"))
        [[-1.  1.  0.]]
    """
    y, s = _class_rows(y_true, y_pred, reduction)
    z, top = _categorical_hinge_parts(y, s)
    g = 0.0 - y  # not -y: no -0.0
    top = top[..., None]
    np.put_along_axis(g, top, np.take_along_axis(g, top, -1) + 1.0 - np.take_along_axis(y, top, -1), axis=-1)
    g = np.where((z > 0)[..., None], g, 0.0)
    return _scale(g, reduction, z.size)


def _weight(weight, k):
    if weight is None:
        return None
    w = as_float_array(weight, "weight")
    if w.shape != (k,):
        raise ValueError(f"weight must have shape ({k},), one weight per class, got shape {w.shape}")
    if np.min(w) < 0:
        raise ValueError(f"weight must not be negative, got {float(np.min(w))!r}")
    return w


def _multi_margin_args(labels, scores, p, margin, weight, reduction):
    check_reduction(reduction)
    if isinstance(p, (bool, np.bool_)) or p not in (1, 2):
        raise (TypeError if not isinstance(p, (int, np.integer)) else ValueError)(f"p must be 1 or 2, got {p!r}")
    margin = check_number(margin, "margin", lambda m: True, "finite")
    s = as_float_array(scores, "scores")
    if s.ndim == 0:
        raise ValueError("scores must have a class axis (last), got a scalar")
    y = as_array(labels, "labels")
    if y.shape != s.shape[:-1]:
        raise ValueError(f"labels must have shape {s.shape[:-1]} for scores of shape {s.shape}, got shape {y.shape}")
    y = check_labels(y, "labels", s.shape[-1])
    return y, s, int(p), margin, _weight(weight, s.shape[-1])


def _multi_margin_z(y, s, margin):
    z = s + (margin - np.take_along_axis(s, y[..., None], axis=-1))  # PyTorch's order of rounding
    np.put_along_axis(z, y[..., None], 0.0, axis=-1)  # the true class is not summed
    return z


def multi_margin(
    labels: ArrayLike,
    scores: ArrayLike,
    *,
    p: int = 1,
    margin: float = 1.0,
    weight: ArrayLike | None = None,
    reduction: str = "mean",
) -> float | np.ndarray:
    r"""Multi-class margin loss (PyTorch `MultiMarginLoss`): every wrong class is penalised.

    For one row of $K$ scores $s$ with true class $y$,

    $$
    \ell(y, s) = \frac{w_y}{K} \sum_{k \ne y} \max(0,\ m - s_y + s_k)^p,
        \qquad p \in \{1, 2\}.
    $$

    Args:
        labels: Class indices in $[0, K)$ of shape `scores.shape[:-1]`.
        scores: Scores of shape $(\dots, K)$, the class axis last.
        p: 1 or 2.
        margin: The margin $m$, a finite real number.
        weight: Optional non-negative class weights $w$ of shape $(K,)$ (default all 1).
        reduction: `"mean"` over the rows, `"sum"`, or `"none"` for one loss per row.

    Returns:
        A `float` for `"mean"` and `"sum"`; for `"none"`, a float64 array of shape
        `scores.shape[:-1]`.

    Raises:
        TypeError: If an input does not hold real numbers, `p` is not an integer, `margin` is
            not a real number, or `reduction` is not a string.
        ValueError: If `labels` does not have shape `scores.shape[:-1]`, a label is outside
            $[0, K)$, an input is empty or holds NaN or infinity, `p` is not 1 or 2, `weight`
            has the wrong shape or a negative entry, or `reduction` is unknown.

    Examples:
        >>> from lossbook.margin import multi_margin
        >>> print(f"{multi_margin([3], [[0.1, 0.2, 0.4, 0.8]]):.4f}")
        0.3250

    Conventions:
        PyTorch `MultiMarginLoss(p, margin, weight)(scores, labels)` takes the scores first and
        accepts only $(N, K)$ or $(K,)$; the weight multiplies the powered term (the formula in
        its documentation puts it inside the power; the kernel does not). The mean divides by
        the number of rows, not the sum of the weights. Keras has no such class.
    """
    y, s, p, margin, w = _multi_margin_args(labels, scores, p, margin, weight, reduction)
    z = _multi_margin_z(y, s, margin)
    np.maximum(z, 0.0, out=z)
    if p == 2:
        z *= z
    loss = np.sum(z, axis=-1) / s.shape[-1]
    return reduce(loss * w[y] if w is not None else loss, reduction)


def multi_margin_grad(
    labels: ArrayLike,
    scores: ArrayLike,
    *,
    p: int = 1,
    margin: float = 1.0,
    weight: ArrayLike | None = None,
    reduction: str = "mean",
) -> np.ndarray:
    r"""Derivative of [multi_margin][lossbook.margin.multi_margin] with respect to `scores`.

    With $z_k = m - s_y + s_k$: $\partial \ell / \partial s_k = \frac{w_y}{K} p\, z_k^{p-1} [z_k > 0]$
    for $k \ne y$ and $\partial \ell / \partial s_y = -\sum_{k \ne y} \partial \ell / \partial s_k$
    (0 at the kink, as PyTorch's kernel). Divided by the number of rows for `"mean"`. Same
    arguments and errors as `multi_margin`; returns a float64 array of `scores`' shape.

    Examples:
        >>> from lossbook.margin import multi_margin_grad
        >>> print(multi_margin_grad([3], [[0.1, 0.2, 0.4, 0.8]]))
        [[ 0.25  0.25  0.25 -0.75]]
    """
    y, s, p, margin, w = _multi_margin_args(labels, scores, p, margin, weight, reduction)
    z = _multi_margin_z(y, s, margin)
    g = np.where(z > 0, 1.0 if p == 1 else 2.0 * z, 0.0) / s.shape[-1]
    if w is not None:
        g *= w[y][..., None]
    np.put_along_axis(g, y[..., None], -np.sum(g, axis=-1, keepdims=True), axis=-1)
    return _scale(g, reduction, y.size)


def _multilabel_args(targets, scores, reduction):
    check_reduction(reduction)
    s = as_float_array(scores, "scores")
    if s.ndim == 0:
        raise ValueError("scores must have a class axis (last), got a scalar")
    t = as_array(targets, "targets")
    check_same_shape(t, "targets", s, "scores")
    if t.dtype.kind == "f":
        t = as_float_array(t, "targets")
        if (t != np.floor(t)).any():
            raise ValueError(f"targets must be integer class indices or -1, got {t[t != np.floor(t)][0]}")
    k = s.shape[-1]
    t = t.astype(np.intp)
    if np.min(t) < -1 or np.max(t) >= k:
        bad = np.min(t) if np.min(t) < -1 else np.max(t)
        raise ValueError(f"targets must be class indices in [0, {k - 1}], padded with -1, got {bad}")
    valid = np.cumprod(t >= 0, axis=-1).astype(bool)  # the entries before the first -1
    return t, valid, s


def _multilabel_pairs(t, valid, s):
    """For each listed target j of each row: z[m, i] = 1 - s_j + s_i over the non-targets i.

    Returns (rows, classes, z) for the M (row, target) pairs of the flattened rows; z is 0 for
    the target classes.
    """
    k = s.shape[-1]
    s2, t2 = s.reshape(-1, k), t.reshape(-1, k)
    rows, cols = np.nonzero(valid.reshape(-1, k))
    classes = t2[rows, cols]
    is_target = np.zeros(s2.shape, dtype=bool)
    is_target[rows, classes] = True
    z = s2[rows] + (1.0 - s2[rows, classes])[:, None]  # PyTorch's order of rounding
    z[is_target[rows]] = 0.0
    return rows, classes, z


def multilabel_margin(targets: ArrayLike, scores: ArrayLike, *, reduction: str = "mean") -> float | np.ndarray:
    r"""Multi-label margin loss (PyTorch `MultiLabelMarginLoss`): each target beats each non-target.

    For one row of $K$ scores $s$ and the set $Y$ of target classes,

    $$
    \ell(Y, s) = \frac{1}{K} \sum_{j \in Y} \sum_{i \notin Y} \max(0,\ 1 - (s_j - s_i)).
    $$

    Args:
        targets: Integer class indices of the shape of `scores`, in PyTorch's format: each row
            lists its target classes first, then `-1`; entries after the first `-1` are ignored
            (a row with no `-1` lists $K$ targets). A class listed twice counts twice, as in
            PyTorch.
        scores: Scores of shape $(\dots, K)$, the class axis last.
        reduction: `"mean"` over the rows, `"sum"`, or `"none"` for one loss per row.

    Returns:
        A `float` for `"mean"` and `"sum"`; for `"none"`, a float64 array of shape
        `scores.shape[:-1]`.

    Raises:
        TypeError: If an input does not hold real numbers, or `reduction` is not a string.
        ValueError: If the shapes differ, an input is empty or holds NaN or infinity, a target
            is not an integer in $[-1, K)$, or `reduction` is unknown.

    Examples:
        >>> from lossbook.margin import multilabel_margin
        >>> print(f"{multilabel_margin([[3, 0, -1, 1]], [[0.1, 0.2, 0.4, 0.8]]):.4f}")
        0.8500

    Conventions:
        PyTorch `MultiLabelMarginLoss()(scores, targets)` takes the scores first and accepts
        only $(N, K)$ or $(K,)$. Keras has no such class; its multi-label losses take 0/1 rows
        (convert with the positions of the ones followed by -1).
    """
    t, valid, s = _multilabel_args(targets, scores, reduction)
    rows, _, z = _multilabel_pairs(t, valid, s)
    np.maximum(z, 0.0, out=z)
    k = s.shape[-1]
    losses = np.bincount(rows, weights=np.sum(z, axis=-1), minlength=s.size // k) / k
    return reduce(losses.reshape(s.shape[:-1]), reduction)


def multilabel_margin_grad(targets: ArrayLike, scores: ArrayLike, *, reduction: str = "mean") -> np.ndarray:
    r"""Derivative of [multilabel_margin][lossbook.margin.multilabel_margin] w.r.t. `scores`.

    Each positive term $1 - s_j + s_i$ adds $1/K$ to $\partial \ell / \partial s_i$ and
    subtracts $1/K$ from $\partial \ell / \partial s_j$ (0 at the kink, as PyTorch's kernel).
    Divided by the number of rows for `"mean"`. Same arguments and errors as
    `multilabel_margin`; returns a float64 array of `scores`' shape.

    Examples:
        >>> from lossbook.margin import multilabel_margin_grad
        >>> print(multilabel_margin_grad([[3, 0, -1, 1]], [[0.1, 0.2, 0.4, 0.8]]))
        [[-0.5  0.5  0.5 -0.5]]
    """
    t, valid, s = _multilabel_args(targets, scores, reduction)
    rows, classes, z = _multilabel_pairs(t, valid, s)
    active = (z > 0).astype(np.float64)
    k = s.shape[-1]
    g = np.zeros((s.size // k, k))
    np.add.at(g, rows, active)  # + for each non-target i
    np.add.at(g, (rows, classes), -np.sum(active, axis=-1))  # - for each listed target j
    return _scale(g.reshape(s.shape) / k, reduction, s.size // k)


def _soft_margin(y, s):
    """log(1 + e^(-ys)) as max(-ys, 0) + log1p(e^-|ys|): no overflow; two temporaries."""
    z = y * s
    a = np.abs(z)
    np.negative(a, out=a)
    np.exp(a, out=a)
    np.log1p(a, out=a)
    np.negative(z, out=z)
    np.maximum(z, 0.0, out=z)
    z += a
    return z


def soft_margin(y_true: ArrayLike, scores: ArrayLike, *, reduction: str = "mean") -> float | np.ndarray:
    r"""Soft margin (logistic) loss of scores against labels $\pm 1$ (PyTorch `SoftMarginLoss`).

    $$
    \ell(y, s) = \log\big(1 + e^{-y s}\big)
    $$

    computed as $\max(-ys, 0) + \log(1 + e^{-|ys|})$, so scores up to $\pm 10^{300}$ are fine.

    Args:
        y_true: Labels in $\{-1, 1\}$, array-like of any shape.
        scores: Scores $s$, the shape of `y_true`.
        reduction: `"mean"` over all elements, `"sum"`, or `"none"` for the elementwise losses.

    Returns:
        A `float` for `"mean"` and `"sum"`; for `"none"`, a float64 array of the shape of `y_true`.

    Raises:
        TypeError: If an input does not hold real numbers, or `reduction` is not a string.
        ValueError: If the shapes differ, an input is empty or holds NaN or infinity, a label is
            not $\pm 1$, or `reduction` is unknown.

    Examples:
        >>> from lossbook.margin import soft_margin
        >>> print(f"{soft_margin([1, -1], [2.0, 0.5]):.4f}")
        0.5505

    Conventions:
        PyTorch `SoftMarginLoss()(scores, y_true)` takes the scores first and accepts any label
        value (it is documented for $\pm 1$). It is binary cross-entropy with logits for labels
        $(y + 1)/2$. Keras has no such class.
    """
    y, s = _pair(y_true, "y_true", scores, "scores", reduction)
    return elementwise(_soft_margin, [y, s], reduction)


def soft_margin_grad(y_true: ArrayLike, scores: ArrayLike, *, reduction: str = "mean") -> np.ndarray:
    r"""Derivative of [soft_margin][lossbook.margin.soft_margin] with respect to `scores`.

    $$
    \frac{\partial \ell}{\partial s} = -y\, \sigma(-y s) = \frac{-y}{1 + e^{y s}}
    $$

    divided by the number of elements for `"mean"`. Same arguments and errors as
    `soft_margin`; returns a float64 array of `scores`' shape.

    Examples:
        >>> from lossbook.margin import soft_margin_grad
        >>> print(soft_margin_grad([1, -1], [0.0, 0.0], reduction="sum"))
        [-0.5  0.5]
    """
    y, s = _pair(y_true, "y_true", scores, "scores", reduction)
    with np.errstate(over="ignore"):
        return _scale(-y / (1.0 + np.exp(y * s)), reduction, y.size)


def hinge_embedding(
    y_true: ArrayLike, distances: ArrayLike, *, margin: float = 1.0, reduction: str = "mean"
) -> float | np.ndarray:
    r"""Hinge embedding loss (PyTorch `HingeEmbeddingLoss`): similar pairs close, others far.

    $$
    \ell(y, d) = \begin{cases} d & y = 1 \\ \max(0,\ m - d) & y = -1 \end{cases}
    $$

    for a distance (or dissimilarity) $d$ between two items and a label saying whether they
    are similar ($y = 1$) or not ($y = -1$).

    Args:
        y_true: Labels in $\{-1, 1\}$, array-like of any shape.
        distances: Distances $d$ (typically non-negative, e.g. an L1 distance), the shape of
            `y_true`.
        margin: The margin $m$, a finite real number.
        reduction: `"mean"` over all elements, `"sum"`, or `"none"` for the elementwise losses.

    Returns:
        A `float` for `"mean"` and `"sum"`; for `"none"`, a float64 array of the shape of `y_true`.

    Raises:
        TypeError: If an input does not hold real numbers, `margin` is not a real number, or
            `reduction` is not a string.
        ValueError: If the shapes differ, an input is empty or holds NaN or infinity, a label is
            not $\pm 1$, `margin` is not finite, or `reduction` is unknown.

    Examples:
        >>> from lossbook.margin import hinge_embedding
        >>> print(f"{hinge_embedding([1, -1, -1], [0.3, 0.4, 2.0]):.4f}")
        0.3000

    Conventions:
        PyTorch `HingeEmbeddingLoss(margin)(distances, y_true)` takes the distances first; for
        a label that is neither 1 nor -1 it adds both cases, where lossbook raises. Keras has no
        such class.
    """
    m = check_number(margin, "margin", lambda m: True, "finite")
    y, d = _pair(y_true, "y_true", distances, "distances", reduction)
    return elementwise(lambda y, d: np.where(y == 1, d, np.maximum(m - d, 0.0)), [y, d], reduction)


def hinge_embedding_grad(
    y_true: ArrayLike, distances: ArrayLike, *, margin: float = 1.0, reduction: str = "mean"
) -> np.ndarray:
    r"""Derivative of [hinge_embedding][lossbook.margin.hinge_embedding] w.r.t. `distances`.

    1 where $y = 1$; $-[\,m - d \ge 0\,]$ where $y = -1$ (at the kink $d = m$ PyTorch's
    `clamp_min` passes the gradient). Divided by the number of elements for `"mean"`. Same
    arguments and errors as `hinge_embedding`; returns a float64 array of `distances`' shape.

    Examples:
        >>> from lossbook.margin import hinge_embedding_grad
        >>> print(hinge_embedding_grad([1, -1, -1], [0.3, 0.4, 2.0], reduction="sum"))
        [ 1. -1.  0.]
    """
    m = check_number(margin, "margin", lambda m: True, "finite")
    y, d = _pair(y_true, "y_true", distances, "distances", reduction)
    return _scale(np.where(y == 1, 1.0, np.where(m - d >= 0, -1.0, 0.0)), reduction, y.size)
