"""Class weights, ignore_index, pos_weight and element weights: PyTorch's semantics, and bad input.

Losses and their gradients are compared with PyTorch in float64 (loss to a relative 1e-12,
gradients as in test_gradients.py), on logits with classes on the last axis of any leading
shape, which PyTorch takes with the classes on the second axis.
"""

import math
import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_allclose, assert_array_equal

import lossbook as lb
from tests.package.test_validation import bad_calls
from tests.strategies import distributions, logit_values

pytestmark = pytest.mark.filterwarnings("error")
RTOL = 1e-12
EPS = np.finfo(np.float64).eps
reductions = st.sampled_from(["mean", "sum", "none"])
smoothing = st.sampled_from([0.0, 0.1, 1.0]) | st.floats(0, 1)
weights = st.sampled_from([0.0, 1.0]) | st.floats(0.01, 100)
leading = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=5)


def T(x):
    return torch.tensor(np.asarray(x, dtype=np.float64), requires_grad=True)


def to_torch_layout(a):
    """(N, d1, ..., K) -> PyTorch's (N, K, d1, ...); a 1-D (K,) row stays as it is."""
    return np.ascontiguousarray(np.moveaxis(a, -1, 1)) if a.ndim > 2 else a  # nll_loss2d wants contiguous


def torch_loss_and_grad(loss, x, classes=True):
    """PyTorch's loss (as numpy) and d sum(loss) / dx, with the classes moved back to the last axis."""
    xt = T(to_torch_layout(x) if classes else x)
    out = loss(xt)
    out.sum().backward()
    value, grad = out.detach().numpy(), xt.grad.numpy()
    return (value.item() if value.ndim == 0 else value), np.moveaxis(grad, 1, -1) if classes and x.ndim > 2 else grad


@st.composite
def class_problems(draw, probabilities=False, ignore=True):
    """(y, z, weight, ignore_index): logits (..., K), class indices (...) some of them ignored."""
    shape, k = draw(leading), draw(st.integers(1, 5))
    z = draw(hnp.arrays(np.float64, shape + (k,), elements=logit_values))
    w = draw(st.none() | hnp.arrays(np.float64, k, elements=weights))
    if probabilities:
        return draw(distributions(shape + (k,))), z, w, None
    y = draw(hnp.arrays(np.int64, shape, elements=st.integers(0, k - 1)))
    index = draw(st.sampled_from([None, -100, 0, k - 1])) if ignore else None
    if index is not None:
        y = np.where(draw(hnp.arrays(np.bool_, shape)), index, y)
    return y, z, w, index


def assert_matches(ours, expected, atol=0.0):
    assert_allclose(ours, expected, rtol=RTOL, atol=atol, equal_nan=True)


# softmax_cross_entropy and nll against PyTorch ----------------------------------------------


@given(class_problems(), smoothing, reductions)
def test_softmax_cross_entropy_options_match_torch(problem, eps, reduction):
    y, z, w, index = problem
    torch_options = dict(
        weight=None if w is None else torch.from_numpy(w),
        label_smoothing=eps,
        reduction=reduction,
        ignore_index=-100 if index is None else index,
    )
    value, grad = torch_loss_and_grad(lambda x: F.cross_entropy(x, _labels(y), **torch_options), z)
    options = dict(weight=w, ignore_index=index, label_smoothing=eps, reduction=reduction)
    positions = max(y.size, 1)
    scale = np.max(w) if w is not None else 1.0
    assert_matches(lb.softmax_cross_entropy(y, z, **options), value, atol=1e-14 * scale * positions)
    ours = lb.softmax_cross_entropy_grad(y, z, **options)
    assert ours.shape == z.shape
    # The gradient's terms are weights divided by the mean's denominator; both libraries round them.
    kept = np.ones(y.shape, bool) if index is None else y != index
    denominator = np.sum(w[y[kept]]) if w is not None else np.sum(kept)
    assert_matches(ours, grad, atol=4 * EPS * scale / (denominator if reduction == "mean" and denominator else 1))


def _labels(y):
    """Class indices in PyTorch's layout: (N, d1, ...) is already it."""
    return torch.from_numpy(np.asarray(y))


