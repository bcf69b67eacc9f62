"""The atlas's classification losses: equal to torchvision, PyTorch, Keras and optax's formulas; gradients too.

Oracles: PyTorch's `multilabel_soft_margin_loss` in float64 at a relative 1e-12; torchvision's
`sigmoid_focal_loss`, which cannot be installed here (its wheels pin another torch), reimplemented
line for line from its source in PyTorch float64 (below, with the source named); optax's
`poly_loss_cross_entropy` itself, values and gradients, in tests/package/test_optax.py; Keras
(PyTorch backend) at 1e-6; mpmath at 50 digits where the float64 formulas of the frameworks cancel
(large logits). Gradients: PyTorch autograd at 1e-12 and central differences of lossbook's own loss.
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

import lossbook  # noqa: E402
from lossbook import (  # noqa: E402
    classification,
    generalized_cross_entropy,
    generalized_cross_entropy_grad,
    multilabel_soft_margin,
    multilabel_soft_margin_grad,
    one_hot,
    poly1_cross_entropy,
    poly1_cross_entropy_grad,
    sigmoid_focal,
    sigmoid_focal_grad,
    softmax_focal,
    softmax_focal_grad,
)
from tests.gradcheck import assert_matches_differences, autograd, central_differences  # noqa: E402
from tests.strategies import distributions, shapes  # noqa: E402

pytestmark = pytest.mark.filterwarnings("error")
RTOL = 1e-12
KERAS_RTOL = 1e-6
REDUCTIONS = ("mean", "sum", "none")
reductions = st.sampled_from(REDUCTIONS)


def T(x):
    return torch.from_numpy(np.asarray(x, dtype=np.float64))


def reduce(loss, reduction):
    return {"mean": loss.mean, "sum": loss.sum, "none": lambda: loss}[reduction]()


def numpy(out):
    return out.item() if out.ndim == 0 else out.detach().numpy()


def keras_value(loss, y_true, y_pred):
    """A Keras loss object on numpy inputs, as a float."""
    with warnings.catch_warnings():  # Keras' tensors warn about numpy 2's copy keyword
        warnings.simplefilter("ignore", DeprecationWarning)
        return float(keras.ops.convert_to_numpy(loss(y_true, y_pred)))


labels_01 = st.sampled_from([0.0, 1.0]) | st.floats(0, 1)
moderate_logits = st.floats(-6, 6)  # where the frameworks' 1 - p does not cancel beyond 1e-13
extreme_logits = st.sampled_from([st.floats(-6, 6), st.floats(-60, 60), st.floats(-1e300, 1e300)])


@st.composite
def binary(draw, logits=moderate_logits):
    shape = draw(shapes)
    return (
        draw(hnp.arrays(np.float64, shape, elements=labels_01)),
        draw(hnp.arrays(np.float64, shape, elements=logits)),
    )


@st.composite
def binary_extreme(draw):
    return draw(binary(draw(extreme_logits)))


alphas = st.none() | st.sampled_from([0.25, 0.5]) | st.floats(0, 1)
gammas = st.sampled_from([0.0, 1.0, 2.0]) | st.floats(0, 3)


# Sigmoid focal --------------------------------------------------------------------------------


def torchvision_sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2, reduction="none"):
    """torchvision.ops.sigmoid_focal_loss (torchvision/ops/focal_loss.py), line for line."""
    p = torch.sigmoid(inputs)
    ce_loss = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce_loss * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
        loss = alpha_t * loss
    if reduction == "mean":
        loss = loss.mean()
    elif reduction == "sum":
        loss = loss.sum()
    return loss


def torchvision_alpha(alpha):
    return -1 if alpha is None else alpha  # torchvision disables the weighting with a negative alpha


@given(binary(), alphas, gammas)
@example((np.array([1.0, 0.0]), np.array([2.0, -1.0])), 0.25, 2.0)
def test_sigmoid_focal_equals_torchvision(pair, alpha, gamma):
    y, z = pair
    for reduction in REDUCTIONS:
        expected = torchvision_sigmoid_focal_loss(T(z), T(y), torchvision_alpha(alpha), gamma, reduction)
        assert_allclose(
            sigmoid_focal(y, z, alpha=alpha, gamma=gamma, reduction=reduction), numpy(expected), rtol=RTOL, atol=1e-300
        )


@given(binary(), alphas, gammas)
def test_sigmoid_focal_grad_equals_autograd_of_torchvision(pair, alpha, gamma):
    y, z = pair
    for reduction in REDUCTIONS:
        expected = autograd(
            lambda z, y, reduction=reduction: torchvision_sigmoid_focal_loss(
                z, y, torchvision_alpha(alpha), gamma, reduction
            ),
            z,
            y,
        )
        # With a soft label y the slope's sigma(z) - y cancels, in both: each rounded sigmoid carries
        # an absolute error of about 1e-16 (hard labels are exact: -sigma(-z) or sigma(z) here).
        atol = 4e-16 / (z.size if reduction == "mean" else 1)
        assert_allclose(
            sigmoid_focal_grad(y, z, alpha=alpha, gamma=gamma, reduction=reduction), expected, rtol=RTOL, atol=atol
        )


def mp_sigmoid_focal(y, z, alpha, gamma):
    """The definition in 50-digit arithmetic: a_t (1 - p_t)^gamma BCE."""
    y, z = mpmath.mpf(float(y)), z if isinstance(z, mpmath.mpf) else mpmath.mpf(float(z))
    s, s_minus = 1 / (1 + mpmath.exp(-z)), 1 / (1 + mpmath.exp(z))
    # -log s = log(1 + e^-z) with log1p: log(s) of an s within 1e-40 of 1 would keep only 10 of the 50 digits
    bce = y * mpmath.log1p(mpmath.exp(-z)) + (1 - y) * mpmath.log1p(mpmath.exp(z))
    weight = 1 if alpha is None else alpha * y + (1 - alpha) * (1 - y)
    m = y * s_minus + (1 - y) * s
    return weight * (m**gamma if m else mpmath.mpf(0 if gamma else 1)) * bce


@given(binary_extreme(), alphas, gammas)
@example((np.array([1.0]), np.array([40.0])), 0.25, 2.0)  # torchvision: 1 - p_t = 0, the loss 0
@example((np.array([0.0, 1.0]), np.array([1e300, -1e300])), None, 2.0)  # confidently wrong
@example((np.array([1.0]), np.array([90.0])), None, 0.0)  # BCE of e^-90: found by the stress profile
@example((np.array([2.56564668e-138]), np.array([-3.69754497e161])), None, 2.5)  # (1 - p_t)^2.5 underflows: 1e-320
def test_sigmoid_focal_equals_mpmath_at_every_magnitude(pair, alpha, gamma):
    y, z = pair
    with mpmath.workdps(50):
        expected = [float(mp_sigmoid_focal(a, b, alpha, gamma)) for a, b in zip(y.ravel(), z.ravel())]
    with mpmath.workdps(250):  # numerical derivatives of losses as small as e^(-3 * 60)
        slopes = [
            float(mpmath.diff(lambda v, a=a: mp_sigmoid_focal(a, v, alpha, gamma), mpmath.mpf(float(b))))
            for a, b in zip(y.ravel(), z.ravel())
            if abs(b) <= 60
        ]
    assert_allclose(
        sigmoid_focal(y, z, alpha=alpha, gamma=gamma, reduction="none").ravel(), expected, rtol=RTOL, atol=1e-320
    )
    moderate = np.abs(z.ravel()) <= 60
    # sigma(z) - y cancels for a soft label y near sigma(z): an absolute error of about 1e-16 (exact for 0 and 1)
    assert_allclose(
        sigmoid_focal_grad(y, z, alpha=alpha, gamma=gamma, reduction="none").ravel()[moderate],
        slopes,
        rtol=1e-10,
        atol=4e-16,
    )


def test_sigmoid_focal_keeps_the_tiny_loss_torchvision_rounds_to_zero():
    y, z = np.array([1.0]), np.array([40.0])
    assert numpy(torchvision_sigmoid_focal_loss(T(z), T(y))) == 0.0  # 1 - p_t cancels to 0
    assert 0 < sigmoid_focal(y, z) < 1e-50


@given(binary(st.floats(-8, 8)), st.floats(0, 1), st.sampled_from([0.0, 1.0, 2.0]), st.booleans())
def test_sigmoid_focal_equals_keras(pair, alpha, gamma, balance):
    y, z = pair
    y, z = (a.reshape(-1, a.shape[-1]) for a in pair)
    ours = sigmoid_focal(y, z, alpha=alpha if balance else None, gamma=gamma)
    loss = keras.losses.BinaryFocalCrossentropy(
        apply_class_balancing=balance, alpha=alpha, gamma=gamma, from_logits=True, dtype="float64"
    )
    assume(ours > 1e-4)  # Keras clips probabilities to [1e-7, 1 - 1e-7] and computes partly in float32
    assert_allclose(keras_value(loss, y, z), ours, rtol=KERAS_RTOL)


# Softmax focal, poly-1, generalized cross-entropy: row losses ----------------------------------


@st.composite
def rows(draw, logits=moderate_logits, probability_targets=None, min_classes=1):
    """(labels, logits): class indices (...) or probability rows (..., K), and logits (..., K)."""
    lead = draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=1, max_side=5))
    k = draw(st.integers(min_classes, 6))
    z = draw(hnp.arrays(np.float64, lead + (k,), elements=logits))
    if probability_targets is None:
        probability_targets = draw(st.booleans())
    if probability_targets:
        return draw(distributions(lead + (k,))), z
    return draw(hnp.arrays(np.int64, lead, elements=st.integers(0, k - 1))), z


@st.composite
def rows_extreme(draw, **kw):
    return draw(rows(draw(extreme_logits), **kw))


def targets(labels, z):
    """Probability rows for class indices, as a float64 tensor."""
    labels = np.asarray(labels)
    return T(one_hot(labels, z.shape[-1]) if labels.shape != z.shape else labels)


def torch_softmax_focal(z, y, alpha, gamma, reduction):
    """-sum_k alpha_k y_k (1 - p_k)^gamma log p_k, with 1 - p_k = -expm1(log p_k)."""
    logp = torch.log_softmax(z, dim=-1)
    terms = T(alpha) * y * (-torch.expm1(logp)) ** gamma * logp
    return reduce(-terms.sum(dim=-1), reduction)


class_alphas = st.sampled_from([0.25, 1.0]) | st.floats(0, 2)


@given(rows(min_classes=2), class_alphas, gammas)  # one class: p = 1, PyTorch's pow backward gives NaN
@example((np.array([0, 1]), np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])), 1.0, 0.0)  # plain cross-entropy
def test_softmax_focal_equals_pytorch_formula(labels_logits, alpha, gamma):
    labels, z = labels_logits
    y = targets(labels, z)
    for reduction in REDUCTIONS:
        expected = numpy(torch_softmax_focal(T(z), y, alpha, gamma, reduction))
        # PyTorch's log-softmax is z - (max + log(sum exp(z - max))): an absolute error of about an
        # ulp of the largest logit, which lossbook's log1p avoids for the tiny losses of confident rows.
        atol = 4e-16 * max(1.0, np.max(np.abs(z))) * max(alpha, 1e-300) * (1 if reduction != "sum" else z.size)
        assert_allclose(
            softmax_focal(labels, z, alpha=alpha, gamma=gamma, reduction=reduction), expected, rtol=RTOL, atol=atol
        )
        grad = autograd(lambda z, reduction=reduction: torch_softmax_focal(z, y, alpha, gamma, reduction), z)
        assert_allclose(
            softmax_focal_grad(labels, z, alpha=alpha, gamma=gamma, reduction=reduction), grad, rtol=RTOL, atol=1e-15
        )


def test_softmax_focal_of_one_class_is_zero_with_zero_slope():
    assert softmax_focal([0], [[3.0]], gamma=0.5) == 0.0
    assert softmax_focal_grad([0], [[3.0]], gamma=0.5).tolist() == [[0.0]]


def test_softmax_focal_cross_entropy_and_per_class_alpha():
    labels, z = np.array([0, 2, 1]), np.array([[2.0, 1.0, 0.1], [0.5, 0.3, 2.2], [1.2, 0.8, -0.5]])
    expected = numpy(F.cross_entropy(T(z), torch.from_numpy(labels)))
    assert_allclose(softmax_focal(labels, z, alpha=1.0, gamma=0.0), expected, rtol=RTOL)
    alpha = np.array([0.2, 0.3, 0.5])
    weighted = numpy(F.cross_entropy(T(z), torch.from_numpy(labels), weight=T(alpha), reduction="sum")) / 3
    assert_allclose(softmax_focal(labels, z, alpha=alpha, gamma=0.0), weighted, rtol=RTOL)


@given(rows(st.floats(-4, 4), probability_targets=True, min_classes=2), st.floats(0.05, 1), st.floats(0, 3))
def test_softmax_focal_equals_keras(labels_logits, alpha, gamma):
    y, z = (a.reshape(-1, a.shape[-1]) for a in labels_logits)
    ours = softmax_focal(y, z, alpha=alpha, gamma=gamma)
    loss = keras.losses.CategoricalFocalCrossentropy(alpha=alpha, gamma=gamma, from_logits=True, dtype="float64")
    assume(ours > 1e-4)  # Keras clips probabilities to [1e-7, 1 - 1e-7]: logits within +-4 stay clear of that
    assert_allclose(keras_value(loss, y, z), ours, rtol=KERAS_RTOL)


def mp_row_losses(labels, z, loss):
    """`loss(y_k, p_k, log p_k)` summed over each row, in high-precision arithmetic."""
    y = np.asarray(targets(labels, z)).reshape(-1, z.shape[-1])
    out = []
    with mpmath.workdps(350):  # logits up to 1e300 keep 50 digits after the point
        for row, t in zip(z.reshape(-1, z.shape[-1]), y):
            row = [mpmath.mpf(float(v)) for v in row]
            top = max(row)
            lse = top + mpmath.log(sum(mpmath.exp(v - top) for v in row))
            out.append(float(sum(loss(mpmath.mpf(float(a)), mpmath.exp(v - lse), v - lse) for a, v in zip(t, row))))
    return np.array(out).reshape(z.shape[:-1])


@given(rows_extreme(), gammas)
@example((np.array([0]), np.array([[40.0, 0.0, -3.0]])), 2.0)  # confident and right: tiny losses
def test_softmax_focal_and_poly1_equal_mpmath_at_every_magnitude(labels_logits, gamma):
    labels, z = labels_logits
    focal = mp_row_losses(labels, z, lambda y, p, logp: -y * (1 - p) ** gamma * logp if y else 0)
    assert_allclose(softmax_focal(labels, z, alpha=1.0, gamma=gamma, reduction="none"), focal, rtol=RTOL, atol=1e-320)
    poly = mp_row_losses(labels, z, lambda y, p, logp: y * (2 * (1 - p) - logp))
    assert_allclose(poly1_cross_entropy(labels, z, reduction="none"), poly, rtol=RTOL, atol=1e-320)


@given(rows(), st.sampled_from([0.5, 1.0]) | st.floats(0.01, 1), reductions)
def test_generalized_cross_entropy_equals_pytorch_formula(labels_logits, q, reduction):
    labels, z = labels_logits
    labels = np.asarray(np.argmax(labels, axis=-1) if np.shape(labels) == z.shape else labels)
    probs = np.asarray(torch.softmax(T(z), dim=-1))

    def loss(p):
        p_true = torch.take_along_dim(p, torch.from_numpy(labels)[..., None], dim=-1)[..., 0]
        return reduce((1 - p_true**q) / q, reduction)

    # 1 - p^q cancels where p is near 1: an absolute error of about 1e-16 / q in PyTorch's value.
    atol = 2e-16 / q * (1 if reduction != "sum" else labels.size)
    assert_allclose(
        generalized_cross_entropy(labels, probs, q=q, reduction=reduction), numpy(loss(T(probs))), rtol=RTOL, atol=atol
    )
    assert_allclose(
        generalized_cross_entropy_grad(labels, probs, q=q, reduction=reduction), autograd(loss, probs), rtol=RTOL
    )


@given(rows(st.floats(-4, 4), probability_targets=False), st.floats(0.05, 0.95))  # Keras: q in (0, 1)
def test_generalized_cross_entropy_equals_keras(labels_logits, q):
    labels, z = labels_logits
    labels, z = labels.reshape(-1), z.reshape(-1, z.shape[-1])
    probs = np.asarray(torch.softmax(T(z), dim=-1))
    ours = generalized_cross_entropy(labels, probs, q=q)
    loss = keras.losses.CategoricalGeneralizedCrossEntropy(q=q, dtype="float64")
    assume(ours > 1e-4)
    assert_allclose(keras_value(loss, labels, probs), ours, rtol=KERAS_RTOL)


def test_generalized_cross_entropy_limits():
    probs = np.array([[0.7, 0.2, 0.1], [0.0, 0.3, 0.7]])
    # q = 1: one minus the probability of the true class; p_y = 0: the largest loss, 1 / q
    assert_allclose(generalized_cross_entropy([0, 0], probs, q=1.0, reduction="none"), [0.3, 1.0], rtol=RTOL)
    assert generalized_cross_entropy([0], probs[1:], q=0.25) == 4.0
    assert generalized_cross_entropy_grad([0], probs[1:], q=0.25)[0, 0] == -math.inf  # the true slope
    # q -> 0: the cross-entropy
    assert_allclose(generalized_cross_entropy([1], probs[:1], q=1e-9), -math.log(0.2), rtol=1e-8)


# Multi-label soft margin ----------------------------------------------------------------------


@st.composite
def multilabel(draw, logits=None):
    lead = draw(hnp.array_shapes(min_dims=0, max_dims=1, min_side=1, max_side=5))
    c = draw(st.integers(1, 6))
    tier = logits if logits is not None else draw(extreme_logits)
    y = draw(hnp.arrays(np.float64, lead + (c,), elements=labels_01))
    z = draw(hnp.arrays(np.float64, lead + (c,), elements=tier))
    w = draw(st.none() | hnp.arrays(np.float64, (c,), elements=st.floats(0, 5)))
    return y, z, w


@given(multilabel())
def test_multilabel_soft_margin_equals_pytorch(triple):
    y, z, w = triple
    for reduction in REDUCTIONS:

        def loss(z, reduction=reduction):
            return F.multilabel_soft_margin_loss(z, T(y), weight=None if w is None else T(w), reduction=reduction)

        assert_allclose(
            multilabel_soft_margin(y, z, weight=w, reduction=reduction), numpy(loss(T(z))), rtol=RTOL, atol=1e-300
        )
        if np.max(np.abs(z)) < 30:  # PyTorch's log-sigmoid backward 1 - sigmoid(z) cancels beyond
            # sigma(z) - y cancels for soft labels, in both: an absolute error of about 1e-16 w / C.
            scale = (
                (1 if w is None else np.max(w)) / z.shape[-1] / (z.size // z.shape[-1] if reduction == "mean" else 1)
            )
            assert_allclose(
                multilabel_soft_margin_grad(y, z, weight=w, reduction=reduction),
                autograd(loss, z),
                rtol=RTOL,
                atol=4e-16 * scale,
            )


@given(multilabel(st.floats(-10, 10)))
def test_multilabel_soft_margin_without_weights_equals_keras_binary_cross_entropy_from_logits(triple):
    y, z, _ = triple
    y, z = y.reshape(-1, y.shape[-1]), z.reshape(-1, z.shape[-1])
    ours = multilabel_soft_margin(y, z)
    assume(ours > 1e-4)
    loss = keras.losses.BinaryCrossentropy(from_logits=True, dtype="float64")
    assert_allclose(keras_value(loss, y, z), ours, rtol=KERAS_RTOL)


# Gradients against central differences --------------------------------------------------------


@st.composite
def smooth_rows(draw):
    labels, z = draw(rows(st.floats(-3, 3), min_classes=2))
    return labels, z


ROW_CASES = {
    "softmax_focal": (softmax_focal, softmax_focal_grad, {"alpha": 0.5, "gamma": 2.0}),
    "softmax_focal gamma 0.5": (softmax_focal, softmax_focal_grad, {"gamma": 0.5}),
    "poly1_cross_entropy": (poly1_cross_entropy, poly1_cross_entropy_grad, {"epsilon": 2.0}),
}


@pytest.mark.parametrize("name", sorted(ROW_CASES))
@given(labels_logits=smooth_rows())
def test_row_grads_equal_central_differences(name, labels_logits):
    f, grad, options = ROW_CASES[name]
    assert_matches_differences(f, grad, *labels_logits, **options)


@given(triple=multilabel(st.floats(-3, 3)), pair=binary(st.floats(-3, 3)))
def test_binary_grads_equal_central_differences(triple, pair):
    y, z, w = triple
    assert_matches_differences(multilabel_soft_margin, multilabel_soft_margin_grad, y, z, weight=w)
    assert_matches_differences(sigmoid_focal, sigmoid_focal_grad, *pair)


@given(labels_logits=rows(st.floats(-3, 3), probability_targets=False))
def test_generalized_cross_entropy_grad_equals_central_differences(labels_logits):
    labels, z = labels_logits
    probs = np.asarray(torch.softmax(T(z), dim=-1))
    # The rows must keep summing to 1: differentiate along p + h (e_k - mean), then project the gradient.
    numeric = central_differences(
        lambda x: generalized_cross_entropy(labels, x / x.sum(axis=-1, keepdims=True), reduction="sum"), probs
    )
    g = generalized_cross_entropy_grad(labels, probs, reduction="sum")
    projected = g - np.sum(g * probs, axis=-1, keepdims=True)  # the gradient through the normalisation
    assert_allclose(projected, numeric, rtol=1e-6, atol=1e-9)


# Bad input ------------------------------------------------------------------------------------

LOGITS = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
PROBS = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]])
BAD = [
    (
        sigmoid_focal,
        ([1.0, 0.0], [0.5, 0.5]),
        {"alpha": 1.5},
        ValueError,
        r"alpha must be in \[0, 1\] \(or None for no weighting\), got 1.5",
    ),
    (
        sigmoid_focal_grad,
        ([1.0, 0.0], [0.5, 0.5]),
        {"alpha": "0.25"},
        TypeError,
        "alpha must be a real number, got '0.25'",
    ),
    (sigmoid_focal, ([1.0, 0.0], [0.5, 0.5]), {"gamma": -1.0}, ValueError, "gamma must be non-negative, got -1.0"),
    (sigmoid_focal, ([1.0, 2.0], [0.5, 0.5]), {}, ValueError, r"y_true must be probabilities in \[0, 1\], got 2.0"),
    (
        sigmoid_focal,
        ([1.0], [0.5, 0.5]),
        {},
        ValueError,
        r"y_true and logits must have the same shape, got \(1,\) and \(2,\)",
    ),
    (softmax_focal, ([0, 1], LOGITS), {"alpha": -0.5}, ValueError, "alpha must be non-negative, got -0.5"),
    (
        softmax_focal_grad,
        ([0, 1], LOGITS),
        {"alpha": [1.0, 2.0]},
        ValueError,
        r"alpha must have shape \(3,\), a number or one weight per class, got shape \(2,\)",
    ),
    (softmax_focal, ([0, 1], LOGITS), {"alpha": [1.0, -2.0, 1.0]}, ValueError, "alpha must be non-negative, got -2.0"),
    (softmax_focal, ([0, 1], LOGITS), {"gamma": "2"}, TypeError, "gamma must be a real number, got '2'"),
    (softmax_focal, ([0, 3], LOGITS), {}, ValueError, r"labels must be class labels in \[0, 2\], got 3"),
    (
        softmax_focal,
        ([0, 1, 2], LOGITS),
        {},
        ValueError,
        r"labels must be class indices of shape \(2,\) or probability rows of shape \(2, 3\) for logits of shape "
        r"\(2, 3\), got shape \(3,\)",
    ),
    (softmax_focal, (PROBS * 2, LOGITS), {}, ValueError, r"labels must be probabilities in \[0, 1\], got 1.4"),
    (softmax_focal, (0, 1.0), {}, ValueError, r"logits must have a class axis \(the last\), got a scalar"),
    (poly1_cross_entropy, ([0, 1], LOGITS), {"epsilon": -2.0}, ValueError, "epsilon must be at least -1, got -2.0"),
    (
        poly1_cross_entropy_grad,
        ([0, 1], LOGITS),
        {"epsilon": None},
        TypeError,
        "epsilon must be a real number, got None",
    ),
    (poly1_cross_entropy, ([0.5, 1], LOGITS), {}, ValueError, "labels must be integer class labels, got 0.5"),
    (generalized_cross_entropy, ([0, 1], PROBS), {"q": 0.0}, ValueError, r"q must be in \(0, 1\], got 0.0"),
    (generalized_cross_entropy_grad, ([0, 1], PROBS), {"q": 1.5}, ValueError, r"q must be in \(0, 1\], got 1.5"),
    (generalized_cross_entropy, ([0, 1], PROBS), {"q": True}, TypeError, "q must be a real number, got True"),
    (generalized_cross_entropy, ([0, 1], LOGITS), {}, ValueError, r"probs must be probabilities in \[0, 1\], got 2.5"),
    (generalized_cross_entropy, ([0, 1], PROBS * 0.5), {}, ValueError, "probs must sum to 1 along its last axis"),
    (
        generalized_cross_entropy,
        (PROBS, PROBS),
        {},
        ValueError,
        r"labels must be class indices of shape \(2,\) for probs of shape \(2, 3\), got shape \(2, 3\)",
    ),
    (
        multilabel_soft_margin,
        (PROBS, LOGITS),
        {"weight": [1.0, 1.0]},
        ValueError,
        r"weight must have shape \(3,\), one weight per class \(the last axis\), got shape \(2,\)",
    ),
    (
        multilabel_soft_margin_grad,
        (PROBS, LOGITS),
        {"weight": [1.0, -1.0, 1.0]},
        ValueError,
        "weight must be non-negative, got -1.0",
    ),
    (
        multilabel_soft_margin,
        (PROBS, LOGITS),
        {"weight": [1.0, math.nan, 1.0]},
        ValueError,
        r"weight must be finite, got nan at index \(1,\)",
    ),
    (
        multilabel_soft_margin,
        (PROBS, LOGITS),
        {"weight": ["a", "b", "c"]},
        TypeError,
        "weight must contain real numbers",
    ),
    (multilabel_soft_margin, (PROBS, LOGITS), {"reduction": None}, TypeError, "reduction must be one of"),
]


@pytest.mark.parametrize(
    "f, args, options, error, message", BAD, ids=[f"{b[0].__name__}-{i}" for i, b in enumerate(BAD)]
)
def test_bad_input(f, args, options, error, message):
    with pytest.raises(error, match=message):
        f(*args, **options)


ALL = [
    (sigmoid_focal, sigmoid_focal_grad, ([1.0, 0.0, 0.5], [2.0, -1.0, 0.0])),
    (softmax_focal, softmax_focal_grad, (np.array([0, 1]), LOGITS)),
    (softmax_focal, softmax_focal_grad, (PROBS, LOGITS)),
    (poly1_cross_entropy, poly1_cross_entropy_grad, (PROBS, LOGITS)),
    (generalized_cross_entropy, generalized_cross_entropy_grad, (np.array([0, 2]), PROBS)),
    (multilabel_soft_margin, multilabel_soft_margin_grad, (PROBS, LOGITS)),
]


@pytest.mark.parametrize("f, grad, args", ALL, ids=[a[0].__name__ for a in ALL])
def test_inputs_never_modified_types_and_shapes(f, grad, args):
    args = [np.array(a) for a in args]
    copies = [a.copy() for a in args]
    assert type(f(*args)) is float and type(f(*args, reduction="sum")) is float
    none = f(*args, reduction="none")
    assert none.dtype == np.float64 and none.shape == (args[1].shape if f is sigmoid_focal else args[1].shape[:-1])
    g = grad(*args)
    assert g.dtype == np.float64 and g.shape == args[1].shape
    assert all(np.array_equal(a, c) for a, c in zip(args, copies))
    assert getattr(lossbook, f.__name__) is f and getattr(lossbook, grad.__name__) is grad


def test_class_axis_last_any_leading_shape():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(2, 3, 4))  # a batch of sequences of tokens
    labels = rng.integers(0, 4, (2, 3))
    flat = softmax_focal(labels.reshape(-1), z.reshape(-1, 4), reduction="none")
    assert_allclose(softmax_focal(labels, z, reduction="none"), flat.reshape(2, 3), rtol=RTOL)
    assert softmax_focal_grad(labels, z).shape == (2, 3, 4)


# Guard: an oracle test fails when the function is perturbed -----------------------------------


def test_guard_a_perturbed_sigmoid_focal_fails_its_oracle_test(monkeypatch):
    right = classification._sigmoid_focal
    monkeypatch.setattr(classification, "_sigmoid_focal", lambda y, z, a, g: right(y, z, a, g * 1.01))
    with pytest.raises(AssertionError):
        test_sigmoid_focal_equals_torchvision()
