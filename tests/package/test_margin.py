"""lossbook.margin against PyTorch (float64, 1e-12), Keras (1e-6), autograd and central differences."""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")  # before anything imports keras

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from hypothesis import assume, given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402
from numpy.testing import assert_allclose  # noqa: E402

from lossbook import margin as M  # noqa: E402
from lossbook._validation import WIDE_BLOCK  # noqa: E402
from tests.gradcheck import autograd, central_differences  # noqa: E402
from tests.strategies import signed as signed_pairs  # noqa: E402

pytestmark = [
    pytest.mark.filterwarnings("error"),
    # Keras' torch backend converts tensors with np.array(x), which numpy 2 flags.
    pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"),
]
RTOL, KERAS_RTOL = 1e-12, 1e-6


def T(x):
    """A float64 tensor sharing the array's memory (PyTorch reads it; nothing writes it)."""
    return torch.from_numpy(np.asarray(x))


reductions = st.sampled_from(["mean", "sum", "none"])
# Scores from moderate to extreme magnitudes (integers hit the kinks exactly).
scores = st.one_of(st.floats(-10, 10), st.integers(-3, 3).map(float), st.floats(-1e300, 1e300))
moderate = st.floats(-10, 10)


@st.composite
def classes(draw, values=scores, max_k=6):
    n, k = draw(st.integers(1, 6)), draw(st.integers(1, max_k))
    return draw(hnp.arrays(np.int64, n, elements=st.integers(0, k - 1))), draw(
        hnp.arrays(np.float64, (n, k), elements=values)
    )


def torch_reduce(losses, reduction):
    return losses.mean() if reduction == "mean" else losses.sum() if reduction == "sum" else losses


def keras_value(loss_class, y, p, reduction, **options):
    """A Keras loss (float64) reduced like lossbook: its per-row values for "none"."""
    keras_reduction = {"mean": "sum_over_batch_size", "sum": "sum", "none": None}[reduction]
    loss = loss_class(reduction=keras_reduction, dtype="float64", **options)
    return keras.ops.convert_to_numpy(loss(y, p))


# Hinge and squared hinge: Keras, and PyTorch's relu for the values and the autograd gradient --


def torch_hinge(y, p, squared=False):
    h = F.relu(1 - y * p)
    return h * h if squared else h


@pytest.mark.parametrize("squared", [False, True])
@given(pair=signed_pairs(scores), reduction=reductions, zero_one=st.booleans())
def test_hinge_family_equals_torch_and_autograd(squared, pair, reduction, zero_one):
    y, p = pair
    y_in = (y + 1) / 2 if zero_one else y  # {0, 1} labels map to {-1, 1} as in Keras
    f, g = (M.squared_hinge, M.squared_hinge_grad) if squared else (M.hinge, M.hinge_grad)
    with np.errstate(over="ignore"):
        expected = torch_reduce(torch_hinge(T(y), T(p), squared), reduction).numpy()
    assert_allclose(f(y_in, p, reduction=reduction), expected, rtol=RTOL)
    grad = autograd(lambda q: torch_reduce(torch_hinge(T(y), q, squared), reduction), p)
    assert_allclose(g(y_in, p, reduction=reduction), grad, rtol=RTOL)


@pytest.mark.parametrize("name", ["Hinge", "SquaredHinge"])
@given(pair=signed_pairs(moderate), reduction=reductions, zero_one=st.booleans())
def test_hinge_family_equals_keras(name, pair, reduction, zero_one):
    y, p = pair
    y_in = (y + 1) / 2 if zero_one else y
    y2, p2 = y_in.reshape(-1, y.shape[-1]), p.reshape(-1, y.shape[-1])  # Keras: (batch, d)
    f = M.hinge if name == "Hinge" else M.squared_hinge
    ours = f(y2, p2, reduction=reduction)
    if reduction == "none":  # Keras keeps the mean over the last axis...
        ours = ours.mean(axis=-1)
    if reduction == "sum":  # ...and its "sum" adds up those means
        ours = ours / y2.shape[-1]
    assert_allclose(ours, keras_value(getattr(keras.losses, name), y2, p2, reduction), rtol=KERAS_RTOL, atol=1e-12)


