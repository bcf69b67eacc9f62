"""The f_grad functions: PyTorch autograd in float64, central differences, mpmath, and bad input.

Every gradient is compared with PyTorch autograd through the matching PyTorch loss, in float64,
to a relative 1e-12, with hypothesis drawing inputs from tiny to huge magnitudes. Where PyTorch
computes a difference that cancels (softmax - one-hot, sigmoid - label) it rounds the result to
an absolute error of a few float64 epsilons of the terms; those tests allow exactly that much
absolute slack (`atol`), and lossbook's own accuracy there is checked against mpmath instead.
"""

import math

import mpmath
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_allclose, assert_array_equal

import lossbook as lb
from tests.strategies import classification, distribution_pairs, distributions, no_underflow, pairs, shapes

pytestmark = pytest.mark.filterwarnings("error")
RTOL = 1e-12
EPS = np.finfo(np.float64).eps
reductions = st.sampled_from(["mean", "sum", "none"])
bases = st.sampled_from([math.e, 2.0, 10.0]) | st.floats(1.5, 20)
# Powers of two from about 1e-298 to 1e298: scaling by them is exact, and differences neither over- nor underflow.
magnitudes = st.integers(-990, 990).map(lambda k: 2.0**k)


def T(x):
    return torch.tensor(np.asarray(x, dtype=np.float64), requires_grad=True)


def autograd(loss, x):
    """d sum(loss(x)) / dx by PyTorch autograd; sum() makes "none" the elementwise derivative."""
    x = T(x)
    loss(x).sum().backward()
    return x.grad.numpy()


def central_difference(f, x, h):
    """d sum(f(x)) / dx by central differences, one coordinate at a time."""
    x = np.asarray(x, dtype=float)
    g = np.empty_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        g[i] = (np.sum(f(up)) - np.sum(f(down))) / (2 * h)
    return g


@st.composite
def scaled_pairs(draw):
    """(y_true, y_pred, scale): a pair of arrays of moderate values (0 or 1e-3 to 1e3 in size) times a power of two."""
    t, p = draw(pairs(st.floats(-1e3, 1e3).filter(lambda v: v == 0 or abs(v) >= 1e-3)))
    scale = draw(magnitudes)
    return t * scale, p * scale, scale


# Regression: PyTorch autograd ----------------------------------------------------------------

REGRESSION = [
    (lb.mse_grad, F.mse_loss, {}),
    (lb.mae_grad, F.l1_loss, {}),
    (lb.huber_grad, F.huber_loss, {"delta": 1.0}),
]


@pytest.mark.parametrize("grad, torch_loss, options", REGRESSION, ids=["mse", "mae", "huber"])
@given(data=scaled_pairs(), reduction=reductions, delta=st.floats(1e-3, 1e3))
def test_regression_gradients_match_torch(grad, torch_loss, options, data, reduction, delta):
    t, p, scale = data
    options = {k: delta * scale for k in options}  # delta in the units of the data
    expected = autograd(lambda x: torch_loss(x, torch.from_numpy(t), reduction=reduction, **options), p)
    ours = grad(t, p, reduction=reduction, **options)
    assert ours.shape == p.shape and ours.dtype == np.float64
    assert_allclose(ours, expected, rtol=RTOL, atol=0)


@given(pairs(no_underflow))  # PyTorch's squares must not underflow (see the next test)
def test_rmse_gradient_matches_torch(arrays):
    t, p = arrays
    assume(np.any(t != p))  # at zero error PyTorch's sqrt gives NaN, lossbook 0 (tested below)
    expected = autograd(lambda x: torch.sqrt(F.mse_loss(x, torch.from_numpy(t))), p)
    assert_allclose(lb.rmse_grad(t, p), expected, rtol=RTOL, atol=0)


@given(scaled_pairs())
def test_rmse_gradient_is_scale_free_where_the_squares_overflow(data):
    # e / (n RMSE) does not change when every value is scaled; PyTorch's sqrt(mse) cannot follow
    # beyond 1e154 or below 1e-154, where the squares overflow or underflow; lossbook rescales.
    t, p, scale = data
    assume(np.any(t != p))
    assert_allclose(lb.rmse_grad(t, p), lb.rmse_grad(t / scale, p / scale), rtol=1e-13, atol=0)


