"""The atlas's regression losses: equal to PyTorch, scikit-learn and Keras, gradients equal to autograd.

Oracles: PyTorch in float64 and scikit-learn at a relative 1e-12; Keras (PyTorch backend, parts of
its computation in float32) at 1e-6; mpmath at 50 digits where no float64 oracle is accurate
(log-cosh of small errors, MSLE of close predictions). Gradients: PyTorch autograd at 1e-12 and
central differences of lossbook's own loss at 1e-6.
"""

import math
import os
import warnings

os.environ["KERAS_BACKEND"] = "torch"  # before keras is imported

import keras  # noqa: E402
import mpmath  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from hypothesis import assume, example, given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402
from numpy.testing import assert_allclose  # noqa: E402
from sklearn.metrics import mean_absolute_percentage_error, mean_pinball_loss, mean_squared_log_error  # noqa: E402

import lossbook  # noqa: E402
from lossbook import (  # noqa: E402
    gaussian_nll,
    gaussian_nll_grad,
    log_cosh,
    log_cosh_grad,
    mape,
    mape_grad,
    msle,
    msle_grad,
    poisson_nll,
    poisson_nll_grad,
    quantile,
    quantile_grad,
    regression,  # noqa: E402
    smooth_l1,
    smooth_l1_grad,
)
from lossbook._validation import WIDE_BLOCK  # noqa: E402
from tests.gradcheck import assert_matches_differences, autograd, central_differences  # noqa: E402
from tests.strategies import shapes  # noqa: E402

pytestmark = pytest.mark.filterwarnings("error")
RTOL = 1e-12
KERAS_RTOL = 1e-6
REDUCTIONS = ("mean", "sum", "none")

# Magnitudes: everyday numbers, tiny ones, huge ones (differences stay below float64's maximum).
tiers = st.sampled_from(
    [
        st.floats(-1e3, 1e3, allow_subnormal=False),
        st.floats(-1e-150, 1e-150, allow_subnormal=False),
        st.floats(-1e300, 1e300, allow_subnormal=False),
    ]
)


@st.composite
def pairs(draw, elements=None, second=None):
    """(y_true, y_pred) of one shape; elements of one magnitude tier unless given."""
    shape = draw(shapes)
    first = draw(tiers) if elements is None else elements
    return (
        draw(hnp.arrays(np.float64, shape, elements=first)),
        draw(hnp.arrays(np.float64, shape, elements=first if second is None else second)),
    )


moderate = st.floats(-20, 20, allow_subnormal=False)
positive_moderate = st.floats(0.05, 50)


def torch_loss(f, prediction, target, *rest, **options):
    out = f(
        torch.from_numpy(np.asarray(prediction)),
        torch.from_numpy(np.asarray(target)),
        *(torch.from_numpy(np.asarray(r)) for r in rest),
        **options,
    )
    return out.item() if out.ndim == 0 else out.numpy()


def keras_value(loss, y_true, y_pred):
    """The Keras loss object `loss` (built with dtype="float64") on numpy inputs, as a float."""
    with warnings.catch_warnings():  # Keras' tensors warn about numpy 2's copy keyword
        warnings.simplefilter("ignore", DeprecationWarning)
        return float(keras.ops.convert_to_numpy(loss(y_true, y_pred)))


def rows(a):
    """Keras averages over the last axis, then the batch: equal rows, so any 2-D view will do."""
    return a.reshape(-1, a.shape[-1]) if a.ndim else a.reshape(1, 1)


# Smooth L1 ------------------------------------------------------------------------------------

betas = st.sampled_from([0.0, 1.0]) | st.floats(1e-3, 1e3)


@given(pairs(), betas)
@example((np.array([0.0, 0.0, 0.0, 0.0]), np.array([0.5, 1.0, -1.0, 3.0])), 1.0)  # both branches, the seam
def test_smooth_l1_equals_pytorch(pair, beta):
    t, p = pair
    for reduction in REDUCTIONS:
        assert_allclose(
            smooth_l1(t, p, beta=beta, reduction=reduction),
            torch_loss(F.smooth_l1_loss, p, t, beta=beta, reduction=reduction),
            rtol=RTOL,
        )