@given(class_problems(probabilities=True), smoothing, reductions)
def test_softmax_cross_entropy_weights_with_probability_targets_match_torch(problem, eps, reduction):
    # With probability targets PyTorch's weighted mean divides by the number of positions.
    y, z, w, _ = problem
    torch_y = torch.from_numpy(to_torch_layout(y))
    value, grad = torch_loss_and_grad(
        lambda x: F.cross_entropy(
            x, torch_y, weight=None if w is None else torch.from_numpy(w), label_smoothing=eps, reduction=reduction
        ),
        z,
    )
    scale = np.max(w) if w is not None else 1.0
    options = dict(weight=w, label_smoothing=eps, reduction=reduction)
    assert_matches(lb.softmax_cross_entropy(y, z, **options), value, atol=1e-14 * scale * max(y.size, 1))
    assert_matches(lb.softmax_cross_entropy_grad(y, z, **options), grad, atol=4 * EPS * scale)


@given(class_problems(), reductions)
def test_nll_matches_torch(problem, reduction):
    y, z, w, index = problem
    log_q = lb.log_softmax(z)
    value, grad = torch_loss_and_grad(
        lambda x: F.nll_loss(
            x,
            _labels(y),
            weight=None if w is None else torch.from_numpy(w),
            ignore_index=-100 if index is None else index,
            reduction=reduction,
        ),
        log_q,
    )
    options = dict(weight=w, ignore_index=index, reduction=reduction)
    assert_matches(lb.nll(y, log_q, **options), value)
    assert_matches(lb.nll_grad(y, log_q, **options), grad)
    # nll of log_softmax is softmax_cross_entropy
    assert_allclose(
        lb.nll(y, log_q, **options), lb.softmax_cross_entropy(y, z, **options), rtol=1e-12, atol=1e-14, equal_nan=True
    )


# The edges of the weighted mean: everything ignored, weights summing to 0 -------------------------


@pytest.mark.parametrize("eps", [0.0, 0.1])
@pytest.mark.parametrize("weight", [None, [1.0, 2.0, 3.0]])
def test_all_targets_ignored_matches_torch(eps, weight):
    # PyTorch: the mean of nothing is 0 / 0 = NaN, the sum 0, the per-position losses 0; the gradient 0.
    y, z = np.array([[-100, -100]]), np.array([[[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]]])
    w = None if weight is None else torch.tensor(weight, dtype=torch.float64)
    for reduction in ("mean", "sum", "none"):
        options = dict(weight=weight, ignore_index=-100, label_smoothing=eps, reduction=reduction)
        value, grad = torch_loss_and_grad(
            lambda x, r=reduction: F.cross_entropy(x, _labels(y), weight=w, label_smoothing=eps, reduction=r), z
        )
        ours = lb.softmax_cross_entropy(y, z, **options)
        assert_matches(ours, value)
        assert_array_equal(lb.softmax_cross_entropy_grad(y, z, **options), grad)
        assert_array_equal(grad, 0.0)
        value, grad = torch_loss_and_grad(lambda x, r=reduction: F.nll_loss(x, _labels(y), weight=w, reduction=r), z)
        assert_matches(lb.nll(y, z, weight=weight, ignore_index=-100, reduction=reduction), value)
        assert_array_equal(lb.nll_grad(y, z, weight=weight, ignore_index=-100, reduction=reduction), grad)
    assert math.isnan(lb.softmax_cross_entropy(y, z, ignore_index=-100))  # documented: NaN, as PyTorch


def test_targets_of_zero_weight_match_torch():
    # Weights of the targets summing to 0 (none ignored): NaN mean, NaN gradient rows in PyTorch too
    y, z, w = np.array([0, 1, 2]), np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0], [2.0, 2.0, 2.0]]), [0.0, 0.0, 1.0]
    y[2] = 5  # ignored: its row of the gradient stays 0
    value, grad = torch_loss_and_grad(
        lambda x: F.cross_entropy(x, _labels(y), weight=torch.tensor(w, dtype=torch.float64), ignore_index=5), z
    )
    assert math.isnan(value) and math.isnan(lb.softmax_cross_entropy(y, z, weight=w, ignore_index=5))
    assert_matches(lb.softmax_cross_entropy_grad(y, z, weight=w, ignore_index=5), grad)
    assert np.isnan(grad[:2]).all() and (grad[2] == 0).all()