@given(rows=classes(values=moderate, max_k=5), reduction=reductions, one_hot=st.booleans())
def test_categorical_hinge_equals_keras(rows, reduction, one_hot):
    labels, s = rows
    y = np.eye(s.shape[1])[labels]
    ours = M.categorical_hinge(y if one_hot else labels, s, reduction=reduction)
    assert_allclose(ours, keras_value(keras.losses.CategoricalHinge, y, s, reduction), rtol=KERAS_RTOL, atol=1e-12)


@given(rows=classes(values=moderate, max_k=5), reduction=reductions)
def test_categorical_hinge_grad_equals_keras_autograd(rows, reduction):
    labels, s = rows
    y = np.eye(s.shape[1])[labels]
    other = (1 - y) * s
    top2 = np.sort(other, axis=-1)[:, -2:] if s.shape[1] > 1 else other
    assume(s.shape[1] == 1 or np.all(top2[:, 1] - top2[:, 0] > 1e-9))  # no tie for the best other score
    z = np.max(other, axis=-1) - np.sum(y * s, axis=-1) + 1
    assume(np.all(np.abs(z) > 1e-9))  # away from the kink, where keras.ops.maximum splits the gradient
    keras_reduction = {"mean": "sum_over_batch_size", "sum": "sum", "none": None}[reduction]
    loss = keras.losses.CategoricalHinge(reduction=keras_reduction, dtype="float64")
    grad = autograd(lambda q: loss(T(y), q), s)
    assert_allclose(M.categorical_hinge_grad(labels, s, reduction=reduction), grad, rtol=KERAS_RTOL, atol=1e-15)


# PyTorch losses --------------------------------------------------------------------------------


@given(
    rows=classes(),
    p=st.sampled_from([1, 2]),
    margin=st.sampled_from([1.0, 0.0, 0.5, -1.0]),
    weighted=st.booleans(),
    reduction=reductions,
    data=st.data(),
)
def test_multi_margin_equals_torch(rows, p, margin, weighted, reduction, data):
    labels, s = rows
    assume(p == 1 or np.max(np.abs(s)) < 1e150)  # squares of 1e300 overflow in both
    w = data.draw(hnp.arrays(np.float64, s.shape[1], elements=st.floats(0, 5))) if weighted else None
    kw = dict(p=p, margin=margin, weight=None if w is None else T(w), reduction=reduction)
    expected = F.multi_margin_loss(T(s), T(labels), **kw).numpy()
    ours = dict(p=p, margin=margin, weight=w, reduction=reduction)
    assert_allclose(M.multi_margin(labels, s, **ours), expected, rtol=RTOL)
    grad = autograd(lambda q: F.multi_margin_loss(q, T(labels), **kw), s)
    assert_allclose(M.multi_margin_grad(labels, s, **ours), grad, rtol=RTOL, atol=1e-300)


@st.composite
def multilabel(draw, values=scores):
    n, k = draw(st.integers(1, 5)), draw(st.integers(1, 6))
    s = draw(hnp.arrays(np.float64, (n, k), elements=values))
    t = draw(hnp.arrays(np.int64, (n, k), elements=st.integers(-1, k - 1)))
    return t, s


@given(pair=multilabel(), reduction=reductions)
def test_multilabel_margin_equals_torch(pair, reduction):
    t, s = pair
    expected = F.multilabel_margin_loss(T(s), T(t), reduction=reduction).numpy()
    assert_allclose(M.multilabel_margin(t, s, reduction=reduction), expected, rtol=RTOL)
    grad = autograd(lambda q: F.multilabel_margin_loss(q, T(t), reduction=reduction), s)
    assert_allclose(M.multilabel_margin_grad(t, s, reduction=reduction), grad, rtol=RTOL)