@given(pairs(), betas)
@example((np.array([0.0, 0.0, 0.0]), np.array([0.0, 1.0, -1.0])), 1.0)  # at the kink and the seams
@example((np.array([0.0, 0.0]), np.array([0.0, 2.0])), 0.0)  # beta = 0: sign(0) = 0
def test_smooth_l1_grad_equals_autograd(pair, beta):
    t, p = pair
    for reduction in REDUCTIONS:
        expected = autograd(
            lambda p, t, reduction=reduction: F.smooth_l1_loss(p, t, beta=beta, reduction=reduction), p, t
        )
        assert_allclose(smooth_l1_grad(t, p, beta=beta, reduction=reduction), expected, rtol=RTOL)


def test_smooth_l1_over_many_blocks_equals_pytorch():
    """Three full blocks of the summing kernel and a partial one, a block of tiny errors among them."""
    n = 3 * WIDE_BLOCK + 7
    rng = np.random.default_rng(3)
    t, p = rng.normal(size=n), rng.normal(size=n) * 3
    t[WIDE_BLOCK : 2 * WIDE_BLOCK], p[WIDE_BLOCK : 2 * WIDE_BLOCK] = 0.0, 1e-160  # a block summed again, as u e
    for beta in (0.5, 1.0, 4.0):
        for reduction in ("mean", "sum"):
            expected = torch_loss(F.smooth_l1_loss, p, t, beta=beta, reduction=reduction)
            assert_allclose(smooth_l1(t, p, beta=beta, reduction=reduction), expected, rtol=RTOL)


def mp_smooth_l1(t, p, beta):
    e = abs(mpmath.mpf(float(p)) - mpmath.mpf(float(t)))
    return e * e / (2 * beta) if e < beta else e - beta / 2


@given(pairs(st.floats(-1e308, 1e308)), st.floats(1e-320, 1e308))
@example((np.zeros(4), np.full(4, 1.7e308)), 1.0)  # the sum overflows, the mean does not
@example((np.array([-1e308, 0.0]), np.array([1e308, 0.0])), 3.0)  # an error beyond float64
@example((np.zeros(1), np.array([1e-200])), 1e-300)  # beta times the error underflows
@example((np.zeros(1), np.array([1e200])), 1e300)  # the squared error overflows, the loss does not
@example((np.zeros(1), np.array([1.0])), 6.5e156)  # (e / beta)^2 is subnormal: digits lost
def test_smooth_l1_equals_mpmath_at_every_magnitude(pair, beta):
    t, p = pair
    with mpmath.workdps(50):
        total = mpmath.fsum(mp_smooth_l1(a, b, mpmath.mpf(beta)) for a, b in zip(t.ravel(), p.ravel()))
        expected = {"sum": float(total), "mean": float(total / t.size)}
    for reduction, value in expected.items():
        assert_allclose(smooth_l1(t, p, beta=beta, reduction=reduction), value, rtol=RTOL, atol=1e-300)


# Log-cosh -------------------------------------------------------------------------------------


def mp_log_cosh(e):
    with mpmath.workdps(700):  # cosh(1e-300) - 1 = 5e-601 must survive
        return float(mpmath.log(mpmath.cosh(mpmath.mpf(float(e)))))


@given(pairs())
@example((np.array([0.0, 0.0]), np.array([1e-8, 0.999])))  # small errors: no cancellation
def test_log_cosh_equals_mpmath(pair):
    t, p = pair
    expected = np.array([mp_log_cosh(e) for e in (p - t).ravel()]).reshape(t.shape)
    # Results below 2.2e-308 (subnormal) carry fewer digits: there only an absolute agreement.
    assert_allclose(log_cosh(t, p, reduction="none"), expected, rtol=RTOL, atol=1e-320)


@given(pairs(moderate))
def test_log_cosh_equals_keras(pair):
    t, p = (rows(a) for a in pair)
    ours = log_cosh(t, p)
    # Keras' e + softplus(-2e) - log 2 has an absolute float32 error of about 1e-8 (its log 2 is a
    # float32): a relative 1e-6 is meaningful where the mean loss is at least 0.05.
    assume(ours >= 0.05)
    assert_allclose(keras_value(keras.losses.LogCosh(dtype="float64"), t, p), ours, rtol=KERAS_RTOL)


