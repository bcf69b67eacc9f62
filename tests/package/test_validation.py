"""lossbook._validation and bad input to every public function: a clear error, nothing changed.

Each bad input must raise the named exception with a message naming the argument; no input
is ever modified; nothing warns or returns NaN instead of raising.
"""

import math
import re
import subprocess
import sys

import numpy as np
import pytest

import lossbook
from lossbook import _validation as v
from lossbook import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    entropy,
    huber,
    information_content,
    kl_divergence,
    log_softmax,
    mae,
    mse,
    one_hot,
    rmse,
    softmax,
    softmax_cross_entropy,
)

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
    (
        softmax_cross_entropy,
        {"y_true": [[1.0, 0.0, 0.0], [0.5, 0.5, 0.0]], "logits": [[1.0, 2.0, 3.0], [0.0, 0.0, 1.0]]},
    ),
    (binary_cross_entropy, {"y_true": [0.0, 1.0, 0.5], "p_pred": [0.2, 0.9, 0.5]}),
    (binary_cross_entropy_with_logits, {"y_true": [0.0, 1.0, 0.5], "logits": [-1.0, 2.0, 0.0]}),
]
PAIRED = {
    mse,
    mae,
    rmse,
    huber,
    cross_entropy,
    kl_divergence,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    softmax_cross_entropy,
}


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
    "base": [
        (0, ValueError),
        (-2.0, ValueError),
        (1, ValueError),
        (math.inf, ValueError),
        (math.nan, ValueError),
        (True, TypeError),
        ("2", TypeError),
        (None, TypeError),
    ],
    "delta": [
        (0.0, ValueError),
        (-1.0, ValueError),
        (math.inf, ValueError),
        (math.nan, ValueError),
        (True, TypeError),
        ("1", TypeError),
        (None, TypeError),
    ],
    "label_smoothing": [
        (-0.1, ValueError),
        (1.1, ValueError),
        (math.nan, ValueError),
        (True, TypeError),
        ("0.1", TypeError),
    ],
    "num_classes": [
        (0, ValueError),
        (-1, ValueError),
        (2.0, TypeError),
        (True, TypeError),
        ("3", TypeError),
        (None, TypeError),
    ],
    "axis": [(2, ValueError), (-3, ValueError), (0.0, TypeError), (True, TypeError), (None, TypeError)],
}
OPTIONS = {
    mse: ["reduction"],
    mae: ["reduction"],
    huber: ["delta", "reduction"],
    information_content: ["base"],
    entropy: ["base"],
    cross_entropy: ["base"],
    kl_divergence: ["base"],
    one_hot: ["num_classes"],
    softmax: ["axis"],
    log_softmax: ["axis"],
    softmax_cross_entropy: ["label_smoothing", "reduction"],
    binary_cross_entropy: ["reduction"],
    binary_cross_entropy_with_logits: ["reduction"],
}


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
                    # Classes last: logits (2, 3, 1) are 2 x 3 positions of one class, so probability
                    # rows (2, 3) are read as class indices (and rejected); indices (2,) have the wrong shape.
                    names = ["y_true"] if np.ndim(good["y_true"]) == 2 else [name, str(bad.shape)]
                yield pytest.param(f, {**good, name: bad}, ValueError, names, id=f"{f.__name__}{i}-{name}-{case}")
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
    for dtype in (np.int8, np.float32, np.uint64, bool):  # validated, converted later block by block
        a = np.ones(5, dtype)
        assert v.as_float_array(a, "x", blockwise=True) is a


def test_check_labels():
    assert v.check_labels([0.0, 2.0], "y", 3).dtype == np.intp
    assert v.check_labels(np.array([1], np.uint64), "y", 2).tolist() == [1]
    with pytest.raises(ValueError, match=re.escape("y must be class labels in [0, 1], got 2 at index (1,)")):
        v.check_labels([0, 2], "y", 2)
    with pytest.raises(ValueError, match=re.escape("y must be integer class labels, got 0.5 at index (0, 1)")):
        v.check_labels([[1.0, 0.5]], "y", 2)
    with pytest.raises(ValueError, match="y must be class labels"):
        v.check_labels([1e300], "y", 2)


