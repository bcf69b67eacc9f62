r"""Similarity and metric-learning losses: embeddings of related items close, of others far.

Cosines are computed from vectors first scaled by their largest absolute entry, so vectors
of any finite magnitude (up to $10^{308}$, down to the smallest subnormal) give the exact
cosine. A zero vector has no direction: its cosine with anything is taken as 0 (what PyTorch
and Keras return for it, through their small epsilons), and its gradient as 0.

Functions of two or three prediction arguments have `_grad` functions returning one
derivative per prediction argument, as a tuple in the order of the arguments.
"""

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from lossbook._validation import (
    BLOCK,
    as_array,
    as_float_array,
    check_number,
    check_reduction,
    check_same_shape,
    elementwise,
    reduce,
)
from lossbook.margin import _signed_sum


def _squares(x, axis=-1):
    """Sum of squares along `axis`, and whether it is safely away from overflow and underflow."""
    n2 = np.einsum("...i,...i->...", np.moveaxis(x, axis, -1), np.moveaxis(x, axis, -1))
    return n2, bool(np.all((n2 > 1e-280) & (n2 < 1e280)))


def _unit(x, axis=-1):
    """(x / ||x||, ||x||) along `axis` without overflow or underflow; zero vectors stay zero."""
    n2, safe_range = _squares(x, axis)
    if safe_range:  # one pass; else scale by the largest entry first
        norm = np.expand_dims(np.sqrt(n2), axis)
        return x / norm, norm
    top = np.max(np.abs(x), axis=axis, keepdims=True)
    safe = np.where(top > 0, top, 1.0)
    u = x / safe
    r = np.sqrt(np.sum(u * u, axis=axis, keepdims=True))
    return u / np.where(r > 0, r, 1.0), r * safe


def _cos(a, b, axis=-1):
    """The cosine along `axis` (0 for a zero vector): a dot product over the norms when no square
    can overflow or underflow, else from the unit vectors."""
    na2, safe_a = _squares(a, axis)
    nb2, safe_b = _squares(b, axis)
    if safe_a and safe_b:
        dot = np.einsum("...i,...i->...", np.moveaxis(a, axis, -1), np.moveaxis(b, axis, -1))
        return dot / (np.sqrt(na2) * np.sqrt(nb2))
    return _cos_parts(a, b, axis)[0]


def _cos_parts(a, b, axis=-1):
    ua, na = _unit(a, axis)
    ub, nb = _unit(b, axis)
    return np.sum(ua * ub, axis=axis), ua, na, ub, nb


