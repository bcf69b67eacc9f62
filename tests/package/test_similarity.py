"""lossbook.similarity against PyTorch (float64, 1e-12), Keras (1e-6), autograd and central differences."""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")  # before anything imports keras

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from hypothesis import assume, example, given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402
from numpy.testing import assert_allclose  # noqa: E402

from lossbook import similarity as S  # noqa: E402
from lossbook._validation import BLOCK  # noqa: E402
from tests.gradcheck import autograd, central_differences  # noqa: E402

pytestmark = [
    pytest.mark.filterwarnings("error"),
    pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"),
]
RTOL, KERAS_RTOL = 1e-12, 1e-6


def T(x):
    """A float64 tensor sharing the array's memory (PyTorch reads it; nothing writes it)."""
    return torch.from_numpy(np.asarray(x))


def all_grads(loss, *arrays):
    """PyTorch autograd's derivative with respect to each argument."""
    return [autograd(loss, *arrays, wrt=i) for i in range(len(arrays))]


reductions = st.sampled_from(["mean", "sum", "none"])
values = st.one_of(st.floats(-10, 10), st.integers(-2, 2).map(float))
keras_reduction = {"mean": "sum_over_batch_size", "sum": "sum", "none": None}


def torch_reduce(losses, reduction):
    return losses.mean() if reduction == "mean" else losses.sum() if reduction == "sum" else losses


@st.composite
def batch(draw, count=2, elements=values, min_d=1):
    n, d = draw(st.integers(1, 5)), draw(st.integers(min_d, 4))
    return [draw(hnp.arrays(np.float64, (n, d), elements=elements)) for _ in range(count)]


@st.composite
def signs(draw, shape):
    return draw(hnp.arrays(np.float64, shape, elements=st.sampled_from([-1.0, 1.0])))


def sq_norms(*xs):
    return np.min([np.sum(x * x, axis=-1) for x in xs], axis=0)


# Cosine similarity (Keras) and cosine embedding (PyTorch) ------------------------------------


@given(pair=batch(), reduction=reductions)
def test_cosine_similarity_equals_keras_and_torch(pair, reduction):
    y, p = pair
    assume(np.all(sq_norms(y, p) > 1e-6))  # Keras clamps norms at 1e-7, PyTorch at 1e-8
    loss = keras.losses.CosineSimilarity(reduction=keras_reduction[reduction], dtype="float64")
    ours = S.cosine_similarity(y, p, reduction=reduction)
    assert_allclose(ours, keras.ops.convert_to_numpy(loss(y, p)), rtol=KERAS_RTOL, atol=1e-7)
    expected = torch_reduce(-F.cosine_similarity(T(y), T(p), dim=-1, eps=1e-300), reduction).numpy()
    assert_allclose(ours, expected, rtol=RTOL, atol=1e-15)  # atol: a cosine of 0 is a cancelling sum
    grad = autograd(lambda q: torch_reduce(-F.cosine_similarity(T(y), q, dim=-1, eps=1e-300), reduction), p)
    assert_allclose(S.cosine_similarity_grad(y, p, reduction=reduction), grad, rtol=RTOL, atol=1e-14)


@given(pair=batch(), scale=st.sampled_from([1e-300, 1e-150, 1e150, 1e300]), axis=st.sampled_from([0, 1, -1]))
def test_cosine_is_exact_at_extreme_magnitudes(pair, scale, axis):
    y, p = pair
    assume(np.all(np.max(np.abs(y), axis=axis) > 0) and np.all(np.max(np.abs(p), axis=axis) > 0))
    assume(np.all((p == 0) | (np.abs(p) > 1e-6)))  # p * 1e-300 stays a normal number
    assert_allclose(
        S.cosine_similarity(y, p * scale, axis=axis, reduction="none"),
        S.cosine_similarity(y, p, axis=axis, reduction="none"),
        rtol=1e-14,
        atol=1e-15,
    )
    assert_allclose(
        S.cosine_similarity_grad(y, p * scale, axis=axis) * scale,
        S.cosine_similarity_grad(y, p, axis=axis),
        rtol=1e-13,
        atol=1e-15,
    )


def test_zero_vectors_give_zero_as_the_frameworks():
    zero, v = np.zeros((1, 3)), np.array([[1.0, 2.0, 3.0]])
    assert S.cosine_similarity(zero, v) == 0.0 == keras.ops.convert_to_numpy(keras.losses.cosine_similarity(zero, v))[0]
    assert np.all(S.cosine_similarity_grad(v, zero) == 0)
    assert S.cosine_embedding([1], zero, v) == F.cosine_embedding_loss(T(zero), T(v), T(np.array([1.0]))).item() == 1.0