def test_regression_kinks_follow_torch():
    t = np.array([1.0, 2.0, 3.0])
    assert_array_equal(lb.mae_grad(t, t), autograd(lambda x: F.l1_loss(x, torch.from_numpy(t)), t))  # sign(0) = 0
    assert_array_equal(lb.mae_grad(t, t), 0.0)
    # Huber at |e| = delta exactly: both branches have slope delta
    assert_array_equal(lb.huber_grad([0.0, 0.0], [2.0, -2.0], delta=2.0, reduction="sum"), [2.0, -2.0])
    # RMSE at zero error: 0, as torch.linalg.vector_norm (PyTorch's sqrt(mse_loss) gives NaN there)
    assert_array_equal(lb.rmse_grad(t, t), autograd(lambda x: torch.linalg.vector_norm(x - torch.from_numpy(t)), t))
    assert np.isnan(autograd(lambda x: torch.sqrt(F.mse_loss(x, torch.from_numpy(t))), t)).all()


# Information measures: PyTorch autograd --------------------------------------------------------


@st.composite
def tiny_distributions(draw):
    """Distributions with entries down to 1e-300 (and exact zeros), so that p/q and log p are extreme."""
    p = draw(distributions(zeros=True))
    tiny = draw(hnp.arrays(np.float64, p.shape, elements=st.sampled_from([1.0, 1e-100, 1e-300])))
    p = p * tiny
    p[..., 0] += 1 - p.sum(axis=-1)
    assume(np.all(p >= 0))
    return p


@given(tiny_distributions() | distributions(), bases)
def test_entropy_gradient_matches_torch(p, base):
    expected = autograd(lambda x: torch.special.entr(x).sum(-1) / math.log(base), p)
    assert_allclose(lb.entropy_grad(p, base=base), expected, rtol=RTOL, atol=0)  # inf where p = 0


@pytest.mark.parametrize("grad", [lb.cross_entropy_grad, lb.kl_divergence_grad])
@given(pq=distribution_pairs(), extreme=tiny_distributions(), base=bases)
def test_cross_entropy_and_kl_gradients_match_torch(grad, pq, extreme, base):
    p0, q0 = pq
    for p, q in ((p0, q0), (p0[..., ::-1].copy(), p0), (extreme, np.full(extreme.shape, 1 / extreme.shape[-1]))):
        assume(np.all(q > 0))
        if grad is lb.kl_divergence_grad:
            loss = lambda x, p=p: F.kl_div(torch.log(x), torch.from_numpy(p), reduction="sum") / math.log(base)  # noqa: E731
        else:
            loss = lambda x, p=p: -(torch.from_numpy(p) * torch.log(x)).sum() / math.log(base)  # noqa: E731
        assert_allclose(grad(p, q, base=base), autograd(loss, q), rtol=RTOL, atol=0)


def test_information_gradients_at_zero_probabilities():
    # H'(0) = +inf; cross-entropy: 0 where p = 0 (even where q = 0), -inf where q = 0 < p
    assert lb.entropy_grad([1.0, 0.0]).tolist() == [-1.0, math.inf]
    assert lb.cross_entropy_grad([1.0, 0.0], [0.0, 1.0]).tolist() == [-math.inf, 0.0]
    assert lb.kl_divergence_grad([0.0, 1.0], [0.0, 1.0]).tolist() == [0.0, -1.0]


# Classification: PyTorch autograd -------------------------------------------------------------

logit_scales = st.sampled_from([1.0, 30.0, 1e3, 1e100, 1e300])
smoothing = st.sampled_from([0.0, 0.1, 1.0]) | st.floats(0, 1)