@given(pair=signed_pairs(scores), reduction=reductions)
def test_soft_margin_equals_torch(pair, reduction):
    y, s = pair
    expected = F.soft_margin_loss(T(s), T(y), reduction=reduction).numpy()
    # PyTorch computes log(1 + exp(-ys)): inf beyond ys < -709, where lossbook stays exact.
    finite = np.isfinite(F.soft_margin_loss(T(s), T(y), reduction="none").numpy())
    if finite.all():
        assert_allclose(M.soft_margin(y, s, reduction=reduction), expected, rtol=RTOL, atol=1e-300)
        grad = autograd(lambda q: F.soft_margin_loss(q, T(y), reduction=reduction), s)
        assert_allclose(M.soft_margin_grad(y, s, reduction=reduction), grad, rtol=RTOL, atol=1e-300)
    else:
        assert_allclose(
            M.soft_margin(y, s, reduction="none"), np.maximum(-y * s, 0) + np.log1p(np.exp(-np.abs(y * s))), rtol=RTOL
        )


# Distances are non-negative: a sum of +-1e300 terms would cancel differently in each summation order.
distances = st.one_of(st.floats(0, 10), st.integers(0, 3).map(float), st.floats(0, 1e300))


@given(pair=signed_pairs(distances), margin=st.sampled_from([1.0, 0.0, 2.5, -1.0]), reduction=reductions)
def test_hinge_embedding_equals_torch(pair, margin, reduction):
    y, d = pair
    expected = F.hinge_embedding_loss(T(d), T(y), margin=margin, reduction=reduction).numpy()
    assert_allclose(M.hinge_embedding(y, d, margin=margin, reduction=reduction), expected, rtol=RTOL)
    grad = autograd(lambda q: F.hinge_embedding_loss(q, T(y), margin=margin, reduction=reduction), d)
    assert_allclose(M.hinge_embedding_grad(y, d, margin=margin, reduction=reduction), grad, rtol=RTOL)


# Central differences (away from the kinks) ---------------------------------------------------


def test_gradients_equal_central_differences():
    rng = np.random.default_rng(0)
    y, s = rng.choice([-1.0, 1.0], (4, 3)), rng.normal(size=(4, 3)) * 2
    labels, k = rng.integers(0, 3, 4), np.eye(3)
    t = np.array([[0, 2, -1], [1, -1, 0], [2, 1, 0], [0, -1, -1]])
    w = np.array([0.5, 1.0, 2.0])
    cases = [
        (M.hinge, M.hinge_grad, (y,), {}),
        (M.squared_hinge, M.squared_hinge_grad, (y,), {}),
        (M.categorical_hinge, M.categorical_hinge_grad, (k[labels],), {}),
        (M.multi_margin, M.multi_margin_grad, (labels,), dict(p=2, weight=w)),
        (M.multi_margin, M.multi_margin_grad, (labels,), dict(margin=0.7)),
        (M.multilabel_margin, M.multilabel_margin_grad, (t,), {}),
        (M.soft_margin, M.soft_margin_grad, (y,), {}),
        (M.hinge_embedding, M.hinge_embedding_grad, (y,), dict(margin=1.5)),
    ]
    for f, g, first, kw in cases:
        for reduction in ("mean", "none"):
            numeric = central_differences(
                lambda q, f=f, first=first, reduction=reduction, kw=kw: np.sum(f(*first, q, reduction=reduction, **kw)),
                s,
            )
            assert_allclose(g(*first, s, reduction=reduction, **kw), numeric, rtol=1e-6, atol=1e-8, err_msg=f.__name__)


# Published values and conventions -----------------------------------------------------------


def test_keras_docstring_values_and_label_mapping():
    # Keras's own example in the CategoricalHinge docs style, computed by hand: max(0, 1.5 - 2 + 1)
    assert M.categorical_hinge([[1, 0, 0]], [[2.0, 1.5, 0.1]]) == pytest.approx(0.5, rel=1e-15)
    # the Keras quirk: every wrong score negative, the best "other" score is the true class's 0
    assert M.categorical_hinge([0], [[0.5, -3.0, -4.0]]) == pytest.approx(0.5, rel=1e-15)
    assert M.hinge([0, 1], [0.5, 0.5]) == M.hinge([-1, 1], [0.5, 0.5])