def test_check_distribution_tolerance():
    v.check_distribution(np.array([0.5, 0.5 + 9e-7]), "p")
    with pytest.raises(
        ValueError,
        match=r"p must sum to 1 along its last axis \(within 1e-6\), got a sum of 1.1 "
        r"in row \(1,\); lossbook never renormalises: divide by the sum$",
    ):
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


# The edges (issue 11): masks, tensors, big integers, huge values, memory ---------------------------


def array_arguments():
    for i, (f, good) in enumerate(GOOD):
        for name in good:
            if name != "num_classes":
                yield pytest.param(f, good, name, id=f"{f.__name__}{i}-{name}")


@pytest.mark.parametrize("f, good, name", list(array_arguments()))
def test_masked_arrays_are_refused_with_how_to_pass_them(f, good, name):
    data = np.array(good[name])
    masked = np.ma.masked_array(data, mask=np.arange(data.size).reshape(data.shape) == 0)
    with pytest.raises(
        TypeError, match=rf"^{name} is a NumPy masked array \(1 of {data.size} elements masked\)"
    ) as info:
        f(**{**good, name: masked})
    assert f"{name}.compressed()" in str(info.value) and f"{name}.filled(value)" in str(info.value)
    assert np.array_equal(masked.data, data) and masked.mask.sum() == 1  # untouched


def test_a_masked_array_no_longer_gives_a_wrong_mean():
    # The mask used to be ignored: the masked 100 counted, 3333.67 instead of an error.
    y = np.ma.masked_array([1.0, 2.0, 100.0], mask=[False, False, True])
    with pytest.raises(TypeError, match="y_true.compressed()"):
        mse(y, [0.0, 0.0, 0.0])
    assert mse(y.compressed(), [0.0, 0.0]) == 2.5


@pytest.mark.parametrize(
    "f, good, name",
    [
        p
        for p in array_arguments()  # integer tensors cannot require grad
        if kind(p.values[0], p.values[2], p.values[1][p.values[2]]) != "labels"
    ],
)
def test_tensors_that_require_grad_are_refused_with_detach(f, good, name):
    torch = pytest.importorskip("torch")
    tensor = torch.tensor(np.array(good[name], dtype=np.float64), requires_grad=True)
    with pytest.raises(TypeError, match=rf"^{name} is a torch tensor that requires grad") as info:
        f(**{**good, name: tensor})
    assert f"{name}.detach()" in str(info.value)
    np.testing.assert_array_equal(f(**{**good, name: tensor.detach()}), f(**good))


def test_lossbook_does_not_import_torch():
    code = "import sys, lossbook; lossbook.mse([1.0], [2.0]); assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_integers_beyond_two_to_the_53_are_refused_not_rounded():
    # Both used to return 0.0, where the exact answer is 1.0.
    for f, big in ((mse, 2**62), (mae, 2**53)):
        with pytest.raises(ValueError) as info:
            f([big + 1], [big])
        assert str(info.value).startswith(
            f"y_true holds the integer {big + 1} at index (0,), which float64 cannot "
            f"represent exactly (it holds every integer only up to 2**53 = {2**53})"
        )
        assert "y_true.astype(float)" in str(info.value)
    with pytest.raises(ValueError, match=r"^y_pred holds the integer 18446744073709551615 at index \(1, 0\)"):
        mse(np.zeros((2, 1), np.uint64), np.array([[0], [2**64 - 1]], np.uint64))
    with pytest.raises(ValueError, match=r"^y_pred holds the integer -9223372036854775807 at index \(1,\)"):
        mae([0, 0], np.array([0, -(2**63) + 1]))
    with pytest.raises(ValueError, match=rf"^p holds the integer {2**64 + 1} at index \(0,\)"):  # a Python int
        information_content([2**64 + 1])