@given(pair=batch(), margin=st.sampled_from([0.0, 0.5, -0.5]), reduction=reductions, data=st.data())
def test_cosine_embedding_equals_torch(pair, margin, reduction, data):
    x1, x2 = pair
    y = data.draw(signs(x1.shape[:1]))
    n2 = sq_norms(x1, x2)
    assume(np.all(n2 >= 1))
    # PyTorch adds 1e-12 to each squared norm: its cosine is off by up to 1e-12 / |x|^2 absolute.
    atol = len(y) * 1e-12 / n2.min() + 1e-15  # ("sum" adds up to N such errors)
    expected = F.cosine_embedding_loss(T(x1), T(x2), T(y), margin=margin, reduction=reduction).numpy()
    assert_allclose(S.cosine_embedding(y, x1, x2, margin=margin, reduction=reduction), expected, rtol=RTOL, atol=atol)
    c = np.sum(x1 * x2, -1) / np.sqrt((np.sum(x1 * x1, -1) + 1e-12) * (np.sum(x2 * x2, -1) + 1e-12))
    assume(np.all(np.abs(c - margin) > 1e-9))  # the kink, where PyTorch's rounded cosine may fall either side
    g1, g2 = all_grads(lambda a, b: F.cosine_embedding_loss(a, b, T(y), margin=margin, reduction=reduction), x1, x2)
    o1, o2 = S.cosine_embedding_grad(y, x1, x2, margin=margin, reduction=reduction)
    assert_allclose(o1, g1, rtol=1e-10, atol=atol)  # 1e-10: the epsilon's relative effect on a gradient
    assert_allclose(o2, g2, rtol=1e-10, atol=atol)


# Margin ranking ------------------------------------------------------------------------------


@given(data=st.data(), margin=st.sampled_from([0.0, 1.0, -0.5]), reduction=reductions)
def test_margin_ranking_equals_torch(data, margin, reduction):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=2, max_side=5))
    big = st.one_of(values, st.floats(-1e300, 1e300))
    x1, x2 = (data.draw(hnp.arrays(np.float64, shape, elements=big)) for _ in range(2))
    y = data.draw(signs(shape))
    with np.errstate(over="ignore"):
        assume(np.all(np.isfinite(x1 - x2)))
    expected = F.margin_ranking_loss(T(x1), T(x2), T(y), margin=margin, reduction=reduction).numpy()
    assert_allclose(S.margin_ranking(y, x1, x2, margin=margin, reduction=reduction), expected, rtol=RTOL)
    g1, g2 = all_grads(lambda a, b: F.margin_ranking_loss(a, b, T(y), margin=margin, reduction=reduction), x1, x2)
    o1, o2 = S.margin_ranking_grad(y, x1, x2, margin=margin, reduction=reduction)
    assert_allclose(o1, g1, rtol=RTOL)
    assert_allclose(o2, g2, rtol=RTOL)


# Triplet margin ------------------------------------------------------------------------------


@given(
    triple=batch(count=3),
    p=st.sampled_from([1.0, 2.0, 3.0, 1.5]),
    eps=st.sampled_from([1e-6, 0.0]),
    swap=st.booleans(),
    margin=st.sampled_from([1.0, 0.5, 2.0]),
    reduction=reductions,
)
def test_triplet_margin_equals_torch(triple, p, eps, swap, margin, reduction):
    a, pos, neg = triple
    kw = dict(margin=margin, p=p, eps=eps, swap=swap, reduction=reduction)
    expected = F.triplet_margin_loss(T(a), T(pos), T(neg), **kw).numpy()
    assert_allclose(S.triplet_margin(a, pos, neg, **kw), expected, rtol=RTOL, atol=1e-15)
    d = [np.sum(np.abs(x - y + eps) ** p, axis=-1) ** (1 / p) for x, y in ((a, pos), (a, neg), (pos, neg))]
    before_clamp = d[0] - (np.minimum(d[1], d[2]) if swap else d[1]) + margin
    assume(np.all(np.abs(before_clamp) > 1e-9))  # the kink, where each side's rounding picks a side
    diffs = np.abs(np.stack([a - pos, a - neg, pos - neg]) + eps)
    assume(np.all((diffs == 0) | (diffs > 1e-100)))  # PyTorch's squares underflow: its norm becomes 0
    if p != 1.0:  # PyTorch's p-norm gradient is NaN where a difference is exactly 0 and p < 2
        assume(p >= 2 or np.all(np.stack([a - pos, a - neg, pos - neg]) + eps != 0))
    grads = all_grads(lambda x, y, z: F.triplet_margin_loss(x, y, z, **kw), a, pos, neg)
    for ours, theirs in zip(S.triplet_margin_grad(a, pos, neg, **kw), grads):
        assert_allclose(ours, theirs, rtol=1e-11, atol=1e-14)  # p-norms: pow and its derivative round


