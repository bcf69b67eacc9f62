"""lossbook against optax: every lossbook function with an optax counterpart, in float64.

optax (on JAX, CPU) is the third oracle of the loss atlas, after PyTorch and Keras. Its losses
take the prediction first, return one loss per example and never reduce: each comparison
below states the call that makes the two compute the same number. JAX computes in float32
unless 64-bit types are enabled; the module fixture enables them for these tests only (JAX's
own context manager, restored afterwards), and `oracle` refuses any result that is not float64.
"""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_allclose, assert_array_equal

from lossbook import (
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_grad,
    categorical_hinge,
    cosine_similarity,
    cosine_similarity_grad,
    cross_entropy,
    ctc,
    ctc_grad,
    dice,
    dice_grad,
    hinge,
    hinge_grad,
    huber,
    huber_grad,
    info_nce,
    info_nce_grad,
    kl_divergence,
    kl_divergence_grad,
    log_cosh,
    log_cosh_grad,
    log_softmax,
    margin_ranking,
    mse,
    mse_grad,
    one_hot,
    poly1_cross_entropy,
    poly1_cross_entropy_grad,
    sigmoid_focal,
    sigmoid_focal_grad,
    softmax,
    softmax_cross_entropy,
    softmax_cross_entropy_grad,
    triplet_margin,
    triplet_margin_grad,
    tversky,
)
from tests.strategies import classification, distribution_pairs, logit_values, no_underflow, pairs, reals, shapes

pytestmark = pytest.mark.filterwarnings("error")
RTOL = 1e-12  # against float64 oracles
# optax's log-sum-exp is max + log(sum exp(z - max)), not log1p: losses near 0 are rounded by up
# to about 2.2e-16 absolute (as PyTorch's are, see test_classification.py); lossbook is exact there.
ATOL = 1e-15
# XLA on CPU flushes subnormal numbers to zero, inputs and results: where lossbook's result is below
# the smallest normal float64, 2.2e-308, optax's may be 0. Inputs are drawn without subnormals.
TINY = np.finfo(np.float64).tiny
# optax's log-cosh is logaddexp(e, -e) - log 2: for small errors it cancels, leaving the rounding of
# a number near log 2, up to 2 ulp of it, 2.3e-16 absolute (lossbook's log-cosh of 1e-10 is 5e-21).
LOG2_ULP = 2.3e-16
reductions = st.sampled_from(["mean", "sum", "none"])
huge = st.floats(-1e300, 1e300, allow_subnormal=False)  # logits whose differences stay within float64
labels_01 = st.sampled_from([0.0, 1.0]) | st.floats(0, 1, allow_subnormal=False)
smoothing = st.sampled_from([0.0, 0.1, 1.0]) | st.floats(0, 1, allow_subnormal=False)


@pytest.fixture(scope="module", autouse=True)
def jax_float64():
    """64-bit JAX for this module's tests, as PyTorch's oracles run in float64."""
    with jax.enable_x64(True):
        yield


def oracle(f, *args, **kwargs):
    """optax's `f` on float64 JAX arrays of `args` (NumPy arrays of other dtypes keep theirs), as NumPy."""
    out = np.asarray(f(*(jnp.asarray(a) for a in args), **kwargs))
    assert out.dtype == np.float64, f"optax computed in {out.dtype}: is jax_enable_x64 on?"
    return out


def reduce(losses, reduction):
    """What lossbook's `reduction` does to optax's per-example losses."""
    return {"mean": np.mean, "sum": np.sum, "none": np.asarray}[reduction](losses)


def oracle_grad(f, reduction, x, *args, **kwargs):
    """jax.grad with respect to `x` of optax's `f(x, *args)` reduced as lossbook's `reduction`.

    For "none" lossbook gives each element's (or row's) derivative of its own loss: as no loss
    depends on another element's input, that is the gradient of their sum.
    """
    total = jnp.mean if reduction == "mean" else jnp.sum
    args = [jnp.asarray(a) for a in args]
    return oracle(jax.grad(lambda x: total(f(x, *args, **kwargs))), x)


def test_float64_is_enabled_for_this_module_only():
    assert jnp.asarray([1.0]).dtype == jnp.float64
    with jax.enable_x64(False):  # the default outside this module: float32, 1e-7 at best
        assert jnp.asarray([1.0]).dtype == jnp.float32


# Regression --------------------------------------------------------------------------------------


@given(pairs(no_underflow), reductions)
def test_mse_is_squared_error(arrays, reduction):
    y, y_hat = arrays
    expected = reduce(oracle(optax.losses.squared_error, y_hat, y), reduction)
    assert_allclose(mse(y, y_hat, reduction=reduction), expected, rtol=RTOL)
    # l2_loss is half the squared error (Bishop's convention); lossbook has no separate function
    assert_allclose(mse(y, y_hat, reduction="none") / 2, oracle(optax.losses.l2_loss, y_hat, y), rtol=RTOL)
    # without targets, optax measures against zeros
    assert_allclose(mse(np.zeros_like(y_hat), y_hat, reduction="none"), oracle(optax.losses.squared_error, y_hat))


@given(pairs(st.floats(-1e150, 1e150).filter(lambda x: x == 0 or abs(x) > 1e-150)))
def test_mse_is_squared_error_at_extreme_magnitudes(arrays):
    y, y_hat = arrays  # squares up to 4e300 and their sums stay finite
    assert_allclose(mse(y, y_hat), oracle(optax.losses.squared_error, y_hat, y).mean(), rtol=RTOL)


