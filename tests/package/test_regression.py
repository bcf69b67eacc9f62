"""lossbook.regression: published values, oracles, properties and accuracy against mpmath."""

import math

import mpmath
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from sklearn.metrics import mean_absolute_error, mean_squared_error, root_mean_squared_error

from lossbook import huber, mae, mse, rmse
from tests.strategies import no_underflow, pairs

pytestmark = pytest.mark.filterwarnings("error")
RTOL = 1e-12  # against float64 oracles
deltas = st.floats(1e-3, 1e3)


def torch_loss(f, t, p, **kw):
    out = f(torch.from_numpy(p), torch.from_numpy(t), **kw)
    return out.item() if out.ndim == 0 else out.numpy()


# Published values ---------------------------------------------------------------------------


def test_scikit_learn_docstring_examples():
    # sklearn.metrics mean_squared_error, mean_absolute_error, root_mean_squared_error docstrings
    y_true, y_pred = [3, -0.5, 2, 7], [2.5, 0.0, 2, 8]
    assert mse(y_true, y_pred) == 0.375
    assert mae(y_true, y_pred) == 0.5
    assert str(rmse(y_true, y_pred)).startswith("0.612")  # the docstring shows "0.612..."
    y_true, y_pred = [[0.5, 1], [-1, 1], [7, -6]], [[0, 2], [-1, 2], [8, -5]]
    assert str(mse(y_true, y_pred)).startswith("0.708")
    assert mae(y_true, y_pred) == 0.75
    # scikit-learn's 2-D RMSE averages per-column roots (0.822...); ours is the root of the mean
    assert rmse(y_true, y_pred) == pytest.approx(math.sqrt(0.7083333333333334), rel=1e-15)
    assert str(root_mean_squared_error(y_true, y_pred)).startswith("0.822")