@given(classification(), logit_scales, smoothing, reductions)
def test_softmax_cross_entropy_gradient_matches_torch(data, scale, eps, reduction):
    y, z = data
    z = z / 30 * scale  # logits up to +-1e300
    expected = autograd(lambda x: F.cross_entropy(x, torch.from_numpy(y), label_smoothing=eps, reduction=reduction), z)
    ours = lb.softmax_cross_entropy_grad(y, z, label_smoothing=eps, reduction=reduction)
    assert ours.shape == z.shape and ours.dtype == np.float64
    # PyTorch's exp(log_softmax) - target cancels to a few epsilons (of the target, 1) absolute
    atol = 4 * EPS / (len(y) if reduction == "mean" else 1)
    assert_allclose(ours, expected, rtol=RTOL, atol=atol)


@given(classification(probability_targets=True), logit_scales, smoothing, reductions)
def test_softmax_cross_entropy_gradient_with_probability_targets_matches_torch(data, scale, eps, reduction):
    y, z = data
    z = z / 30 * scale
    expected = autograd(lambda x: F.cross_entropy(x, torch.from_numpy(y), label_smoothing=eps, reduction=reduction), z)
    atol = 4 * EPS / (len(y) if reduction == "mean" else 1)
    assert_allclose(
        lb.softmax_cross_entropy_grad(y, z, label_smoothing=eps, reduction=reduction), expected, rtol=RTOL, atol=atol
    )


@given(pairs(st.floats(0, 1)), st.sampled_from([1e-11, 1e-6, 0.01]), reductions)
def test_binary_cross_entropy_gradient_matches_torch(arrays, margin, reduction):
    # PyTorch's backward divides by max(p (1 - p), 1e-12): equal where p (1 - p) >= 1e-12
    y, p = arrays
    p = margin + (1 - 2 * margin) * p
    expected = autograd(lambda x: F.binary_cross_entropy(x, torch.from_numpy(y), reduction=reduction), p)
    assert_allclose(lb.binary_cross_entropy_grad(y, p, reduction=reduction), expected, rtol=RTOL, atol=0)


@given(pairs(st.floats(-1, 1)), st.sampled_from([0.0, 1.0]) | st.floats(0, 1), logit_scales, reductions)
def test_binary_cross_entropy_with_logits_gradient_matches_torch(arrays, y, scale, reduction):
    _, z = arrays
    z, y = z * scale, np.full_like(z, y)
    expected = autograd(lambda x: F.binary_cross_entropy_with_logits(x, torch.from_numpy(y), reduction=reduction), z)
    # PyTorch's sigmoid(z) - y rounds to eps/2 absolute; lossbook's (1 - y) sigmoid(z) - y sigmoid(-z)
    # is exact for hard labels (see the mpmath test)
    atol = 2 * EPS / (z.size if reduction == "mean" else 1)
    assert_allclose(lb.binary_cross_entropy_with_logits_grad(y, z, reduction=reduction), expected, rtol=RTOL, atol=atol)


def exact_sigmoid(z):
    with mpmath.workdps(50):
        return 1 / (1 + mpmath.exp(-mpmath.mpf(z)))


@pytest.mark.parametrize(
    "y, z",
    [(1, 40.0), (1, 700.0), (0, -40.0), (0, -700.0), (1, -3.0), (0.25, 1e-20), (1, 1e300), (0, 0.0), (0.5, 37.0)],
)
def test_binary_cross_entropy_with_logits_gradient_accuracy(y, z):
    ours = lb.binary_cross_entropy_with_logits_grad([y], [z], reduction="sum")[0]
    with mpmath.workdps(50):
        y = mpmath.mpf(y)
        exact = (1 - y) * exact_sigmoid(z) - y * exact_sigmoid(-z)  # sigmoid(z) - y, without cancelling
        assert abs(mpmath.mpf(ours) - exact) <= 1e-14 * abs(exact) + mpmath.mpf(2) ** -1074, (ours, exact)


def test_binary_cross_entropy_gradient_at_zero_and_one():
    g = lb.binary_cross_entropy_grad([0, 1, 1, 0, 0.5, 0.5], [0.0, 1.0, 0.0, 1.0, 0.0, 1.0], reduction="none")
    assert g.tolist() == [1.0, -1.0, -math.inf, math.inf, -math.inf, math.inf]


# Central differences: the gradient of what each loss computes ------------------------------------