def test_mse_where_the_squares_overflow():
    # optax squares first: a square beyond float64 makes its mean inf; lossbook's mean is finite
    y, y_hat = np.zeros(4), np.array([1.5e154, 0.0, 0.0, 0.0])  # one square 2.25e308, the mean 5.6e307
    assert oracle(optax.losses.squared_error, y_hat, y).mean() == np.inf
    assert mse(y, y_hat) == pytest.approx(1.5e154 * (1.5e154 / 4), rel=1e-15)


@given(pairs(no_underflow), st.sampled_from([1.0, 0.5, 2.0]) | st.floats(1e-3, 1e3), reductions)
def test_huber_is_huber_loss(arrays, delta, reduction):
    # Same delta convention: 0.5 e^2 within delta, delta (|e| - delta / 2) beyond (not divided by delta)
    y, y_hat = arrays
    expected = reduce(oracle(optax.losses.huber_loss, y_hat, y, delta=delta), reduction)
    assert_allclose(huber(y, y_hat, delta=delta, reduction=reduction), expected, rtol=RTOL)


@given(pairs(huge), st.floats(1e-3, 1e3))
def test_huber_is_huber_loss_at_extreme_magnitudes(arrays, delta):
    y, y_hat = arrays
    expected = oracle(optax.losses.huber_loss, y_hat, y, delta=delta)
    assert_allclose(huber(y, y_hat, delta=delta, reduction="none"), expected, rtol=RTOL, atol=TINY)


@given(pairs(no_underflow), reductions)
def test_mse_grad_is_autodiff_of_squared_error(arrays, reduction):
    y, y_hat = arrays
    expected = oracle_grad(optax.losses.squared_error, reduction, y_hat, y)
    assert_allclose(mse_grad(y, y_hat, reduction=reduction), expected, rtol=RTOL)


@given(pairs(no_underflow), st.sampled_from([1.0, 0.5, 2.0]) | st.floats(1e-3, 1e3), reductions)
def test_huber_grad_is_autodiff_of_huber_loss(arrays, delta, reduction):
    # optax writes the loss as q^2 / 2 + delta (|e| - q), q = min(|e|, delta); within delta, JAX's
    # derivative is delta + (q - delta) sign(e): the terms cancel down to e, rounded to 1.1e-16 delta.
    y, y_hat = arrays
    expected = oracle_grad(optax.losses.huber_loss, reduction, y_hat, y, delta=delta)
    grad = huber_grad(y, y_hat, delta=delta, reduction=reduction)
    assert_allclose(grad, expected, rtol=RTOL, atol=1.2e-16 * delta)


def test_autodiff_of_huber_loss_rounds_small_errors():
    # The rounding the tolerance above allows: lossbook's slope of a 1e-20 error is 1e-20
    e = np.array([1e-20, 1e-10])
    assert_array_equal(huber_grad(np.zeros(2), e, reduction="sum"), e)
    autodiff = oracle_grad(optax.losses.huber_loss, "sum", e, np.zeros(2))
    assert autodiff[0] == 0.0  # 1 + (1e-20 - 1) = 0
    assert abs(autodiff[1] / e[1] - 1) > 1e-8  # 1 + (1e-10 - 1) keeps 7 digits of 1e-10


# Classification ----------------------------------------------------------------------------------


@given(classification(), reductions)
def test_softmax_cross_entropy_with_indices(data, reduction):
    y, z = data
    # one-hot rows in optax's softmax_cross_entropy: log_softmax(z) = (z - max) - log(sum), as lossbook
    expected = reduce(oracle(optax.losses.softmax_cross_entropy, z, one_hot(y, z.shape[1])), reduction)
    atol = ATOL * len(y) if reduction == "sum" else ATOL
    assert_allclose(softmax_cross_entropy(y, z, reduction=reduction), expected, rtol=RTOL, atol=atol)
    # softmax_cross_entropy_with_integer_labels computes (max + log(sum)) - z_y: the first sum is
    # rounded to the precision of the largest logit, an absolute error up to 1.1e-16 max|z| per row
    expected = reduce(oracle(optax.losses.softmax_cross_entropy_with_integer_labels, z, y), reduction)
    atol = (ATOL + 1.2e-16 * np.abs(z).max()) * (len(y) if reduction == "sum" else 1)
    assert_allclose(softmax_cross_entropy(y, z, reduction=reduction), expected, rtol=RTOL, atol=atol)


def test_integer_labels_lose_small_losses_to_large_logits():
    # The difference the bound above allows, at its largest: equal logits of 1e300 have loss log 2
    z, y = np.array([[1e300, 1e300], [30.0, 0.0]]), np.array([0, 0])
    losses = softmax_cross_entropy(y, z, reduction="none")
    assert_allclose(losses, [np.log(2), np.log1p(np.exp(-30.0))], rtol=1e-15)
    integer_labels = oracle(optax.losses.softmax_cross_entropy_with_integer_labels, z, y)
    assert integer_labels[0] == 0.0  # log 2 is lost in 1e300 + log 2
    assert abs(integer_labels[1] / losses[1] - 1) > 1e-2  # 9.4e-14 rounded to the precision of 30
    assert_allclose(oracle(optax.losses.softmax_cross_entropy, z, one_hot(y, 2)), losses, rtol=1e-15, atol=ATOL)


@given(classification(probability_targets=True), reductions)
def test_softmax_cross_entropy_with_probabilities(data, reduction):
    y, z = data
    expected = reduce(oracle(optax.losses.softmax_cross_entropy, z, y), reduction)
    atol = ATOL * len(y) if reduction == "sum" else ATOL
    assert_allclose(softmax_cross_entropy(y, z, reduction=reduction), expected, rtol=RTOL, atol=atol)
    # safe_softmax_cross_entropy differs only where a logit is -inf (lossbook refuses infinities)
    expected = oracle(optax.losses.safe_softmax_cross_entropy, z, y)
    assert_allclose(softmax_cross_entropy(y, z, reduction="none"), expected, rtol=RTOL, atol=ATOL)