@given(pairs(st.floats(-350, 350)))  # cosh overflows beyond 710
def test_log_cosh_grad_equals_autograd(pair):
    t, p = pair
    for reduction in REDUCTIONS:
        expected = autograd(lambda p, t, reduction=reduction: _reduce(torch.log(torch.cosh(p - t)), reduction), p, t)
        assert_allclose(log_cosh_grad(t, p, reduction=reduction), expected, rtol=RTOL, atol=1e-300)


def _reduce(loss, reduction):
    return {"mean": loss.mean, "sum": loss.sum, "none": lambda: loss}[reduction]()


# MSLE -----------------------------------------------------------------------------------------

above_minus_one = st.sampled_from(
    [st.floats(-0.999, 1e3), st.floats(0, 1e-150, allow_subnormal=False), st.floats(0, 1e300)]
)


@st.composite
def msle_pairs(draw):
    return draw(pairs(draw(above_minus_one)))


def mp_msle_terms(t, p):
    with mpmath.workdps(400):
        return np.array(
            [
                float((mpmath.log1p(mpmath.mpf(float(b))) - mpmath.log1p(mpmath.mpf(float(a)))) ** 2)
                for a, b in zip(t.ravel(), p.ravel())
            ]
        ).reshape(t.shape)


@given(msle_pairs())
@example((np.array([1.0, 100.0]), np.array([1.0 + 1e-12, 100.0 * (1 + 1e-15)])))  # close: no cancellation
def test_msle_equals_mpmath_and_scikit_learn(pair):
    t, p = pair
    assert_allclose(msle(t, p, reduction="none"), mp_msle_terms(t, p), rtol=RTOL, atol=0)
    # scikit-learn subtracts two rounded logarithms: an absolute error of about 1e-16 of their size.
    size = np.mean(np.log1p(t) ** 2 + np.log1p(p) ** 2)
    assert_allclose(msle(t, p), mean_squared_log_error(t.ravel(), p.ravel()), rtol=RTOL, atol=1e-15 * size)


@st.composite
def distant_pairs(draw):
    """Targets in [0, 1] and predictions in [4, 20], swapped at random: logarithms far apart."""
    shape = draw(shapes)
    near, far = (draw(hnp.arrays(np.float64, shape, elements=e)) for e in (st.floats(0, 1), st.floats(4, 20)))
    swap = draw(hnp.arrays(bool, shape))
    return np.where(swap, far, near), np.where(swap, near, far)


@given(distant_pairs())
def test_msle_equals_keras_which_raises_small_values_to_1e_minus_7(pair):
    t, p = (rows(a) for a in pair)
    expected = msle(np.maximum(t, 1e-7), np.maximum(p, 1e-7))
    # Keras takes its logarithms in float32 whatever the dtype (its float32 epsilon wins the type
    # promotion in maximum(y, epsilon)): each log carries a relative error of about 6e-8, so the
    # squared difference is within 1e-6 only where the difference is at least half the larger log.
    logs = np.log1p(np.maximum(t, 1e-7)), np.log1p(np.maximum(p, 1e-7))
    assume(np.all(np.abs(logs[1] - logs[0]) >= 0.5 * np.maximum(*logs)))
    assert_allclose(
        keras_value(keras.losses.MeanSquaredLogarithmicError(dtype="float64"), t, p), expected, rtol=KERAS_RTOL
    )


@given(msle_pairs())
def test_msle_grad_equals_autograd(pair):
    t, p = pair
    for reduction in REDUCTIONS:
        expected = autograd(
            lambda p, t, reduction=reduction: _reduce((torch.log1p(p) - torch.log1p(t)) ** 2, reduction), p, t
        )
        # autograd's log1p(p) - log1p(t) cancels where p is close to t: an absolute error of about
        # 1e-16 of the logarithms' size in the factor 2 (log1p p - log1p t) / (1 + p).
        atol = 1e-15 * np.max(np.abs(np.log1p(p)) / (1 + p)) + 1e-300
        assert_allclose(msle_grad(t, p, reduction=reduction), expected, rtol=RTOL, atol=atol)


# MAPE -----------------------------------------------------------------------------------------

nonzero = st.sampled_from(
    [
        st.floats(-1e3, 1e3).filter(lambda x: abs(x) >= 1e-10),
        st.floats(1e-150, 1e-140) | st.floats(-1e-140, -1e-150),
        st.floats(-1e300, 1e300).filter(lambda x: abs(x) >= 1e200),
    ]
)