def _dcos(ua, ub, nb, cos, axis=-1):
    """d cos(a, b) / d b = (a_hat - cos b_hat) / ||b|| (0 for a zero b: b_hat = 0 there)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(nb > 0, (ua - np.expand_dims(cos, axis) * ub) / nb, 0.0)


def _scale(grad, reduction, count):
    if reduction == "mean":
        grad = grad / count
    return grad


def _sign(y, name):
    bad = np.abs(y) != 1
    if bad.any():
        raise ValueError(
            f"{name} must hold labels in {{-1, 1}}, got {float(y[bad].flat[0])!r}; "
            f"use 1 for similar pairs and -1 for dissimilar ones"
        )
    return y


def cosine_similarity(
    y_true: ArrayLike, y_pred: ArrayLike, *, axis: int = -1, reduction: str = "mean"
) -> float | np.ndarray:
    r"""Negative cosine similarity (Keras `CosineSimilarity`): -1 for the same direction.

    $$
    \ell(y, \hat y) = -\frac{y \cdot \hat y}{\lVert y \rVert\, \lVert \hat y \rVert}
    $$

    along `axis`, taken as 0 when either vector is zero.

    Args:
        y_true: Target vectors, array-like with at least one axis.
        y_pred: Predicted vectors, the shape of `y_true`.
        axis: The axis holding the vectors' components.
        reduction: `"mean"` over the vectors, `"sum"`, or `"none"` for one value per vector
            (shape of `y_true` without `axis`).

    Returns:
        A `float` for `"mean"` and `"sum"`; for `"none"`, a float64 array (a `float` for a
        single vector).

    Raises:
        TypeError: If an input does not hold real numbers, `axis` is not an integer, or
            `reduction` is not a string.
        ValueError: If the shapes differ, an input is a scalar, empty or holds NaN or infinity,
            `axis` is out of range, or `reduction` is unknown.

    Examples:
        >>> from lossbook.similarity import cosine_similarity
        >>> print(cosine_similarity([[0, 1], [1, 1], [1, 1]], [[1, 0], [1, 1], [-1, -1]], reduction="none"))
        [ 0. -1.  1.]

    Conventions:
        Keras `CosineSimilarity(axis)` normalises each vector by $\max(\lVert x \rVert, 10^{-7})$
        (its `epsilon`), so tiny vectors differ; on its PyTorch backend the result rounds like
        float32 (-0.99999994 in its own docstring example). PyTorch's
        `F.cosine_similarity(x1, x2, dim, eps=1e-8)` returns the cosine itself (not negated) and
        clamps each norm at `eps`. optax `cosine_similarity(predictions, targets, epsilon=0.0)`
        (prediction first) returns the cosine, per vector, and `cosine_distance` $1 - \cos$, which
        is 1 plus this loss; both give NaN for a zero vector unless `epsilon` > 0.
    """
    y, p, axis = _vector_pair(y_true, y_pred, axis, reduction)
    loss = 0.0 - _cos(y, p, axis)  # not -cos: no -0.0
    return reduce(loss, reduction) if np.ndim(loss) else float(loss)


def cosine_similarity_grad(
    y_true: ArrayLike, y_pred: ArrayLike, *, axis: int = -1, reduction: str = "mean"
) -> np.ndarray:
    r"""Derivative of [cosine_similarity][lossbook.similarity.cosine_similarity] w.r.t. `y_pred`.

    $$
    \frac{\partial \ell}{\partial \hat y} = -\frac{1}{\lVert \hat y \rVert}
        \Big(\frac{y}{\lVert y \rVert} - \cos(y, \hat y) \frac{\hat y}{\lVert \hat y \rVert}\Big)
    $$

    0 for a zero vector; divided by the number of vectors for `"mean"`. Same arguments and
    errors as `cosine_similarity`; returns a float64 array of `y_pred`'s shape.

    Examples:
        >>> from lossbook.similarity import cosine_similarity_grad
        >>> print(cosine_similarity_grad([1.0, 0.0], [1.0, 1.0]))
        [-0.35355339  0.35355339]
    """
    y, p, axis = _vector_pair(y_true, y_pred, axis, reduction)
    cos, uy, _, up, n_p = _cos_parts(y, p, axis)
    return _scale(0.0 - _dcos(uy, up, n_p, cos, axis), reduction, cos.size)


def _vector_pair(y_true, y_pred, axis, reduction):
    check_reduction(reduction)
    y, p = as_float_array(y_true, "y_true"), as_float_array(y_pred, "y_pred")
    check_same_shape(y, "y_true", p, "y_pred")
    if y.ndim == 0:
        raise ValueError("y_true and y_pred must be vectors (at least one axis), got scalars")
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"axis must be an integer, got {axis!r}")
    if not -y.ndim <= axis < y.ndim:
        raise ValueError(f"axis {axis} is out of range for inputs of shape {y.shape}")
    return y, p, int(axis)


def _embedding_args(y, x1, x2, margin, reduction, names=("x1", "x2")):
    check_reduction(reduction)
    m = check_number(margin, "margin", lambda m: True, "finite")
    a, b = as_float_array(x1, names[0]), as_float_array(x2, names[1])
    check_same_shape(a, names[0], b, names[1])
    return a, b, m


def cosine_embedding(
    y: ArrayLike, x1: ArrayLike, x2: ArrayLike, *, margin: float = 0.0, reduction: str = "mean"
) -> float | np.ndarray:
    r"""Cosine embedding loss (PyTorch `CosineEmbeddingLoss`): similar pairs aligned, others apart.

    $$
    \ell(y, x_1, x_2) = \begin{cases} 1 - \cos(x_1, x_2) & y = 1 \\
        \max\big(0,\ \cos(x_1, x_2) - m\big) & y = -1 \end{cases}
    $$

    Args:
        y: Labels in $\{-1, 1\}$ of shape $(N,)$ (or a scalar for single vectors).
        x1: First embeddings, shape $(N, D)$ (or $(D,)$).
        x2: Second embeddings, the shape of `x1`.
        margin: The margin $m$, a finite real number (between -1 and 1 to be useful).
        reduction: `"mean"` over the pairs, `"sum"`, or `"none"` for one loss per pair.

    Returns:
        A `float` for `"mean"` and `"sum"`; for `"none"`, a float64 array of shape $(N,)$.

    Raises:
        TypeError: If an input does not hold real numbers, `margin` is not a real number, or
            `reduction` is not a string.
        ValueError: If `x1` and `x2` differ in shape or are not 1-D or 2-D, `y` does not have
            shape `x1.shape[:-1]`, an input is empty or holds NaN or infinity, a label is not
            $\pm 1$, or `reduction` is unknown.

    Examples:
        >>> from lossbook.similarity import cosine_embedding
        >>> print(f"{cosine_embedding([1, -1], [[1.0, 0.0], [1.0, 1.0]], [[1.0, 1.0], [1.0, 0.0]]):.4f}")
        0.5000

    Conventions:
        PyTorch computes the cosine as $x_1 \cdot x_2 / \sqrt{(\lVert x_1 \rVert^2 + 10^{-12})
        (\lVert x_2 \rVert^2 + 10^{-12})}$: it differs from the exact cosine by about
        $10^{-12} / \lVert x \rVert^2$ relative, and gives 0 for zero vectors as lossbook does.
        The gradient at the kink $\cos = m$ is the linear side's (`clamp_min`). Keras has no
        such class (`CosineSimilarity` is the $y = 1$ case minus 1).
    """
    y, a, b, m = _cosine_embedding_args(y, x1, x2, margin, reduction)
    cos = _cos(a, b)
    loss = np.where(y == 1, 1.0 - cos, np.maximum(cos - m, 0.0))
    return reduce(loss, reduction) if np.ndim(loss) else float(loss)


def cosine_embedding_grad(
    y: ArrayLike, x1: ArrayLike, x2: ArrayLike, *, margin: float = 0.0, reduction: str = "mean"
) -> tuple[np.ndarray, np.ndarray]:
    r"""Derivatives of [cosine_embedding][lossbook.similarity.cosine_embedding] w.r.t. `x1`, `x2`.

    With $c = \cos(x_1, x_2)$ and $\hat x = x / \lVert x \rVert$:
    $\partial c / \partial x_1 = (\hat x_2 - c\, \hat x_1) / \lVert x_1 \rVert$ (and symmetrically),
    times $-1$ where $y = 1$ and $[\,c - m \ge 0\,]$ where $y = -1$. Divided by the number of
    pairs for `"mean"`. Same arguments and errors as `cosine_embedding`; returns a tuple of two
    float64 arrays of `x1`'s shape.

    Examples:
        >>> from lossbook.similarity import cosine_embedding_grad
        >>> g1, g2 = cosine_embedding_grad([1], [[1.0, 0.0]], [[0.0, 1.0]])
        >>> print(g1, g2)
        [[ 0. -1.]] [[-1.  0.]]
    """
    y, a, b, m = _cosine_embedding_args(y, x1, x2, margin, reduction)
    cos, ua, na, ub, nb = _cos_parts(a, b)
    outer = np.where(y == 1, -1.0, np.where(cos - m >= 0, 1.0, 0.0))[..., None]
    count = cos.size
    return (
        _scale(outer * _dcos(ub, ua, na, cos) + 0.0, reduction, count),
        _scale(outer * _dcos(ua, ub, nb, cos) + 0.0, reduction, count),
    )


def _cosine_embedding_args(y, x1, x2, margin, reduction):
    a, b, m = _embedding_args(y, x1, x2, margin, reduction)
    if a.ndim not in (1, 2):
        raise ValueError(f"x1 and x2 must have shape (N, D) or (D,), got shape {a.shape}")
    labels = as_float_array(y, "y")
    if labels.shape != a.shape[:-1]:
        raise ValueError(f"y must have shape {a.shape[:-1]} for x1 of shape {a.shape}, got shape {labels.shape}")
    return _sign(labels, "y"), a, b, m


def margin_ranking(
    y: ArrayLike, x1: ArrayLike, x2: ArrayLike, *, margin: float = 0.0, reduction: str = "mean"
) -> float | np.ndarray:
    r"""Margin ranking loss (PyTorch `MarginRankingLoss`): $x_1$ should rank above $x_2$ when $y = 1$.

    $$
    \ell(y, x_1, x_2) = \max\big(0,\ -y\,(x_1 - x_2) + m\big)
    $$

    Args:
        y: Labels in $\{-1, 1\}$: 1 if `x1` should be larger, -1 if `x2` should; any shape.
        x1: First scores, the shape of `y`.
        x2: Second scores, the shape of `y`.
        margin: The margin $m$, a finite real number.
        reduction: `"mean"` over all elements, `"sum"`, or `"none"` for the elementwise losses.

    Returns:
        A `float` for `"mean"` and `"sum"`; for `"none"`, a float64 array of the shape of `y`.

    Raises:
        TypeError: If an input does not hold real numbers, `margin` is not a real number, or
            `reduction` is not a string.
        ValueError: If the shapes differ, an input is empty or holds NaN or infinity, a label is
            not $\pm 1$, or `reduction` is unknown.

    Examples:
        >>> from lossbook.similarity import margin_ranking
        >>> print(f"{margin_ranking([1, -1], [0.8, 0.3], [0.5, 0.1], margin=0.5):.4f}")
        0.4500

    Conventions:
        PyTorch `MarginRankingLoss(margin)(x1, x2, y)` puts the labels last and accepts any
        label value; at the kink the gradient is the linear side's (`clamp_min`). Keras has no
        such class.
    """
    check_reduction(reduction)
    m = check_number(margin, "margin", lambda m: True, "finite")
    a, b = as_float_array(x1, "x1", finite=False), as_float_array(x2, "x2", finite=False)
    labels = as_float_array(y, "y", finite=False)

    def product(y, a, b, out):  # y (a - b): finite exactly when a and b are (or a difference overflows)
        np.subtract(a, b, out=out)
        return np.multiply(out, y, out=out)

    if (fast := _signed_sum(product, m, labels, a, b, reduction=reduction)) is not None:
        return fast
    y, a, b, m = _ranking_args(y, x1, x2, margin, reduction)

    def kernel(y, a, b):
        z = a - b
        z *= y
        np.subtract(m, z, out=z)
        return np.maximum(z, 0.0, out=z)

    return elementwise(kernel, [y, a, b], reduction)


def margin_ranking_grad(
    y: ArrayLike, x1: ArrayLike, x2: ArrayLike, *, margin: float = 0.0, reduction: str = "mean"
) -> tuple[np.ndarray, np.ndarray]:
    r"""Derivatives of [margin_ranking][lossbook.similarity.margin_ranking] w.r.t. `x1` and `x2`.

    $\partial \ell / \partial x_1 = -y\,[\,m - y(x_1 - x_2) \ge 0\,] = -\partial \ell / \partial x_2$,
    divided by the number of elements for `"mean"`. Same arguments and errors as
    `margin_ranking`; returns a tuple of two float64 arrays of `x1`'s shape.

    Examples:
        >>> from lossbook.similarity import margin_ranking_grad
        >>> g1, g2 = margin_ranking_grad([1, -1], [0.8, 0.3], [0.5, 0.1], margin=0.5, reduction="sum")
        >>> print(g1, g2)
        [-1.  1.] [ 1. -1.]
    """
    y, a, b, m = _ranking_args(y, x1, x2, margin, reduction)
    g = _scale(np.where(m - y * (a - b) >= 0, -y, 0.0), reduction, y.size)
    return g, 0.0 - g


def _ranking_args(y, x1, x2, margin, reduction):
    a, b, m = _embedding_args(y, x1, x2, margin, reduction)
    labels = as_float_array(y, "y")
    check_same_shape(labels, "y", a, "x1")
    return _sign(labels, "y"), a, b, m


def _pnorm(v, p, grad=False):
    """||v||_p along the last axis without overflow, and d||v||_p / dv (0 where v = 0) if `grad`."""
    if p == 2.0:
        n2, safe_range = _squares(v)
        if safe_range:  # one pass
            norm = np.sqrt(n2)
            return norm, (v / norm[..., None] if grad else None)
    top = np.max(np.abs(v), axis=-1, keepdims=True)
    safe = np.where(top > 0, top, 1.0)
    u = np.abs(v) / safe
    r = np.sum(u**p, axis=-1, keepdims=True) ** (1.0 / p)
    norm = (r * safe)[..., 0]
    if not grad:
        return norm, None
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.sign(v) * (u / np.where(r > 0, r, 1.0)) ** (p - 1.0)
    return norm, np.where(v != 0, d, 0.0)


def _triplet_args(anchor, positive, negative, margin, p, eps, swap, distance, reduction, *, finite=True):
    check_reduction(reduction)
    m = check_number(margin, "margin", lambda m: m > 0, "positive (as PyTorch requires)")
    p = check_number(p, "p", lambda p: p > 0, "positive")
    eps = check_number(eps, "eps", lambda e: e >= 0, "non-negative")
    if not isinstance(swap, (bool, np.bool_)):
        raise TypeError(f"swap must be True or False, got {swap!r}")
    if distance is not None and not callable(distance):
        raise TypeError(f"distance must be None or a callable distance(x, y), got {distance!r}")
    a, pos, neg = (
        as_float_array(x, n, finite=finite)
        for x, n in ((anchor, "anchor"), (positive, "positive"), (negative, "negative"))
    )
    check_same_shape(a, "anchor", pos, "positive")
    check_same_shape(a, "anchor", neg, "negative")
    if a.ndim not in (1, 2):
        raise ValueError(f"anchor, positive and negative must have shape (N, D) or (D,), got shape {a.shape}")
    return a, pos, neg, m, p, eps, bool(swap)


def _difference(x, y, eps):
    """x - y + eps, as PyTorch's pairwise_distance (one temporary)."""
    v = x - y
    v += eps
    return v


