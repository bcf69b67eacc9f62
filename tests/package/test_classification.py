"""lossbook.classification: published values, oracles, properties and accuracy against mpmath."""

import math

import mpmath
import numpy as np
import pytest
import scipy.special
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.metrics import log_loss

from lossbook import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    entropy,
    log_softmax,
    one_hot,
    softmax,
    softmax_cross_entropy,
)
from tests.strategies import classification, logit_values, pairs, probability_values, shapes

pytestmark = pytest.mark.filterwarnings("error")
RTOL = 1e-12  # against float64 oracles
# The oracles compute log(1 + s) rather than log1p(s), so they round losses and log-probabilities
# near 0 by up to 2.2e-16 absolute; lossbook is exact there (see the mpmath tests below).
ATOL = 1e-15
smoothing = st.sampled_from([0.0, 0.1, 0.5, 1.0]) | st.floats(0, 1)
reductions = st.sampled_from(["mean", "sum", "none"])
labels_01 = st.sampled_from([0.0, 1.0]) | st.floats(0, 1)


def T(x):
    return torch.from_numpy(np.asarray(x))


# Published values ---------------------------------------------------------------------------


def test_published_values():
    # scikit-learn log_loss docstring: labels spam/ham, probabilities of "spam" (the larger label)
    assert str(binary_cross_entropy([1, 0, 0, 1], [0.9, 0.1, 0.2, 0.65])).startswith("0.21616")
    # PyTorch one_hot docs: F.one_hot(torch.arange(0, 5) % 3)
    assert_array_equal(one_hot(np.arange(5) % 3, 3), [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0]])
    # Wikipedia "Softmax function" example: [1, 2, 3, 4, 1, 2, 3]
    expected = [0.024, 0.064, 0.175, 0.475, 0.024, 0.064, 0.175]
    assert_allclose(softmax([1, 2, 3, 4, 1, 2, 3]), expected, atol=5e-4)
    # Uniform logits: every class has probability 1/K, the loss is log K; a zero logit is log 2
    assert softmax_cross_entropy([3], [[0.0] * 4]) == pytest.approx(math.log(4), rel=1e-15)
    assert binary_cross_entropy_with_logits([0.3], [0.0]) == pytest.approx(math.log(2), rel=1e-15)


def test_types_and_shapes():
    z = np.zeros((3, 4))
    assert type(softmax_cross_entropy([0, 1, 2], z)) is float
    losses = softmax_cross_entropy([0, 1, 2], z, reduction="none")
    assert type(losses) is np.ndarray and losses.dtype == np.float64 and losses.shape == (3,)
    assert softmax(z).shape == log_softmax(z).shape == (3, 4) and softmax(z).dtype == np.float64
    assert one_hot([[0, 1]], 2).shape == (1, 2, 2) and one_hot(1, 3).tolist() == [0.0, 1.0, 0.0]
    assert binary_cross_entropy(np.ones((2, 2)), np.full((2, 2), 0.5), reduction="none").shape == (2, 2)


def test_label_dtypes():
    z = np.array([[1.0, 2.0], [3.0, 0.5]])
    expected = softmax_cross_entropy(np.array([0, 1]), z)
    for labels in ([0.0, 1.0], np.array([0, 1], dtype=np.uint8), [False, True]):
        assert softmax_cross_entropy(labels, z) == expected
    assert_array_equal(one_hot([1.0, 0.0], 2), [[0, 1], [1, 0]])


def test_zero_and_one_probabilities():
    assert binary_cross_entropy([1, 0], [1.0, 0.0]) == 0.0  # 0 log 0 = 0
    assert binary_cross_entropy([1], [0.0]) == math.inf  # no clipping
    assert binary_cross_entropy([0], [1.0]) == math.inf
    assert binary_cross_entropy([0.5], [1.0]) == math.inf
    assert softmax_cross_entropy([[1.0, 0.0]], [[0.0, -1e300]]) == 0.0