@st.composite
def mape_pairs(draw):
    tier = draw(nonzero)
    return draw(pairs(tier, tier))


@given(mape_pairs())
def test_mape_equals_scikit_learn_in_percent(pair):
    t, p = pair
    if np.min(np.abs(t)) >= np.finfo(np.float64).eps:  # scikit-learn divides by max(|y|, eps)
        assert_allclose(mape(t, p), 100 * mean_absolute_percentage_error(t.ravel(), p.ravel()), rtol=RTOL)
    assert_allclose(mape(t, p, reduction="none"), 100 * np.abs((p - t) / t), rtol=RTOL)


@given(pairs(st.floats(1, 100) | st.floats(-100, -1)))
def test_mape_equals_keras(pair):
    t, p = (rows(a) for a in pair)
    ours = mape(t, p)
    assume(ours > 1e-3)
    assert_allclose(keras_value(keras.losses.MeanAbsolutePercentageError(dtype="float64"), t, p), ours, rtol=KERAS_RTOL)


@given(mape_pairs())
@example((np.array([2.0, -4.0]), np.array([2.0, -5.0])))  # no error: the kink
def test_mape_grad_equals_autograd(pair):
    t, p = pair
    for reduction in REDUCTIONS:
        expected = autograd(
            lambda p, t, reduction=reduction: _reduce(100 * torch.abs(p - t) / torch.abs(t), reduction), p, t
        )
        assert_allclose(mape_grad(t, p, reduction=reduction), expected, rtol=RTOL)


# Quantile (pinball) ---------------------------------------------------------------------------

quantiles = st.sampled_from([0.0, 0.1, 0.5, 0.9, 1.0]) | st.floats(0, 1)


@given(pairs(), quantiles)
def test_quantile_equals_scikit_learn(pair, q):
    t, p = pair
    assert_allclose(quantile(t, p, q=q), mean_pinball_loss(t.ravel(), p.ravel(), alpha=q), rtol=RTOL)


@given(pairs(), quantiles)
@example((np.array([1.0, 2.0, 3.0]), np.array([0.0, 2.0, 4.0])), 0.1)  # under, exact, over
def test_quantile_grad_equals_autograd(pair, q):
    t, p = pair
    for reduction in REDUCTIONS:

        def pinball(p, t, reduction=reduction):
            d = t - p
            return _reduce(torch.maximum(q * d, (q - 1) * d), reduction)

        # (a subnormal q gives subnormal slopes, with fewer digits: an absolute 1e-320 there)
        assert_allclose(quantile_grad(t, p, q=q, reduction=reduction), autograd(pinball, p, t), rtol=RTOL, atol=1e-320)
        assert_allclose(
            quantile(t, p, q=q, reduction=reduction),
            pinball(torch.from_numpy(p), torch.from_numpy(t)).numpy(),
            rtol=RTOL,
            atol=1e-320,
        )


# Poisson --------------------------------------------------------------------------------------

counts = st.sampled_from([0.0, 1.0, 2.0, 7.0]) | st.floats(0, 1e3)
log_rates = st.floats(-30, 30) | st.floats(-1e3, 1e3)
rates = st.sampled_from([0.0]) | st.floats(0, 1e3) | st.floats(0, 1e300)
epsilons = st.sampled_from([1e-8, 1e-7, 1.0])


@given(pairs(counts, log_rates), st.booleans(), epsilons)
def test_poisson_nll_with_log_input_equals_pytorch(pair, full, eps):
    t, p = pair
    for reduction in REDUCTIONS:
        options = dict(full=full, eps=eps, reduction=reduction)
        assert_allclose(poisson_nll(t, p, **options), torch_loss(F.poisson_nll_loss, p, t, **options), rtol=RTOL)


@given(pairs(counts, rates), st.booleans(), epsilons)
def test_poisson_nll_of_rates_equals_pytorch(pair, full, eps):
    t, p = pair
    for reduction in REDUCTIONS:
        options = dict(log_input=False, full=full, eps=eps, reduction=reduction)
        assert_allclose(poisson_nll(t, p, **options), torch_loss(F.poisson_nll_loss, p, t, **options), rtol=RTOL)