@given(classification(), smoothing)
def test_label_smoothing_is_smooth_labels(data, eps):
    # optax smooths the target rows itself: smooth_labels(one_hot, alpha), then the cross-entropy
    y, z = data
    targets = oracle(optax.losses.smooth_labels, one_hot(y, z.shape[1]), eps)
    expected = oracle(optax.losses.softmax_cross_entropy, z, targets)
    losses = softmax_cross_entropy(y, z, label_smoothing=eps, reduction="none")
    assert_allclose(losses, expected, rtol=RTOL, atol=ATOL)


@given(classification(probability_targets=True))
def test_fenchel_young_loss_of_logsumexp_is_softmax_cross_entropy(data):
    # make_fenchel_young_loss(max_fun) builds max_fun(z) - <y, z>: with logsumexp and rows y that
    # sum to 1 that is sum_k y_k (logsumexp(z) - z_k), the cross-entropy (logsumexp rounds as above)
    y, z = data
    loss = optax.losses.make_fenchel_young_loss(jax.scipy.special.logsumexp)
    expected = oracle(loss, z, y)
    atol = ATOL + 1.2e-16 * np.abs(z).max()
    assert_allclose(softmax_cross_entropy(y, z, reduction="none"), expected, rtol=RTOL, atol=atol)


@given(classification(probability_targets=True), st.data())
def test_ranking_softmax_loss_is_weighted_softmax_cross_entropy(data, more):
    # A list's relevance labels r >= 0 need not sum to 1: -sum_i r_i log softmax(z)_i is the
    # cross-entropy of r / sum(r), times sum(r); optax averages the lists
    _, z = data
    r = more.draw(hnp.arrays(np.float64, z.shape, elements=st.sampled_from([0.0, 1.0, 2.0]) | st.floats(0, 5)))
    r[:, 0] += 1.0  # every list has a relevant item
    total = r.sum(axis=-1)
    ours = softmax_cross_entropy(r / total[:, None], z, reduction="none") @ total / len(total)
    expected = oracle(optax.losses.ranking_softmax_loss, z, r)
    assert_allclose(ours, expected, rtol=RTOL, atol=ATOL * total.max())


@given(classification(max_classes=4).map(lambda d: (d[0], d[1] * 1e299 / 30)))
def test_softmax_cross_entropy_at_extreme_magnitudes(data):
    y, z = data  # logits up to 1e299 in magnitude: losses up to 2e299
    expected = oracle(optax.losses.softmax_cross_entropy, z, one_hot(y, z.shape[1]))
    assert_allclose(softmax_cross_entropy(y, z, reduction="none"), expected, rtol=RTOL, atol=ATOL)


@given(pairs(logit_values), st.data(), reductions)
def test_binary_cross_entropy_with_logits_is_sigmoid_binary_cross_entropy(arrays, data, reduction):
    # Soft labels included; optax adds two non-negative terms, like lossbook: no cancellation.
    _, z = arrays
    y = data.draw(hnp.arrays(np.float64, z.shape, elements=labels_01))
    expected = reduce(oracle(optax.losses.sigmoid_binary_cross_entropy, z, y), reduction)
    assert_allclose(binary_cross_entropy_with_logits(y, z, reduction=reduction), expected, rtol=RTOL)


@given(hnp.arrays(np.float64, st.integers(1, 20), elements=huge), st.data())
def test_binary_cross_entropy_with_logits_at_extreme_magnitudes(z, data):
    y = data.draw(hnp.arrays(np.float64, z.shape, elements=labels_01))
    expected = oracle(optax.losses.sigmoid_binary_cross_entropy, z, y)
    assert_allclose(binary_cross_entropy_with_logits(y, z, reduction="none"), expected, rtol=RTOL, atol=TINY)


@given(classification(), smoothing, reductions)
def test_softmax_cross_entropy_grad_is_autodiff(data, eps, reduction):
    # softmax(z) - y' in both; where they nearly cancel, each rounds by about 1.1e-16 absolute
    y, z = data
    targets = oracle(optax.losses.smooth_labels, one_hot(y, z.shape[1]), eps)
    expected = oracle_grad(lambda z, t: optax.losses.softmax_cross_entropy(z, t), reduction, z, targets)
    grad = softmax_cross_entropy_grad(y, z, label_smoothing=eps, reduction=reduction)
    assert_allclose(grad, expected, rtol=RTOL, atol=ATOL)
    expected = oracle_grad(optax.losses.softmax_cross_entropy_with_integer_labels, reduction, z, y)
    assert_allclose(softmax_cross_entropy_grad(y, z, reduction=reduction), expected, rtol=RTOL, atol=ATOL)


@given(pairs(logit_values), st.data(), reductions)
def test_binary_cross_entropy_with_logits_grad_is_autodiff(arrays, data, reduction):
    # sigma(z) - y: the two terms cancel for soft labels, leaving about 1.1e-16 absolute rounding
    _, z = arrays
    y = data.draw(hnp.arrays(np.float64, z.shape, elements=labels_01))
    expected = oracle_grad(lambda z, y: optax.losses.sigmoid_binary_cross_entropy(z, y), reduction, z, y)
    grad = binary_cross_entropy_with_logits_grad(y, z, reduction=reduction)
    assert_allclose(grad, expected, rtol=RTOL, atol=ATOL + TINY)