@pytest.mark.parametrize("big", [1e300, 1e308])
def test_huge_logits_stay_finite(big):
    z = [[big, -big]] if big == 1e300 else [[big, 0.0]]
    assert_array_equal(softmax(z), [[1.0, 0.0]])
    assert softmax_cross_entropy([0], z) == 0.0
    assert softmax_cross_entropy([[1.0, 0.0]], z) == 0.0
    assert_array_equal(softmax([big, big]), [0.5, 0.5])
    assert_array_equal(softmax([-big, -big]), [0.5, 0.5])
    assert_array_equal(log_softmax([-big, -big]), [-math.log(2)] * 2)
    for y in (0.0, 0.3, 1.0):
        for z in (big, -big):
            loss = binary_cross_entropy_with_logits([y], [z])
            assert math.isfinite(loss) and loss == (1 - y) * max(z, 0) + y * max(-z, 0)


def test_logit_differences_beyond_float64_count_as_zero_probability():
    z = [[-1e308, 1e308]]  # z - max(z) = -2e308 overflows to -inf: softmax is exactly [0, 1]
    assert softmax_cross_entropy([[0.0, 1.0]], z) == softmax_cross_entropy([1], z) == 0.0
    assert_array_equal(softmax(z), [[0.0, 1.0]])


def test_huge_logits_match_the_mathematics():
    z = [[1e300, -1e300]]
    assert softmax_cross_entropy([1], z) == 2e300  # log-sum-exp 1e300 minus -1e300
    assert_array_equal(log_softmax(z), [[0.0, -2e300]])
    assert softmax_cross_entropy([0], z, label_smoothing=0.1) == pytest.approx(1e299, rel=1e-15)
    assert softmax_cross_entropy([[0.5, 0.5]], z) == 1e300


def test_large_batches_span_many_blocks():
    rng = np.random.default_rng(3)
    z, y = rng.normal(size=(5_000, 37)) * 5, rng.integers(0, 37, 5_000)
    assert_allclose(
        softmax_cross_entropy(y, z, reduction="none"),
        F.cross_entropy(T(z), T(y), reduction="none"),
        rtol=RTOL,
        atol=ATOL,
    )
    x = rng.normal(size=100_003)
    assert_allclose(softmax(x), scipy.special.softmax(x), rtol=RTOL)
    x = rng.normal(size=(2, 40_000))  # rows longer than a block
    assert_allclose(log_softmax(x), scipy.special.log_softmax(x, axis=-1), rtol=RTOL, atol=ATOL)


# Oracles: PyTorch, SciPy and scikit-learn in float64 ------------------------------------------


@given(hnp.arrays(np.float64, shapes, elements=logit_values), st.integers(-3, 2))
def test_softmax_and_log_softmax_match_oracles(z, axis):
    axis = axis % z.ndim
    assert_allclose(softmax(z, axis=axis), torch.softmax(T(z), dim=axis), rtol=RTOL)
    assert_allclose(softmax(z, axis=axis), scipy.special.softmax(z, axis=axis), rtol=RTOL)
    assert_allclose(log_softmax(z, axis=axis), torch.log_softmax(T(z), dim=axis), rtol=RTOL, atol=ATOL)
    assert_allclose(log_softmax(z, axis=axis), scipy.special.log_softmax(z, axis=axis), rtol=RTOL, atol=ATOL)


@given(classification(), smoothing, reductions)
def test_softmax_cross_entropy_with_indices_matches_torch(data, eps, reduction):
    y, z = data
    expected = F.cross_entropy(T(z), T(y), label_smoothing=eps, reduction=reduction).numpy()
    assert_allclose(
        softmax_cross_entropy(y, z, label_smoothing=eps, reduction=reduction), expected, rtol=RTOL, atol=ATOL * len(y)
    )


@given(classification(probability_targets=True), smoothing, reductions)
def test_softmax_cross_entropy_with_probabilities_matches_torch(data, eps, reduction):
    y, z = data
    expected = F.cross_entropy(T(z), T(y), label_smoothing=eps, reduction=reduction).numpy()
    assert_allclose(
        softmax_cross_entropy(y, z, label_smoothing=eps, reduction=reduction), expected, rtol=RTOL, atol=ATOL * len(y)
    )