def test_poisson_nll_zero_count_and_zero_rate_without_eps():
    # 0 log 0 = 0 here; PyTorch computes 0 * log(0) = NaN.
    assert poisson_nll([0.0], [0.0], log_input=False, eps=0.0) == 0.0
    assert math.isnan(torch_loss(F.poisson_nll_loss, [0.0], [0.0], log_input=False, eps=0.0))
    assert poisson_nll([2.0], [0.0], log_input=False, eps=0.0) == math.inf


@given(pairs(st.floats(0, 1e3), st.floats(0.01, 1e3)))
def test_keras_poisson_is_poisson_nll_of_rates_with_eps_1e_minus_7(pair):
    t, p = (rows(a) for a in pair)
    ours = poisson_nll(t, p, log_input=False, eps=1e-7)
    # Keras computes in float32 (its float32 epsilon wins the type promotion): an error of about 6e-8
    # of the terms' size, so a relative 1e-6 holds where the terms do not cancel below a tenth.
    assume(abs(ours) >= 0.1 * np.mean(p + t * np.abs(np.log(p + 1e-7))))
    assert_allclose(keras_value(keras.losses.Poisson(dtype="float64"), t, p), ours, rtol=KERAS_RTOL)


@given(pairs(counts, log_rates), st.booleans())
def test_poisson_nll_grad_equals_autograd(pair, log_input):
    t, p = pair
    if not log_input:
        p = np.abs(p)
    for reduction in REDUCTIONS:
        options = dict(log_input=log_input, full=True, reduction=reduction)
        expected = autograd(lambda p, t, options=options: F.poisson_nll_loss(p, t, **options), p, t)
        # autograd's e^p - t (log-rates) and 1 - t / (p + eps) (rates) cancel where the two terms are
        # close: an absolute error of about 2e-16 times the larger term, which lossbook's expm1(p) - (t - 1)
        # near p = 0 and ((p - t) + eps) / (p + eps) avoid.
        terms = np.maximum(np.exp(np.minimum(p, 700)), t) if log_input else np.maximum(1, t / (p + 1e-8))
        atol = 4e-16 * np.max(terms) / (p.size if reduction == "mean" else 1)
        assert_allclose(poisson_nll_grad(t, p, **options), expected, rtol=RTOL, atol=atol)


# Gaussian -------------------------------------------------------------------------------------

variances = st.sampled_from([0.0, 1e-7, 1.0]) | st.floats(0, 1e3) | st.floats(0, 1e-5)


@st.composite
def gaussian_triples(draw):
    shape = draw(shapes)
    tier = draw(st.sampled_from([st.floats(-1e3, 1e3), st.floats(-1e100, 1e100)]))
    return tuple(draw(hnp.arrays(np.float64, shape, elements=e)) for e in (tier, tier, variances))


@given(gaussian_triples(), st.booleans(), st.sampled_from([1e-6, 1e-3, 1.0]))
def test_gaussian_nll_equals_pytorch(triple, full, eps):
    t, m, v = triple
    for reduction in REDUCTIONS:
        options = dict(full=full, eps=eps, reduction=reduction)
        assert_allclose(
            gaussian_nll(t, m, v, **options),
            torch_loss(F.gaussian_nll_loss, m, t, v, **options),
            rtol=RTOL,
            atol=1e-300,
        )


@given(gaussian_triples(), st.sampled_from([1e-6, 1.0]))
def test_gaussian_nll_grads_equal_autograd(triple, eps):
    t, m, v = triple
    for reduction in REDUCTIONS:

        def loss(m, t, v, reduction=reduction):
            return F.gaussian_nll_loss(m, t, v, eps=eps, reduction=reduction)

        d_mean, d_var = gaussian_nll_grad(t, m, v, eps=eps, reduction=reduction)
        assert_allclose(d_mean, autograd(loss, m, t, v, wrt=0), rtol=RTOL, atol=1e-300)
        # (1/v - e^2/v^2) / 2 cancels where e^2 is close to v: an absolute error of about 1e-16 e^2/v^2
        vc = np.maximum(v, eps)
        atol = 2e-16 * np.max((m - t) ** 2 / vc**2) / (t.size if reduction == "mean" else 1) + 1e-300
        assert_allclose(d_var, autograd(loss, m, t, v, wrt=2), rtol=RTOL, atol=atol)