def test_ignored_positions_cost_nothing_and_leave_the_mean():
    y, z = np.array([2, -1, 0, -1]), np.arange(12.0).reshape(4, 3) / 4
    kept = np.array([True, False, True, False])
    assert lb.softmax_cross_entropy(y, z, ignore_index=-1) == pytest.approx(
        lb.softmax_cross_entropy(y[kept], z[kept]), rel=1e-15
    )
    none = lb.softmax_cross_entropy(y, z, ignore_index=-1, reduction="none")
    assert none[1] == none[3] == 0.0
    # an ignore_index inside [0, K) ignores that class's positions
    assert lb.softmax_cross_entropy([0, 1, 2], z[:3], ignore_index=1) == pytest.approx(
        lb.softmax_cross_entropy([0, 2], z[[0, 2]]), rel=1e-15
    )


# Binary losses: element weights and pos_weight ------------------------------------------------


@st.composite
def binary_problems(draw, logits):
    """(y, x, weight, pos_weight): x logits or probabilities; weights broadcast to x."""
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5))
    elements = logit_values if logits else st.floats(0.001, 0.999)
    x = draw(hnp.arrays(np.float64, shape, elements=elements))
    y = draw(hnp.arrays(np.float64, shape, elements=st.sampled_from([0.0, 1.0]) | st.floats(0, 1)))
    w_shape = draw(st.sampled_from([shape, shape[-1:], (1,) * len(shape), shape[:-1] + (1,), ()]))
    w = draw(st.none() | hnp.arrays(np.float64, w_shape, elements=weights))
    pos = draw(st.none() | hnp.arrays(np.float64, draw(st.sampled_from([shape[-1:], (1,), ()])), elements=weights))
    return y, x, w, pos


@given(binary_problems(logits=False), reductions)
def test_binary_cross_entropy_weight_matches_torch(problem, reduction):
    y, p, w, _ = problem
    wt = None if w is None else torch.from_numpy(np.asarray(w))
    value, grad = torch_loss_and_grad(
        lambda x: F.binary_cross_entropy(x, torch.from_numpy(y), weight=wt, reduction=reduction), p, classes=False
    )
    assert_matches(lb.binary_cross_entropy(y, p, weight=w, reduction=reduction), value)
    assert_matches(lb.binary_cross_entropy_grad(y, p, weight=w, reduction=reduction), grad)


@given(binary_problems(logits=True), reductions)
def test_binary_cross_entropy_with_logits_weights_match_torch(problem, reduction):
    y, z, w, pos = problem
    wt = None if w is None else torch.from_numpy(np.asarray(w))
    pt = None if pos is None else torch.from_numpy(np.asarray(pos))
    value, grad = torch_loss_and_grad(
        lambda x: F.binary_cross_entropy_with_logits(
            x, torch.from_numpy(y), weight=wt, pos_weight=pt, reduction=reduction
        ),
        z,
        classes=False,
    )
    options = dict(weight=w, pos_weight=pos, reduction=reduction)
    big = (1 if w is None else np.max(w)) * (1 + (0 if pos is None else np.max(pos)))
    n = z.size if reduction == "sum" else 1
    # PyTorch's loss (1 - y) z + (1 + (a - 1) y) softplus(-z) and gradient cancel to about |z| eps
    assert_matches(lb.binary_cross_entropy_with_logits(y, z, **options), value, atol=4 * EPS * big * 31 * n)
    assert_matches(lb.binary_cross_entropy_with_logits_grad(y, z, **options), grad, atol=4 * EPS * big)


def test_pos_weight_one_and_weight_one_change_nothing():
    y, z = np.array([[1.0, 0.0, 0.3]]), np.array([[2.0, -1.0, 0.5]])
    plain = lb.binary_cross_entropy_with_logits(y, z, reduction="none")
    assert_allclose(
        lb.binary_cross_entropy_with_logits(y, z, pos_weight=[1.0, 1.0, 1.0], weight=1.0, reduction="none"),
        plain,
        rtol=1e-15,
    )
    # pos_weight a multiplies the positive part: for y = 1 the loss is a times the plain one
    assert_allclose(
        lb.binary_cross_entropy_with_logits([1.0], [0.3], pos_weight=[3.0]),
        3 * lb.binary_cross_entropy_with_logits([1.0], [0.3]),
        rtol=1e-15,
    )


def test_zero_weight_cancels_an_infinite_loss():
    # An element of weight 0 counts 0, even where its loss is inf (PyTorch clamps log at -100 instead)
    assert lb.binary_cross_entropy([1.0, 1.0], [0.0, 0.5], weight=[0.0, 1.0], reduction="sum") == math.log(2)
    assert lb.binary_cross_entropy_grad([1.0, 1.0], [0.0, 0.5], weight=[0.0, 1.0], reduction="sum").tolist() == [
        0.0,
        -2.0,
    ]


