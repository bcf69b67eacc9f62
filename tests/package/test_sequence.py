"""lossbook.sequence.ctc against PyTorch's CTCLoss (float64, 1e-12), Keras's CTC (1e-6), autograd
and central differences."""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")  # before anything imports keras

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402
from numpy.testing import assert_allclose  # noqa: E402

from lossbook import log_softmax  # noqa: E402
from lossbook.sequence import ctc, ctc_grad  # noqa: E402
from tests.gradcheck import autograd, central_differences  # noqa: E402

pytestmark = [
    pytest.mark.filterwarnings("error"),
    pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"),
]
RTOL = 1e-12


def T(x):
    """A float64 tensor sharing the array's memory (PyTorch reads it; nothing writes it)."""
    return torch.from_numpy(np.asarray(x))


reductions = st.sampled_from(["mean", "sum", "none"])


SCALES = st.sampled_from([1.0, 5.0, 50.0, 1e3])


@st.composite
def problems(draw, max_t=12, max_c=5, scale=SCALES):
    """(labels (N, S), log_probs (N, T, C), input_lengths, label_lengths, blank)."""
    n, t, c = draw(st.integers(1, 4)), draw(st.integers(1, max_t)), draw(st.integers(2, max_c))
    blank = draw(st.integers(0, c - 1))
    logits = draw(hnp.arrays(np.float64, (n, t, c), elements=st.floats(-3, 3))) * draw(scale)
    log_probs = log_softmax(logits)
    s = draw(st.integers(1, 6))
    non_blank = st.integers(0, c - 2).map(lambda k: k + (k >= blank))
    labels = draw(hnp.arrays(np.int64, (n, s), elements=non_blank))
    input_lengths = draw(hnp.arrays(np.int64, n, elements=st.integers(1, t)))
    label_lengths = draw(hnp.arrays(np.int64, n, elements=st.integers(0, s)))
    return labels, log_probs, input_lengths, label_lengths, blank


def occupancy_atol(lp):
    """Absolute rounding of the occupancies exp(alpha + beta - log p - log P) (each at most 1):
    alpha + beta sums up to T log-probabilities, each rounded to within 2.2e-16 of its size."""
    return 4.5e-16 * lp.shape[1] * np.max(np.abs(lp[np.isfinite(lp)]), initial=1.0) + 1e-14


def torch_ctc(labels, log_probs, input_lengths, label_lengths, blank, **kw):
    return F.ctc_loss(log_probs.transpose(0, 1), T(labels), T(input_lengths), T(label_lengths), blank=blank, **kw)


@given(problem=problems(), reduction=reductions, zero_infinity=st.booleans(), concatenated=st.booleans())
def test_ctc_equals_torch(problem, reduction, zero_infinity, concatenated):
    labels, lp, il, ll, blank = problem
    kw = dict(reduction=reduction, zero_infinity=zero_infinity)
    expected = torch_ctc(labels, T(lp), il, ll, blank, **kw).numpy()
    given_labels = np.concatenate([row[:k] for row, k in zip(labels, ll)]) if concatenated else labels
    # atol: a loss near 0 is -log of a probability near 1, which both round to 1.1e-16 absolute
    assert_allclose(ctc(given_labels, lp, il, ll, blank=blank, **kw), expected, rtol=RTOL, atol=1e-15)


@given(problem=problems(), reduction=reductions, zero_infinity=st.booleans())
def test_ctc_grad_equals_torch(problem, reduction, zero_infinity):
    """PyTorch's CTC gradient w.r.t. log_probs is the one through a log_softmax: ours + exp(log_probs)."""
    labels, lp, il, ll, blank = problem
    kw = dict(reduction=reduction, zero_infinity=zero_infinity)
    theirs = autograd(lambda q: torch_ctc(labels, q, il, ll, blank, **kw), lp)
    ours = ctc_grad(labels, lp, il, ll, blank=blank, **kw)
    per_loss = 1 / (np.maximum(ll, 1) * len(ll)) if reduction == "mean" else np.ones(len(ll))
    inside = np.arange(lp.shape[1])[None, :] < il[:, None]
    finite = np.isfinite(ctc(labels, lp, il, ll, blank=blank, reduction="none"))
    counted = (inside & (finite | ~zero_infinity)[:, None])[:, :, None]
    assert_allclose(ours + np.exp(lp) * per_loss[:, None, None] * counted, theirs, rtol=RTOL, atol=occupancy_atol(lp))


