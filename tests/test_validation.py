"""lossbook._validation and bad input to every public function: a clear error, nothing changed.

Each bad input must raise the named exception with a message naming the argument; no input
is ever modified; nothing warns or returns NaN instead of raising.
"""
import math
import re

import numpy as np
import pytest

import lossbook
from lossbook import (
    binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, entropy, huber, information_content,
    kl_divergence, log_softmax, mae, mse, one_hot, rmse, softmax, softmax_cross_entropy,
)
from lossbook import _validation as v

pytestmark = pytest.mark.filterwarnings("error")

# One good call per function (two for softmax_cross_entropy), and what kind each array argument is.
GOOD = [
    (mse, {"y_true": [1.0, 2.0, 3.0], "y_pred": [1.5, 2.0, 2.0]}),
    (mae, {"y_true": [1.0, 2.0, 3.0], "y_pred": [1.5, 2.0, 2.0]}),
    (rmse, {"y_true": [1.0, 2.0, 3.0], "y_pred": [1.5, 2.0, 2.0]}),
    (huber, {"y_true": [1.0, 2.0, 3.0], "y_pred": [1.5, 2.0, 2.0]}),
    (information_content, {"p": [0.25, 0.75]}),
    (entropy, {"p": [0.25, 0.75]}),
    (cross_entropy, {"p": [0.25, 0.75], "q": [0.5, 0.5]}),
    (kl_divergence, {"p": [0.25, 0.75], "q": [0.5, 0.5]}),
    (one_hot, {"labels": [0, 2], "num_classes": 3}),
    (softmax, {"logits": [[1.0, 2.0], [0.0, -1.0]]}),
    (log_softmax, {"logits": [[1.0, 2.0], [0.0, -1.0]]}),
    (softmax_cross_entropy, {"y_true": [0, 2], "logits": [[1.0, 2.0, 3.0], [0.0, 0.0, 1.0]]}),
    (softmax_cross_entropy, {"y_true": [[1.0, 0.0, 0.0], [0.5, 0.5, 0.0]], "logits": [[1.0, 2.0, 3.0], [0.0, 0.0, 1.0]]}),
    (binary_cross_entropy, {"y_true": [0.0, 1.0, 0.5], "p_pred": [0.2, 0.9, 0.5]}),
    (binary_cross_entropy_with_logits, {"y_true": [0.0, 1.0, 0.5], "logits": [-1.0, 2.0, 0.0]}),
]
PAIRED = {mse, mae, rmse, huber, cross_entropy, kl_divergence, binary_cross_entropy,
          binary_cross_entropy_with_logits, softmax_cross_entropy}


def kind(f, name, good):
    if name in ("labels",) or (f is softmax_cross_entropy and name == "y_true" and np.ndim(good) == 1):
        return "labels"
    if f in (entropy, cross_entropy, kl_divergence) or (f is softmax_cross_entropy and name == "y_true"):
        return "distribution"
    if f is information_content or name == "p_pred" or (f.__name__.startswith("binary") and name == "y_true"):
        return "probability"
    return "real"


def with_value(good, value):
    bad = np.array(good, dtype=float)
    bad.flat[-1] = value
    return bad


def array_cases(f, name, good):
    """(bad value, exception, message pattern) for the array argument `name`."""
    n = np.size(good)
    yield "text", "abc", TypeError
    yield "None", None, TypeError
    yield "strings", ["a"] * n, TypeError
    yield "complex", np.array(good) + 1j, TypeError
    yield "objects", np.array([object()] * n), TypeError
    yield "ragged", [[1.0], [1.0, 2.0]], ValueError
    yield "empty", [], ValueError
    yield "nan", with_value(good, math.nan), ValueError
    yield "inf", with_value(good, math.inf), ValueError
    yield "-inf", with_value(good, -math.inf), ValueError
    k = kind(f, name, good)
    if k in ("probability", "distribution"):
        yield "negative", with_value(good, -0.1), ValueError
        yield "above one", with_value(good, 1.1), ValueError
    if k == "distribution" or f in (softmax, log_softmax):
        yield "scalar", 1.0, ValueError
    if k == "distribution":
        yield "sum 1 + 2e-6", np.array(good) * (1 + 2e-6), ValueError
    if k == "labels":
        yield "fractional", with_value(good, 1.5), ValueError
        yield "negative", with_value(good, -1), ValueError
        yield "too large", with_value(good, 3), ValueError