@given(hnp.arrays(np.float64, st.integers(1, 20), elements=huge), st.data())
def test_binary_cross_entropy_with_logits_grad_at_extreme_magnitudes(z, data):
    y = data.draw(hnp.arrays(np.float64, z.shape, elements=labels_01))
    expected = oracle_grad(lambda z, y: optax.losses.sigmoid_binary_cross_entropy(z, y), "sum", z, y)
    grad = binary_cross_entropy_with_logits_grad(y, z, reduction="sum")
    assert_allclose(grad, expected, rtol=RTOL, atol=ATOL + TINY)


# Atlas losses: log-cosh, sigmoid focal, poly-1, Dice and Tversky ----------------------------------


@given(pairs(no_underflow), reductions)
def test_log_cosh_is_log_cosh(arrays, reduction):
    y, y_hat = arrays
    expected = reduce(oracle(optax.losses.log_cosh, y_hat, y), reduction)
    atol = LOG2_ULP * (y.size if reduction == "sum" else 1)
    assert_allclose(log_cosh(y, y_hat, reduction=reduction), expected, rtol=RTOL, atol=atol)
    assert_allclose(
        log_cosh(np.zeros_like(y_hat), y_hat, reduction="none"),
        oracle(optax.losses.log_cosh, y_hat),
        atol=LOG2_ULP,
        rtol=RTOL,
    )


@given(pairs(huge))
def test_log_cosh_is_log_cosh_at_extreme_magnitudes(arrays):
    y, y_hat = arrays
    assert_allclose(
        log_cosh(y, y_hat, reduction="none"), oracle(optax.losses.log_cosh, y_hat, y), rtol=RTOL, atol=LOG2_ULP
    )


@given(pairs(no_underflow), reductions)
def test_log_cosh_grad_is_autodiff(arrays, reduction):
    # tanh(e) in lossbook; JAX differentiates logaddexp into a difference of two weights near 1/2
    y, y_hat = arrays
    expected = oracle_grad(optax.losses.log_cosh, reduction, y_hat, y)
    assert_allclose(log_cosh_grad(y, y_hat, reduction=reduction), expected, rtol=RTOL, atol=ATOL)


focal_alpha = st.none() | st.sampled_from([0.25, 0.5]) | st.floats(0, 1, allow_subnormal=False)
focal_gamma = st.sampled_from([0.0, 1.0, 2.0]) | st.floats(0, 5, allow_subnormal=False)


@given(pairs(logit_values), st.data(), focal_alpha, focal_gamma, reductions)
def test_sigmoid_focal_is_sigmoid_focal_loss(arrays, data, alpha, gamma, reduction):
    # optax's alpha defaults to None (no weighting), torchvision's and lossbook's to 0.25: pass it
    _, z = arrays
    y = data.draw(hnp.arrays(np.float64, z.shape, elements=labels_01))
    expected = reduce(oracle(optax.losses.sigmoid_focal_loss, z, y, alpha=alpha, gamma=gamma), reduction)
    losses = sigmoid_focal(y, z, alpha=alpha, gamma=gamma, reduction=reduction)
    assert_allclose(losses, expected, rtol=RTOL, atol=TINY)


@given(hnp.arrays(np.float64, st.integers(1, 20), elements=huge), st.data(), focal_alpha, focal_gamma)
def test_sigmoid_focal_is_sigmoid_focal_loss_at_extreme_magnitudes(z, data, alpha, gamma):
    y = data.draw(hnp.arrays(np.float64, z.shape, elements=st.sampled_from([0.0, 1.0])))
    expected = oracle(optax.losses.sigmoid_focal_loss, z, y, alpha=alpha, gamma=gamma)
    losses = sigmoid_focal(y, z, alpha=alpha, gamma=gamma, reduction="none")
    assert_allclose(losses, expected, rtol=RTOL, atol=TINY)


@given(pairs(logit_values), st.data(), focal_alpha, focal_gamma, reductions)
def test_sigmoid_focal_grad_is_autodiff(arrays, data, alpha, gamma, reduction):
    _, z = arrays
    y = data.draw(hnp.arrays(np.float64, z.shape, elements=st.sampled_from([0.0, 1.0])))
    f = lambda z, y: optax.losses.sigmoid_focal_loss(z, y, alpha=alpha, gamma=gamma)  # noqa: E731
    expected = oracle_grad(f, reduction, z, y)
    grad = sigmoid_focal_grad(y, z, alpha=alpha, gamma=gamma, reduction=reduction)
    assert_allclose(grad, expected, rtol=RTOL, atol=ATOL + TINY)


poly_epsilon = st.sampled_from([2.0, -1.0, 0.0]) | st.floats(-1, 10, allow_subnormal=False)


@given(classification(), poly_epsilon, reductions)
def test_poly1_cross_entropy_is_poly_loss_cross_entropy(data, epsilon, reduction):
    # optax's 1 - p_t is sum(labels * (1 - p)), which cancels where p_t is near 1: an absolute
    # error of up to 2 ulp of 1, 2.3e-16 |epsilon| (its softmax is exp over a sum), besides the ATOL
    y, z = data
    expected = reduce(
        oracle(optax.losses.poly_loss_cross_entropy, z, one_hot(y, z.shape[1]), epsilon=epsilon), reduction
    )
    atol = (ATOL + 2.3e-16 * abs(epsilon)) * (len(y) if reduction == "sum" else 1)
    assert_allclose(poly1_cross_entropy(y, z, epsilon=epsilon, reduction=reduction), expected, rtol=RTOL, atol=atol)