@given(problem=problems(max_t=8), reduction=reductions)
def test_ctc_grad_through_log_softmax_equals_autograd(problem, reduction):
    """The chain rule through log_softmax from lossbook's gradient equals autograd on the logits."""
    labels, lp, il, ll, blank = problem
    kw = dict(reduction=reduction, zero_infinity=True)
    theirs = autograd(lambda z: torch_ctc(labels, torch.log_softmax(z, -1), il, ll, blank, **kw), lp)
    g = ctc_grad(labels, lp, il, ll, blank=blank, **kw)
    through = g - np.exp(lp) * g.sum(axis=-1, keepdims=True)
    assert_allclose(through, theirs, rtol=RTOL, atol=occupancy_atol(lp))


def test_ctc_grad_equals_central_differences():
    rng = np.random.default_rng(3)
    lp = log_softmax(rng.normal(size=(2, 6, 4)))
    labels, il, ll = np.array([[1, 1, 2], [3, 2, 0]]), np.array([6, 5]), np.array([3, 2])
    for reduction in ("mean", "none"):

        def f(q, reduction=reduction):
            # Perturbing one entry leaves the rows normalised only to within h; renormalise exactly.
            return ctc(labels, q - np.log(np.exp(q).sum(-1, keepdims=True)), il, ll, reduction=reduction)

        numeric = central_differences(lambda q, f=f: np.sum(f(q)), lp)
        g = ctc_grad(labels, lp, il, ll, reduction=reduction)
        assert_allclose(g - np.exp(lp) * g.sum(-1, keepdims=True), numeric, rtol=1e-6, atol=1e-8)


def test_long_inputs_do_not_underflow():
    rng = np.random.default_rng(4)
    lp = log_softmax(rng.normal(size=(2, 2000, 6)) * 4)  # path probabilities far below 1e-308
    labels, il, ll = rng.integers(1, 6, (2, 300)), np.array([2000, 1500]), np.array([300, 250])
    expected = torch_ctc(labels, T(lp), il, ll, 0, reduction="none").numpy()
    assert np.all(expected > 800)
    assert_allclose(ctc(labels, lp, il, ll, reduction="none"), expected, rtol=RTOL)


def test_hand_computed_value_and_impossible_alignment():
    lp = np.log([[[0.5, 0.4, 0.1], [0.3, 0.6, 0.1]]])
    # paths reading "1" in two frames: (1, 1), (1, blank), (blank, 1)
    p = 0.4 * 0.6 + 0.4 * 0.3 + 0.5 * 0.6
    assert ctc([[1]], lp, [2], [1], reduction="sum") == pytest.approx(-np.log(p), rel=1e-15)
    # "1 1" needs a blank between the repeats: three frames, not two
    assert ctc([[1, 1]], lp, [2], [2], reduction="sum") == np.inf
    assert ctc([[1, 1]], lp, [2], [2], zero_infinity=True) == 0.0
    assert np.isnan(ctc_grad([[1, 1]], lp, [2], [2])).all()  # as PyTorch: NaN within the input
    assert np.all(ctc_grad([[1, 1]], lp, [2], [2], zero_infinity=True) == 0)


@given(problem=problems(scale=st.just(2.0)))
def test_ctc_equals_keras(problem):
    """Keras CTC: logits, blank 0, labels padded with 0 and counted, full input lengths, no division."""
    labels, lp, _, ll, _ = problem
    n, t, c = lp.shape
    labels = np.where(np.arange(labels.shape[1])[None, :] < ll[:, None], labels % (c - 1) + 1, 0)
    logits = lp * 1.5 + 0.25  # any logits; lossbook takes their log_softmax
    keras_losses = keras.ops.convert_to_numpy(keras.losses.CTC(reduction=None, dtype="float64")(labels, logits))
    ours = ctc(labels, log_softmax(logits), np.full(n, t), np.count_nonzero(labels, axis=1), reduction="none")
    finite = np.isfinite(ours)
    # atol: Keras rounds its log-probabilities (of size up to about 5 here) like float32 somewhere,
    # 3e-7 per frame: a loss near 0 is off by up to 1.3e-7 at T = 1 (measured), whatever its size
    assert_allclose(ours[finite], keras_losses[finite], rtol=1e-6, atol=3e-7 * t)