# Bad input for the new arguments --------------------------------------------------------------

Z3, Y3 = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]]), np.array([0, 2])
P3 = np.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]])
BAD_OPTIONS = [
    # (function, arguments, exception, words the message must contain)
    (lb.softmax_cross_entropy, dict(y_true=Y3, logits=Z3, weight=[1.0, 2.0]), ValueError, ["weight", "(3,)", "(2,)"]),
    (
        lb.softmax_cross_entropy,
        dict(y_true=Y3, logits=Z3, weight=[[1.0, 2.0, 3.0]]),
        ValueError,
        ["weight", "(3,)", "(1, 3)"],
    ),
    (
        lb.softmax_cross_entropy,
        dict(y_true=Y3, logits=Z3, weight=[1.0, -2.0, 3.0]),
        ValueError,
        ["weight", "non-negative", "-2.0"],
    ),
    (
        lb.softmax_cross_entropy,
        dict(y_true=Y3, logits=Z3, weight=[1.0, math.nan, 3.0]),
        ValueError,
        ["weight", "finite", "nan"],
    ),
    (lb.softmax_cross_entropy, dict(y_true=Y3, logits=Z3, weight=["a", "b", "c"]), TypeError, ["weight"]),
    (lb.softmax_cross_entropy, dict(y_true=Y3, logits=Z3, weight=[]), ValueError, ["weight", "empty"]),
    (lb.softmax_cross_entropy, dict(y_true=Y3, logits=Z3, ignore_index=1.5), TypeError, ["ignore_index", "1.5"]),
    (lb.softmax_cross_entropy, dict(y_true=Y3, logits=Z3, ignore_index="-100"), TypeError, ["ignore_index", "'-100'"]),
    (lb.softmax_cross_entropy, dict(y_true=Y3, logits=Z3, ignore_index=True), TypeError, ["ignore_index", "True"]),
    (
        lb.softmax_cross_entropy,
        dict(y_true=P3, logits=Z3, ignore_index=-100),
        ValueError,
        ["ignore_index", "class indices", "(2, 3)", "(2,)"],
    ),
    (
        lb.softmax_cross_entropy,
        dict(y_true=[0, 7], logits=Z3, ignore_index=-100),
        ValueError,
        ["y_true", "[0, 2]", "7"],
    ),
    (lb.softmax_cross_entropy, dict(y_true=Y3, logits=5.0), ValueError, ["logits", "scalar"]),
    (lb.nll, dict(labels=Y3, log_probs=Z3, weight=[1.0, 2.0, 3.0, 4.0]), ValueError, ["weight", "(3,)", "(4,)"]),
    (lb.nll, dict(labels=Y3, log_probs=Z3, ignore_index=0.0), TypeError, ["ignore_index", "0.0"]),
    (lb.nll, dict(labels=P3, log_probs=Z3), ValueError, ["labels", "(2,)", "(2, 3)"]),
    (lb.nll, dict(labels=[[0, 1]], log_probs=Z3), ValueError, ["labels", "(2,)", "(1, 2)", "log_probs"]),
    (lb.nll, dict(labels=Y3, log_probs=Z3, reduction="batchmean"), ValueError, ["reduction", "batchmean"]),
    (lb.binary_cross_entropy, dict(y_true=P3, p_pred=P3, weight=[1.0, 2.0]), ValueError, ["weight", "(2, 3)", "(2,)"]),
    (
        lb.binary_cross_entropy,
        dict(y_true=P3, p_pred=P3, weight=np.ones((1, 2, 3))),
        ValueError,
        ["weight", "(2, 3)", "(1, 2, 3)"],
    ),
    (
        lb.binary_cross_entropy,
        dict(y_true=P3, p_pred=P3, weight=[1.0, -1.0, 1.0]),
        ValueError,
        ["weight", "non-negative", "-1.0"],
    ),
    (
        lb.binary_cross_entropy_with_logits,
        dict(y_true=P3, logits=Z3, pos_weight=[1.0, 2.0]),
        ValueError,
        ["pos_weight", "(3,)", "(2,)"],
    ),
    (
        lb.binary_cross_entropy_with_logits,
        dict(y_true=P3, logits=Z3, pos_weight=np.ones((2, 3))),
        ValueError,
        ["pos_weight", "(3,)", "(2, 3)"],
    ),
    (
        lb.binary_cross_entropy_with_logits,
        dict(y_true=P3, logits=Z3, pos_weight=[1.0, -0.5, 1.0]),
        ValueError,
        ["pos_weight", "non-negative", "-0.5"],
    ),
    (
        lb.binary_cross_entropy_with_logits,
        dict(y_true=P3, logits=Z3, pos_weight=[1.0, math.inf, 1.0]),
        ValueError,
        ["pos_weight", "finite", "inf"],
    ),
    (
        lb.binary_cross_entropy_with_logits,
        dict(y_true=P3, logits=Z3, weight=np.ones((3, 1))),
        ValueError,
        ["weight", "(2, 3)", "(3, 1)"],
    ),
]