def test_inputs_are_not_modified_and_types():
    y, s = np.array([[1.0, -1.0]]), np.array([[0.3, 2.0]])
    labels, t = np.array([1]), np.array([[1, -1]])
    keep = [a.copy() for a in (y, s, labels, t)]
    for f in (M.hinge, M.squared_hinge, M.soft_margin, M.hinge_embedding):
        assert type(f(y, s)) is float and f(y, s, reduction="none").shape == (1, 2)
        assert f.__module__ == "lossbook.margin"
    for f in (M.hinge_grad, M.squared_hinge_grad, M.soft_margin_grad, M.hinge_embedding_grad):
        assert f(y, s).dtype == np.float64 and f(y, s).shape == (1, 2)
    assert M.categorical_hinge(labels, s, reduction="none").shape == (1,)
    assert M.multi_margin_grad(labels, s).shape == M.multilabel_margin_grad(t, s).shape == (1, 2)
    for a, b in zip(keep, (y, s, labels, t)):
        assert np.array_equal(a, b)


# The one-pass paths of hinge, squared_hinge and categorical_hinge over several blocks ----------

BIG = 3 * WIDE_BLOCK + 7  # three full blocks of the one pass and a partial one


def test_one_pass_hinge_family_over_blocks_equals_torch():
    rng = np.random.default_rng(7)
    y, s = rng.choice([-1.0, 1.0], BIG), rng.normal(size=BIG) * 3
    for squared, f in ((False, M.hinge), (True, M.squared_hinge)):
        for reduction in ("mean", "sum"):
            expected = torch_reduce(torch_hinge(T(y), T(s), squared), reduction).item()
            assert f(y, s, reduction=reduction) == pytest.approx(expected, rel=RTOL)
            # {0, 1} labels whose first zero is in the last block: the one pass stops there
            late = np.where(np.arange(BIG) < 3 * WIDE_BLOCK, 1.0, (y + 1) / 2)
            expected = torch_reduce(torch_hinge(T(2 * late - 1), T(s), squared), reduction).item()
            assert f(late, s, reduction=reduction) == pytest.approx(expected, rel=RTOL)


@pytest.mark.parametrize("f", [M.hinge, M.squared_hinge])
def test_one_pass_hinge_family_finds_a_bad_value_in_the_last_block(f):
    y, s = np.ones(BIG), np.zeros(BIG)
    y[-1] = 0.5
    with pytest.raises(ValueError, match=r"y_true must hold labels in \{-1, 1\} or in \{0, 1\}, got 0\.5"):
        f(y, s)
    y[-1], s[-1] = 1.0, np.inf  # a loss of max(0, 1 - inf) = 0 would hide it
    with pytest.raises(ValueError, match=r"y_pred must be finite, got inf at index \(%d,\)" % (BIG - 1)):
        f(y, s)
    for bad in (-np.inf, np.nan):  # a loss of inf, and NaN
        s[-1] = bad
        with pytest.raises(ValueError, match=r"y_pred must be finite, got %s at index \(%d,\)" % (bad, BIG - 1)):
            f(y, s)
    s[-1] = 0.0
    y[-1], s[-1] = np.nan, 0.0
    with pytest.raises(ValueError, match=r"y_true must be finite, got nan"):
        f(y, s)


def test_one_pass_hinge_overflowing_sum_is_rescaled():
    """Losses of 1e308 each: the block sums overflow, the general path's rescaled mean is finite."""
    y, s = -np.ones(BIG), np.full(BIG, 1e308)
    assert M.hinge(y, s) == pytest.approx(1 + 1e308, rel=RTOL)
    assert M.hinge(y, s, reduction="sum") == np.inf