def test_inputs_are_not_modified_and_types():
    lp = log_softmax(np.random.default_rng(5).normal(size=(2, 4, 3)))
    labels, il, ll = np.array([[1, 2], [2, 0]]), np.array([4, 3]), np.array([2, 1])
    keep = [a.copy() for a in (lp, labels, il, ll)]
    assert type(ctc(labels, lp, il, ll)) is float and ctc(labels, lp, il, ll, reduction="none").shape == (2,)
    assert ctc_grad(labels, lp, il, ll).shape == (2, 4, 3)
    for a, b in zip(keep, (lp, labels, il, ll)):
        assert np.array_equal(a, b)


LP = np.log(np.full((1, 3, 3), 1 / 3))
BAD = [
    (
        lambda: ctc([[1]], LP[0], [3], [1]),
        ValueError,
        r"log_probs must have shape \(N, T, C\), batch first, got shape \(3, 3\)",
    ),
    (
        lambda: ctc([[1]], LP + 1, [3], [1]),
        ValueError,
        r"log_probs must be log-probabilities .* got log-sum-exp 1\.0.* at \(n, t\) = \(0, 0\); "
        r"pass lossbook.log_softmax",
    ),
    (lambda: ctc([[1]], np.full((1, 3, 3), np.nan), [3], [1]), ValueError, r"log_probs must not hold NaN or \+inf"),
    (lambda: ctc([[1]], LP, [3], [1], blank=3), ValueError, r"blank must be a class index in \[0, 2\], got 3"),
    (lambda: ctc([[1]], LP, [3], [1], blank=0.0), TypeError, r"blank must be an integer class index, got 0.0"),
    (lambda: ctc([[1]], LP, [3], [1], zero_infinity=1), TypeError, r"zero_infinity must be True or False, got 1"),
    (lambda: ctc([[1]], LP, [4], [1]), ValueError, r"input_lengths must be in \[1, 3\] \(T of log_probs\), got 4"),
    (lambda: ctc([[1]], LP, [0], [1]), ValueError, r"input_lengths must be in \[1, 3\] \(T of log_probs\), got 0"),
    (lambda: ctc([[1]], LP, [3, 3], [1]), ValueError, r"input_lengths must have shape \(1,\), got shape \(2,\)"),
    (lambda: ctc([[1]], LP, [2.5], [1]), ValueError, r"input_lengths must hold integers, got 2.5"),
    (lambda: ctc([[1]], LP, [3], [2]), ValueError, r"label_lengths must be at most 1 \(the width of labels\), got 2"),
    (lambda: ctc([[1]], LP, [3], [-1]), ValueError, r"label_lengths must not be negative, got -1"),
    (lambda: ctc([1, 2], LP, [3], [1]), ValueError, r"sum\(label_lengths\) = 1 entries, got 2"),
    (
        lambda: ctc([[0]], LP, [3], [1]),
        ValueError,
        r"labels must be class indices in \[0, 2\] other than blank = 0, got 0",
    ),
    (lambda: ctc([[3]], LP, [3], [1]), ValueError, r"got 3"),
    (lambda: ctc([[[1]]], LP, [3], [1]), ValueError, r"labels must have shape \(N, S\) = \(1, S\)"),
    (lambda: ctc([["a"]], LP, [3], [1]), TypeError, r"labels must contain real numbers"),
    (lambda: ctc_grad([[1]], LP, [3], [1], reduction="avg"), ValueError, r"reduction must be one of"),
]


@pytest.mark.parametrize("call, error, message", BAD)
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()