@pytest.mark.parametrize(
    "f, kwargs, error, words", BAD_OPTIONS, ids=[f"{f.__name__}-{i}" for i, (f, *_) in enumerate(BAD_OPTIONS)]
)
@pytest.mark.parametrize("gradient", [False, True], ids=["loss", "grad"])
def test_bad_options_raise_a_clear_error(f, kwargs, error, words, gradient):
    f = getattr(lb, f"{f.__name__}_grad") if gradient else f
    with pytest.raises(error) as info:
        f(**kwargs)
    for word in words:
        assert word in str(info.value), f"message {str(info.value)!r} does not mention {word!r}"


GRADIENT_OF = {
    f: getattr(lb, f"{f.__name__}_grad")
    for f in (
        lb.mse,
        lb.mae,
        lb.rmse,
        lb.huber,
        lb.entropy,
        lb.cross_entropy,
        lb.kl_divergence,
        lb.softmax_cross_entropy,
        lb.binary_cross_entropy,
        lb.binary_cross_entropy_with_logits,
    )
}


@pytest.mark.parametrize("f, kwargs, error, names", [p for p in bad_calls() if p.values[0] in GRADIENT_OF])
def test_gradients_reject_what_their_losses_reject_with_the_same_message(f, kwargs, error, names):
    with pytest.raises(error) as loss_error:
        f(**kwargs)
    with pytest.raises(error) as grad_error:
        GRADIENT_OF[f](**kwargs)
    assert str(grad_error.value) == str(loss_error.value)


def test_messages_say_how_to_fix():
    with pytest.raises(ValueError, match=re.escape("pass class indices of shape (2,), or drop ignore_index")):
        lb.softmax_cross_entropy(P3, Z3, ignore_index=-100)
    with pytest.raises(ValueError, match=re.escape("weight must have shape (3,), one weight per class")):
        lb.softmax_cross_entropy(Y3, Z3, weight=[1.0])
    with pytest.raises(ValueError, match=re.escape("classes on the last axis")):
        lb.softmax_cross_entropy([0, 1, 2], Z3)


def test_nll_leaves_its_inputs_alone():
    labels, log_q = np.array([0, -100, 2]), lb.log_softmax(np.arange(9.0).reshape(3, 3))
    for a in (labels, log_q):
        a.setflags(write=False)
    copies = labels.copy(), log_q.copy()
    out = lb.nll(labels, log_q, weight=[1.0, 2.0, 3.0], ignore_index=-100, reduction="none")
    assert out.dtype == np.float64 and out.shape == (3,)
    assert_array_equal(labels, copies[0])
    assert_array_equal(log_q, copies[1])


def test_narrow_logits_with_ignored_and_weighted_targets_give_the_float64_result():
    # int8 logits go through map_blocks block by block; the labels and the ignore mask reach the kernel as they are.
    rng = np.random.default_rng(3)
    z = rng.integers(-3, 4, (70_000, 10)).astype(np.int8)  # more than one block of rows
    y = rng.integers(0, 10, len(z))
    y[::7] = -100
    for options in (dict(ignore_index=-100), dict(ignore_index=-100, weight=np.arange(1.0, 11.0), label_smoothing=0.1)):
        assert lb.softmax_cross_entropy(y, z, **options) == lb.softmax_cross_entropy(y, z.astype(float), **options)
        assert_array_equal(
            lb.softmax_cross_entropy_grad(y, z, **options), lb.softmax_cross_entropy_grad(y, z.astype(float), **options)
        )