def l1(x, y):
    return np.abs(x - y).sum(axis=-1)


@given(triple=batch(count=3), swap=st.booleans(), reduction=reductions)
def test_triplet_with_distance_equals_torch(triple, swap, reduction):
    a, pos, neg = triple
    expected = F.triplet_margin_with_distance_loss(
        T(a), T(pos), T(neg), distance_function=lambda x, y: (x - y).abs().sum(-1), swap=swap, reduction=reduction
    )
    assert_allclose(
        S.triplet_margin(a, pos, neg, distance=l1, swap=swap, reduction=reduction), expected.numpy(), rtol=RTOL
    )
    default = F.triplet_margin_with_distance_loss(T(a), T(pos), T(neg), swap=swap, reduction=reduction)
    assert_allclose(
        S.triplet_margin(a, pos, neg, swap=swap, reduction=reduction), default.numpy(), rtol=RTOL, atol=1e-15
    )


def test_triplet_norm_does_not_overflow():
    assert S.triplet_margin([[0.0, 0.0]], [[3e300, 4e300]], [[6e300, 8e300]], eps=0.0) == 0.0
    assert S.triplet_margin([[0.0, 0.0]], [[6e300, 8e300]], [[3e300, 4e300]], eps=0.0) == pytest.approx(
        5e300, rel=1e-15
    )


# The one-pass paths of margin_ranking and triplet_margin (p = 2) over several blocks ----------


def test_one_pass_margin_ranking_over_blocks_equals_torch_and_finds_bad_values():
    rng = np.random.default_rng(9)
    n = 3 * BLOCK + 7
    y, x1, x2 = rng.choice([-1.0, 1.0], n), rng.normal(size=n), rng.normal(size=n)
    for reduction in ("mean", "sum"):
        expected = F.margin_ranking_loss(T(x1), T(x2), T(y), margin=0.5, reduction=reduction).item()
        assert S.margin_ranking(y, x1, x2, margin=0.5, reduction=reduction) == pytest.approx(expected, rel=RTOL)
    y[-1] = 0.0
    with pytest.raises(ValueError, match=r"y must hold labels in \{-1, 1\}, got 0\.0"):
        S.margin_ranking(y, x1, x2)
    y[-1], x1[-1], x2[-1] = -1.0, np.inf, 0.0  # max(0, m - y (x1 - x2)) = 0 would hide it
    with pytest.raises(ValueError, match=r"x1 must be finite, got inf"):
        S.margin_ranking(y, x1, x2)