def shape_cases(f, name, good):
    """Shapes that differ, including (N,) against (N, 1), which numpy would broadcast."""
    if f in PAIRED:
        yield "trailing axis", np.array(good, dtype=float)[..., None]
        yield "one more row", np.concatenate([np.array(good, dtype=float), np.array(good, dtype=float)[:1]])


OPTION_CASES = {
    "reduction": [("avg", ValueError), ("MEAN", ValueError), (None, TypeError), (1, TypeError)],
    "base": [(0, ValueError), (-2.0, ValueError), (1, ValueError), (math.inf, ValueError), (math.nan, ValueError),
             (True, TypeError), ("2", TypeError), (None, TypeError)],
    "delta": [(0.0, ValueError), (-1.0, ValueError), (math.inf, ValueError), (math.nan, ValueError),
              (True, TypeError), ("1", TypeError), (None, TypeError)],
    "label_smoothing": [(-0.1, ValueError), (1.1, ValueError), (math.nan, ValueError), (True, TypeError),
                        ("0.1", TypeError)],
    "num_classes": [(0, ValueError), (-1, ValueError), (2.0, TypeError), (True, TypeError), ("3", TypeError),
                    (None, TypeError)],
    "axis": [(2, ValueError), (-3, ValueError), (0.0, TypeError), (True, TypeError), (None, TypeError)],
}
OPTIONS = {mse: ["reduction"], mae: ["reduction"], huber: ["delta", "reduction"],
           information_content: ["base"], entropy: ["base"], cross_entropy: ["base"], kl_divergence: ["base"],
           one_hot: ["num_classes"], softmax: ["axis"], log_softmax: ["axis"],
           softmax_cross_entropy: ["label_smoothing", "reduction"], binary_cross_entropy: ["reduction"],
           binary_cross_entropy_with_logits: ["reduction"]}


def bad_calls():
    for i, (f, good) in enumerate(GOOD):
        for name, value in good.items():
            if name == "num_classes":
                continue
            for case, bad, error in array_cases(f, name, value):
                yield pytest.param(f, {**good, name: bad}, error, [name], id=f"{f.__name__}{i}-{name}-{case}")
            for case, bad in shape_cases(f, name, value):
                other = [n for n in good if n != name][0]
                names = [name, other, str(np.shape(bad)), str(np.shape(good[other]))]
                if f is softmax_cross_entropy and name == "logits" and bad.ndim == 3:
                    names = [name, str(bad.shape)]  # logits must be 2-D, whatever the targets
                yield pytest.param(f, {**good, name: bad}, ValueError, names,
                                   id=f"{f.__name__}{i}-{name}-{case}")
        for option in OPTIONS.get(f, []):
            for bad, error in OPTION_CASES[option]:
                yield pytest.param(f, {**good, option: bad}, error, [option], id=f"{f.__name__}{i}-{option}-{bad!r}")


@pytest.mark.parametrize("f, kwargs, error, names", list(bad_calls()))
def test_bad_input_raises_a_clear_error(f, kwargs, error, names):
    with pytest.raises(error) as info:
        f(**kwargs)
    for name in names:
        assert name in str(info.value), f"message {str(info.value)!r} does not mention {name!r}"


@pytest.mark.parametrize("f, good", GOOD, ids=[f"{f.__name__}{i}" for i, (f, _) in enumerate(GOOD)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, "native"])
def test_inputs_are_never_modified(f, good, dtype):
    kwargs = {}
    for name, value in good.items():
        if isinstance(value, list):
            value = np.array(value) if dtype == "native" or kind(f, name, value) == "labels" else np.array(value, dtype)
            value.setflags(write=False)  # any attempt to write would raise
        kwargs[name] = value
    copies = {name: np.copy(value) for name, value in kwargs.items()}
    result = f(**kwargs)
    for name, value in kwargs.items():
        np.testing.assert_array_equal(value, copies[name])
        assert value.dtype == copies[name].dtype if isinstance(value, np.ndarray) else True
    assert not np.isnan(result).any()
    if isinstance(result, np.ndarray):
        assert result.dtype == np.float64 and all(result is not value for value in kwargs.values())