def test_integers_float64_holds_exactly_are_exact():
    big = np.array([2**62, -(2**63), 2**53], np.int64)
    assert mse(big + np.array([2**10, 0, 0]), big, reduction="sum") == 2.0**20  # spacing 2**10 at 2**62
    assert mae(big, big) == 0.0 and mae(np.array([2**64 - 2**11], np.uint64), [0]) == 2.0**64 - 2**11
    assert mse([2**64], [2**64 + 2**12]) == 2.0**24  # Python ints beyond uint64, held exactly by float64
    assert mae([2**64, 0.5], [2**64, 1.5]) == 0.5  # mixed with floats: an object array


def test_numbers_beyond_float64_say_what_to_do():
    with pytest.raises(
        ValueError,
        match=r"^y_true holds an integer of 401 digits at index \(1,\), beyond the range "
        r"of float64 \(\+-1.7976931348623157e\+308\), in which lossbook computes: "
        r"divide the values by a common scale first$",
    ):
        mse([0, -(10**400)], [0, 0])
    if np.finfo(np.longdouble).max <= np.finfo(np.float64).max:
        return  # no wider long double on this platform: nothing can lie beyond float64
    wide = np.array([[1, 2], [3, 0]], np.longdouble)
    wide[1, 1] = -np.longdouble("1e400")  # finite in long double, -inf in float64
    for f, kwargs in ((mse, dict(y_true=wide, y_pred=np.zeros((2, 2)))), (softmax, dict(logits=wide))):
        with pytest.raises(ValueError) as info:
            f(**kwargs)
        name = next(iter(kwargs))
        assert str(info.value).startswith(
            f"{name} holds -1e+400 at index (1, 1), beyond the range of float64 (+-1.7976931348623157e+308)"
        ), str(info.value)
    assert mse(np.array([1e300], np.longdouble), [0.0]) == math.inf  # within range: the square overflows truly
    mixed = np.array([0.5, np.longdouble("1e400")], dtype=object)  # an object array of numbers
    with pytest.raises(ValueError, match=r"^p holds 1e\+400 at index \(1,\), beyond the range of float64"):
        information_content(mixed)


def test_one_hot_with_a_huge_num_classes_says_the_memory():
    with pytest.raises(
        ValueError,
        match=re.escape(
            f"num_classes={10**30} asks for a float64 array of shape (2, {10**30}), 1.60e+31 bytes (1.49e+22 GiB), "
            "more than any computer can address: pass a smaller num_classes"
        ),
    ):
        one_hot([0, 1], 10**30)
    with pytest.raises(
        MemoryError,
        match=re.escape(  # 2**60 bytes: addressable, but nowhere available
            f"num_classes={2**57} asks for a float64 array of shape (1, {2**57}), 1.15e+18 bytes (1.07e+9 GiB), "
            "more than is available"
        ),
    ):
        one_hot([1], 2**57)


def test_class_indices_with_a_trailing_axis_say_to_reshape():
    for labels, logits in (([[0], [2]], np.zeros((2, 3))), ([[0], [0]], np.zeros((2, 1)))):
        with pytest.raises(ValueError, match=r"y_true.reshape\(-1\)$"):
            softmax_cross_entropy(labels, logits)
        assert softmax_cross_entropy(np.reshape(labels, -1), logits) == 0.0 if logits.shape[1] == 1 else True
    assert softmax_cross_entropy([[1.0], [1.0]], np.zeros((2, 1))) == 0.0  # K = 1 distributions are fine