def _triplet_euclidean(a, pos, neg, m, eps, swap):
    """The triplet losses for p = 2 in one pass over blocks of rows, or None to take the general path.

    Each block's differences x - y + eps and their squared norms are computed while the block is
    in cache. None when a squared norm is outside (1e-280, 1e280) (an input holds NaN or infinity,
    or a norm needs the rescaled computation of `_pnorm`): the general path validates and rescales.
    """
    d = a.shape[-1]
    rows = [x.reshape(-1, d) for x in ((a, pos, neg, pos) if swap else (a, pos, neg))]
    n = len(rows[0])
    step = max(1, BLOCK // d)
    scratch, out = np.empty((min(n, step), d)), np.empty(n)
    with np.errstate(all="ignore"):
        for i in range(0, n, step):
            anchor, positive, negative, *other = (r[i : i + step] for r in rows)
            norms = []
            for x, y in [(anchor, positive), (anchor, negative)] + ([(other[0], negative)] if swap else []):
                v = np.subtract(x, y, out=scratch[: len(x)])
                v += eps
                n2 = np.einsum("ij,ij->i", v, v)
                if not np.all((n2 > 1e-280) & (n2 < 1e280)):
                    return None
                norms.append(np.sqrt(n2))
            d_an = np.minimum(norms[1], norms[2]) if swap else norms[1]
            out[i : i + step] = norms[0] - d_an + m
    return np.maximum(out, 0.0, out=out).reshape(a.shape[:-1])


def _distances(distance, x, y, name, shape):
    d = as_float_array(distance(x, y), f"distance({name})")
    if d.shape != shape:
        raise ValueError(f"distance({name}) must return shape {shape}, one distance per row, got shape {d.shape}")
    return d


def triplet_margin(
    anchor: ArrayLike,
    positive: ArrayLike,
    negative: ArrayLike,
    *,
    margin: float = 1.0,
    p: float = 2.0,
    eps: float = 1e-6,
    swap: bool = False,
    distance: Callable | None = None,
    reduction: str = "mean",
) -> float | np.ndarray:
    r"""Triplet margin loss (PyTorch `TripletMarginLoss`): the anchor nearer its positive by a margin.

    $$
    \ell(a, p, n) = \max\big(0,\ d(a, p) - d(a, n) + m\big), \qquad
        d(x, y) = \lVert x - y + \epsilon \rVert_p
    $$

    With `swap=True`, $d(a, n)$ becomes $\min(d(a, n), d(p, n))$ (the distance swap of Balntas
    et al., 2016). With `distance=` a callable, $d$ is that function
    (PyTorch `TripletMarginWithDistanceLoss`) and `p`, `eps` are not used.

    Args:
        anchor: Anchor embeddings, shape $(N, D)$ or $(D,)$.
        positive: Embeddings of the same class as the anchors, the shape of `anchor`.
        negative: Embeddings of another class, the shape of `anchor`.
        margin: The margin $m > 0$ (PyTorch rejects 0 and negative margins too).
        p: The norm degree, a positive real number.
        eps: $\epsilon \ge 0$, added to each difference as PyTorch's `pairwise_distance` does.
        swap: Whether to use the distance swap.
        distance: `None`, or a callable `distance(x, y)` returning the $N$ distances between
            rows of two $(N, D)$ arrays (shape $(N,)$, or a scalar for $(D,)$ inputs).
        reduction: `"mean"` over the triplets, `"sum"`, or `"none"` for one loss per triplet.

    Returns:
        A `float` for `"mean"` and `"sum"`; for `"none"`, a float64 array of shape $(N,)$.

    Raises:
        TypeError: If an input does not hold real numbers, `margin`, `p` or `eps` is not a real
            number, `swap` is not a bool, `distance` is not callable, or `reduction` is not a
            string.
        ValueError: If the shapes differ or are not $(N, D)$ or $(D,)$, an input is empty or
            holds NaN or infinity, `margin` or `p` is not positive, `eps` is negative, `distance` returns
            the wrong shape or a non-finite value, or `reduction` is unknown.

    Examples:
        >>> from lossbook.similarity import triplet_margin
        >>> a, pos, neg = [[0.0, 0.0]], [[3.0, 4.0]], [[6.0, 8.0]]
        >>> print(f"{triplet_margin(a, pos, neg, eps=0.0):.4f}")  # max(0, 5 - 10 + 1)
        0.0000
        >>> print(f"{triplet_margin(a, pos, neg, margin=6.0, eps=0.0):.4f}")
        1.0000
        >>> manhattan = lambda x, y: abs(x - y).sum(axis=-1)
        >>> print(f"{triplet_margin(a, pos, neg, margin=8.0, distance=manhattan):.4f}")
        1.0000

    Conventions:
        PyTorch's default $\epsilon = 10^{-6}$ is added to every component of the difference (not
        to the norm), so $d(x, x) = \epsilon D^{1/p}$, not 0; pass `eps=0.0` for the plain norm.
        With `swap=True` and a tie $d(a, n) = d(p, n)$, PyTorch's `min` splits the gradient in
        halves, and so does lossbook. Keras has no triplet loss. optax
        `triplet_margin_loss(anchors, positives, negatives, norm_degree=2, margin=1.0, eps=1e-6)`
        adds `eps` inside the root, $(\sum_i d_i^p + \epsilon)^{1/p}$, and raises $d_i$ to the power
        without $|\cdot|$ (the p-norm for even `p` only); with `eps=0.0` in both, and even `p`, it
        is this loss per triplet.
    """
    a, pos, neg, m, p, eps, swap = _triplet_args(
        anchor, positive, negative, margin, p, eps, swap, distance, reduction, finite=False
    )
    if distance is None and p == 2.0 and (loss := _triplet_euclidean(a, pos, neg, m, eps, swap)) is not None:
        return reduce(loss, reduction) if np.ndim(loss) else float(loss)
    a, pos, neg, m, p, eps, swap = _triplet_args(anchor, positive, negative, margin, p, eps, swap, distance, reduction)
    pairs = [(a, pos, "anchor, positive"), (a, neg, "anchor, negative")] + (
        [(pos, neg, "positive, negative")] if swap else []
    )
    if distance is None:
        d = [_pnorm(_difference(x, y, eps), p)[0] for x, y, _ in pairs]
    else:
        d = [_distances(distance, x, y, n, a.shape[:-1]) for x, y, n in pairs]
    d_ap, d_an = d[0], (np.minimum(d[1], d[2]) if swap else d[1])
    loss = np.maximum(d_ap - d_an + m, 0.0)
    return reduce(loss, reduction) if np.ndim(loss) else float(loss)


def triplet_margin_grad(
    anchor: ArrayLike,
    positive: ArrayLike,
    negative: ArrayLike,
    *,
    margin: float = 1.0,
    p: float = 2.0,
    eps: float = 1e-6,
    swap: bool = False,
    distance: Callable | None = None,
    reduction: str = "mean",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Derivatives of [triplet_margin][lossbook.similarity.triplet_margin] w.r.t. the three inputs.

    With $v = x - y + \epsilon$, $\partial \lVert v \rVert_p / \partial v =
    \operatorname{sign}(v)\, (|v| / \lVert v \rVert_p)^{p - 1}$ (0 where $v = 0$); where the loss
    is positive or at its kink (PyTorch's `clamp_min`), $\partial \ell = \partial d(a, p) -
    \partial d(a, n)$. Divided by the number of triplets for `"mean"`. Returns a tuple of three
    float64 arrays of `anchor`'s shape.

    Raises:
        ValueError: If `distance` is not None (lossbook cannot differentiate an arbitrary
            callable; differentiate your distance and apply the chain rule), or as for
            `triplet_margin`.

    Examples:
        >>> from lossbook.similarity import triplet_margin_grad
        >>> ga, gp, gn = triplet_margin_grad([[0.0, 0.0]], [[3.0, 4.0]], [[6.0, 8.0]], margin=6.0, eps=0.0)
        >>> print(ga, gp, gn)
        [[0. 0.]] [[0.6 0.8]] [[-0.6 -0.8]]
    """
    a, pos, neg, m, p, eps, swap = _triplet_args(anchor, positive, negative, margin, p, eps, swap, distance, reduction)
    if distance is not None:
        raise ValueError(
            "triplet_margin_grad needs distance=None: the gradient of a distance "
            "callable is unknown to lossbook; differentiate it and apply the chain rule"
        )
    (d_ap, g_ap), (d_an, g_an), (d_pn, g_pn) = (
        _pnorm(_difference(x, y, eps), p, grad=True) for x, y in ((a, pos), (a, neg), (pos, neg))
    )
    w_an = np.ones_like(d_an) if not swap else np.where(d_an < d_pn, 1.0, np.where(d_an == d_pn, 0.5, 0.0))
    w_pn = 0.0 if not swap else 1.0 - w_an
    d_neg = np.minimum(d_an, d_pn) if swap else d_an
    active = (d_ap - d_neg + m >= 0).astype(np.float64)[..., None]
    w_an, w_pn = np.asarray(w_an)[..., None] * active, np.asarray(w_pn)[..., None] * active
    ga = active * g_ap - w_an * g_an
    gp = -active * g_ap - w_pn * g_pn
    gn = w_an * g_an + w_pn * g_pn
    count = d_ap.size
    return tuple(_scale(g + 0.0, reduction, count) for g in (ga, gp, gn))


def _circle_args(labels, embeddings, gamma, margin, reduction):
    check_reduction(reduction)
    gamma = check_number(gamma, "gamma", lambda g: g > 0, "positive")
    margin = check_number(margin, "margin", lambda m: True, "finite")
    e = as_float_array(embeddings, "embeddings")
    if e.ndim != 2:
        raise ValueError(f"embeddings must have shape (N, D), got shape {e.shape}")
    y = as_array(labels, "labels")
    if y.shape != e.shape[:1]:
        raise ValueError(
            f"labels must have shape ({e.shape[0]},) for embeddings of shape {e.shape}, got shape {y.shape}"
        )
    if y.dtype.kind == "f":
        y = as_float_array(y, "labels")
        if (y != np.floor(y)).any():
            raise ValueError(f"labels must be integers, got {float(y[y != np.floor(y)][0])!r}")
    return y.astype(np.int64), e, gamma, margin


def _circle_parts(y, e, gamma, m):
    same = y[:, None] == y[None, :]
    pos, neg = same & ~np.eye(len(y), dtype=bool), ~same
    c = e @ e.T
    d = np.maximum(1.0 - c, 0.0)
    ap, an = np.maximum(m + d, 0.0), np.maximum(1.0 + m - d, 0.0)
    sp = np.where(pos, -gamma * ap * (m - d), -np.inf)
    sn = np.where(neg, gamma * an * (1.0 - m - d), -np.inf)
    return pos, neg, c, d, ap, an, sp, sn


def _lse(s):
    """Row-wise log-sum-exp and softmax; rows of -inf give -inf and zeros."""
    top = np.max(s, axis=1, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    e = np.exp(s - top)
    total = np.sum(e, axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (np.log(total) + top)[:, 0], np.where(total > 0, e / total, 0.0)


def circle(
    labels: ArrayLike,
    embeddings: ArrayLike,
    *,
    gamma: float = 80.0,
    margin: float = 0.4,
    reduction: str = "mean",
) -> float | np.ndarray:
    r"""Circle loss (Sun et al., 2020, as Keras `Circle` computes it) over a batch of embeddings.

    With cosine distances $d_{ij} = \max(0, 1 - e_i \cdot e_j)$, positives $P_i$ (same label,
    $j \ne i$) and negatives $N_i$ (other labels), for each embedding $i$:

    $$
    \ell_i = \operatorname{softplus}\Big(\log \sum_{j \in P_i} e^{-\gamma\, \alpha^p_{ij} (m - d_{ij})}
        + \log \sum_{j \in N_i} e^{\gamma\, \alpha^n_{ij} (1 - m - d_{ij})}\Big),
    $$

    $\alpha^p_{ij} = \max(0, m + d_{ij})$, $\alpha^n_{ij} = \max(0, 1 + m - d_{ij})$.
    A row without a positive or without a negative has loss 0.

    Args:
        labels: Integer labels of shape $(N,)$.
        embeddings: Embeddings of shape $(N, D)$, expected of unit norm (as Keras expects; they
            are used as given, not normalised).
        gamma: The scale $\gamma > 0$.
        margin: The relaxation $m$, a finite real number.
        reduction: `"mean"` over the rows that have a positive and a negative (as Keras's
            masked mean; 0.0 if there is none), `"sum"`, or `"none"` for the $N$ losses.

    Returns:
        A `float` for `"mean"` and `"sum"`; for `"none"`, a float64 array of shape $(N,)$.

    Raises:
        TypeError: If an input does not hold real numbers, `gamma` or `margin` is not a real
            number, or `reduction` is not a string.
        ValueError: If `embeddings` is not 2-D, `labels` does not have shape $(N,)$ or holds a
            non-integral value, an input is empty or holds NaN or infinity, `gamma` is not
            positive, or `reduction` is unknown.

    Examples:
        >>> import numpy as np
        >>> from lossbook.similarity import circle
        >>> e = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]])
        >>> print(f"{circle([0, 0, 1], e, gamma=2.0):.4f}")
        0.6141

    Conventions:
        Keras `Circle(gamma, margin)` averages only the rows whose loss is positive (it masks
        the others), which for float64 are the rows with both a positive and a negative. Keras
        does not stop the gradient through the weights $\alpha$ (the paper does); lossbook
        follows Keras. PyTorch and optax have no circle loss. At the kinks of the two `max`
        (a cosine exactly 1, or $d_{ij} = 1 + m$) the gradient is 0 (PyTorch's `relu`), where
        Keras's `maximum` on PyTorch gives half.
    """
    y, e, gamma, m = _circle_args(labels, embeddings, gamma, margin, reduction)
    *_, sp, sn = _circle_parts(y, e, gamma, m)
    total = _lse(sp)[0] + _lse(sn)[0]
    with np.errstate(over="ignore"):
        loss = np.where(np.isfinite(total), np.logaddexp(0.0, total), 0.0)
    if reduction == "mean":
        rows = np.isfinite(total)
        return float(np.mean(loss[rows])) if rows.any() else 0.0
    return reduce(loss, reduction)


def circle_grad(
    labels: ArrayLike,
    embeddings: ArrayLike,
    *,
    gamma: float = 80.0,
    margin: float = 0.4,
    reduction: str = "mean",
) -> np.ndarray:
    r"""Derivative of [circle][lossbook.similarity.circle] with respect to `embeddings`.

    Through $\ell_i = \operatorname{softplus}(L_i)$: $\partial \ell_i / \partial s_{ij} =
    \sigma(L_i)\, \operatorname{softmax}_j(s_{i\cdot})$ within $P_i$ and $N_i$, then $s_{ij}$ through
    $d_{ij}$ (both the weights $\alpha$ and the distances, as Keras) to $c_{ij} = e_i \cdot e_j$,
    which touches both $e_i$ and $e_j$. For `"none"` it is the gradient of the sum of the
    losses (each $\ell_i$ depends on every embedding). Divided by the number of counted rows
    for `"mean"`. Same arguments and errors as `circle`; returns an array of shape $(N, D)$.

    Examples:
        >>> import numpy as np
        >>> from lossbook.similarity import circle_grad
        >>> e = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]])
        >>> print(np.round(circle_grad([0, 0, 1], e, gamma=2.0), 4))
        [[-0.2891 -0.2168]
         [-0.3614  0.6479]
         [ 0.5183  0.3887]]
    """
    y, e, gamma, m = _circle_args(labels, embeddings, gamma, margin, reduction)
    pos, neg, c, d, ap, an, sp, sn = _circle_parts(y, e, gamma, m)
    lp, wp = _lse(sp)
    ln, wn = _lse(sn)
    total = lp + ln
    rows = np.isfinite(total)
    outer = np.where(rows, 1.0 / (1.0 + np.exp(-np.where(rows, total, 0.0))), 0.0)[:, None]
    dsp = -gamma * ((m + d > 0) * (m - d) - ap)  # d s^p / d d
    dsn = gamma * (np.where(1.0 + m - d > 0, m + d - 1.0, 0.0) - an)  # d s^n / d d
    g = outer * (np.where(pos, wp * dsp, 0.0) + np.where(neg, wn * dsn, 0.0))  # d loss / d d
    g = g * np.where(1.0 - c > 0, -1.0, 0.0)  # d d / d c
    grad = g @ e + g.T @ e
    if reduction == "mean":
        grad = grad / rows.sum() if rows.any() else grad * 0.0
    return grad


def info_nce(
    embeddings_a: ArrayLike,
    embeddings_b: ArrayLike,
    *,
    temperature: float = 0.07,
    reduction: str = "mean",
) -> float | np.ndarray:
    r"""InfoNCE / NT-Xent contrastive loss (SimCLR) over $N$ positive pairs $(a_i, b_i)$.

    The $2N$ embeddings $z = (a_1, \dots, a_N, b_1, \dots, b_N)$ are normalised to unit length,
    $s_{ij} = \hat z_i \cdot \hat z_j / \tau$, and each embedding $i$ must pick its partner
    $\pi(i)$ among the other $2N - 1$:

    $$
    \ell_i = -\log \frac{e^{s_{i\pi(i)}}}{\sum_{k \ne i} e^{s_{ik}}}, \qquad
        \ell = \frac{1}{2N} \sum_{i=1}^{2N} \ell_i.
    $$

    Args:
        embeddings_a: First views, shape $(N, D)$.
        embeddings_b: Second views (row $i$ pairs with row $i$ of `embeddings_a`), shape $(N, D)$.
        temperature: $\tau > 0$.
        reduction: `"mean"` over the $2N$ anchors, `"sum"`, or `"none"` for the $2N$ losses
            (those of the rows of `embeddings_a`, then of `embeddings_b`).

    Returns:
        A `float` for `"mean"` and `"sum"`; for `"none"`, a float64 array of shape $(2N,)$.

    Raises:
        TypeError: If an input does not hold real numbers, `temperature` is not a real number,
            or `reduction` is not a string.
        ValueError: If the inputs differ in shape or are not 2-D, an input is empty or holds NaN
            or infinity, `temperature` is not positive, or `reduction` is unknown.

    Examples:
        >>> from lossbook.similarity import info_nce
        >>> a, b = [[1.0, 0.0], [0.0, 1.0]], [[0.9, 0.1], [0.2, 0.8]]
        >>> print(f"{info_nce(a, b, temperature=0.5):.4f}")
        0.3438

    Conventions:
        Follows optax's `ntxent(embeddings, labels, temperature=0.07)` convention, by its source:
        `embeddings` the rows of `a` then `b`, `labels = [0, ..., N-1, 0, ..., N-1]`, the loss
        averaged over all positive (anchor, partner) pairs, here $2N$ of them (tested equal,
        gradients included). PyTorch and Keras have no
        such loss; the usual PyTorch code, `cross_entropy` on the similarity matrix with its
        diagonal set to $-\infty$, is tested equal.
    """
    s, z_hat, norms, n = _info_nce_parts(embeddings_a, embeddings_b, temperature, reduction)
    lse, _ = _lse(s)
    return reduce(lse - s[np.arange(2 * n), _partner(n)], reduction)


def info_nce_grad(
    embeddings_a: ArrayLike,
    embeddings_b: ArrayLike,
    *,
    temperature: float = 0.07,
    reduction: str = "mean",
) -> tuple[np.ndarray, np.ndarray]:
    r"""Derivatives of [info_nce][lossbook.similarity.info_nce] w.r.t. both embeddings.

    $\partial \ell_i / \partial s_{ik} = \operatorname{softmax}_{k \ne i}(s_{i\cdot}) - [k = \pi(i)]$;
    then $s = \hat Z \hat Z^\top / \tau$ and $\partial \hat z / \partial z = (I - \hat z \hat z^\top)
    / \lVert z \rVert$. For `"none"` it is the gradient of the sum of the losses (each depends
    on every embedding). Divided by $2N$ for `"mean"`. Same arguments and errors as `info_nce`;
    returns a tuple of two float64 arrays of shape $(N, D)$.

    Examples:
        >>> from lossbook.similarity import info_nce_grad
        >>> ga, gb = info_nce_grad([[1.0, 0.0], [0.0, 1.0]], [[0.9, 0.1], [0.2, 0.8]], temperature=0.5)
        >>> print(ga.round(4))
        [[0.     0.2268]
         [0.1596 0.    ]]
    """
    s, z_hat, norms, n = _info_nce_parts(embeddings_a, embeddings_b, temperature, reduction)
    _, w = _lse(s)
    w[np.arange(2 * n), _partner(n)] -= 1.0
    if reduction == "mean":
        w /= 2 * n
    tau = temperature
    g_hat = (w + w.T) @ z_hat / tau
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.where(norms > 0, (g_hat - np.sum(g_hat * z_hat, axis=1, keepdims=True) * z_hat) / norms, 0.0)
    return g[:n], g[n:]


def _partner(n):
    return np.concatenate([np.arange(n, 2 * n), np.arange(n)])


def _info_nce_parts(embeddings_a, embeddings_b, temperature, reduction):
    check_reduction(reduction)
    tau = check_number(temperature, "temperature", lambda t: t > 0, "positive")
    a, b = as_float_array(embeddings_a, "embeddings_a"), as_float_array(embeddings_b, "embeddings_b")
    check_same_shape(a, "embeddings_a", b, "embeddings_b")
    if a.ndim != 2:
        raise ValueError(f"embeddings_a and embeddings_b must have shape (N, D), got shape {a.shape}")
    z_hat, norms = _unit(np.concatenate([a, b]))
    s = z_hat @ z_hat.T / tau
    np.fill_diagonal(s, -np.inf)
    return s, z_hat, norms, len(a)