def test_result_is_not_a_view_of_a_float64_input():
    p = np.array([0.25, 0.75])
    out = information_content(p)
    out[:] = 0
    assert p.tolist() == [0.25, 0.75]


def test_everything_is_importable_from_the_package():
    assert sorted(lossbook.__all__) == lossbook.__all__
    for name in lossbook.__all__:
        assert getattr(lossbook, name) is not None
    assert lossbook.__version__ == "0.1.0"


# The helpers themselves ------------------------------------------------------------------------

def test_finite_check_survives_a_sum_that_overflows():
    v.check_finite(np.array([1e308, 1e308]), "x")  # the sum is inf, the values are finite
    v.check_finite(np.array([1e308, -1e308, 1e308, 1e308]), "x")
    with pytest.raises(ValueError, match=r"x must be finite, got nan"):
        v.check_finite(np.array([1e308, 1e308, math.nan]), "x")
    with pytest.raises(ValueError, match=r"got -inf"):
        v.check_finite(np.array([[1.0, 2.0], [-math.inf, math.inf]]), "x")
    assert mse([1e308, 1e308], [1e308, 1e308]) == 0.0


def test_as_float_array():
    a = np.arange(3.0)
    assert v.as_float_array(a, "x") is a  # no copy for float64 input
    assert v.as_float_array([True, False], "x").tolist() == [1.0, 0.0]
    assert v.as_float_array(np.float32(0.5), "x").dtype == np.float64
    with pytest.raises(TypeError, match=re.escape("x must contain real numbers, got dtype complex128")):
        v.as_float_array([1j], "x")
    with pytest.raises(ValueError, match=re.escape("x must not be empty, got shape (0, 3)")):
        v.as_float_array(np.zeros((0, 3)), "x")


def test_check_labels():
    assert v.check_labels([0.0, 2.0], "y", 3).dtype == np.intp
    assert v.check_labels(np.array([1], np.uint64), "y", 2).tolist() == [1]
    with pytest.raises(ValueError, match=re.escape("y must be class labels in [0, 1], got 2")):
        v.check_labels([2], "y", 2)
    with pytest.raises(ValueError, match=re.escape("y must be integer class labels, got 0.5")):
        v.check_labels([0.5], "y", 2)
    with pytest.raises(ValueError, match="y must be class labels"):
        v.check_labels([1e300], "y", 2)


def test_check_distribution_tolerance():
    v.check_distribution(np.array([0.5, 0.5 + 9e-7]), "p")
    with pytest.raises(ValueError, match=r"p must sum to 1 along its last axis \(within 1e-6\), got a sum of 1.1$"):
        v.check_distribution(np.array([[0.5, 0.5], [0.5, 0.6]]), "p")


def test_reduce():
    losses = np.array([1.0, 2.0, 3.0, 6.0])
    assert v.reduce(losses, "mean") == 3.0 and type(v.reduce(losses, "mean")) is float
    assert v.reduce(losses, "sum") == 12.0
    assert v.reduce(losses, "none") is losses


@pytest.mark.parametrize("n", [1, v.BLOCK - 1, v.BLOCK, v.BLOCK + 1, 3 * v.BLOCK + 7])
def test_blockwise_evaluation_covers_every_element(n):
    x = np.arange(n, dtype=float)
    assert v.elementwise(lambda a: a, [x], "sum") == n * (n - 1) / 2
    assert v.elementwise(lambda a: a * 2, [x.reshape(1, -1)], "none").tolist() == [list(2 * x)]
    assert v.map_blocks(lambda a: a.sum(axis=-1), [np.ones((n, 3))]).tolist() == [3.0] * n
    assert v.row_sums(lambda a: a, [np.ones((2, n))]).tolist() == [n, n]
