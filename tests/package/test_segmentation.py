"""lossbook.segmentation: Dice and Tversky equal to Keras and to their formulas in PyTorch; gradients too.

Keras (PyTorch backend) adds 1e-7 to each denominator and computes partly in float32: compared at a
relative 1e-6 where the denominator is at least 10 and the loss at least 0.05 (so that 1e-7 moves the
loss by at most 2e-7 of itself). The formulas, written in PyTorch float64 as Keras' code computes them
without the 1e-7, are compared at 1e-12, with their autograd gradients.
"""

import math
import os
import warnings

os.environ["KERAS_BACKEND"] = "torch"  # before keras is imported

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from hypothesis import assume, given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402
from numpy.testing import assert_allclose  # noqa: E402

import lossbook  # noqa: E402
from lossbook import dice, dice_grad, segmentation, tversky, tversky_grad  # noqa: E402
from tests.gradcheck import assert_matches_differences, autograd  # noqa: E402

pytestmark = pytest.mark.filterwarnings("error")
RTOL = 1e-12
KERAS_RTOL = 1e-6
REDUCTIONS = ("mean", "sum", "none")
# (not below 1e-300: PyTorch's autograd squares the denominator, which then underflows)
values = st.sampled_from([0.0, 1.0]) | st.floats(0, 1).filter(lambda v: v == 0 or v > 1e-300)


@st.composite
def masks(draw, min_side=1):
    """(y_true, y_pred, axis): masks of shape (N, H, W) and the axes summed (None, or some of them)."""
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=min_side, max_side=5))
    y_true = draw(hnp.arrays(np.float64, shape, elements=values))
    y_pred = draw(hnp.arrays(np.float64, shape, elements=values))
    axes = draw(
        st.none()
        | st.lists(
            st.integers(-len(shape), len(shape) - 1),
            min_size=1,
            max_size=len(shape),
            unique_by=lambda a: a % len(shape),
        ).map(tuple)
    )
    return y_true, y_pred, axes


def torch_tversky(y_true, y_pred, alpha, beta, axis, reduction):
    """Keras' tversky() in PyTorch float64, without its 1e-7 (its variable `fp` is the false negatives)."""
    dims = tuple(range(y_true.ndim)) if axis is None else axis
    intersection = torch.sum(y_true * y_pred, dim=dims)
    fn = torch.sum((1 - y_pred) * y_true, dim=dims)
    fp = torch.sum(y_pred * (1 - y_true), dim=dims)
    loss = 1 - intersection / (intersection + alpha * fn + beta * fp)
    return {"mean": loss.mean, "sum": loss.sum, "none": lambda: loss}[reduction]()


def torch_dice(y_true, y_pred, axis, reduction):
    """Keras' dice() in PyTorch float64, without its 1e-7."""
    dims = tuple(range(y_true.ndim)) if axis is None else axis
    loss = 1 - 2 * torch.sum(y_true * y_pred, dim=dims) / (torch.sum(y_true, dim=dims) + torch.sum(y_pred, dim=dims))
    return {"mean": loss.mean, "sum": loss.sum, "none": lambda: loss}[reduction]()


def defined(y_true, y_pred, axis, alpha=0.5, beta=0.5):
    """Whether every slice's denominator is positive (else lossbook raises, tested below)."""
    sums = np.sum(y_true + y_pred, axis=tuple(range(y_true.ndim)) if axis is None else axis)
    return bool(min_denominator(y_true, y_pred, axis, alpha, beta) > 0 and np.all(sums > 0))


weights = st.sampled_from([0.0, 0.3, 0.5, 0.7, 1.0]) | st.floats(0, 2)