@given(classification(probability_targets=True), poly_epsilon)
def test_poly1_cross_entropy_with_probabilities(data, epsilon):
    y, z = data
    expected = oracle(optax.losses.poly_loss_cross_entropy, z, y, epsilon=epsilon)
    atol = ATOL + 2.3e-16 * abs(epsilon)
    assert_allclose(poly1_cross_entropy(y, z, epsilon=epsilon, reduction="none"), expected, rtol=RTOL, atol=atol)


@given(classification(), poly_epsilon, reductions)
def test_poly1_cross_entropy_grad_is_autodiff(data, epsilon, reduction):
    y, z = data
    f = lambda z, t: optax.losses.poly_loss_cross_entropy(z, t, epsilon=epsilon)  # noqa: E731
    expected = oracle_grad(f, reduction, z, one_hot(y, z.shape[1]))
    grad = poly1_cross_entropy_grad(y, z, epsilon=epsilon, reduction=reduction)
    assert_allclose(grad, expected, rtol=RTOL, atol=ATOL * (1 + abs(epsilon)))


@st.composite
def segmentation(draw):
    """(targets, probabilities): one-hot class maps and softmax rows, shape (B, H, W, C), C >= 2."""
    b, h, w, c = draw(st.integers(1, 3)), draw(st.integers(1, 4)), draw(st.integers(1, 4)), draw(st.integers(2, 4))
    labels = draw(hnp.arrays(np.int64, (b, h, w), elements=st.integers(0, c - 1)))
    logits = draw(hnp.arrays(np.float64, (b, h, w, c), elements=st.floats(-10, 10)))
    return one_hot(labels, c), softmax(logits)


def per_class(f, targets, probs, **kwargs):
    """lossbook's `f` for each class's mask over the image axes: shape (B, C), as optax's "none"."""
    return np.stack(
        [f(targets[..., c], probs[..., c], axis=(1, 2), reduction="none", **kwargs) for c in range(targets.shape[-1])],
        axis=-1,
    )


@given(segmentation())
def test_dice_is_dice_loss(data):
    # optax's smooth (default 1) is added to numerator and denominator; smooth=0 is the Dice loss.
    # apply_softmax=False takes the probabilities as they are (optax checks they sum to 1).
    targets, probs = data
    expected = oracle(optax.losses.dice_loss, probs, targets, smooth=0.0, apply_softmax=False, reduction="none")
    ours = per_class(dice, targets, probs)
    assert_allclose(ours, expected, rtol=RTOL, atol=ATOL)
    expected = oracle(optax.losses.dice_loss, probs, targets, smooth=0.0, apply_softmax=False)  # mean over classes
    assert_allclose(ours.mean(axis=-1), expected, rtol=RTOL, atol=ATOL)


@given(segmentation(), st.floats(0.1, 2), st.floats(0.1, 2))
def test_tversky_is_dice_loss_with_alpha_and_beta_exchanged(data, alpha, beta):
    # optax's alpha weighs the false positives and beta the false negatives; lossbook (as Keras)
    # the other way round
    targets, probs = data
    expected = oracle(
        optax.losses.dice_loss,
        probs,
        targets,
        smooth=0.0,
        alpha=beta,
        beta=alpha,
        apply_softmax=False,
        reduction="none",
    )
    assert_allclose(per_class(tversky, targets, probs, alpha=alpha, beta=beta), expected, rtol=RTOL, atol=ATOL)


@given(
    hnp.arrays(np.float64, st.tuples(st.integers(1, 3), st.integers(1, 4), st.integers(1, 4)), elements=logit_values),
    st.data(),
)
def test_dice_is_binary_dice_loss(z, data):
    # binary_dice_loss applies the sigmoid itself (with apply_sigmoid=False it would insist that
    # the single probability sums to 1): lossbook gets sigmoid(z), rounded as JAX rounds it
    y = data.draw(hnp.arrays(np.float64, z.shape, elements=st.sampled_from([0.0, 1.0])))
    p = oracle(jax.nn.sigmoid, z)
    expected = oracle(optax.losses.binary_dice_loss, z, y, smooth=0.0)
    assert_allclose(dice(y, p, axis=(1, 2), reduction="none"), expected, rtol=RTOL, atol=ATOL)


@given(segmentation())
def test_dice_grad_is_autodiff(data):
    # each probability free, as lossbook's partial derivatives
    targets, probs = data
    f = lambda p, t: optax.losses.dice_loss(p, t, smooth=0.0, apply_softmax=False, reduction="sum")  # noqa: E731
    expected = oracle_grad(f, "sum", probs, targets)
    grad = np.stack(
        [dice_grad(targets[..., c], probs[..., c], axis=(1, 2), reduction="sum") for c in range(targets.shape[-1])],
        axis=-1,
    )
    assert_allclose(grad, expected, rtol=RTOL, atol=ATOL)


# Atlas losses: hinge, perceptron, similarity, triplet, NT-Xent, CTC -------------------------------

signs = st.sampled_from([-1.0, 1.0])


@st.composite
def signed_scores(draw, elements=reals):
    """(labels in {-1, 1}, scores) of one shape."""
    s = draw(hnp.arrays(np.float64, shapes, elements=elements))
    return draw(hnp.arrays(np.float64, s.shape, elements=signs)), s


@given(signed_scores(), reductions)
def test_hinge_is_hinge_loss(data, reduction):
    y, s = data
    expected = reduce(oracle(optax.losses.hinge_loss, s, y), reduction)
    assert_allclose(hinge(y, s, reduction=reduction), expected, rtol=RTOL)