def test_gaussian_nll_with_a_shared_variance_is_pytorchs_with_one_axis_fewer():
    rng = np.random.default_rng(0)
    t, m, v = rng.normal(size=(4, 3)), rng.normal(size=(4, 3)), rng.uniform(0.5, 2, 4)
    shared = torch_loss(F.gaussian_nll_loss, m, t, v)  # PyTorch broadcasts var (N,) along the last axis
    assert_allclose(gaussian_nll(t, m, np.repeat(v[:, None], 3, axis=1)), shared, rtol=RTOL)


# Every gradient against central differences of lossbook's own loss ----------------------------


@st.composite
def smooth_points(draw):
    """Moderate (y_true, y_pred) with errors away from every kink (0 and +-1)."""
    t = draw(hnp.arrays(np.float64, st.integers(1, 5), elements=st.floats(5, 10)))  # y_pred > 1 too
    e = draw(hnp.arrays(np.float64, t.shape, elements=st.floats(0.05, 0.9) | st.floats(1.1, 3)))
    sign = draw(hnp.arrays(np.float64, t.shape, elements=st.sampled_from([-1.0, 1.0])))
    return t, t + sign * e


CASES = {
    "smooth_l1": (smooth_l1, smooth_l1_grad, {"beta": 1.0}),
    "log_cosh": (log_cosh, log_cosh_grad, {}),
    "msle": (msle, msle_grad, {}),
    "mape": (mape, mape_grad, {}),
    "quantile": (quantile, quantile_grad, {"q": 0.3}),
    "poisson_nll": (poisson_nll, poisson_nll_grad, {"full": True}),
    "poisson_nll rates": (poisson_nll, poisson_nll_grad, {"log_input": False}),
}


@pytest.mark.parametrize("name", sorted(CASES))
@given(point=smooth_points())
def test_grad_equals_central_differences(name, point):
    f, grad, options = CASES[name]
    assert_matches_differences(f, grad, *point, **options)


@given(point=smooth_points())
def test_gaussian_grads_equal_central_differences(point):
    t, m = point
    v = np.abs(m - t) + 0.5
    numeric_mean = central_differences(lambda x: gaussian_nll(t, x, v, reduction="sum"), m)
    numeric_var = central_differences(lambda x: gaussian_nll(t, m, x, reduction="sum"), v)
    d_mean, d_var = gaussian_nll_grad(t, m, v, reduction="sum")
    assert_allclose(d_mean, numeric_mean, rtol=1e-6, atol=1e-9)
    assert_allclose(d_var, numeric_var, rtol=1e-6, atol=1e-9)


# Bad input: the right exception, naming the argument and the value ----------------------------

BAD = [
    (smooth_l1, {"beta": -1.0}, ValueError, "beta must be non-negative, got -1.0"),
    (smooth_l1_grad, {"beta": "1"}, TypeError, "beta must be a real number, got '1'"),
    (smooth_l1, {"beta": True}, TypeError, "beta must be a real number, got True"),
    (smooth_l1, {"beta": math.nan}, ValueError, "beta must be non-negative, got nan"),
    (quantile, {"q": 1.5}, ValueError, r"q must be in \[0, 1\], got 1.5"),
    (quantile_grad, {"q": None}, TypeError, "q must be a real number, got None"),
    (poisson_nll, {"log_input": "yes"}, TypeError, "log_input must be True or False, got 'yes'"),
    (poisson_nll_grad, {"full": 1}, TypeError, "full must be True or False, got 1"),
    (poisson_nll, {"eps": -1e-8}, ValueError, "eps must be non-negative, got -1e-08"),
    (log_cosh, {"reduction": "avg"}, ValueError, "reduction must be one of 'mean', 'sum' or 'none', got 'avg'"),
]


@pytest.mark.parametrize("f, options, error, message", BAD, ids=[f"{b[0].__name__}-{list(b[1])[0]}" for b in BAD])
def test_bad_options(f, options, error, message):
    with pytest.raises(error, match=message):
        f([1.0, 2.0], [1.5, 2.5], **options)