def test_distribution_errors_name_the_first_bad_row():
    p = np.full((2, 3, 2), 0.5)
    p[1, 2] = [0.5, 0.6]
    p[1, 1] = [0.5, 0.7]
    with pytest.raises(ValueError, match=r"got a sum of 1.2 in row \(1, 1\)"):
        entropy(p)
    with pytest.raises(ValueError, match=r"^y_true must be probabilities in \[0, 1\], got -0.5 at index \(1, 0\)"):
        softmax_cross_entropy([[1.0, 0.0], [-0.5, 1.5]], np.zeros((2, 2)))


def test_sums_that_overflow_are_rescaled():
    losses = np.full(4, 1.7e308)
    assert v.reduce(losses, "mean") == 1.7e308 and v.reduce(losses, "sum") == math.inf
    n = 3 * v.BLOCK + 5  # over many blocks
    assert v.elementwise(lambda a: a, [np.full(n, 1e308)], "mean") == pytest.approx(1e308, rel=1e-15)
    assert v.elementwise(lambda a: a, [np.full(n, -1e308)], "sum") == -math.inf
    assert v.elementwise(lambda a: a, [np.array([1e308, -1e308] * n)], "mean") == 0.0


def test_non_float64_inputs_reach_the_kernels_one_float64_block_at_a_time():
    n = 3 * v.BLOCK + 7
    seen = []
    v.elementwise(
        lambda a, b: seen.append((a.dtype.name, a.size, b.dtype.name)) or a,
        [np.ones(n, np.int8), np.ones(n, np.float32)],
        "mean",
    )
    assert [s for s in seen if s[1] > v.BLOCK] == [] and {(s[0], s[2]) for s in seen} == {("float64", "float64")}
    assert sum(s[1] for s in seen) == n
    seen.clear()
    v.map_blocks(lambda a: seen.append((a.dtype.name, a.size)) or a[:, 0], [np.ones((n, 3), np.int8)])
    assert {d for d, _ in seen} == {"float64"} and max(s for _, s in seen) <= v.BLOCK
    seen.clear()  # class labels and masks: passed as they are
    v.map_blocks(
        lambda a, y: seen.append((a.dtype.name, y.dtype.name)) or a[:, 0],
        [np.ones((n, 3), np.int8), np.ones(n, np.intp)],
        raw=(1,),
    )
    assert set(seen) == {("float64", np.dtype(np.intp).name)}


@pytest.mark.parametrize("f, good", GOOD, ids=[f"{f.__name__}{i}" for i, (f, _) in enumerate(GOOD)])
@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_narrow_floats_give_the_float64_result_of_their_values(f, good, dtype):
    # (the good distributions hold dyadic fractions: exact in float16, so they still sum to 1)
    narrow = {
        name: np.array(value, dtype) if isinstance(value, list) and kind(f, name, value) != "labels" else value
        for name, value in good.items()
    }
    wide = {
        name: np.asarray(value, np.float64) if isinstance(value, np.ndarray) else value
        for name, value in narrow.items()
    }
    np.testing.assert_array_equal(f(**narrow), f(**wide))


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int64, bool])
def test_integer_inputs_over_many_blocks_give_the_float64_result(dtype):
    rng = np.random.default_rng(5)
    n = 2 * v.BLOCK + 3
    t, p = rng.integers(0, 2, n).astype(dtype), rng.integers(0, 2, n).astype(dtype)
    for f in (mse, mae, rmse, huber, binary_cross_entropy_with_logits):
        assert f(t, p) == f(t.astype(float), p.astype(float))
    one = np.zeros(n, dtype)
    one[7] = 1
    assert entropy(one) == 0.0 and kl_divergence(one, one) == 0.0 and cross_entropy(one, one) == 0.0
    z = rng.integers(-3, 4, (n // 10, 10)).astype(np.int8)
    labels = rng.integers(0, 10, n // 10).astype(dtype if dtype is not bool else np.int8)
    assert softmax_cross_entropy(labels, z) == softmax_cross_entropy(labels.astype(np.int64), z.astype(float))