def test_one_pass_triplet_over_blocks_equals_torch_and_finds_bad_values():
    rng = np.random.default_rng(10)
    a, pos, neg = (rng.normal(size=(3 * BLOCK // 64 + 5, 128)) for _ in range(3))
    for swap in (False, True):
        for reduction in ("mean", "sum", "none"):
            kw = dict(swap=swap, reduction=reduction)
            expected = F.triplet_margin_loss(T(a), T(pos), T(neg), **kw).numpy()
            # a loss d(a, p) - d(a, n) + m near 0 cancels: 1e-12 of the distances (about 16) absolutely
            assert_allclose(S.triplet_margin(a, pos, neg, **kw), expected, rtol=RTOL, atol=RTOL * 16)
    neg[-1, -1] = -np.inf  # an infinite d(a, n) gives the loss max(0, -inf) = 0
    with pytest.raises(ValueError, match=r"negative must be finite, got -inf"):
        S.triplet_margin(a, pos, neg)
    neg[-1, -1] = 1e200  # a squared norm beyond 1e280: the rescaled norm of the general path
    expected = F.triplet_margin_loss(T(a), T(pos), T(neg), reduction="none").numpy()
    assert_allclose(S.triplet_margin(a, pos, neg, reduction="none"), expected, rtol=RTOL, atol=RTOL * 16)


# Circle (Keras) ------------------------------------------------------------------------------


@st.composite
def unit_batch(draw):
    n, d = draw(st.integers(2, 6)), draw(st.integers(2, 4))
    e = draw(hnp.arrays(np.float64, (n, d), elements=st.floats(-1, 1)))
    e[:, 0] += np.where(np.linalg.norm(e, axis=1) < 0.1, 1.0, 0.0)  # no row near zero
    labels = draw(hnp.arrays(np.int64, n, elements=st.integers(0, 2)))
    return labels, e / np.linalg.norm(e, axis=1, keepdims=True)


@given(
    batch=unit_batch(),
    gamma=st.sampled_from([80.0, 2.0, 16.0]),
    margin=st.sampled_from([0.4, 0.25, 0.0]),
    reduction=reductions,
)
@example(  # found by a clean-clone CI run: Keras's gradient 4.0e-6 relative off, lossbook's agrees with differences
    batch=(np.array([1, 0, 1]), np.array([[0.13925483, 0.99025658, 0, 0], [0, 0, 1.0, 0], [0, 1.0, 0, 0]])),
    gamma=2.0,
    margin=0.4,
    reduction="mean",
)
def test_circle_equals_keras(batch, gamma, margin, reduction):
    labels, e = batch
    loss = keras.losses.Circle(gamma=gamma, margin=margin, reduction=keras_reduction[reduction], dtype="float64")
    expected = keras.ops.convert_to_numpy(loss(labels, e))
    # Keras computes parts of this in float32 even with dtype="float64" (measured): its exponents, as
    # large as 2 gamma, are rounded to float32 (relative 2**-24), and log-sum-exp and softplus have
    # slopes of at most 1, so the loss may be off by up to 2 gamma 2**-24 absolutely (found: 9.7e-8
    # at gamma 80, a relative 1.3e-6 of a loss of 0.07).
    assert_allclose(
        S.circle(labels, e, gamma=gamma, margin=margin, reduction=reduction),
        expected,
        rtol=KERAS_RTOL,
        atol=2 * gamma * 2**-24,
    )
    c = e @ e.T
    d = np.maximum(1 - c, 0)
    off = ~np.eye(len(e), dtype=bool)
    assume(np.all(np.abs(1 - c[off]) > 1e-6) and np.all(np.abs(d[off] - 1 - margin) > 1e-6))  # the kinks
    grad = autograd(lambda q: loss(T(labels), q), e)
    # Keras's float32 parts round exponents as large as 2 gamma to float32 (6e-8 relative): its gradient
    # is off by up to about 3e-7 gamma relative (measured 2.6e-5 at gamma = 80), and relative to the
    # largest entry where entries cancel; at small gamma by up to 1e-5 all the same (measured 4.0e-6 at
    # gamma = 2 in the example above, where lossbook's gradient equals central differences of lossbook's
    # float64 loss to 1e-9 and Keras's is 5.3e-8 off).
    rtol = max(5e-7 * gamma, 1e-5)
    assert_allclose(
        S.circle_grad(labels, e, gamma=gamma, margin=margin, reduction=reduction),
        grad,
        rtol=rtol,
        atol=rtol * np.max(np.abs(grad)) + 1e-9,
    )  # 1e-9: float32 next to entries up to gamma


def test_circle_rows_without_pairs():
    e = np.eye(3)
    assert S.circle([0, 1, 2], e) == 0.0  # no positives anywhere: Keras's masked mean is 0 too
    assert S.circle([0, 1, 2], e, reduction="none").tolist() == [0.0, 0.0, 0.0]
    assert np.all(S.circle_grad([0, 1, 2], e) == 0)


# InfoNCE (optax ntxent convention; PyTorch's usual SimCLR code as the oracle) ---------------


def torch_ntxent(a, b, temperature, reduction):
    """NT-Xent as SimCLR code writes it in PyTorch: cross-entropy of each row against its partner."""
    z = F.normalize(torch.cat([a, b]), dim=1, eps=1e-300)
    s = z @ z.T / temperature
    s = s.masked_fill(torch.eye(len(z), dtype=torch.bool), -torch.inf)
    n = len(a)
    target = torch.cat([torch.arange(n, 2 * n), torch.arange(n)])
    return F.cross_entropy(s, target, reduction=reduction)


@given(pair=batch(min_d=2), temperature=st.sampled_from([0.07, 0.5, 1.0, 3.0]), reduction=reductions)
def test_info_nce_equals_torch(pair, temperature, reduction):
    a, b = pair
    assume(np.all(sq_norms(a, b) > 1e-3))
    expected = torch_ntxent(T(a), T(b), temperature, reduction).numpy()
    assert_allclose(S.info_nce(a, b, temperature=temperature, reduction=reduction), expected, rtol=RTOL, atol=1e-14)
    ga, gb = all_grads(lambda x, y: torch_ntxent(x, y, temperature, reduction), a, b)
    oa, ob = S.info_nce_grad(a, b, temperature=temperature, reduction=reduction)
    assert_allclose(oa, ga, rtol=1e-11, atol=1e-12)  # 1/temperature amplifies rounding
    assert_allclose(ob, gb, rtol=1e-11, atol=1e-12)


# Central differences --------------------------------------------------------------------------


def test_gradients_equal_central_differences():
    rng = np.random.default_rng(1)
    x1, x2, x3 = rng.normal(size=(3, 4, 3))
    y = np.array([1.0, -1.0, -1.0, 1.0])
    y_full = np.where(x3 > 0, 1.0, -1.0)
    labels = np.array([0, 0, 1, 1])
    e = x1 / np.linalg.norm(x1, axis=1, keepdims=True)
    for reduction in ("mean", "none"):
        r = dict(reduction=reduction)
        checks = [
            (lambda q, r=r: S.cosine_similarity(x1, q, **r), S.cosine_similarity_grad(x1, x2, **r), x2),
            (
                lambda q, r=r: S.cosine_embedding(y, q, x2, margin=-0.3, **r),
                S.cosine_embedding_grad(y, x1, x2, margin=-0.3, **r)[0],
                x1,
            ),
            (
                lambda q, r=r: S.cosine_embedding(y, x1, q, margin=-0.3, **r),
                S.cosine_embedding_grad(y, x1, x2, margin=-0.3, **r)[1],
                x2,
            ),
            (
                lambda q, r=r: S.margin_ranking(y_full, q, x2, margin=0.1, **r),
                S.margin_ranking_grad(y_full, x1, x2, margin=0.1, **r)[0],
                x1,
            ),
            (lambda q, r=r: S.circle(labels, q, gamma=4.0, **r), S.circle_grad(labels, e, gamma=4.0, **r), e),
            (
                lambda q, r=r: S.info_nce(q, x2, temperature=0.3, **r),
                S.info_nce_grad(x1, x2, temperature=0.3, **r)[0],
                x1,
            ),
            (
                lambda q, r=r: S.info_nce(x1, q, temperature=0.3, **r),
                S.info_nce_grad(x1, x2, temperature=0.3, **r)[1],
                x2,
            ),
        ]
        for i in range(3):  # anchor, positive, negative
            args = [x1, x2, x3 * 0.5]

            def f(q, i=i, args=args, r=r):
                return S.triplet_margin(
                    *(q if j == i else a for j, a in enumerate(args)), p=3.0, swap=True, margin=2.0, **r
                )

            checks.append((f, S.triplet_margin_grad(*args, p=3.0, swap=True, margin=2.0, **r)[i], args[i]))
        for k, (f, grad, at) in enumerate(checks):
            assert_allclose(
                grad,
                central_differences(lambda q, f=f: np.sum(f(q)), at),
                rtol=1e-6,
                atol=1e-8,
                err_msg=f"check {k} {reduction}",
            )


def test_inputs_are_not_modified():
    rng = np.random.default_rng(2)
    arrays = [rng.normal(size=(3, 2)) for _ in range(3)]
    y, labels = np.array([1.0, -1.0, 1.0]), np.array([0, 0, 1])
    keep = [a.copy() for a in arrays + [y, labels]]
    a, b, c = arrays
    for f in (S.cosine_similarity, S.cosine_similarity_grad):
        f(a, b)
    for f in (S.cosine_embedding, S.cosine_embedding_grad):
        f(y, a, b)
    S.margin_ranking(np.ones((3, 2)), a, b), S.triplet_margin(a, b, c), S.triplet_margin_grad(a, b, c, swap=True)
    S.circle(labels, a), S.circle_grad(labels, a), S.info_nce(a, b), S.info_nce_grad(a, b)
    for before, after in zip(keep, arrays + [y, labels]):
        assert np.array_equal(before, after)


# Bad input -----------------------------------------------------------------------------------

A, B = [[1.0, 0.0]], [[0.0, 1.0]]
BAD = [
    (lambda: S.cosine_similarity(A, [[1.0]]), ValueError, r"y_true and y_pred must have the same shape"),
    (lambda: S.cosine_similarity(1.0, 2.0), ValueError, r"must be vectors"),
    (lambda: S.cosine_similarity(A, B, axis=2), ValueError, r"axis 2 is out of range for inputs of shape \(1, 2\)"),
    (lambda: S.cosine_similarity(A, B, axis=1.0), TypeError, r"axis must be an integer, got 1.0"),
    (lambda: S.cosine_similarity_grad(A, [[np.nan, 1]]), ValueError, r"y_pred must be finite"),
    (lambda: S.cosine_embedding([1, 1], A, B), ValueError, r"y must have shape \(1,\) for x1 of shape \(1, 2\)"),
    (lambda: S.cosine_embedding([0], A, B), ValueError, r"y must hold labels in \{-1, 1\}, got 0\.0"),
    (
        lambda: S.cosine_embedding([1], [[[1.0]]], [[[1.0]]]),
        ValueError,
        r"x1 and x2 must have shape \(N, D\) or \(D,\)",
    ),
    (lambda: S.cosine_embedding_grad([1], A, B, margin="0"), TypeError, r"margin must be a real number"),
    (lambda: S.cosine_embedding([1], A, [[1.0, 2.0, 3.0]]), ValueError, r"x1 and x2 must have the same shape"),
    (lambda: S.margin_ranking([1, -1], [1.0], [2.0]), ValueError, r"y and x1 must have the same shape"),
    (lambda: S.margin_ranking([2], [1.0], [2.0]), ValueError, r"y must hold labels in \{-1, 1\}, got 2\.0"),
    (lambda: S.margin_ranking_grad([1], [1.0], [2.0], margin=np.nan), ValueError, r"margin must be finite"),
    (lambda: S.margin_ranking([1], ["x"], [2.0]), TypeError, r"x1 must contain real numbers"),
    (lambda: S.triplet_margin(A, B, [[1.0]]), ValueError, r"anchor and negative must have the same shape"),
    (lambda: S.triplet_margin(A, B, A, p=0), ValueError, r"p must be positive, got 0"),
    (lambda: S.triplet_margin(A, B, A, eps=-1.0), ValueError, r"eps must be non-negative, got -1.0"),
    (lambda: S.triplet_margin(A, B, A, swap=1), TypeError, r"swap must be True or False, got 1"),
    (lambda: S.triplet_margin(A, B, A, distance="l2"), TypeError, r"distance must be None or a callable"),
    (
        lambda: S.triplet_margin(A, B, A, distance=lambda x, y: x),
        ValueError,
        r"distance\(anchor, positive\) must return shape \(1,\)",
    ),
    (
        lambda: S.triplet_margin(A, B, A, distance=lambda x, y: np.full(1, np.nan)),
        ValueError,
        r"distance\(anchor, positive\) must be finite",
    ),
    (lambda: S.triplet_margin_grad(A, B, A, distance=l1), ValueError, r"triplet_margin_grad needs distance=None"),
    (lambda: S.triplet_margin(A, B, A, margin=None), TypeError, r"margin must be a real number"),
    (
        lambda: S.triplet_margin(A, B, A, margin=0.0),
        ValueError,
        r"margin must be positive \(as PyTorch requires\), got 0.0",
    ),
    (lambda: S.circle([0, 1], A), ValueError, r"labels must have shape \(1,\) for embeddings of shape \(1, 2\)"),
    (lambda: S.circle([0.5], A), ValueError, r"labels must be integers, got 0\.5"),
    (lambda: S.circle([0], [1.0, 0.0]), ValueError, r"embeddings must have shape \(N, D\)"),
    (lambda: S.circle([0], A, gamma=0), ValueError, r"gamma must be positive, got 0"),
    (lambda: S.circle_grad([0], A, margin=True), TypeError, r"margin must be a real number, got True"),
    (
        lambda: S.info_nce(A, [[1.0, 0.0], [0.0, 1.0]]),
        ValueError,
        r"embeddings_a and embeddings_b must have the same shape",
    ),
    (lambda: S.info_nce([1.0], [1.0]), ValueError, r"must have shape \(N, D\)"),
    (lambda: S.info_nce(A, B, temperature=0.0), ValueError, r"temperature must be positive, got 0.0"),
    (lambda: S.info_nce_grad(A, B, reduction="max"), ValueError, r"reduction must be one of"),
]


@pytest.mark.parametrize("call, error, message", BAD)
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()