def test_keras_docstring_examples():
    # Keras API docs: keras.losses.MeanSquaredError / MeanAbsoluteError / Huber examples
    y_true, y_pred = [[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]
    assert mse(y_true, y_pred) == 0.5
    assert mae(y_true, y_pred) == 0.5
    assert huber([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]) == pytest.approx(0.155, rel=1e-14)


def test_huber_branches():
    # Errors 0.5, 1, 3 with delta 1: 0.125, 0.5 (the branches meet), 1 * (3 - 0.5)
    assert list(huber([0, 0, 0], [0.5, -1.0, 3.0], reduction="none")) == [0.125, 0.5, 2.5]
    assert huber([0], [3.0], delta=2.0) == 2.0 * (3.0 - 1.0)


def test_reductions_and_types():
    t, p = np.zeros((2, 3)), np.arange(6.0).reshape(2, 3)
    for f in (mse, mae, huber):
        none = f(t, p, reduction="none")
        assert type(none) is np.ndarray and none.dtype == np.float64 and none.shape == (2, 3)
        assert type(f(t, p)) is float and f(t, p) == pytest.approx(none.mean(), rel=1e-15)
        assert type(f(t, p, reduction="sum")) is float
        assert f(t, p, reduction="sum") == pytest.approx(none.sum(), rel=1e-15)
    assert type(rmse(t, p)) is float
    assert type(mse(1.0, 3.0)) is float and mse(1.0, 3.0) == 4.0  # scalars are 0-d arrays


def test_large_inputs_span_many_blocks():
    rng = np.random.default_rng(0)
    t, p = rng.normal(size=100_003), rng.normal(size=100_003)
    assert_allclose(mse(t, p), mean_squared_error(t, p), rtol=RTOL)
    assert_allclose(mae(t, p, reduction="none"), np.abs(p - t), rtol=0)


def test_booleans_count_as_zero_and_one():
    assert mse([True, False], [1, 1]) == 0.5


# Oracles: PyTorch and scikit-learn in float64 ------------------------------------------------


@given(pairs())
def test_mse_matches_oracles(arrays):
    t, p = arrays
    assert_allclose(mse(t, p), mean_squared_error(t.reshape(len(t), -1), p.reshape(len(p), -1)), rtol=RTOL)
    assert_allclose(mse(t, p), torch_loss(F.mse_loss, t, p), rtol=RTOL)
    assert_allclose(mse(t, p, reduction="sum"), torch_loss(F.mse_loss, t, p, reduction="sum"), rtol=RTOL)
    assert_allclose(mse(t, p, reduction="none"), torch_loss(F.mse_loss, t, p, reduction="none"), rtol=RTOL)


@given(pairs())
def test_mae_matches_oracles(arrays):
    t, p = arrays
    assert_allclose(mae(t, p), mean_absolute_error(t.reshape(len(t), -1), p.reshape(len(p), -1)), rtol=RTOL)
    assert_allclose(mae(t, p), torch_loss(F.l1_loss, t, p), rtol=RTOL)
    assert_allclose(mae(t, p, reduction="none"), torch_loss(F.l1_loss, t, p, reduction="none"), rtol=RTOL)


@given(pairs(no_underflow))  # where squares underflow the oracles give 0 and rmse the true root
def test_rmse_matches_oracles(arrays):
    t, p = (a.ravel() for a in arrays)  # scikit-learn averages per-column roots for 2-D input
    assert_allclose(rmse(t, p), root_mean_squared_error(t, p), rtol=RTOL)
    assert_allclose(rmse(t, p), math.sqrt(torch_loss(F.mse_loss, t, p)), rtol=RTOL)


@given(pairs(), deltas)
def test_huber_matches_torch(arrays, delta):
    t, p = arrays
    assert_allclose(huber(t, p, delta=delta), torch_loss(F.huber_loss, t, p, delta=delta), rtol=RTOL)
    assert_allclose(
        huber(t, p, delta=delta, reduction="none"),
        torch_loss(F.huber_loss, t, p, delta=delta, reduction="none"),
        rtol=RTOL,
    )


# Properties -----------------------------------------------------------------------------------


@given(pairs(no_underflow), deltas)
def test_zero_exactly_when_prediction_equals_truth(arrays, delta):
    t, p = arrays
    for loss in (mse(t, p, reduction="none"), mae(t, p, reduction="none"), huber(t, p, delta=delta, reduction="none")):
        assert (loss >= 0).all()
        assert ((loss == 0) == (t == p)).all()
    assert (mse(t, p) == 0) == (mae(t, p) == 0) == np.array_equal(t, p)
    assert mse(t, t) == mae(t, t) == rmse(t, t) == huber(t, t) == 0.0


@given(pairs(no_underflow), deltas)
def test_huber_lies_between_its_branches(arrays, delta):
    # The linear branch is the tangent of the parabola at |e| = delta, so it lies below it:
    # delta |e| - delta^2 / 2 <= huber <= min(e^2 / 2, delta |e|), equality on one side.
    t, p = arrays
    e = np.abs(p - t)
    h = huber(t, p, delta=delta, reduction="none")
    slack = 1e-15 * np.maximum(h, delta * delta)
    assert (delta * e - delta * delta / 2 <= h + slack).all()
    assert (h <= np.minimum(e * e / 2, delta * e) + slack).all()


@given(pairs(no_underflow))
def test_huber_with_a_large_delta_is_half_the_mse(arrays):
    t, p = arrays  # exact: both scale the same sums by 1/2 (barring subnormal results)
    assert huber(t, p, delta=1e300) == 0.5 * mse(t, p)


@given(pairs(no_underflow))
def test_rmse_is_the_root_of_mse_and_bounds_mae(arrays):
    t, p = arrays
    assert rmse(t, p) == math.sqrt(mse(t, p))
    assert mae(t, p) <= rmse(t, p) * (1 + 1e-14)  # power-mean inequality


# Accuracy against mpmath at 50 digits ------------------------------------------------------------


def _cases():
    rng = np.random.default_rng(20240601)
    n = 500
    t = rng.normal(size=n) * 1e3
    yield "near-equal", t, t + rng.integers(-4, 5, n) * np.spacing(t)
    yield "near-equal large", t * 1e10, (t * 1e10) * (1 + 2.0**-50)
    yield "tiny", rng.normal(size=n) * 1e-150, rng.normal(size=n) * 1e-150
    yield "huge", rng.normal(size=n) * 1e150, rng.normal(size=n) * 1e150
    yield "mixed magnitudes", np.zeros(n), 10.0 ** rng.uniform(-100, 100, n) * rng.choice([-1, 1], n)


def _exact(t, p, delta=None):
    with mpmath.workdps(50):
        e = [abs(mpmath.mpf(b) - mpmath.mpf(a)) for a, b in zip(t, p)]
        n = len(e)
        ms = sum(x * x for x in e) / n
        exact = {"mse": ms, "mae": sum(e) / n, "rmse": mpmath.sqrt(ms)}
        if delta is not None:
            d = mpmath.mpf(delta)
            exact["huber"] = sum(x * x / 2 if x <= d else d * (x - d / 2) for x in e) / n
        return exact


def _assert_accurate(value, exact, rtol=1e-13):
    with mpmath.workdps(50):
        if exact == 0:
            assert value == 0
        else:
            assert abs(mpmath.mpf(value) - exact) / abs(exact) <= rtol, (value, exact)


@pytest.mark.parametrize("name, t, p", list(_cases()), ids=lambda x: x if isinstance(x, str) else "")
def test_accuracy_against_mpmath(name, t, p):
    delta = float(np.median(np.abs(p - t)))  # half the errors on each branch
    exact = _exact(t, p, delta)
    _assert_accurate(mse(t, p), exact["mse"])
    _assert_accurate(mae(t, p), exact["mae"])
    _assert_accurate(rmse(t, p), exact["rmse"])
    _assert_accurate(huber(t, p, delta=delta), exact["huber"])


@pytest.mark.parametrize("scale", [1e-200, 1e-160, 1e200, 1e300])
def test_rmse_rescales_where_squares_under_or_overflow(scale):
    rng = np.random.default_rng(1)
    t, p = rng.normal(size=50) * scale, rng.normal(size=50) * scale
    _assert_accurate(rmse(t, p), _exact(t, p)["rmse"])


def test_overflow_gives_inf_without_warning():
    assert mse([-1e200], [1e200]) == math.inf  # the exact 4e400 exceeds float64
    assert mae([-1e308], [1e308]) == math.inf
    assert rmse([-1e308], [1e308]) == math.inf
    assert mse([0.0, 0.0], [1e308, 1e308], reduction="none").tolist() == [math.inf, math.inf]


def test_means_near_the_float64_limit_are_finite_and_accurate():
    # Four errors of 1.7e308: the sum overflows, the mean does not (it used to be inf).
    assert mae([0.0] * 4, [1.7e308] * 4) == 1.7e308
    rng = np.random.default_rng(2)
    n = 2**15 + 11  # over two blocks
    t, p = rng.uniform(-5e307, 5e307, n), rng.uniform(-5e307, 5e307, n)
    exact = _exact(t, p, 1.0)
    _assert_accurate(mae(t, p), exact["mae"])
    _assert_accurate(huber(t, p), exact["huber"])
    _assert_accurate(rmse(t, p), exact["rmse"])
    assert mse(t, p) == math.inf  # the exact mean square, about 1e615, is beyond float64
    assert mae(t, p, reduction="sum") == math.inf  # and so is the exact sum


def test_errors_and_squares_beyond_float64_need_not_make_the_mean_infinite():
    rng = np.random.default_rng(4)
    n = 1001
    t, p = rng.uniform(-1, 1, n) * 1.7e308, rng.uniform(-1, 1, n) * 1.7e308  # |p - t| up to 3.4e308
    t[::7], p[::7] = 0.0, rng.uniform(-1, 1, p[::7].size)  # errors below delta = 1: the quadratic branch
    exact = _exact(t, p, 1.0)
    _assert_accurate(mae(t, p), exact["mae"])
    _assert_accurate(rmse(t, p), exact["rmse"])
    _assert_accurate(huber(t, p), exact["huber"])
    assert mse(t, p) == math.inf  # the exact mean square, about 1.9e616, is beyond float64
    p = np.zeros(n)
    p[::100] = rng.uniform(1e154, 1.3e155, p[::100].size)  # squares up to 1.7e310, their mean about 8e307
    _assert_accurate(mse(np.zeros(n), p), _exact(np.zeros(n), p)["mse"])
    assert mae([1.7e308, 0.0], [-1.7e308, 0.0]) == 1.7e308  # was inf: the error 3.4e308 overflowed