@given(signed_scores(), reductions)
def test_hinge_grad_is_autodiff_away_from_the_kink(data, reduction):
    # At the kink (y s = 1) JAX's maximum splits the slope in halves (-y / 2); lossbook gives 0 there,
    # as PyTorch's relu does. Elsewhere both are -y or 0.
    y, s = data
    expected = oracle_grad(optax.losses.hinge_loss, reduction, s, y)
    grad = hinge_grad(y, s, reduction=reduction)
    kink = y * s == 1
    assert_allclose(grad[~kink], expected[~kink], rtol=RTOL)
    assert_allclose(grad[kink], 0.0)
    assert_allclose(expected[kink], -y[kink] / 2 / (y.size if reduction == "mean" else 1), rtol=RTOL)


@given(signed_scores())
def test_perceptron_loss_is_margin_ranking_against_zero(data):
    # max(0, -y s): lossbook's margin_ranking(y, s, 0) with margin 0
    y, s = data
    expected = oracle(optax.losses.perceptron_loss, s, y)
    assert_allclose(margin_ranking(y, s, np.zeros_like(s), margin=0.0, reduction="none"), expected, rtol=RTOL)


@given(classification().filter(lambda d: d[1].shape[1] >= 2))
def test_multiclass_hinge_loss_is_categorical_hinge_of_shifted_scores(data):
    # optax's is Crammer and Singer's max(0, 1 + max_{k != y} s_k - s_y); Keras' (and lossbook's)
    # categorical_hinge takes max(0, max_{k != y} s_k) instead, the same once every score is >= 0.
    # The shift rounds the scores by up to an ulp of the largest: 4.5e-16 max|s| absolute.
    y, s = data
    expected = oracle(optax.losses.multiclass_hinge_loss, s, y)
    shifted = s - s.min(axis=-1, keepdims=True)
    atol = 4.5e-16 * np.abs(s).max()
    assert_allclose(categorical_hinge(y, shifted, reduction="none"), expected, rtol=RTOL, atol=atol)


def test_multiclass_hinge_loss_and_categorical_hinge_differ_for_negative_scores():
    s, y = np.array([[-1.0, -2.0]]), np.array([0])
    assert oracle(optax.losses.multiclass_hinge_loss, s, y) == 0.0  # the true class wins by 1
    assert categorical_hinge(y, s, reduction="none") == 2.0  # max(0, 0 - (-1) + 1)


@st.composite
def vector_pairs(draw):
    """Two arrays of vectors along the last axis, none of them zero (optax divides 0 by 0 there)."""
    shape = draw(shapes)
    elements = st.floats(-1e3, 1e3, allow_subnormal=False).filter(lambda x: abs(x) > 1e-3)
    return tuple(draw(hnp.arrays(np.float64, shape, elements=elements)) for _ in range(2))