rng = np.random.default_rng(14)
T_REG, P_REG = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
P_REG[P_REG - T_REG == 0] += 0.5
P_DIST, Q_DIST = rng.dirichlet(np.ones(5) * 2, 3), rng.dirichlet(np.ones(5) * 2, 3) * 0.9 + 0.02
LABELS, LOGITS = rng.integers(0, 5, (2, 3)), rng.normal(size=(2, 3, 5)) * 2
Y01, P01, Z01 = rng.random((3, 4)), rng.uniform(0.1, 0.9, (3, 4)), rng.normal(size=(3, 4)) * 3
W5, W4 = rng.uniform(0.2, 2, 5), rng.uniform(0.2, 2, 4)
# (name, f, f_grad, argument index of the prediction, the other arguments, options, step)
DIFFERENCES = [
    ("mse", lb.mse, lb.mse_grad, (T_REG, P_REG), {"reduction": "mean"}, 1e-6),
    ("mae", lb.mae, lb.mae_grad, (T_REG, P_REG), {"reduction": "sum"}, 1e-6),
    ("rmse", lb.rmse, lb.rmse_grad, (T_REG, P_REG), {}, 1e-6),
    ("huber", lb.huber, lb.huber_grad, (T_REG, P_REG), {"delta": 0.8, "reduction": "none"}, 1e-6),
    ("entropy", lb.entropy, lb.entropy_grad, (Q_DIST,), {"base": 2.0}, 1e-8),
    ("cross_entropy", lb.cross_entropy, lb.cross_entropy_grad, (P_DIST, Q_DIST), {}, 1e-8),
    ("kl_divergence", lb.kl_divergence, lb.kl_divergence_grad, (P_DIST, Q_DIST), {"base": 10.0}, 1e-8),
    (
        "softmax_cross_entropy",
        lb.softmax_cross_entropy,
        lb.softmax_cross_entropy_grad,
        (LABELS, LOGITS),
        {"label_smoothing": 0.2, "weight": W5, "reduction": "mean"},
        1e-6,
    ),
    (
        "softmax_cross_entropy probabilities",
        lb.softmax_cross_entropy,
        lb.softmax_cross_entropy_grad,
        (Q_DIST, LOGITS[0]),
        {"weight": W5, "reduction": "sum"},
        1e-6,
    ),
    ("nll", lb.nll, lb.nll_grad, (LABELS, LOGITS), {"weight": W5, "ignore_index": 2}, 1e-6),
    ("binary_cross_entropy", lb.binary_cross_entropy, lb.binary_cross_entropy_grad, (Y01, P01), {"weight": W4}, 1e-7),
    (
        "binary_cross_entropy_with_logits",
        lb.binary_cross_entropy_with_logits,
        lb.binary_cross_entropy_with_logits_grad,
        (Y01, Z01),
        {"weight": W4[:, None][:3], "pos_weight": W4},
        1e-6,
    ),
]


@pytest.mark.parametrize("name, f, grad, args, options, h", DIFFERENCES, ids=[d[0] for d in DIFFERENCES])
def test_gradient_equals_central_differences(name, f, grad, args, options, h):
    *fixed, x = args
    numeric = central_difference(lambda v: f(*fixed, v, **options), x, h)
    assert_allclose(grad(*fixed, x, **options), numeric, rtol=1e-6, atol=1e-8)


# The oracle tests have teeth -----------------------------------------------------------------


def test_a_perturbed_gradient_fails_the_oracle(monkeypatch):
    """Break softmax_cross_entropy_grad by one part in 1e9 and the PyTorch comparison catches it."""
    y, z = np.array([0, 2, 1]), np.array([[2.0, 1.0, 0.1], [0.5, 0.3, 2.2], [1.2, 0.8, -0.5]])
    expected = autograd(lambda x: F.cross_entropy(x, torch.from_numpy(y)), z)
    assert_allclose(lb.softmax_cross_entropy_grad(y, z), expected, rtol=RTOL, atol=4 * EPS / 3)
    true_grad = lb.softmax_cross_entropy_grad
    monkeypatch.setattr(lb, "softmax_cross_entropy_grad", lambda *a, **k: true_grad(*a, **k) * (1 + 1e-9))
    with pytest.raises(AssertionError):
        assert_allclose(lb.softmax_cross_entropy_grad(y, z), expected, rtol=RTOL, atol=4 * EPS / 3)