@given(classification(max_classes=6).filter(lambda d: d[1].shape[1] >= 2))
def test_softmax_cross_entropy_matches_scikit_learn_log_loss(data):
    # log_loss takes probabilities and clips them to [eps, 1 - eps], eps = 2.2e-16: that moves
    # log(p) by at most about 2.2e-16 where p is near 1 and changes nothing for p in [eps, 1 - eps].
    y, z = data
    p = softmax(z)
    if p[np.arange(len(y)), y].min() > 1e-15:
        expected = log_loss(y, p, labels=range(z.shape[1]))
        assert_allclose(softmax_cross_entropy(y, z), expected, rtol=RTOL, atol=ATOL)


@given(pairs(probability_values), reductions)
def test_binary_cross_entropy_matches_oracles(arrays, reduction):
    # Away from 0 and 1, where PyTorch's clamp of log at -100 and scikit-learn's clip to
    # [eps, 1 - eps] do not act. Soft labels for PyTorch; hard labels for scikit-learn.
    y, p = arrays
    expected = F.binary_cross_entropy(T(p), T(y), reduction=reduction).numpy()
    assert_allclose(binary_cross_entropy(y, p, reduction=reduction), expected, rtol=RTOL)
    hard = (y > 0.5).astype(float).ravel()
    assert_allclose(binary_cross_entropy(hard, p.ravel()), log_loss(hard, p.ravel(), labels=[0, 1]), rtol=RTOL)


@given(pairs(logit_values), labels_01, reductions)
def test_binary_cross_entropy_with_logits_matches_torch(arrays, y, reduction):
    _, z = arrays
    y = np.full_like(z, y)
    expected = F.binary_cross_entropy_with_logits(T(z), T(y), reduction=reduction).numpy()
    # PyTorch computes (1 - y) z - log_sigmoid(z), which cancels down to an absolute error of
    # about |z| * 2.2e-16 (e.g. 1.7e-15 at y = 0, z = -17); lossbook adds non-negative terms.
    atol = 4.5e-16 * (1 + np.abs(z).max()) * (z.size if reduction == "sum" else 1)
    assert_allclose(binary_cross_entropy_with_logits(y, z, reduction=reduction), expected, rtol=RTOL, atol=atol)


# Properties -----------------------------------------------------------------------------------


@given(hnp.arrays(np.float64, shapes, elements=st.floats(-1e300, 1e300)))
def test_softmax_rows_sum_to_one(z):
    p = softmax(z)
    assert ((0 <= p) & (p <= 1)).all()
    assert_allclose(p.sum(axis=-1), 1.0, rtol=0, atol=z.shape[-1] * 2.3e-16)
    assert (log_softmax(z) <= 0).all() and np.isfinite(log_softmax(z)).all()


@given(hnp.arrays(np.int64, shapes, elements=st.integers(-800, 800)), st.integers(-1000, 1000))
def test_log_softmax_is_invariant_to_adding_a_constant(n, c):
    z = n / 8  # eighths, so that z + c is exact and the shift is exactly a shift
    assert_array_equal(log_softmax(z + c), log_softmax(z))
    assert_array_equal(softmax(z + c), softmax(z))


@given(classification(), smoothing)
def test_index_targets_equal_one_hot_targets(data, eps):
    y, z = data
    indices = softmax_cross_entropy(y, z, label_smoothing=eps, reduction="none")
    assert_array_equal(indices, softmax_cross_entropy(one_hot(y, z.shape[1]), z, label_smoothing=eps, reduction="none"))
    assert (indices >= 0).all()


@given(classification(probability_targets=True))
def test_softmax_cross_entropy_is_cross_entropy_of_softmax(data):
    y, z = data
    losses = softmax_cross_entropy(y, z, reduction="none")
    assert_allclose(losses, cross_entropy(y, softmax(z)), rtol=1e-12, atol=1e-14)
    assert (losses >= entropy(y) - 1e-14).all()  # Gibbs' inequality


@given(classification())
def test_full_label_smoothing_ignores_the_targets(data):
    y, z = data
    expected = np.log(np.exp(z).sum(axis=1)) - z.mean(axis=1)
    assert_allclose(
        softmax_cross_entropy(y, z, label_smoothing=1.0, reduction="none"), expected, rtol=1e-12, atol=1e-14
    )  # the naive expected value rounds log(exp(z)) for K = 1