def test_one_pass_categorical_hinge_over_blocks_equals_torch():
    rng = np.random.default_rng(8)
    k = 100
    s = rng.normal(size=(BIG // 50, k)) * 3
    labels = rng.integers(0, k, len(s))
    y = np.eye(k)[labels]
    y[1] = rng.dirichlet(np.ones(k))  # a soft row
    expected = F.relu(((1 - T(y)) * T(s)).amax(-1) - (T(y) * T(s)).sum(-1) + 1)
    for reduction in ("mean", "sum", "none"):
        assert_allclose(
            M.categorical_hinge(y, s, reduction=reduction), torch_reduce(expected, reduction).numpy(), rtol=RTOL
        )
    y[-1, 0], s[-1, 0] = 1.5, 0.0
    with pytest.raises(ValueError, match=r"y_true must be probabilities in \[0, 1\], got 1\.5"):
        M.categorical_hinge(y, s)
    y[-1, 0], s[-1, 0] = 0.0, -np.inf  # the one pass sees a NaN loss (0 x -inf); the general path names it
    with pytest.raises(ValueError, match=r"y_pred must be finite, got -inf"):
        M.categorical_hinge(y, s)


# Bad input -----------------------------------------------------------------------------------

S, Y = [[0.5, 1.0]], [[1, -1]]
BAD = [
    (lambda: M.hinge([[1, -1]], [[0.5]]), ValueError, r"y_true and y_pred must have the same shape"),
    (
        lambda: M.hinge([[1, 0, -1]], [[0.5, 1, 2]]),
        ValueError,
        r"y_true must hold labels in \{-1, 1\} or in \{0, 1\}, got 0\.0",
    ),
    (lambda: M.hinge(["a"], [1.0]), TypeError, r"y_true must contain real numbers"),
    (lambda: M.hinge([1], [np.nan]), ValueError, r"y_pred must be finite"),
    (lambda: M.hinge(Y, S, reduction="avg"), ValueError, r"reduction must be one of"),
    (lambda: M.squared_hinge_grad(Y, S, reduction=None), TypeError, r"reduction must be one of"),
    (lambda: M.categorical_hinge([[0.5, 2]], S), ValueError, r"y_true must be probabilities in \[0, 1\], got 2"),
    (lambda: M.categorical_hinge([2], S), ValueError, r"y_true must be class labels in \[0, 1\], got 2"),
    (lambda: M.categorical_hinge([0, 1, 1], S), ValueError, r"y_true must have the shape of y_pred \(1, 2\)"),
    (lambda: M.categorical_hinge(1, 0.5), ValueError, r"y_pred must have a class axis"),
    (lambda: M.multi_margin([0], S, p=3), ValueError, r"p must be 1 or 2, got 3"),
    (lambda: M.multi_margin([0], S, p=1.5), TypeError, r"p must be 1 or 2, got 1.5"),
    (lambda: M.multi_margin([0], S, margin="1"), TypeError, r"margin must be a real number"),
    (lambda: M.multi_margin([0], S, margin=np.inf), ValueError, r"margin must be finite"),
    (lambda: M.multi_margin([0], S, weight=[1.0]), ValueError, r"weight must have shape \(2,\)"),
    (lambda: M.multi_margin([0], S, weight=[1.0, -1.0]), ValueError, r"weight must not be negative, got -1\.0"),
    (lambda: M.multi_margin([0, 1], S), ValueError, r"labels must have shape \(1,\) for scores of shape \(1, 2\)"),
    (lambda: M.multi_margin([0.5], S), ValueError, r"labels must be integer class labels, got 0.5"),
    (lambda: M.multi_margin_grad([5], S), ValueError, r"labels must be class labels in \[0, 1\], got 5"),
    (
        lambda: M.multilabel_margin([[2, -1]], S),
        ValueError,
        r"targets must be class indices in \[0, 1\], padded with -1, got 2",
    ),
    (lambda: M.multilabel_margin([[-2, -1]], S), ValueError, r"got -2"),
    (lambda: M.multilabel_margin([[0.5, -1]], S), ValueError, r"targets must be integer class indices or -1, got 0.5"),
    (lambda: M.multilabel_margin_grad([[0]], S), ValueError, r"targets and scores must have the same shape"),
    (lambda: M.soft_margin([[1, 0]], S), ValueError, r"y_true must hold labels in \{-1, 1\}, got 0\.0"),
    (lambda: M.soft_margin_grad(Y, [[1.0, np.inf]]), ValueError, r"scores must be finite"),
    (lambda: M.hinge_embedding(Y, S, margin=None), TypeError, r"margin must be a real number, got None"),
    (lambda: M.hinge_embedding_grad([[2, 1]], S), ValueError, r"y_true must hold labels in \{-1, 1\}, got 2\.0"),
    (
        lambda: M.hinge_embedding(Y, [[]]),
        ValueError,
        r"y_true and distances must have the same shape|must not be empty",
    ),
]


@pytest.mark.parametrize("call, error, message", BAD)
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()