@given(masks(), weights, weights)
def test_tversky_equals_its_formula_in_pytorch(mask, alpha, beta):
    y_true, y_pred, axis = mask
    assume(defined(y_true, y_pred, axis, alpha, beta))
    t = torch.from_numpy(y_true)
    for reduction in REDUCTIONS:

        def loss(p, reduction=reduction):
            return torch_tversky(t, p, alpha, beta, axis, reduction)

        expected = loss(torch.from_numpy(y_pred)).numpy()
        ours = tversky(y_true, y_pred, alpha=alpha, beta=beta, axis=axis, reduction=reduction)
        assert_allclose(ours, expected, rtol=RTOL, atol=1e-15)  # 1 - TP / D cancels near a perfect mask
        # The slope (TP/D (...) - y) / D can be 0 by cancellation: both sides then carry a rounding
        # error of about 1e-16 / D.
        assert_allclose(
            tversky_grad(y_true, y_pred, alpha=alpha, beta=beta, axis=axis, reduction=reduction),
            autograd(loss, y_pred),
            rtol=RTOL,
            atol=1e-15 / min_denominator(y_true, y_pred, axis, alpha, beta),
        )


def min_denominator(y_true, y_pred, axis, alpha, beta):
    axis = tuple(range(y_true.ndim)) if axis is None else axis
    tp = np.sum(y_true * y_pred, axis=axis)
    return np.min(
        tp + alpha * np.sum(y_true * (1 - y_pred), axis=axis) + beta * np.sum((1 - y_true) * y_pred, axis=axis)
    )


@given(masks())
def test_dice_equals_its_formula_and_tversky_with_halves(mask):
    y_true, y_pred, axis = mask
    assume(defined(y_true, y_pred, axis))
    t = torch.from_numpy(y_true)
    for reduction in REDUCTIONS:

        def loss(p, reduction=reduction):
            return torch_dice(t, p, axis, reduction)

        ours = dice(y_true, y_pred, axis=axis, reduction=reduction)
        assert_allclose(ours, loss(torch.from_numpy(y_pred)).numpy(), rtol=RTOL, atol=1e-15)
        assert_allclose(
            dice_grad(y_true, y_pred, axis=axis, reduction=reduction),
            autograd(loss, y_pred),
            rtol=RTOL,
            atol=1e-15 / min_denominator(y_true, y_pred, axis, 0.5, 0.5),
        )
        assert_allclose(tversky(y_true, y_pred, axis=axis, reduction=reduction), ours, rtol=1e-12, atol=1e-15)


def keras_value(loss, y_true, y_pred):
    with warnings.catch_warnings():  # Keras' tensors warn about numpy 2's copy keyword
        warnings.simplefilter("ignore", DeprecationWarning)
        return float(keras.ops.convert_to_numpy(loss(y_true, y_pred)))


def keras_axis(mask):
    """The mask's axis, or None where it sums the batch axis 0 (Keras averages the slices over the batch)."""
    y_true, _, axis = mask
    return None if axis is None or 0 in [a % y_true.ndim for a in axis] else axis


@st.composite
def image_masks(draw):
    """Images (N, 8, 8): large enough that every denominator is well above Keras' 1e-7."""
    shape = (draw(st.integers(1, 3)), 8, 8)
    y_true, y_pred = (draw(hnp.arrays(np.float64, shape, elements=st.floats(0, 1))) for _ in range(2))
    return y_true, y_pred, draw(st.sampled_from([None, (1, 2), (-1, -2), (2,)]))


@given(image_masks(), st.floats(0.05, 1), st.floats(0.05, 1))
def test_tversky_equals_keras(mask, alpha, beta):
    (y_true, y_pred, _), axis = mask, keras_axis(mask)
    denominator = np.sum(y_true * y_pred, axis=axis) + np.minimum(alpha, beta) * np.sum(
        np.abs(y_true - y_pred), axis=axis
    )
    assume(np.min(denominator) >= 10)
    ours = tversky(y_true, y_pred, alpha=alpha, beta=beta, axis=axis)
    assume(ours >= 0.05)
    keras_loss = keras.losses.Tversky(alpha=alpha, beta=beta, axis=axis, dtype="float64")
    assert_allclose(keras_value(keras_loss, y_true, y_pred), ours, rtol=KERAS_RTOL)