@given(hnp.arrays(np.float64, st.integers(1, 20), elements=logit_values), st.data())
def test_two_class_softmax_equals_logistic(z, data):
    y = data.draw(hnp.arrays(np.int64, z.shape, elements=st.integers(0, 1)))
    two = np.stack([np.zeros_like(z), z], axis=1)
    assert_allclose(
        softmax_cross_entropy(y, two, reduction="none"),
        binary_cross_entropy_with_logits(y, z, reduction="none"),
        rtol=1e-13,
    )


@given(pairs(st.floats(-5, 5)), labels_01)
def test_logits_version_equals_probability_version(arrays, y):
    _, z = arrays
    y = np.full_like(z, y)
    assert_allclose(binary_cross_entropy_with_logits(y, z), binary_cross_entropy(y, scipy.special.expit(z)), rtol=1e-12)


@given(pairs(st.floats(0, 1)))
def test_binary_cross_entropy_is_at_least_the_label_entropy(arrays):
    y, p = arrays
    losses, floor = (binary_cross_entropy(y, q, reduction="none") for q in (p, y))
    assert_allclose(floor, entropy(np.stack([y, 1 - y], axis=-1)), rtol=1e-13, atol=1e-15)
    assert (losses >= floor * (1 - 1e-15)).all()
    assert (binary_cross_entropy(np.round(y), np.round(y), reduction="none") == 0).all()


@given(hnp.arrays(np.int64, shapes, elements=st.integers(0, 9)))
def test_one_hot_round_trips(labels):
    encoded = one_hot(labels, 10)
    assert_array_equal(encoded.argmax(axis=-1), labels)
    assert_array_equal(encoded.sum(axis=-1), 1.0)


# Accuracy against mpmath at 50 digits ------------------------------------------------------------


def exact_cross_entropy_rows(y, z, eps=0.0):
    """Exact -sum_k y'_k log softmax(z)_k per row, for index or probability targets."""
    with mpmath.workdps(50):
        out = []
        for row, t in zip(np.atleast_2d(z), one_hot(y, len(z[0])) if np.ndim(y) == 1 else y):
            t = [(1 - mpmath.mpf(eps)) * mpmath.mpf(float(a)) + mpmath.mpf(eps) / len(row) for a in t]
            out.append(sum(a * -v for a, v in zip(t, exact_log_softmax(row))))
        return out


def exact_log_softmax(z):
    """Exact log softmax; 50 digits hold log(1 + x) for x > 1e-50 only, so log1p is needed."""
    with mpmath.workdps(50):
        z = [mpmath.mpf(float(v)) for v in z]
        top = max(range(len(z)), key=z.__getitem__)
        log_sum = mpmath.log1p(sum(mpmath.exp(v - z[top]) for i, v in enumerate(z) if i != top))
        return [(v - z[top]) - log_sum for v in z]


def _assert_accurate(values, exact, rtol=1e-13):
    """Relative error at most rtol, or the float64 rounding of a value below the subnormals."""
    with mpmath.workdps(50):
        for v, e in zip(np.ravel(values), exact):
            assert abs(mpmath.mpf(float(v)) - e) <= max(rtol * abs(e), mpmath.mpf(2) ** -1075), (v, e)


rng = np.random.default_rng(11)
CE_CASES = {
    "dominant logit": ([0, 1], [[40.0, 0.0, 0.0], [0.0, 700.0, -700.0]]),
    "huge logits": ([0, 1, 1], [[1e300, -1e300], [1e300, -1e300], [-1e300, -1e300]]),
    "random indices": (rng.integers(0, 10, 20), rng.normal(size=(20, 10)) * 1e3),
    "random probabilities": (rng.dirichlet(np.ones(10), 20), rng.normal(size=(20, 10)) * 30),
    "near-equal logits": ([0, 1], [[1.0, 1.0 + 2.0**-52], [1e10, 1e10 * (1 + 2.0**-52)]]),
    # Gaps z_k - max(z) beyond float64, finite losses: soft targets and smoothing used to give inf
    "float64 limit, indices": ([0, 1], [[1.7e308, -1.7e308, 0.0], [1.79e308, 0.0, -1.79e308]]),
    "float64 limit, probabilities": (
        [[0.25, 0.25, 0.5], [0.4, 0.3, 0.3], [0.6, 0.3, 0.1]],
        [[1.7e308, -1.7e308, 0.0], [-1.7e308, 1.7e308, 1e308], [1.79e308, -1.79e308, 0.0]],
    ),
}