# Shapes, types, inputs untouched -----------------------------------------------------------------

GRADIENTS = {
    lb.mse: lb.mse_grad,
    lb.mae: lb.mae_grad,
    lb.rmse: lb.rmse_grad,
    lb.huber: lb.huber_grad,
    lb.entropy: lb.entropy_grad,
    lb.cross_entropy: lb.cross_entropy_grad,
    lb.kl_divergence: lb.kl_divergence_grad,
    lb.softmax_cross_entropy: lb.softmax_cross_entropy_grad,
    lb.nll: lb.nll_grad,
    lb.binary_cross_entropy: lb.binary_cross_entropy_grad,
    lb.binary_cross_entropy_with_logits: lb.binary_cross_entropy_with_logits_grad,
}


def test_every_loss_has_a_gradient_exported_next_to_it():
    for f, grad in GRADIENTS.items():
        assert grad.__name__ == f"{f.__name__}_grad" and grad.__module__ == f.__module__
        assert grad.__name__ in lb.__all__
        assert "$$" in grad.__doc__ and "Examples:" in grad.__doc__  # a formula and an example, like the losses


@pytest.mark.parametrize("name, f, grad, args, options, h", DIFFERENCES, ids=[d[0] for d in DIFFERENCES])
def test_gradients_leave_their_inputs_alone(name, f, grad, args, options, h):
    frozen = []
    for a in args:
        a = np.array(a)
        a.setflags(write=False)  # any write would raise
        frozen.append(a)
    copies = [a.copy() for a in frozen]
    out = grad(*frozen, **options)
    assert out.dtype == np.float64 and out.shape == frozen[-1].shape
    assert all(out is not a and not np.shares_memory(out, a) for a in frozen)
    for a, c in zip(frozen, copies):
        assert_array_equal(a, c)


@given(hnp.arrays(np.float64, shapes, elements=st.floats(-5, 5)), st.data())
def test_classes_last_equals_torch_classes_second(z, data):
    # (..., K) logits here are PyTorch's (N, K, d1, ...) after moving the class axis
    assume(z.ndim >= 2)
    y = data.draw(hnp.arrays(np.int64, z.shape[:-1], elements=st.integers(0, z.shape[-1] - 1)))
    zt = np.moveaxis(z, -1, 1)
    expected = autograd(lambda x: F.cross_entropy(x, torch.from_numpy(y)), zt)
    assert_allclose(lb.softmax_cross_entropy_grad(y, z), np.moveaxis(expected, 1, -1), rtol=RTOL, atol=4 * EPS / y.size)
    assert math.isclose(
        lb.softmax_cross_entropy(y, z),
        F.cross_entropy(torch.from_numpy(zt), torch.from_numpy(y)).item(),
        rel_tol=RTOL,
        abs_tol=1e-15,
    )


@pytest.mark.parametrize("z", [[40.0, 0.0], [16.0, 0.0, -3.0], [700.0, 0.0], [5.0, 4.0, 3.0]])
def test_softmax_cross_entropy_gradient_accuracy_of_a_confident_row(z):
    # The true class's p - 1 cancels where p is close to 1; lossbook computes it as expm1(log p).
    ours = lb.softmax_cross_entropy_grad([0], [z], reduction="sum")[0]
    with mpmath.workdps(60):
        e = [mpmath.exp(mpmath.mpf(v) - mpmath.mpf(z[0])) for v in z]
        total = mpmath.fsum(e)
        exact = [-mpmath.fsum(e[1:]) / total] + [v / total for v in e[1:]]  # p_0 - 1 = -(the others)
        for value, x in zip(ours, exact):
            assert abs(mpmath.mpf(value) - x) <= 1e-14 * abs(x) + mpmath.mpf(2) ** -1074, (value, x)