@given(vector_pairs(), reductions)
def test_cosine_similarity_is_minus_optax_cosine_similarity(data, reduction):
    # lossbook (as Keras) returns -cos, the loss; optax's cosine_similarity is +cos and its
    # cosine_distance 1 - cos, which cancels near cos = 1 (an absolute error of about 1.1e-16)
    y, y_hat = data
    expected = reduce(-oracle(optax.losses.cosine_similarity, y_hat, y), reduction)
    atol = ATOL * (y.size // y.shape[-1] if reduction == "sum" else 1)
    assert_allclose(cosine_similarity(y, y_hat, reduction=reduction), expected, rtol=RTOL, atol=atol)
    distance = oracle(optax.losses.cosine_distance, y_hat, y)
    assert_allclose(1 + cosine_similarity(y, y_hat, reduction="none"), distance, rtol=RTOL, atol=ATOL)


def test_cosine_of_a_zero_vector():
    # optax divides 0 by 0 unless epsilon > 0; lossbook (as Keras) takes the cosine as 0
    y, y_hat = np.array([[1.0, 2.0]]), np.zeros((1, 2))
    assert np.isnan(oracle(optax.losses.cosine_similarity, y_hat, y)).all()
    assert cosine_similarity(y, y_hat) == 0.0


@given(vector_pairs(), reductions)
def test_cosine_similarity_grad_is_autodiff(data, reduction):
    y, y_hat = data
    expected = -oracle_grad(lambda p, t: optax.losses.cosine_similarity(p, t), reduction, y_hat, y)
    # The gradient is of the size 1 / |y_hat|, and so is its rounding: a gradient that is exactly 0
    # (one-element vectors) comes out of autodiff as a few eps / |y_hat| (1.8e-15 at |y_hat| = 0.078).
    atol = ATOL * max(1.0, 1.0 / float(np.min(np.linalg.norm(y_hat, axis=-1)))) * 10
    assert_allclose(cosine_similarity_grad(y, y_hat, reduction=reduction), expected, rtol=RTOL, atol=atol)


@st.composite
def triplets(draw):
    n, d = draw(st.integers(1, 6)), draw(st.integers(1, 5))
    elements = st.floats(-10, 10).filter(lambda x: x == 0 or abs(x) > 1e-3)  # no squares that underflow
    return tuple(draw(hnp.arrays(np.float64, (n, d), elements=elements)) for _ in range(3))


norm_degrees = st.sampled_from([2.0, 4.0])
margins = st.sampled_from([1.0, 0.5]) | st.floats(0.01, 5)


@given(triplets(), norm_degrees, margins)
def test_triplet_margin_is_triplet_margin_loss(data, p, margin):
    # optax adds eps inside the root, (sum |d|^p + eps)^(1/p); PyTorch and lossbook add it to each
    # component of the difference, ||d + eps||_p: with eps = 0 both are the p-norm. optax raises
    # the difference to the power p without taking |d| first, so only even p is the p-norm there.
    a, pos, neg = data
    expected = oracle(optax.losses.triplet_margin_loss, a, pos, neg, norm_degree=p, margin=margin, eps=0.0)
    ours = triplet_margin(a, pos, neg, margin=margin, p=p, eps=0.0, reduction="none")
    assert_allclose(ours, expected, rtol=RTOL, atol=ATOL * margin)


@given(triplets(), norm_degrees, margins)
def test_triplet_margin_grad_is_autodiff(data, p, margin):
    a, pos, neg = data
    assume((np.abs(a - pos).sum(-1) > 0).all() and (np.abs(a - neg).sum(-1) > 0).all())  # the root's slope at 0
    f = lambda a, pos, neg: optax.losses.triplet_margin_loss(a, pos, neg, norm_degree=p, margin=margin, eps=0.0).sum()  # noqa: E731
    expected = jax.grad(f, argnums=(0, 1, 2))(*(jnp.asarray(x) for x in data))
    # away from the hinge's kink, row by row (a batch mixing active and inactive rows is fine)
    gap = np.linalg.norm(a - pos, ord=p, axis=-1) - np.linalg.norm(a - neg, ord=p, axis=-1) + margin
    assume((np.abs(gap) > 1e-9).all())
    ours = triplet_margin_grad(a, pos, neg, margin=margin, p=p, eps=0.0, reduction="sum")
    for g, e in zip(ours, expected):
        assert_allclose(g, np.asarray(e), rtol=RTOL, atol=ATOL)


@st.composite
def view_pairs(draw):
    n, d = draw(st.integers(1, 5)), draw(st.integers(1, 4))
    elements = st.floats(-10, 10, allow_subnormal=False).filter(lambda x: abs(x) > 1e-2)
    return tuple(draw(hnp.arrays(np.float64, (n, d), elements=elements)) for _ in range(2))


temperatures = st.sampled_from([0.07, 0.5, 1.0]) | st.floats(0.05, 10)


def ntxent(a, b, temperature):
    """optax's ntxent on lossbook's two views: the rows of a then b, labelled 0..N-1 twice."""
    n = len(a)
    labels = np.concatenate([np.arange(n), np.arange(n)])
    return oracle(optax.losses.ntxent, np.concatenate([a, b]), labels, temperature=temperature)


@given(view_pairs(), temperatures)
def test_info_nce_is_ntxent(data, temperature):
    # ntxent averages over all positive pairs: each of the 2N embeddings with its partner
    a, b = data
    assert_allclose(info_nce(a, b, temperature=temperature), ntxent(a, b, temperature), rtol=RTOL, atol=ATOL)


@given(view_pairs(), temperatures)
def test_info_nce_grad_is_autodiff(data, temperature):
    a, b = data
    n = len(a)
    labels = jnp.asarray(np.concatenate([np.arange(n), np.arange(n)]))
    f = lambda z: optax.losses.ntxent(z, labels, temperature=temperature)  # noqa: E731
    expected = oracle(jax.grad(f), np.concatenate([a, b]))
    ga, gb = info_nce_grad(a, b, temperature=temperature)
    # Through the normalisation, (I - z z^T / |z|^2) / |z| times slopes of order 1 / temperature: its
    # rounding (for D = 1 it is exactly 0, and JAX's is not) leaves about 1e-16 / (temperature |z|)
    atol = ATOL / (temperature * np.linalg.norm(np.concatenate([a, b]), axis=1).min())
    assert_allclose(np.concatenate([ga, gb]), expected, rtol=RTOL, atol=atol)


@st.composite
def ctc_batches(draw):
    """(labels, log_probs, input_lengths, label_lengths) with every input long enough for its labels."""
    n, c, s = draw(st.integers(1, 4)), draw(st.integers(2, 5)), draw(st.integers(1, 4))
    label_lengths = draw(hnp.arrays(np.int64, n, elements=st.integers(0, s)))
    input_lengths = draw(hnp.arrays(np.int64, n, elements=st.integers(1, 2 * s + 1))).clip(2 * label_lengths + 1)
    t = int(input_lengths.max())
    labels = draw(hnp.arrays(np.int64, (n, s), elements=st.integers(1, c - 1)))
    logits = draw(hnp.arrays(np.float64, (n, t, c), elements=st.floats(-10, 10, allow_subnormal=False)))
    return labels, log_softmax(logits), input_lengths, label_lengths


def paddings(lengths, size):
    """optax's padding indicators: 1.0 past each length."""
    return (np.arange(size) >= np.asarray(lengths)[:, None]).astype(np.float64)


def optax_ctc(labels, input_lengths, label_lengths, t):
    """optax's ctc_loss as a function of the logits alone, lossbook's lengths made paddings."""
    rest = [paddings(input_lengths, t), labels, paddings(label_lengths, labels.shape[1])]
    return lambda logits: optax.losses.ctc_loss(logits, *(jnp.asarray(a) for a in rest))


def optax_ctc_losses(labels, log_probs, input_lengths, label_lengths):
    # optax takes logits and applies log_softmax: to log-probabilities that changes only rounding
    return oracle(optax_ctc(labels, input_lengths, label_lengths, log_probs.shape[1]), log_probs)


@given(ctc_batches(), st.sampled_from(["sum", "none"]))
def test_ctc_is_ctc_loss(batch, reduction):
    # optax returns -log P per sequence; lossbook's "mean" divides by the label lengths (PyTorch's).
    # optax's log_softmax of the log-probabilities subtracts their log-sum-exp, 0 up to rounding:
    # each of the T frames can move a loss near 0 by about 1.1e-16.
    n, t, _ = batch[1].shape
    expected = reduce(optax_ctc_losses(*batch), reduction)
    atol = ATOL * t * (n if reduction == "sum" else 1)
    assert_allclose(ctc(*batch, reduction=reduction), expected, rtol=RTOL, atol=atol)
    lengths = np.maximum(batch[3], 1)
    assert_allclose(ctc(*batch), np.mean(optax_ctc_losses(*batch) / lengths), rtol=RTOL, atol=ATOL * t)


def test_ctc_of_an_input_too_short_is_inf_not_log_epsilon():
    # Two repeated labels need three frames; with two, no alignment exists: P = 0. optax stands in
    # log_epsilon = -1e5 for log 0 and returns a finite loss of about 1e5
    labels, lengths = np.array([[1, 1]]), np.array([2])
    log_probs = log_softmax(np.zeros((1, 2, 3)))
    assert ctc(labels, log_probs, lengths, lengths, reduction="sum") == np.inf
    assert 1e5 <= optax_ctc_losses(labels, log_probs, lengths, lengths)[0] < 2e5


@given(ctc_batches())
def test_ctc_grad_is_autodiff_through_log_softmax(batch):
    # optax differentiates with respect to logits x, through log_softmax; lossbook with respect to
    # log_probs g. By the chain rule the former is g - softmax(x) sum(g), and softmax(log_probs) is
    # exp(log_probs) up to rounding.
    labels, log_probs, input_lengths, label_lengths = batch
    f = optax_ctc(labels, input_lengths, label_lengths, log_probs.shape[1])
    expected = oracle(jax.grad(lambda x: f(x).sum()), log_probs)
    g = ctc_grad(*batch, reduction="sum")
    assert_allclose(g - np.exp(log_probs) * g.sum(axis=-1, keepdims=True), expected, rtol=RTOL, atol=ATOL)


# Information measures ----------------------------------------------------------------------------


def kl_atol(p, q):
    """optax computes p (log p - log q): the rounding of the two logarithms leaves an absolute error
    of about 2.2e-16 p (|log p| + |log q|) per term, which cancelling terms do not shrink."""
    scale = p * (np.abs(np.log(np.where(p > 0, p, 1.0))) + np.abs(np.log(q)))
    return 4.5e-16 * (1 + scale.sum(axis=-1).max())


@given(distribution_pairs())
def test_kl_divergence_is_kl_divergence_of_log_predictions(pq):
    # optax.kl_divergence(log_predictions, targets): the log of q first, then p; lossbook (p, q)
    p, q = pq
    atol = kl_atol(p, q)
    kl = kl_divergence(p, q)
    assert_allclose(kl, oracle(optax.losses.kl_divergence, np.log(q), p), rtol=RTOL, atol=atol)
    # For distributions the generalized divergence's extra term sum(q - p) is 0 up to rounding
    expected = oracle(optax.losses.generalized_kl_divergence, np.log(q), p)
    assert_allclose(kl, expected, rtol=RTOL, atol=atol + p.shape[-1] * 2.3e-16)
    with pytest.warns(DeprecationWarning, match="use generalized_kl_divergence"):
        old = oracle(optax.losses.convex_kl_divergence, np.log(q), p)  # its deprecated name
    assert_array_equal(old, expected)


@given(distribution_pairs(zeros=False))
def test_kl_divergence_is_kl_divergence_with_log_targets(pq):
    p, q = pq
    expected = oracle(optax.losses.kl_divergence_with_log_targets, np.log(q), np.log(p))
    assert_allclose(kl_divergence(p, q), expected, rtol=RTOL, atol=kl_atol(p, q))


def test_kl_divergence_with_log_targets_of_a_zero_probability_is_nan():
    # log 0 = -inf as a log target gives exp(-inf) (-inf - log q) = 0 * -inf = NaN; 0 log 0 = 0 here
    p, q = np.array([1.0, 0.0]), np.array([0.5, 0.5])
    with np.errstate(divide="ignore"):
        log_p = np.log(p)
    assert np.isnan(oracle(optax.losses.kl_divergence_with_log_targets, np.log(q), log_p))
    assert kl_divergence(p, q) == pytest.approx(np.log(2), rel=1e-15)
    assert oracle(optax.losses.kl_divergence, np.log(q), p) == pytest.approx(np.log(2), rel=1e-15)


def test_kl_divergence_is_clamped_where_optax_is_not():
    # p sums to 1 - 1e-7, within lossbook's 1e-6 tolerance: the plain sum of the terms is negative
    p, q = np.array([0.5 - 1e-7, 0.5]), np.array([0.5, 0.5])
    assert oracle(optax.losses.kl_divergence, np.log(q), p) < 0
    assert kl_divergence(p, q) == 0.0


@given(distribution_pairs())
def test_cross_entropy_is_softmax_cross_entropy_of_log_probabilities(pq):
    # optax has no cross-entropy of probabilities; softmax(log q) = q, so the logits log q give it
    p, q = pq
    expected = oracle(optax.losses.safe_softmax_cross_entropy, np.log(q), p)
    atol = 4.5e-16 * (1 + (-p * np.log(q)).sum(-1).max())  # log(sum q) is 0 up to rounding
    assert_allclose(cross_entropy(p, q), expected, rtol=RTOL, atol=atol)


@given(distribution_pairs())
def test_kl_divergence_grad_is_autodiff(pq):
    # With respect to q, through optax's log_predictions = log q: -p / q in both
    p, q = pq
    expected = oracle_grad(lambda q, p: optax.losses.kl_divergence(jnp.log(q), p), "none", q, p)
    assert_allclose(kl_divergence_grad(p, q), expected, rtol=RTOL)