@pytest.mark.parametrize("y, z", CE_CASES.values(), ids=CE_CASES.keys())
@pytest.mark.parametrize("eps", [0.0, 0.1])
def test_softmax_cross_entropy_accuracy(y, z, eps):
    _assert_accurate(
        softmax_cross_entropy(y, z, label_smoothing=eps, reduction="none"), exact_cross_entropy_rows(y, z, eps)
    )


@pytest.mark.parametrize("z", [[50.0, 0.0], [0.0, -700.0, 3.0], [1e-10, 0.0, -1e-10], list(rng.normal(size=30) * 20)])
def test_log_softmax_and_softmax_accuracy(z):
    exact = exact_log_softmax(z)
    _assert_accurate(log_softmax(z), exact)
    with mpmath.workdps(50):
        _assert_accurate(softmax(z), [mpmath.exp(v) for v in exact])


def exact_bce(y, p):
    with mpmath.workdps(50):
        y, p = mpmath.mpf(y), mpmath.mpf(p)
        return -((y * mpmath.log(p) if y else 0) + ((1 - y) * mpmath.log1p(-p) if y != 1 else 0))


def exact_bce_logits(y, z):
    with mpmath.workdps(50):
        y, z = mpmath.mpf(y), mpmath.mpf(z)
        log_sigmoid = lambda x: -mpmath.log1p(mpmath.exp(-x)) if x > -1e5 else x  # noqa: E731
        return -(y * log_sigmoid(z) + (1 - y) * log_sigmoid(-z))


@pytest.mark.parametrize(
    "y, p",
    [
        (0, 1 - 2.0**-52),
        (0, 1e-300),
        (1, 1e-300),
        (1, 1 - 2.0**-53),
        (0.3, 0.3),
        (1 - 2.0**-40, 0.5),
        (0.25, 1e-200),
        (0.5, 1 - 1e-12),
    ],
)
def test_binary_cross_entropy_accuracy(y, p):
    _assert_accurate([binary_cross_entropy([y], [p])], [exact_bce(y, p)])


@pytest.mark.parametrize(
    "y, z",
    [
        (1, 40.0),
        (0, -700.0),
        (0.3, 1e300),
        (1, -1e300),
        (0, 1e-20),
        (1 - 2.0**-40, 30.0),
        (0.5, -3.0),
        (2.0**-60, -50.0),
    ],
)
def test_binary_cross_entropy_with_logits_accuracy(y, z):
    _assert_accurate([binary_cross_entropy_with_logits([y], [z])], [exact_bce_logits(y, z)])


def test_losses_near_the_float64_limit():
    z = [[1.7e308, -1.7e308]]
    assert softmax_cross_entropy([1], z, label_smoothing=1.0) == 1.7e308  # was NaN: 0 * inf
    assert softmax_cross_entropy([[0.5, 0.5]], z) == 1.7e308  # was inf
    assert softmax_cross_entropy([1], z) == math.inf  # the exact 3.4e308 is beyond float64
    # The gap 1.9e308 is beyond float64, but with smoothing its weight is 0.9 + 0.1 / 3
    z = [[1.3e308, -0.6e308, 1.3e308]]
    for y in ([1], [[0.0, 1.0, 0.0]]):
        assert softmax_cross_entropy(y, z) == math.inf  # was and is right: the exact 1.9e308 is beyond float64
        _assert_accurate([softmax_cross_entropy(y, z, label_smoothing=0.1)], exact_cross_entropy_rows(y, z, 0.1))
    # Means whose plain sum overflows: four rows or elements of 1.7e308
    assert softmax_cross_entropy([1] * 4, [[1.7e308, 0.0]] * 4) == 1.7e308
    assert binary_cross_entropy_with_logits([0.0] * 4, [1.7e308] * 4) == 1.7e308
    assert binary_cross_entropy_with_logits([0.0] * 4, [1.7e308] * 4, reduction="sum") == math.inf