def test_bad_values():
    with pytest.raises(ValueError, match=r"y_true must be greater than -1 \(log\(1 \+ y_true\) is taken\), got -1.0"):
        msle([-1.0, 2.0], [0.0, 0.0])
    with pytest.raises(ValueError, match=r"y_pred must be greater than -1 .* got -3.0"):
        msle_grad([0.0], [-3.0])
    with pytest.raises(
        ValueError,
        match=r"y_true must be nonzero \(a percentage of 0 is undefined\), "
        r"got 0 at index \(1,\)",
    ):
        mape([1.0, 0.0], [1.0, 1.0])
    with pytest.raises(ValueError, match=r"y_true must be non-negative counts, got -1.0"):
        poisson_nll([-1.0], [0.0])
    with pytest.raises(
        ValueError,
        match=r"y_pred must be non-negative rates when log_input=False, got -0.5 "
        r"\(pass log_input=True for log-rates\)",
    ):
        poisson_nll_grad([1.0], [-0.5], log_input=False)
    poisson_nll([1.0], [-0.5])  # a negative log-rate is fine
    with pytest.raises(ValueError, match=r"var must be non-negative variances, got -0.1"):
        gaussian_nll([1.0, 2.0], [1.0, 2.0], [1.0, -0.1])
    with pytest.raises(ValueError, match=r"y_true and var must have the same shape, got \(2,\) and \(1,\)"):
        gaussian_nll_grad([1.0, 2.0], [1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match=r"eps must be positive, got 0.0"):
        gaussian_nll([1.0], [1.0], [1.0], eps=0.0)
    with pytest.raises(TypeError, match=r"full must be True or False, got 'no'"):
        gaussian_nll([1.0], [1.0], [1.0], full="no")
    with pytest.raises(ValueError, match=r"var must be finite, got nan at index \(0,\)"):
        gaussian_nll([1.0], [1.0], [math.nan])
    with pytest.raises(ValueError, match=r"y_pred must be finite, got inf"):
        log_cosh_grad([1.0], [math.inf])
    with pytest.raises(TypeError, match=r"mean must contain real numbers"):
        gaussian_nll([1.0], ["a"], [1.0])


ALL = [
    smooth_l1,
    smooth_l1_grad,
    log_cosh,
    log_cosh_grad,
    msle,
    msle_grad,
    mape,
    mape_grad,
    quantile,
    quantile_grad,
    poisson_nll,
    poisson_nll_grad,
]


@pytest.mark.parametrize("f", ALL, ids=[f.__name__ for f in ALL])
def test_inputs_are_never_modified_and_results_are_float64(f):
    t, p = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.5, 2.0], [2.0, 7.0]])
    copies = t.copy(), p.copy()
    out = f(t, p, reduction="none")
    assert out.dtype == np.float64 and out.shape == t.shape and out is not p and out is not t
    assert np.array_equal(t, copies[0]) and np.array_equal(p, copies[1])
    assert type(f(t, p)) is (np.ndarray if f.__name__.endswith("_grad") else float)


def test_gaussian_inputs_are_never_modified():
    t, m, v = np.array([1.0, 2.0]), np.array([1.5, 2.0]), np.array([1e-9, 1.0])
    copies = t.copy(), m.copy(), v.copy()
    gaussian_nll(t, m, v, reduction="none")
    gaussian_nll_grad(t, m, v)
    assert all(np.array_equal(a, b) for a, b in zip((t, m, v), copies))


def test_exported():
    for f in ALL + [gaussian_nll, gaussian_nll_grad]:
        assert getattr(lossbook, f.__name__) is f


# Guard: the oracle test fails when the function is perturbed ----------------------------------


def test_guard_a_perturbed_quantile_fails_its_oracle_test(monkeypatch):
    right = regression._pinball
    monkeypatch.setattr(regression, "_pinball", lambda t, p, q: right(t, p, 1 - q))  # q and 1 - q swapped
    with pytest.raises(AssertionError):
        test_quantile_equals_scikit_learn()


def test_guard_a_perturbed_log_cosh_fails_its_oracle_test(monkeypatch):
    right = regression._log_cosh
    monkeypatch.setattr(regression, "_log_cosh", lambda t, p: right(t, p) * (1 + 1e-11))  # slightly off
    with pytest.raises(AssertionError):
        test_log_cosh_equals_mpmath()