@given(image_masks())
def test_dice_equals_keras(mask):
    (y_true, y_pred, _), axis = mask, keras_axis(mask)
    assume(np.min(np.sum(y_true + y_pred, axis=axis)) >= 10)
    ours = dice(y_true, y_pred, axis=axis)
    assume(ours >= 0.05)
    assert_allclose(keras_value(keras.losses.Dice(axis=axis, dtype="float64"), y_true, y_pred), ours, rtol=KERAS_RTOL)


def test_keras_dice_docstring_example():
    y_true = np.array([[[[1.0], [1.0]], [[0.0], [0.0]]], [[[1.0], [1.0]], [[0.0], [0.0]]]])
    y_pred = np.array([[[[0.0], [1.0]], [[0.0], [1.0]]], [[[0.4], [0.0]], [[0.0], [0.9]]]])
    # Keras shows array([0.5, 0.75757575]) and 0.6164384
    assert_allclose(dice(y_true, y_pred, axis=(1, 2, 3), reduction="none"), [0.5, 1 - 2 * 0.4 / 3.3], rtol=RTOL)
    assert_allclose(dice(y_true, y_pred), 1 - 2 * 1.4 / 7.3, rtol=RTOL)


def test_alpha_weighs_the_false_negatives_as_in_keras():
    # Target: two pixels. The prediction finds one of them (one false negative) and adds nothing.
    y_true, y_pred = np.array([[1.0, 1.0, 0.0, 0.0]]), np.array([[1.0, 0.0, 0.0, 0.0]])
    assert tversky(y_true, y_pred, alpha=1.0, beta=0.0) == 0.5  # 1 - TP / (TP + FN)
    assert tversky(y_true, y_pred, alpha=0.0, beta=1.0) == 0.0  # no false positive to count
    keras_alpha_one = keras_value(keras.losses.Tversky(alpha=1.0, beta=0.0, dtype="float64"), y_true, y_pred)
    keras_beta_one = keras_value(keras.losses.Tversky(alpha=0.0, beta=1.0, dtype="float64"), y_true, y_pred)
    assert_allclose(keras_alpha_one, 0.5, rtol=KERAS_RTOL)
    assert keras_beta_one < 1e-6  # 1 - 1 / (1 + 1e-7)


@given(masks(min_side=2))
def test_grads_equal_central_differences(mask):
    y_true, y_pred, axis = mask
    y_pred = np.clip(y_pred, 0.1, 0.9)  # room for a step either way
    assert_matches_differences(dice, dice_grad, y_true, y_pred, axis=axis)
    assert_matches_differences(tversky, tversky_grad, y_true, y_pred, alpha=0.7, beta=0.3, axis=axis)


def test_shapes_types_and_inputs_unchanged():
    y_true = np.array([[[1.0, 0.0], [1.0, 1.0]], [[0.0, 0.0], [1.0, 0.0]]])
    y_pred = np.array([[[0.9, 0.2], [0.6, 0.8]], [[0.1, 0.3], [0.7, 0.0]]])
    copies = y_true.copy(), y_pred.copy()
    for f in (dice, tversky):
        assert type(f(y_true, y_pred)) is float
        assert type(f(y_true, y_pred, axis=(0, 1, 2), reduction="none")) is float
        per_image = f(y_true, y_pred, axis=(1, 2), reduction="none")
        assert per_image.shape == (2,) and per_image.dtype == np.float64
        assert_allclose(f(y_true, y_pred, axis=(-1, -2)), per_image.mean(), rtol=RTOL)
        assert_allclose(f(y_true, y_pred, axis=(1, 2), reduction="sum"), per_image.sum(), rtol=RTOL)
        assert f(y_true, y_pred, axis=2, reduction="none").shape == (2, 2)
    for g in (dice_grad, tversky_grad):
        assert g(y_true, y_pred, axis=(1, 2)).shape == y_pred.shape
        assert_allclose(g(y_true, y_pred, axis=(1, 2)), g(y_true, y_pred, axis=(1, 2), reduction="sum") / 2, rtol=RTOL)
    assert np.array_equal(y_true, copies[0]) and np.array_equal(y_pred, copies[1])
    for f in (dice, dice_grad, tversky, tversky_grad):
        assert getattr(lossbook, f.__name__) is f
    assert dice([1.0, 1.0], [1.0, 1.0]) == 0.0 and dice([1.0, 0.0], [0.0, 1.0]) == 1.0


BAD = [
    (dice, {"axis": "1"}, TypeError, r"axis must be None, an int or a tuple of ints, got '1'"),
    (dice_grad, {"axis": [1]}, TypeError, r"axis must be None, an int or a tuple of ints, got \[1\]"),
    (tversky, {"axis": (1.0,)}, TypeError, r"axis must be None, an int or a tuple of ints, got \(1.0,\)"),
    (dice, {"axis": True}, TypeError, "axis must be None, an int or a tuple of ints, got True"),
    (dice, {"axis": 2}, ValueError, "axis 2 is out of range for masks with 2 axes"),
    (tversky_grad, {"axis": (1, -1)}, ValueError, r"axis must not repeat an axis, got \(1, -1\)"),
    (tversky, {"alpha": -0.1}, ValueError, "alpha must be non-negative, got -0.1"),
    (tversky, {"beta": "0.5"}, TypeError, "beta must be a real number, got '0.5'"),
    (tversky_grad, {"beta": math.inf}, ValueError, "beta must be non-negative, got inf"),
    (dice, {"reduction": "batch"}, ValueError, "reduction must be one of"),
]


@pytest.mark.parametrize("f, options, error, message", BAD, ids=[f"{b[0].__name__}-{i}" for i, b in enumerate(BAD)])
def test_bad_options(f, options, error, message):
    with pytest.raises(error, match=message):
        f([[1.0, 0.0]], [[0.5, 0.5]], **options)


def test_bad_masks_and_undefined_slices():
    with pytest.raises(ValueError, match=r"y_pred must be probabilities in \[0, 1\], got 1.5"):
        dice([1.0, 0.0], [1.5, 0.0])
    with pytest.raises(ValueError, match=r"y_true and y_pred must have the same shape, got \(2,\) and \(1, 2\)"):
        tversky([1.0, 0.0], [[1.0, 0.0]])
    with pytest.raises(ValueError, match=r"y_true must be finite, got nan"):
        dice_grad([math.nan, 0.0], [1.0, 0.0])
    empty = np.array([[1.0, 0.0], [0.0, 0.0]])
    with pytest.raises(
        ValueError,
        match=r"the loss is undefined \(0/0\) in the slice at index \(1,\): "
        r"sum\(y_true\) \+ sum\(y_pred\) is 0 \(both masks are empty\)",
    ):
        dice(empty, empty, axis=1)
    assert dice(empty, empty) == 0.0  # summed over everything, the masks are not empty
    with pytest.raises(ValueError, match=r"the loss is undefined \(0/0\): TP \+ alpha FN \+ beta FP is 0"):
        tversky([1.0, 0.0], [0.0, 1.0], alpha=0.0, beta=0.0)


# Guard: the oracle test fails when Keras' convention is changed ------------------------------


def test_guard_swapping_alpha_and_beta_fails_the_keras_convention_test(monkeypatch):
    right = segmentation._tversky_weights
    monkeypatch.setattr(segmentation, "_tversky_weights", lambda a, b: right(b, a))  # the paper's order
    with pytest.raises(AssertionError):
        test_alpha_weighs_the_false_negatives_as_in_keras()
