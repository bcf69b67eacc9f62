"""The NumPy-from-scratch snippets: each one equals its lossbook function on random inputs.

Every loss and measure of lossbook has a short, self-contained NumPy version in
``snippets/numpy/<name>.py`` (``import numpy as np`` and one function ``numpy_<name>``),
shown in a "NumPy from scratch" tab next to the lossbook call on the page that teaches
it (``--8<-- "snippets/numpy/<name>.py"``). These tests load each snippet from that
single file and assert, with hypothesis, that it equals lossbook to a relative 1e-12
(an infinity must match an infinity), on inputs of moderate and extreme magnitudes
wherever lossbook is stable there. Explicit examples pin the cases where a naive
formula would lose accuracy (log(1 - p) for tiny p, log(sum(exp)) for a confident row),
so a snippet must be as stable as lossbook, not only right on average. Two documented
exceptions: the KL divergence sums terms of both signs, so near q = p it is compared to
an absolute accuracy (as tests/test_information.py compares lossbook with its oracles);
and probabilities stay above about 1e-300 (no subnormal q, for which the snippet's
p / q would overflow where lossbook switches to log p - log q).

The guard tests at the end show that the comparison has teeth: a snippet changed so
that it computes something else (a factor dropped, a naive formula) fails.
"""

from __future__ import annotations

import ast
import math
import re
import runpy

import numpy as np
import pytest
from hypothesis import Phase, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import lossbook
from booksite import ROOT  # noqa: E402
from tests.strategies import signed as signed_pairs

SNIPPETS = ROOT / "snippets" / "numpy"
DOCS = ROOT / "docs"

# The page that includes each snippet, in a "NumPy from scratch" tab beside the lossbook call.
PAGES = {
    "mse": "chapters/mse.md",
    "rmse": "chapters/mse.md",
    "mae": "chapters/mae.md",
    "huber": "practice/huber.md",
    "information_content": "chapters/information-content.md",
    "entropy": "chapters/entropy.md",
    "cross_entropy": "chapters/cross-entropy.md",
    "one_hot": "chapters/cross-entropy.md",
    "kl_divergence": "practice/kl-divergence.md",
    "softmax": "practice/logits.md",
    "log_softmax": "practice/logits.md",
    "softmax_cross_entropy": "practice/logits.md",
    "binary_cross_entropy": "practice/binary-cross-entropy.md",
    "binary_cross_entropy_with_logits": "practice/binary-cross-entropy.md",
    "mse_grad": "chapters/mse.md",
    "rmse_grad": "chapters/mse.md",
    "mae_grad": "chapters/mae.md",
    "huber_grad": "practice/huber.md",
    "entropy_grad": "chapters/entropy.md",
    "cross_entropy_grad": "chapters/cross-entropy.md",
    "kl_divergence_grad": "practice/kl-divergence.md",
    "softmax_cross_entropy_grad": "practice/logits.md",
    "nll": "practice/imbalanced-and-padded.md",
    "nll_grad": "practice/imbalanced-and-padded.md",
    "binary_cross_entropy_grad": "practice/binary-cross-entropy.md",
    "binary_cross_entropy_with_logits_grad": "practice/binary-cross-entropy.md",
    # the atlas: each loss and its gradient on its family's page
    **{
        name: f"atlas/{family}.md"
        for family, losses in {
            "regression": ["smooth_l1", "log_cosh", "msle", "mape", "quantile", "poisson_nll", "gaussian_nll"],
            "classification": [
                "sigmoid_focal",
                "softmax_focal",
                "generalized_cross_entropy",
                "poly1_cross_entropy",
                "multilabel_soft_margin",
            ],
            "segmentation": ["dice", "tversky"],
        }.items()
        for loss in losses
        for name in (loss, f"{loss}_grad")
    },
    # the atlas's margin, similarity and sequence losses and their gradients
    **{
        name: f"atlas/{family}.md"
        for family, names in {
            "margin": [
                "hinge",
                "squared_hinge",
                "categorical_hinge",
                "multi_margin",
                "multilabel_margin",
                "soft_margin",
                "hinge_embedding",
            ],
            "similarity": [
                "cosine_similarity",
                "cosine_embedding",
                "margin_ranking",
                "triplet_margin",
                "circle",
                "info_nce",
            ],
            "sequence": ["ctc"],
        }.items()
        for loss in names
        for name in (loss, f"{loss}_grad")
    },
}
INCLUDE = re.compile(r'^(?P<indent> *)--8<-- "snippets/numpy/(?P<name>[^"]+)\.py" *$', re.M)
TAB = re.compile(r'^(?P<indent> *)=== "(?P<title>[^"]*)"', re.M)

RTOL = 1e-12
# Below the smallest normal float64 (2.2e-308) numbers carry fewer significant digits,
# so there only an absolute agreement is meaningful.
TINY = np.finfo(np.float64).tiny


def snippet(name: str):
    """The function `numpy_<name>` of snippets/numpy/<name>.py, run as its own file."""
    return runpy.run_path(str(SNIPPETS / f"{name}.py"))[f"numpy_{name}"]


def mutated(name: str, old: str, new: str):
    """The snippet's function with `old` replaced by `new` (which must occur exactly once)."""
    source = (SNIPPETS / f"{name}.py").read_text(encoding="utf-8")
    assert source.count(old) == 1, f"{name}.py should contain {old!r} exactly once"
    namespace: dict = {}
    exec(compile(source.replace(old, new), f"{name}.py (changed)", "exec"), namespace)
    return namespace[f"numpy_{name}"]


def assert_same(ours, theirs, atol=TINY, zero_sign=True):
    """Equal to a relative 1e-12; infinities must match in place and sign, and zeros in sign.

    The sign of zero matters because pages print the results: -0.0 shows as "-0.0000".
    """
    assert np.shape(ours) == np.shape(theirs), (np.shape(ours), np.shape(theirs))
    np.testing.assert_allclose(ours, theirs, rtol=RTOL, atol=atol)
    if zero_sign:
        zeros = (np.asarray(ours) == 0) & (np.asarray(theirs) == 0)
        assert (np.signbit(ours) == np.signbit(theirs))[zeros].all(), f"0.0 and -0.0: {ours} and {theirs}"


def in_base(base):
    """Keyword options for a logarithm base (none for the default), and whether zeros keep their sign.

    With a base below 1 every logarithm changes sign and lossbook's 0 / log(base) gives -0.0;
    nobody uses such a base, so only the value of a zero is compared there.
    """
    return ({} if base is None else {"base": base}), (base is None or base > 1)


# Strategies -----------------------------------------------------------------------------------

shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=6)
# Magnitudes: everyday numbers, tiny ones (squares underflow), large ones (squares overflow).
tiers = st.sampled_from(
    [
        st.floats(-1e3, 1e3, allow_subnormal=False),
        st.floats(-1e-150, 1e-150, allow_subnormal=False),
        st.floats(-1e300, 1e300, allow_subnormal=False),
    ]
)
bases = st.one_of(st.sampled_from([math.e, 2.0, 10.0]), st.floats(0.01, 100).filter(lambda b: b != 1))


@st.composite
def real_pairs(draw, shape=shapes):
    """Two float64 arrays of one shape, with elements of one magnitude tier."""
    shape, elements = draw(shape), draw(tiers)
    return (
        draw(hnp.arrays(np.float64, shape, elements=elements)),
        draw(hnp.arrays(np.float64, shape, elements=elements)),
    )


@st.composite
def distributions(draw, shape=shapes, zeros=True):
    """Rows along the last axis summing to 1; entries from 1 down to about 1e-300, some exactly 0.

    Not smaller: below 2.2e-308 (subnormal) numbers lose digits, and the KL snippet's
    p / q would overflow for such a q where lossbook switches to log p - log q.
    """
    weights = st.floats(1e-300, 1.0)
    if zeros:
        weights = st.one_of(st.just(0.0), weights)
    shape = shape if isinstance(shape, tuple) else draw(shape)
    w = draw(hnp.arrays(np.float64, shape, elements=weights))
    w[..., 0] = np.where(w.sum(axis=-1) == 0, 1.0, w[..., 0])
    return w / w.sum(axis=-1, keepdims=True)


@st.composite
def distribution_pairs(draw):
    """(p, q) of one shape; q may be 0 where p is not (an infinite loss)."""
    shape = draw(shapes)
    return draw(distributions(shape)), draw(distributions(shape))


@st.composite
def logits(draw, shape=shapes):
    """Logits of one magnitude tier, up to +-1e300."""
    return draw(hnp.arrays(np.float64, draw(shape) if not isinstance(shape, tuple) else shape, elements=draw(tiers)))


@st.composite
def labelled_logits(draw):
    """(labels (N,), logits (N, K))."""
    n, k = draw(st.integers(1, 8)), draw(st.integers(1, 6))
    return draw(hnp.arrays(np.int64, n, elements=st.integers(0, k - 1))), draw(logits((n, k)))


# Hard labels 0/1 or soft labels anywhere in [0, 1].
binary_labels = st.one_of(st.sampled_from([0.0, 1.0]), st.floats(0, 1, allow_subnormal=False))


@st.composite
def binary_pairs(draw, predictions):
    shape = draw(shapes)
    return (
        draw(hnp.arrays(np.float64, shape, elements=binary_labels)),
        draw(hnp.arrays(np.float64, shape, elements=predictions)),
    )


# The properties: one per snippet, built for a given function so the guards can reuse them ----

PROPERTIES = {}


def prop(name):
    def register(builder):
        PROPERTIES[name] = builder
        return builder

    return register


@prop("mse")
def _(numpy_mse):
    @given(real_pairs())
    def test(pair):
        with np.errstate(over="ignore"):  # squares beyond 1.8e308 are inf for both
            ours = numpy_mse(*pair)
        assert_same(ours, lossbook.mse(*pair))

    return test


@prop("mae")
def _(numpy_mae):
    @given(real_pairs())
    def test(pair):
        assert_same(numpy_mae(*pair), lossbook.mae(*pair))

    return test


@prop("rmse")
def _(numpy_rmse):
    @given(real_pairs())
    @example((np.array([0.0, 0.0]), np.array([1e-200, -3e-200])))  # the squares underflow to 0
    @example((np.array([0.0, 0.0]), np.array([1e200, -3e200])))  # the squares overflow to inf
    @example((np.array([1.5]), np.array([1.5])))  # no error at all
    def test(pair):
        assert_same(numpy_rmse(*pair), lossbook.rmse(*pair))

    return test


@prop("huber")
def _(numpy_huber):
    @given(real_pairs(), st.one_of(st.none(), st.floats(1e-6, 1e6)))
    @example((np.array([0.0, 0.0, 0.0]), np.array([0.5, 1.0, 3.0])), None)  # both branches and the seam
    def test(pair, delta):
        options = {} if delta is None else {"delta": delta}
        assert_same(numpy_huber(*pair, **options), lossbook.huber(*pair, **options))

    return test


@prop("information_content")
def _(numpy_information_content):
    @given(
        st.one_of(st.floats(0, 1), hnp.arrays(np.float64, shapes, elements=st.floats(0, 1))),
        st.one_of(st.none(), bases),
    )
    @example(0.0, None)  # inf
    @example(1 - 2**-40, None)  # close to 1: a tiny surprise, kept accurately
    def test(p, base):
        options, zero_sign = in_base(base)
        assert_same(
            numpy_information_content(p, **options), lossbook.information_content(p, **options), zero_sign=zero_sign
        )

    return test


@prop("entropy")
def _(numpy_entropy):
    @given(distributions(), st.one_of(st.none(), bases))
    @example(np.array([1.0, 0.0]), None)  # 0 log 0 = 0
    @example(np.array([1 - 1e-10, 1e-10]), 2.0)
    def test(p, base):
        options, zero_sign = in_base(base)
        assert_same(numpy_entropy(p, **options), lossbook.entropy(p, **options), zero_sign=zero_sign)

    return test


@prop("cross_entropy")
def _(numpy_cross_entropy):
    @given(distribution_pairs(), st.one_of(st.none(), bases))
    @example((np.array([0.0, 1.0]), np.array([0.0, 1.0])), None)  # 0 log 0 = 0
    @example((np.array([0.5, 0.5]), np.array([1.0, 0.0])), None)  # q = 0 < p: inf
    def test(pq, base):
        options, zero_sign = in_base(base)
        assert_same(numpy_cross_entropy(*pq, **options), lossbook.cross_entropy(*pq, **options), zero_sign=zero_sign)

    return test


@prop("kl_divergence")
def _(numpy_kl_divergence):
    @given(distribution_pairs(), st.one_of(st.none(), bases))
    @example((np.array([0.0, 1.0]), np.array([0.0, 1.0])), None)  # 0 log 0 = 0
    @example((np.array([0.5, 0.5]), np.array([1.0, 0.0])), None)  # q = 0 < p: inf
    @example((np.array([0.5, 0.3, 0.2]), np.array([0.4, 0.4, 0.2])), 2.0)
    def test(pq, base):
        # The terms p log(p/q) have both signs and cancel when q is close to p (KL ~ delta**2 for
        # differences delta), so no two summations agree to a relative 1e-12 there. As in
        # test_information.py, allow the absolute error that rounding log(p/q) leaves: about
        # 1e-16 per nat of the terms' size, bounded by H(p) + H(p, q).
        options, zero_sign = in_base(base)
        size = lossbook.entropy(pq[0]) + lossbook.cross_entropy(*pq)
        nats = 1e-15 * (1 + np.max(np.where(np.isfinite(size), size, 0)))
        atol = abs(nats / math.log(options.get("base", math.e)))
        assert_same(
            numpy_kl_divergence(*pq, **options), lossbook.kl_divergence(*pq, **options), atol=atol, zero_sign=zero_sign
        )

    return test


@prop("one_hot")
def _(numpy_one_hot):
    @given(
        st.integers(1, 6).flatmap(
            lambda k: st.tuples(hnp.arrays(np.int64, shapes, elements=st.integers(0, k - 1)), st.just(k))
        )
    )
    def test(labels_k):
        labels, k = labels_k
        assert_same(numpy_one_hot(labels, k), lossbook.one_hot(labels, k))

    return test


@st.composite
def logits_and_axis(draw):
    z = draw(logits())
    return z, draw(st.integers(-z.ndim, z.ndim - 1))


@prop("softmax")
def _(numpy_softmax):
    @given(logits_and_axis())
    @example((np.array([1e300, -1e300]), -1))
    def test(z_axis):
        z, axis = z_axis
        assert_same(numpy_softmax(z, axis=axis), lossbook.softmax(z, axis=axis))

    return test


@prop("log_softmax")
def _(numpy_log_softmax):
    @given(logits_and_axis())
    @example((np.array([40.0, 0.0, -3.0]), -1))  # log(1 + 2e-18) must not round to log(1) = 0
    @example((np.array([[1e300, -1e300]]), 1))
    def test(z_axis):
        z, axis = z_axis
        assert_same(numpy_log_softmax(z, axis=axis), lossbook.log_softmax(z, axis=axis))

    return test


@prop("softmax_cross_entropy")
def _(numpy_softmax_cross_entropy):
    @given(labelled_logits())
    @example((np.array([0, 1]), np.array([[40.0, 0.0], [-5.0, 30.0]])))  # confident and right: tiny losses
    @example((np.array([1]), np.array([[1e300, -1e300]])))
    def test(labels_logits):
        labels, z = labels_logits
        assert_same(numpy_softmax_cross_entropy(labels, z), lossbook.softmax_cross_entropy(labels, z))

    return test


@prop("binary_cross_entropy")
def _(numpy_binary_cross_entropy):
    @given(binary_pairs(st.floats(0, 1)))
    @example((np.array([0.0, 1.0]), np.array([1e-20, 1.0])))  # log(1 - 1e-20) must not round to 0
    @example((np.array([1.0, 0.0]), np.array([0.0, 0.5])))  # certain and wrong: inf
    def test(pair):
        assert_same(numpy_binary_cross_entropy(*pair), lossbook.binary_cross_entropy(*pair))

    return test


@prop("binary_cross_entropy_with_logits")
def _(numpy_binary_cross_entropy_with_logits):
    @given(binary_pairs(st.one_of(st.floats(-1e3, 1e3), st.floats(-1e300, 1e300))))
    @example((np.array([1 - 2**-30]), np.array([1e10])))  # z - y z would cancel
    @example((np.array([0.0, 1.0]), np.array([1e300, -1e300])))
    @example((np.array([1.0]), np.array([40.0])))  # log(1 + e^-40): log1p, not log
    def test(pair):
        assert_same(numpy_binary_cross_entropy_with_logits(*pair), lossbook.binary_cross_entropy_with_logits(*pair))

    return test


# Gradients ------------------------------------------------------------------------------------

reductions = st.sampled_from(["mean", "sum", "none"])


@prop("mse_grad")
def _(numpy_mse_grad):
    @given(real_pairs(), reductions)
    def test(pair, reduction):
        assert_same(numpy_mse_grad(*pair, reduction=reduction), lossbook.mse_grad(*pair, reduction=reduction))

    return test


@prop("mae_grad")
def _(numpy_mae_grad):
    @given(real_pairs(), reductions)
    @example((np.array([1.0, 2.0]), np.array([1.0, 3.0])), "mean")  # a zero error: slope 0
    def test(pair, reduction):
        assert_same(numpy_mae_grad(*pair, reduction=reduction), lossbook.mae_grad(*pair, reduction=reduction))

    return test


@prop("rmse_grad")
def _(numpy_rmse_grad):
    @given(real_pairs())
    @example((np.array([0.0, 0.0]), np.array([1e-200, -3e-200])))  # the squares underflow to 0
    @example((np.array([0.0, 0.0]), np.array([1e200, -3e200])))  # the squares overflow to inf
    @example((np.array([1.5]), np.array([1.5])))  # no error at all: 0
    def test(pair):
        assert_same(numpy_rmse_grad(*pair), lossbook.rmse_grad(*pair))

    return test


@prop("huber_grad")
def _(numpy_huber_grad):
    @given(real_pairs(), st.one_of(st.none(), st.floats(1e-6, 1e6)), reductions)
    @example((np.array([0.0, 0.0, 0.0]), np.array([0.5, 1.0, -3.0])), None, "none")  # both branches, the seam
    def test(pair, delta, reduction):
        options = {"reduction": reduction} if delta is None else {"delta": delta, "reduction": reduction}
        assert_same(numpy_huber_grad(*pair, **options), lossbook.huber_grad(*pair, **options))

    return test


@prop("entropy_grad")
def _(numpy_entropy_grad):
    @given(distributions(), st.one_of(st.none(), bases))
    @example(np.array([1.0, 0.0]), None)  # +inf at p = 0
    def test(p, base):
        options, zero_sign = in_base(base)
        assert_same(numpy_entropy_grad(p, **options), lossbook.entropy_grad(p, **options), zero_sign=zero_sign)

    return test


def _q_gradient_property(snippet_function, lossbook_function):
    @given(distribution_pairs(), st.one_of(st.none(), bases))
    @example((np.array([0.0, 1.0]), np.array([0.0, 1.0])), None)  # 0 where p = 0, even where q = 0
    @example((np.array([0.5, 0.5]), np.array([1.0, 0.0])), None)  # q = 0 < p: -inf
    def test(pq, base):
        options, zero_sign = in_base(base)
        assert_same(snippet_function(*pq, **options), lossbook_function(*pq, **options), zero_sign=zero_sign)

    return test


@prop("cross_entropy_grad")
def _(numpy_cross_entropy_grad):
    return _q_gradient_property(numpy_cross_entropy_grad, lossbook.cross_entropy_grad)


@prop("kl_divergence_grad")
def _(numpy_kl_divergence_grad):
    return _q_gradient_property(numpy_kl_divergence_grad, lossbook.kl_divergence_grad)


@prop("softmax_cross_entropy_grad")
def _(numpy_softmax_cross_entropy_grad):
    @given(labelled_logits())
    @example((np.array([0, 1]), np.array([[40.0, 0.0], [-5.0, 16.0]])))  # p - 1 for p close to 1
    @example((np.array([1]), np.array([[1e300, -1e300]])))
    def test(labels_logits):
        labels, z = labels_logits
        assert_same(numpy_softmax_cross_entropy_grad(labels, z), lossbook.softmax_cross_entropy_grad(labels, z))

    return test


@st.composite
def labelled_log_probs(draw):
    labels, z = draw(labelled_logits())
    return labels, lossbook.log_softmax(z)


@prop("nll")
def _(numpy_nll):
    @given(labelled_log_probs())
    def test(labels_log_q):
        assert_same(numpy_nll(*labels_log_q), lossbook.nll(*labels_log_q))

    return test


@prop("nll_grad")
def _(numpy_nll_grad):
    @given(labelled_log_probs())
    def test(labels_log_q):
        assert_same(numpy_nll_grad(*labels_log_q), lossbook.nll_grad(*labels_log_q))

    return test


@prop("binary_cross_entropy_grad")
def _(numpy_binary_cross_entropy_grad):
    @given(binary_pairs(st.floats(0, 1)))
    @example((np.array([0.0, 1.0, 1.0, 0.0, 0.5]), np.array([0.0, 1.0, 0.0, 1.0, 1e-300])))  # the edges
    def test(pair):
        assert_same(numpy_binary_cross_entropy_grad(*pair), lossbook.binary_cross_entropy_grad(*pair))

    return test


@prop("binary_cross_entropy_with_logits_grad")
def _(numpy_binary_cross_entropy_with_logits_grad):
    @given(binary_pairs(st.one_of(st.floats(-1e3, 1e3), st.floats(-1e300, 1e300))))
    @example((np.array([1.0, 0.0]), np.array([40.0, -40.0])))  # sigmoid(z) - y would round to 0
    def test(pair):
        assert_same(
            numpy_binary_cross_entropy_with_logits_grad(*pair), lossbook.binary_cross_entropy_with_logits_grad(*pair)
        )

    return test


# The atlas snippets ---------------------------------------------------------------------------

moderate = st.floats(-1e3, 1e3, allow_subnormal=False)


@prop("smooth_l1")
def _(numpy_smooth_l1):
    @given(real_pairs(), st.one_of(st.none(), st.just(0.0), st.floats(1e-6, 1e6)))
    @example((np.array([0.0, 0.0, 0.0]), np.array([0.5, 1.0, 3.0])), None)  # both branches and the seam
    def test(pair, beta):
        options = {} if beta is None else {"beta": beta}
        with np.errstate(over="ignore"):  # squares beyond 1.8e308 are inf for both
            assert_same(numpy_smooth_l1(*pair, **options), lossbook.smooth_l1(*pair, **options), atol=1e-300)

    return test


@prop("log_cosh")
def _(numpy_log_cosh):
    @given(real_pairs())
    @example((np.array([0.0, 0.0]), np.array([1e-8, 800.0])))  # no cancellation; beyond exp's range
    def test(pair):
        assert_same(numpy_log_cosh(*pair), lossbook.log_cosh(*pair), atol=1e-320)

    return test


@prop("msle")
def _(numpy_msle):
    @given(
        st.sampled_from([st.floats(-0.999, 1e3), st.floats(0, 1e300)]).flatmap(
            lambda e: st.tuples(*(hnp.arrays(np.float64, st.just((3,)), elements=e) for _ in range(2)))
        )
    )
    @example((np.array([1.0, 300.0]), np.array([1.0 + 1e-12, 0.0])))  # close values; far below
    def test(pair):
        assert_same(numpy_msle(*pair), lossbook.msle(*pair))

    return test


@prop("mape")
def _(numpy_mape):
    nonzero = st.floats(-1e300, 1e300, allow_subnormal=False).filter(lambda x: abs(x) > 1e-300)

    @given(
        st.tuples(*(hnp.arrays(np.float64, shapes, elements=nonzero) for _ in range(2))).filter(
            lambda pair: pair[0].shape == pair[1].shape
        )
        | real_pairs().filter(lambda pair: np.all(pair[0] != 0))
    )
    def test(pair):
        with np.errstate(over="ignore"):
            assert_same(numpy_mape(*pair), lossbook.mape(*pair))

    return test


@prop("quantile")
def _(numpy_quantile):
    @given(real_pairs(), st.one_of(st.none(), st.floats(0, 1)))
    def test(pair, q):
        options = {} if q is None else {"q": q}
        assert_same(numpy_quantile(*pair, **options), lossbook.quantile(*pair, **options), atol=1e-300)

    return test


counts = st.sampled_from([0.0, 1.0, 2.0]) | st.floats(0, 1e3)


@prop("poisson_nll")
def _(numpy_poisson_nll):
    @given(
        st.integers(1, 6).flatmap(
            lambda n: st.tuples(
                hnp.arrays(np.float64, n, elements=counts), hnp.arrays(np.float64, n, elements=st.floats(-30, 30))
            )
        ),
        st.booleans(),
        st.booleans(),
    )
    def test(pair, log_input, full):
        y, x = pair if log_input else (pair[0], np.abs(pair[1]))
        options = dict(log_input=log_input, full=full)
        assert_same(numpy_poisson_nll(y, x, **options), lossbook.poisson_nll(y, x, **options), atol=1e-300)

    return test


@prop("gaussian_nll")
def _(numpy_gaussian_nll):
    @given(real_pairs(st.just((4,))), hnp.arrays(np.float64, 4, elements=st.floats(0, 1e3)), st.booleans())
    def test(pair, var, full):
        with np.errstate(over="ignore"):
            assert_same(
                numpy_gaussian_nll(*pair, var, full=full), lossbook.gaussian_nll(*pair, var, full=full), atol=1e-300
            )

    return test


@prop("sigmoid_focal")
def _(numpy_sigmoid_focal):
    @given(
        binary_pairs(st.sampled_from([0.0, 40.0, -40.0]) | st.floats(-1e300, 1e300)),
        st.one_of(st.none(), st.floats(0, 1)),
        st.floats(0, 3),
    )
    @example((np.array([1.0]), np.array([40.0])), 0.25, 2.0)  # confident and right: a tiny loss, not 0
    def test(pair, alpha, gamma):
        assert_same(
            numpy_sigmoid_focal(*pair, alpha=alpha, gamma=gamma),
            lossbook.sigmoid_focal(*pair, alpha=alpha, gamma=gamma),
            atol=1e-320,
        )

    return test


@prop("softmax_focal")
def _(numpy_softmax_focal):
    @given(labelled_logits(), st.floats(0, 2), st.floats(0, 3))
    @example((np.array([0]), np.array([[40.0, 0.0]])), 0.25, 2.0)  # 1 - p is 4e-18, not 0
    def test(labels_logits, alpha, gamma):
        assert_same(
            numpy_softmax_focal(*labels_logits, alpha=alpha, gamma=gamma),
            lossbook.softmax_focal(*labels_logits, alpha=alpha, gamma=gamma),
            atol=1e-320,
        )

    return test


@prop("poly1_cross_entropy")
def _(numpy_poly1_cross_entropy):
    @given(labelled_logits(), st.floats(-1, 10))
    def test(labels_logits, epsilon):
        assert_same(
            numpy_poly1_cross_entropy(*labels_logits, epsilon=epsilon),
            lossbook.poly1_cross_entropy(*labels_logits, epsilon=epsilon),
            atol=1e-300,
        )

    return test


@prop("generalized_cross_entropy")
def _(numpy_generalized_cross_entropy):
    @given(
        st.integers(1, 5).flatmap(
            lambda k: st.tuples(hnp.arrays(np.int64, 3, elements=st.integers(0, k - 1)), distributions(st.just((3, k))))
        ),
        st.floats(0.01, 1),
    )
    @example((np.array([0]), np.array([[1 - 1e-12, 1e-12]])), 0.5)  # near 1: no cancellation
    def test(labels_probs, q):
        assert_same(
            numpy_generalized_cross_entropy(*labels_probs, q=q), lossbook.generalized_cross_entropy(*labels_probs, q=q)
        )

    return test


@prop("multilabel_soft_margin")
def _(numpy_multilabel_soft_margin):
    @given(binary_pairs(st.floats(-1e300, 1e300)), st.booleans())
    def test(pair, weighted):
        weight = np.linspace(0.5, 2.0, pair[1].shape[-1]) if weighted else None
        assert_same(
            numpy_multilabel_soft_margin(*pair, weight=weight), lossbook.multilabel_soft_margin(*pair, weight=weight)
        )

    return test


@st.composite
def masks(draw):
    shape = draw(shapes)
    y, p = (draw(hnp.arrays(np.float64, shape, elements=st.floats(0, 1, allow_subnormal=False))) for _ in range(2))
    axis = draw(st.none() | st.just(tuple(range(1, len(shape)))).filter(bool))
    y[(..., 0) if axis is None else (slice(None),) + (0,) * len(axis)] = 1.0  # no empty slice
    return y, p, axis


@prop("dice")
def _(numpy_dice):
    @given(masks())
    def test(mask):
        y, p, axis = mask
        assert_same(numpy_dice(y, p, axis=axis), lossbook.dice(y, p, axis=axis), atol=1e-15)

    return test


@prop("tversky")
def _(numpy_tversky):
    @given(masks(), st.floats(0.01, 1), st.floats(0.01, 1))
    def test(mask, alpha, beta):
        y, p, axis = mask
        # 1 - TP / D cancels near a perfect mask; FN and FP are sums of other terms: 1e-15 absolute
        assert_same(
            numpy_tversky(y, p, alpha=alpha, beta=beta, axis=axis),
            lossbook.tversky(y, p, alpha=alpha, beta=beta, axis=axis),
            atol=1e-15,
        )

    return test


# The atlas gradients: the formulas from scratch, on inputs of moderate size (the extremes of
# each gradient are tested against autograd and mpmath in tests/package) ------------------------


@st.composite
def moderate_pairs(draw, elements=moderate, shape=shapes):
    shape = draw(shape)
    return tuple(draw(hnp.arrays(np.float64, shape, elements=elements)) for _ in range(2))


@st.composite
def moderate_labelled_logits(draw):
    """(labels (N,), logits (N, K)) with logits in [-5, 5]: no probability rounds to 1."""
    n, k = draw(st.integers(1, 8)), draw(st.integers(2, 6))
    labels = draw(hnp.arrays(np.int64, n, elements=st.integers(0, k - 1)))
    return labels, draw(hnp.arrays(np.float64, (n, k), elements=st.floats(-5, 5)))


@prop("smooth_l1_grad")
def _(numpy_smooth_l1_grad):
    @given(real_pairs(), st.one_of(st.none(), st.just(0.0), st.floats(1e-6, 1e6)), reductions)
    @example((np.array([0.0, 0.0, 0.0]), np.array([0.5, 1.0, -3.0])), None, "none")  # both branches, the seam
    def test(pair, beta, reduction):
        options = {"reduction": reduction} if beta is None else {"beta": beta, "reduction": reduction}
        with np.errstate(over="ignore"):  # an error beyond float64 is inf, its slope 1, in both
            assert_same(numpy_smooth_l1_grad(*pair, **options), lossbook.smooth_l1_grad(*pair, **options))

    return test


@prop("log_cosh_grad")
def _(numpy_log_cosh_grad):
    @given(real_pairs(), reductions)
    def test(pair, reduction):
        with np.errstate(over="ignore"):
            assert_same(
                numpy_log_cosh_grad(*pair, reduction=reduction), lossbook.log_cosh_grad(*pair, reduction=reduction)
            )

    return test


@prop("msle_grad")
def _(numpy_msle_grad):
    @given(
        st.sampled_from([st.floats(-0.999, 1e3), st.floats(0, 1e300)]).flatmap(
            lambda e: st.tuples(*(hnp.arrays(np.float64, st.just((3,)), elements=e) for _ in range(2)))
        ),
        reductions,
    )
    @example((np.array([1.0, 300.0]), np.array([1.0 + 1e-12, 0.0])), "sum")  # close values; far below
    def test(pair, reduction):
        assert_same(numpy_msle_grad(*pair, reduction=reduction), lossbook.msle_grad(*pair, reduction=reduction))

    return test


@prop("mape_grad")
def _(numpy_mape_grad):
    @given(moderate_pairs().filter(lambda pair: np.all(np.abs(pair[0]) > 1e-300)), reductions)  # 100 / |y| finite
    def test(pair, reduction):
        assert_same(numpy_mape_grad(*pair, reduction=reduction), lossbook.mape_grad(*pair, reduction=reduction))

    return test


@prop("quantile_grad")
def _(numpy_quantile_grad):
    @given(real_pairs(), st.floats(0, 1), reductions)
    @example((np.array([1.0, 1.0, 1.0]), np.array([0.0, 1.0, 2.0])), 0.9, "none")  # below, at, above
    def test(pair, q, reduction):
        assert_same(
            numpy_quantile_grad(*pair, q=q, reduction=reduction),
            lossbook.quantile_grad(*pair, q=q, reduction=reduction),
        )

    return test


@prop("poisson_nll_grad")
def _(numpy_poisson_nll_grad):
    @given(
        st.integers(1, 6).flatmap(
            lambda n: st.tuples(
                hnp.arrays(np.float64, n, elements=counts), hnp.arrays(np.float64, n, elements=st.floats(-30, 30))
            )
        ),
        st.booleans(),
        reductions,
    )
    @example((np.array([1.0, 2.0]), np.array([1e-9, math.log(2.0)])), True, "none")  # slopes near 0
    def test(pair, log_input, reduction):
        y, x = pair if log_input else (pair[0], np.abs(pair[1]))
        options = dict(log_input=log_input, reduction=reduction)
        assert_same(numpy_poisson_nll_grad(y, x, **options), lossbook.poisson_nll_grad(y, x, **options), atol=1e-300)

    return test


@prop("gaussian_nll_grad")
def _(numpy_gaussian_nll_grad):
    @given(moderate_pairs(shape=st.just((4,))), hnp.arrays(np.float64, 4, elements=st.floats(0, 1e3)), reductions)
    def test(pair, var, reduction):
        ours = numpy_gaussian_nll_grad(*pair, var, reduction=reduction)
        theirs = lossbook.gaussian_nll_grad(*pair, var, reduction=reduction)
        # d/d var = (1 - e^2 / v) / (2 v) cancels where e^2 is close to v: 1e-15 of its terms, absolute
        atol = 1e-15 * float(np.max(1 / np.maximum(var, 1e-6)))
        assert_same(ours[0], theirs[0])
        assert_same(ours[1], theirs[1], atol=atol, zero_sign=False)

    return test


@prop("sigmoid_focal_grad")
def _(numpy_sigmoid_focal_grad):
    @given(binary_pairs(st.floats(-30, 30)), st.one_of(st.none(), st.floats(0, 1)), st.floats(0, 3), reductions)
    def test(pair, alpha, gamma, reduction):
        # the focal term and sigma(z) - y have opposite signs for a wrong answer: 1e-15 absolute
        assert_same(
            numpy_sigmoid_focal_grad(*pair, alpha=alpha, gamma=gamma, reduction=reduction),
            lossbook.sigmoid_focal_grad(*pair, alpha=alpha, gamma=gamma, reduction=reduction),
            atol=1e-15,
            zero_sign=False,
        )

    return test


@prop("softmax_focal_grad")
def _(numpy_softmax_focal_grad):
    @given(moderate_labelled_logits(), st.floats(0, 2), st.floats(0, 3), reductions)
    def test(labels_logits, alpha, gamma, reduction):
        options = dict(alpha=alpha, gamma=gamma, reduction=reduction)
        assert_same(
            numpy_softmax_focal_grad(*labels_logits, **options),
            lossbook.softmax_focal_grad(*labels_logits, **options),
            atol=1e-15,
            zero_sign=False,
        )

    return test


@prop("generalized_cross_entropy_grad")
def _(numpy_generalized_cross_entropy_grad):
    @given(
        st.integers(1, 5).flatmap(
            lambda k: st.tuples(
                hnp.arrays(np.int64, 3, elements=st.integers(0, k - 1)),
                hnp.arrays(np.float64, (3, k), elements=st.floats(0.05, 1)),
            )
        ),
        st.floats(0.01, 1),
        reductions,
    )
    def test(labels_weights, q, reduction):
        labels, w = labels_weights
        probs = w / w.sum(axis=-1, keepdims=True)
        options = dict(q=q, reduction=reduction)
        assert_same(
            numpy_generalized_cross_entropy_grad(labels, probs, **options),
            lossbook.generalized_cross_entropy_grad(labels, probs, **options),
            zero_sign=False,
        )

    return test


@prop("poly1_cross_entropy_grad")
def _(numpy_poly1_cross_entropy_grad):
    @given(moderate_labelled_logits(), st.floats(-1, 10), reductions)
    def test(labels_logits, epsilon, reduction):
        options = dict(epsilon=epsilon, reduction=reduction)
        assert_same(
            numpy_poly1_cross_entropy_grad(*labels_logits, **options),
            lossbook.poly1_cross_entropy_grad(*labels_logits, **options),
            atol=1e-15,
            zero_sign=False,
        )

    return test


@prop("multilabel_soft_margin_grad")
def _(numpy_multilabel_soft_margin_grad):
    @given(binary_pairs(st.floats(-30, 30)), st.booleans(), reductions)
    def test(pair, weighted, reduction):
        weight = np.linspace(0.5, 2.0, pair[1].shape[-1]) if weighted else None
        options = dict(weight=weight, reduction=reduction)
        # For soft labels sigma(z) - y cancels (y = 0.5, z = 1e-5: a slope of 2.5e-6 from two terms near 0.5);
        # each term is right to 2**-53, so only an absolute 2 * 2**-53 * w / divisor survives the difference
        z = np.asarray(pair[1])
        divisor = z.size if reduction == "mean" else z.shape[-1]
        atol = 2 * 2.0**-53 * (2.0 if weighted else 1.0) / divisor
        assert_same(
            numpy_multilabel_soft_margin_grad(*pair, **options),
            lossbook.multilabel_soft_margin_grad(*pair, **options),
            atol=atol,
            zero_sign=False,  # an exact cancellation may round to +0.0 in one and -0.0 in the other
        )

    return test


@prop("dice_grad")
def _(numpy_dice_grad):
    @given(masks(), reductions)
    def test(mask, reduction):
        y, p, axis = mask
        # I / U - y cancels where the overlap ratio is close to a label: 1e-15 absolute
        assert_same(
            numpy_dice_grad(y, p, axis=axis, reduction=reduction),
            lossbook.dice_grad(y, p, axis=axis, reduction=reduction),
            atol=1e-15,
            zero_sign=False,
        )

    return test


@prop("tversky_grad")
def _(numpy_tversky_grad):
    @given(masks(), st.floats(0.01, 1), st.floats(0.01, 1), reductions)
    def test(mask, alpha, beta, reduction):
        y, p, axis = mask
        options = dict(alpha=alpha, beta=beta, axis=axis, reduction=reduction)
        assert_same(
            numpy_tversky_grad(y, p, **options), lossbook.tversky_grad(y, p, **options), atol=1e-15, zero_sign=False
        )

    return test


# The atlas: margin, similarity and sequence losses ---------------------------------------------

# Moderate magnitudes whose squares do not underflow (the snippets take plain norms).
margin_moderate = st.floats(-10, 10, allow_subnormal=False).filter(lambda x: x == 0 or abs(x) > 1e-100)
scores = st.one_of(margin_moderate, st.floats(-1e300, 1e300, allow_subnormal=False))


@st.composite
def class_scores(draw, elements=margin_moderate):
    n, k = draw(st.integers(1, 5)), draw(st.integers(1, 6))
    return draw(hnp.arrays(np.int64, n, elements=st.integers(0, k - 1))), draw(
        hnp.arrays(np.float64, (n, k), elements=elements)
    )


@st.composite
def embeddings(draw, count, elements=margin_moderate, min_n=1):
    n, d = draw(st.integers(min_n, 5)), draw(st.integers(1, 4))
    return [draw(hnp.arrays(np.float64, (n, d), elements=elements)) for _ in range(count)]


for _name in ("hinge", "squared_hinge"):

    @prop(_name)
    def _(numpy_f, _name=_name):
        @given(signed_pairs(st.floats(-1e150, 1e150)), st.booleans())
        def test(pair, zero_one):
            y, s = pair
            y = (y + 1) / 2 if zero_one else y
            assert_same(numpy_f(y, s), getattr(lossbook, _name)(y, s))

        return test


reductions_all = st.sampled_from(["mean", "sum", "none"])

for _name in ("hinge_grad", "squared_hinge_grad"):

    @prop(_name)
    def _(numpy_f, _name=_name):
        @given(signed_pairs(st.floats(-1e150, 1e150)), st.booleans(), reductions_all)
        @example((np.array([1.0, -1.0]), np.array([1.0, -1.0])), False, "none")  # at the kink y s = 1
        def test(pair, zero_one, reduction):
            y, s = pair
            y = (y + 1) / 2 if zero_one else y
            assert_same(numpy_f(y, s, reduction=reduction), getattr(lossbook, _name)(y, s, reduction=reduction))

        return test


@prop("categorical_hinge")
def _(numpy_categorical_hinge):
    @given(class_scores(scores))
    def test(rows):
        labels, s = rows
        y = np.eye(s.shape[1])[labels]
        assert_same(numpy_categorical_hinge(y, s), lossbook.categorical_hinge(y, s))

    return test


@prop("multi_margin")
def _(numpy_multi_margin):
    @given(class_scores(scores), st.sampled_from([1, 2]), st.sampled_from([1.0, 0.5, 0.0]))
    def test(rows, p, margin):
        labels, s = rows
        with np.errstate(over="ignore"):
            assert_same(
                numpy_multi_margin(labels, s, p=p, margin=margin), lossbook.multi_margin(labels, s, p=p, margin=margin)
            )

    return test


@prop("multilabel_margin")
def _(numpy_multilabel_margin):
    @given(class_scores(scores), st.data())
    def test(rows, data):
        _, s = rows
        k = s.shape[1]
        targets = data.draw(hnp.arrays(np.int64, s.shape, elements=st.integers(-1, k - 1)))
        assert_same(numpy_multilabel_margin(targets, s), lossbook.multilabel_margin(targets, s))

    return test


@prop("soft_margin")
def _(numpy_soft_margin):
    @given(signed_pairs(scores))
    @example((np.array([1.0]), np.array([40.0])))  # log(1 + e^-40): log1p, not log
    def test(pair):
        assert_same(numpy_soft_margin(*pair), lossbook.soft_margin(*pair))

    return test


@prop("soft_margin_grad")
def _(numpy_soft_margin_grad):
    @given(signed_pairs(scores), reductions_all)
    @example((np.array([1.0, -1.0]), np.array([800.0, 800.0])), "none")  # e^(y s) overflows: slope 0
    def test(pair, reduction):
        assert_same(
            numpy_soft_margin_grad(*pair, reduction=reduction), lossbook.soft_margin_grad(*pair, reduction=reduction)
        )

    return test


@prop("hinge_embedding_grad")
def _(numpy_hinge_embedding_grad):
    @given(signed_pairs(st.floats(0, 1e300)), st.sampled_from([1.0, 0.5, 2.0]), reductions_all)
    @example((np.array([-1.0, -1.0, 1.0]), np.array([1.0, 2.0, 0.0])), 1.0, "none")  # the kink d = m
    def test(pair, margin, reduction):
        options = dict(margin=margin, reduction=reduction)
        assert_same(numpy_hinge_embedding_grad(*pair, **options), lossbook.hinge_embedding_grad(*pair, **options))

    return test


@prop("hinge_embedding")
def _(numpy_hinge_embedding):
    @given(signed_pairs(st.floats(0, 1e300)), st.sampled_from([1.0, 0.5, 2.0]))
    def test(pair, margin):
        assert_same(numpy_hinge_embedding(*pair, margin=margin), lossbook.hinge_embedding(*pair, margin=margin))

    return test


@prop("cosine_similarity")
def _(numpy_cosine_similarity):
    @given(embeddings(2, st.one_of(margin_moderate, st.floats(-1e300, 1e300, allow_subnormal=False))))
    def test(pair):
        assert_same(numpy_cosine_similarity(*pair), lossbook.cosine_similarity(*pair), atol=1e-15)

    return test


@prop("cosine_embedding")
def _(numpy_cosine_embedding):
    @given(embeddings(2), st.data(), st.sampled_from([0.0, 0.3]))
    def test(pair, data, margin):
        y = data.draw(hnp.arrays(np.float64, len(pair[0]), elements=st.sampled_from([-1.0, 1.0])))
        assert_same(
            numpy_cosine_embedding(y, *pair, margin=margin),
            lossbook.cosine_embedding(y, *pair, margin=margin),
            atol=1e-15,
        )  # 1 - cos of nearly equal vectors: a rounding of cos, not of the loss

    return test


@prop("margin_ranking")
def _(numpy_margin_ranking):
    @given(embeddings(3, st.one_of(margin_moderate, st.floats(-1e150, 1e150))), st.sampled_from([0.0, 0.5]))
    def test(triple, margin):
        y = np.sign(triple[0]) + (triple[0] == 0)
        assert_same(
            numpy_margin_ranking(y, *triple[1:], margin=margin), lossbook.margin_ranking(y, *triple[1:], margin=margin)
        )

    return test


@prop("margin_ranking_grad")
def _(numpy_margin_ranking_grad):
    @given(
        embeddings(3, st.one_of(margin_moderate, st.floats(-1e150, 1e150))), st.sampled_from([0.0, 0.5]), reductions_all
    )
    def test(triple, margin, reduction):
        y = np.sign(triple[0]) + (triple[0] == 0)
        options = dict(margin=margin, reduction=reduction)
        for theirs, ours in zip(
            numpy_margin_ranking_grad(y, *triple[1:], **options),
            lossbook.margin_ranking_grad(y, *triple[1:], **options),
        ):
            assert_same(theirs, ours)

    return test


@prop("triplet_margin")
def _(numpy_triplet_margin):
    @given(embeddings(3), st.sampled_from([1.0, 0.5]), st.sampled_from([1e-6, 0.0]))
    def test(triple, margin, eps):
        assert_same(
            numpy_triplet_margin(*triple, margin=margin, eps=eps),
            lossbook.triplet_margin(*triple, margin=margin, eps=eps),
            atol=1e-14,
        )

    return test


@prop("circle")
def _(numpy_circle):
    @given(embeddings(1, min_n=2), st.data(), st.sampled_from([80.0, 4.0]))
    def test(e, data, gamma):
        e = e[0].copy()
        e[:, 0] += np.linalg.norm(e, axis=1) < 0.1  # no zero rows
        unit = e / np.linalg.norm(e, axis=1, keepdims=True)
        labels = data.draw(hnp.arrays(np.int64, len(e), elements=st.integers(0, 2)))
        assert_same(numpy_circle(labels, unit, gamma=gamma), lossbook.circle(labels, unit, gamma=gamma), atol=1e-13)

    return test


@prop("info_nce")
def _(numpy_info_nce):
    @given(embeddings(2), st.sampled_from([0.07, 0.5, 2.0]))
    def test(pair, temperature):
        a, b = (x + 1e-3 * np.eye(*x.shape) + (np.abs(x).sum(axis=1, keepdims=True) == 0) for x in pair)
        assert_same(
            numpy_info_nce(a, b, temperature=temperature), lossbook.info_nce(a, b, temperature=temperature), atol=1e-13
        )

    return test


@prop("ctc")
def _(numpy_ctc):
    @given(st.integers(1, 8), st.integers(2, 5), st.data())
    def test(t, c, data):
        logits = data.draw(hnp.arrays(np.float64, (t, c), elements=st.floats(-30, 30)))
        log_probs = lossbook.log_softmax(logits)
        labels = data.draw(st.lists(st.integers(1, c - 1), max_size=4))
        ours = lossbook.ctc([labels] if labels else [], log_probs[None], [t], [len(labels)], reduction="sum")
        # Both add log-probabilities over t frames, each addition rounding by up to 2**-53 absolutely: a
        # loss -log P near 0 (P near 1) keeps only that absolute accuracy (found: 1.1e-16 at 6.2e-5).
        assert_same(numpy_ctc(labels, log_probs), ours, atol=4 * t * 2**-53)

    return test


# The atlas's margin, similarity and sequence gradients, on moderate inputs -----------------------


def cancelling(*vectors):
    """The absolute accuracy of a slope (u - cos v) / |x| of unit vectors u, v: for nearly parallel
    vectors the difference is a rounding of cos, a few 2**-52, then divided by the smallest norm
    (found: slopes of +-3.9e-11 for x1 = x2 = (1e-6, 1e-6), where the exact slope is 0)."""
    norms = np.concatenate([np.linalg.norm(v, axis=-1).ravel() for v in vectors])
    return 16 * 2**-52 / max(norms[norms > 0].min(initial=np.inf), 1e-300)


@prop("categorical_hinge_grad")
def _(numpy_categorical_hinge_grad):
    @given(class_scores(), reductions_all)
    @example((np.array([0]), np.array([[1.0, 0.0, 0.0]])), "none")  # at the kink: loss 0, slope 0
    def test(rows, reduction):
        labels, s = rows
        y = np.eye(s.shape[1])[labels]
        assert_same(
            numpy_categorical_hinge_grad(y, s, reduction=reduction),
            lossbook.categorical_hinge_grad(y, s, reduction=reduction),
        )

    return test


@prop("multi_margin_grad")
def _(numpy_multi_margin_grad):
    @given(class_scores(), st.sampled_from([1, 2]), st.sampled_from([1.0, 0.5, 0.0]), reductions_all)
    @example((np.array([0]), np.array([[1.0, 0.0, 0.5]])), 1, 1.0, "none")  # z = 0 at the kink
    def test(rows, p, margin, reduction):
        labels, s = rows
        options = dict(p=p, margin=margin, reduction=reduction)
        assert_same(numpy_multi_margin_grad(labels, s, **options), lossbook.multi_margin_grad(labels, s, **options))

    return test


@prop("multilabel_margin_grad")
def _(numpy_multilabel_margin_grad):
    @given(class_scores(), st.data(), reductions_all)
    def test(rows, data, reduction):
        _, s = rows
        targets = data.draw(hnp.arrays(np.int64, s.shape, elements=st.integers(-1, s.shape[1] - 1)))
        assert_same(
            numpy_multilabel_margin_grad(targets, s, reduction=reduction),
            lossbook.multilabel_margin_grad(targets, s, reduction=reduction),
        )

    return test


@prop("cosine_similarity_grad")
def _(numpy_cosine_similarity_grad):
    @given(embeddings(2), reductions_all)
    def test(pair, reduction):
        assert_same(
            numpy_cosine_similarity_grad(*pair, reduction=reduction),
            lossbook.cosine_similarity_grad(*pair, reduction=reduction),
            atol=cancelling(pair[1]),
        )

    return test


@prop("cosine_embedding_grad")
def _(numpy_cosine_embedding_grad):
    @given(embeddings(2), st.data(), st.sampled_from([0.0, 0.3]), reductions_all)
    def test(pair, data, margin, reduction):
        y = data.draw(hnp.arrays(np.float64, len(pair[0]), elements=st.sampled_from([-1.0, 1.0])))
        options = dict(margin=margin, reduction=reduction)
        for theirs, ours in zip(
            numpy_cosine_embedding_grad(y, *pair, **options), lossbook.cosine_embedding_grad(y, *pair, **options)
        ):
            assert_same(theirs, ours, atol=cancelling(*pair))

    return test


@prop("triplet_margin_grad")
def _(numpy_triplet_margin_grad):
    @given(embeddings(3), st.sampled_from([1.0, 0.5]), st.sampled_from([1e-6, 0.0]), reductions_all)
    def test(triple, margin, eps, reduction):
        options = dict(margin=margin, eps=eps, reduction=reduction)
        for theirs, ours in zip(
            numpy_triplet_margin_grad(*triple, **options), lossbook.triplet_margin_grad(*triple, **options)
        ):
            assert_same(theirs, ours)

    return test


@prop("circle_grad")
def _(numpy_circle_grad):
    @given(embeddings(1, min_n=2), st.data(), st.sampled_from([80.0, 4.0]), reductions_all)
    def test(e, data, gamma, reduction):
        e = e[0].copy()
        e[:, 0] += np.linalg.norm(e, axis=1) < 0.1  # no zero rows
        unit = e / np.linalg.norm(e, axis=1, keepdims=True)
        labels = data.draw(hnp.arrays(np.int64, len(e), elements=st.integers(0, 2)))
        options = dict(gamma=gamma, reduction=reduction)
        # sums of slopes of both signs through c = e e^T: an absolute rounding, as for circle
        assert_same(
            numpy_circle_grad(labels, unit, **options), lossbook.circle_grad(labels, unit, **options), atol=1e-13
        )

    return test


@prop("info_nce_grad")
def _(numpy_info_nce_grad):
    @given(embeddings(2), st.sampled_from([0.07, 0.5, 2.0]), reductions_all)
    def test(pair, temperature, reduction):
        a, b = (x + 1e-3 * np.eye(*x.shape) + (np.abs(x).sum(axis=1, keepdims=True) == 0) for x in pair)
        options = dict(temperature=temperature, reduction=reduction)
        # softmax - 1 near a confident partner keeps an absolute 2**-52, then scaled by 1 / (temperature |x|)
        # (found: 2.2e-12 apart on slopes of 8.6e-6 at temperature 0.07 and |x| = 1e-3)
        atol = 64 * 2**-52 / (temperature * np.linalg.norm(np.concatenate([a, b]), axis=1).min())
        for theirs, ours in zip(numpy_info_nce_grad(a, b, **options), lossbook.info_nce_grad(a, b, **options)):
            assert_same(theirs, ours, atol=atol)

    return test


@prop("ctc_grad")
def _(numpy_ctc_grad):
    @given(st.integers(1, 3), st.integers(1, 8), st.integers(2, 5), reductions_all, st.data())
    def test(n, t, c, reduction, data):
        logits = data.draw(hnp.arrays(np.float64, (n, t, c), elements=st.floats(-30, 30)))
        log_probs = lossbook.log_softmax(logits)
        labels = data.draw(hnp.arrays(np.int64, (n, 4), elements=st.integers(1, c - 1)))
        input_lengths = data.draw(hnp.arrays(np.int64, n, elements=st.integers(1, t)))
        # a label sequence that fits its frames (an impossible one has a NaN gradient in both)
        label_lengths = [
            data.draw(
                st.integers(0, 4).filter(lambda k, row=row, frames=frames: k + np.sum(np.diff(row[:k]) == 0) <= frames)
            )
            for row, frames in zip(labels, input_lengths)
        ]
        options = dict(reduction=reduction)
        assert_same(
            numpy_ctc_grad(labels, log_probs, input_lengths, label_lengths, **options),
            lossbook.ctc_grad(labels, log_probs, input_lengths, label_lengths, **options),
        )

    return test


# The snippets, the table, lossbook and the pages agree ----------------------------------------

PUBLIC = sorted(set(lossbook.__all__) - {"__version__"})
FILES = sorted(path.stem for path in SNIPPETS.glob("*.py"))


def test_every_lossbook_function_has_a_snippet_and_a_property():
    assert FILES == PUBLIC, f"missing snippets: {set(PUBLIC) - set(FILES)}; extra: {set(FILES) - set(PUBLIC)}"
    assert sorted(PROPERTIES) == PUBLIC
    assert sorted(PAGES) == PUBLIC


@pytest.mark.parametrize("name", FILES)
def test_snippet_is_numpy_and_one_function(name):
    """`import numpy as np`, then one documented function `numpy_<name>`, nothing else."""
    tree = ast.parse((SNIPPETS / f"{name}.py").read_text(encoding="utf-8"))
    imports = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    functions = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    assert [ast.unparse(node) for node in imports] == ["import numpy as np"]
    assert len(tree.body) == 2 and [f.name for f in functions] == [f"numpy_{name}"]
    assert ast.get_docstring(functions[0]), f"numpy_{name} needs a docstring giving its formula"
    nested = [node for node in ast.walk(functions[0]) if isinstance(node, (ast.Import, ast.ImportFrom))]
    assert not nested, f"numpy_{name} imports inside its body"


def _includes() -> dict[str, list[tuple[str, str]]]:
    """Snippet name -> (page, title of the tab holding the include) for every include in docs/."""
    found: dict[str, list[tuple[str, str]]] = {}
    for page in sorted(DOCS.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        for match in INCLUDE.finditer(text):
            tabs = [t for t in TAB.finditer(text, 0, match.start()) if len(t["indent"]) < len(match["indent"])]
            title = tabs[-1]["title"] if tabs else ""
            found.setdefault(match["name"], []).append((page.relative_to(DOCS).as_posix(), title))
    return found


def test_every_snippet_is_included_by_its_page_in_a_from_scratch_tab():
    included = _includes()
    assert set(included) <= set(FILES), f"pages include missing snippets: {set(included) - set(FILES)}"
    for name, page in PAGES.items():
        expected = [] if page is None else [(page, "NumPy from scratch")]
        assert included.get(name, []) == expected, f"{name}: included by {included.get(name)}, expected {expected}"


def test_each_from_scratch_tab_follows_a_lossbook_tab():
    for page in sorted({page for page in PAGES.values() if page}):
        text = (DOCS / page).read_text(encoding="utf-8")
        titles = [(len(t["indent"]), t["title"]) for t in TAB.finditer(text)]
        for i, (indent, title) in enumerate(titles):
            if title == "NumPy from scratch":
                assert i > 0 and titles[i - 1] == (indent, "lossbook"), (
                    f"{page}: a NumPy-from-scratch tab follows {titles[i - 1 : i]}, not a lossbook tab"
                )


# Each snippet equals lossbook -----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(PROPERTIES))
def test_snippet_equals_lossbook(name):
    PROPERTIES[name](snippet(name))()


# Guards: a snippet that computes something else fails -----------------------------------------

GUARDS = [
    ("sigmoid_focal", "y * s_minus + (1 - y) * s", "1 - (y * s + (1 - y) * s_minus)"),  # 1 - p_t cancels
    ("tversky", "alpha * fn + beta * fp", "alpha * fp + beta * fn"),  # the paper's order, not Keras'
    ("log_cosh", "np.expm1(-c) ** 2", "(np.exp(-c) - 1) ** 2"),  # cancels for small errors
    ("smooth_l1_grad", "np.clip(error / beta, -1, 1)", "np.clip(error, -beta, beta)"),  # Huber's, beta times it
    ("tversky_grad", "(1 - alpha) * y + beta * (1 - y)", "(1 - beta) * y + alpha * (1 - y)"),  # weights swapped
    ("huber", "0.5 * abs_error**2", "abs_error**2"),  # the 1/2 dropped
    ("mse", "np.mean(error**2)", "np.sum(error**2)"),  # sum, not mean
    ("rmse", "np.mean((error / scale) ** 2)", "np.mean(np.abs(error / scale))"),
    ("kl_divergence", "safe_p / safe_q", "safe_q / safe_p"),  # D(q || p) of sorts
    ("cross_entropy", "safe_q = np.where(p > 0, q, 1.0)", "safe_q = q"),  # 0 log 0 not 0
    (
        "softmax_cross_entropy",
        "np.logaddexp.reduce(shifted, axis=-1)",
        "np.log(np.sum(np.exp(shifted), axis=-1))",
    ),  # loses the tiny losses of confident rows
    (
        "log_softmax",
        "np.logaddexp.reduce(shifted, axis=axis, keepdims=True)",
        "np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))",
    ),
    ("binary_cross_entropy", "np.log1p(-p)", "np.log(1 - p)"),  # inaccurate for tiny p
    (
        "binary_cross_entropy_with_logits",
        "(1 - y) * np.maximum(z, 0) + y * np.maximum(-z, 0)",
        "np.maximum(z, 0) - z * y",
    ),  # cancels when y is close to 1 and z is large
    ("mse_grad", "error * (2 * scale)", "error * scale"),  # the 2 dropped
    ("softmax_cross_entropy_grad", "np.expm1(log_p[rows, labels])", "np.exp(log_p[rows, labels]) - 1"),  # cancels
    ("cross_entropy_grad", "np.where(p > 0, grad, 0.0)", "grad"),  # NaN for 0 / 0
    (
        "binary_cross_entropy_with_logits_grad",
        "(1 - y) * np.where(z >= 0, 1.0, e) - y * np.where(z >= 0, e, 1.0)",
        "np.where(z >= 0, 1.0, e) - y * (1 + e)",
    ),  # sigmoid(z) - y: rounds tiny slopes to 0
    ("ctc", "ext[s] != ext[s - 2]", "True"),  # skipping the blank between repeated labels
    ("soft_margin", "np.log1p(np.exp(-np.abs(ys)))", "np.log(1 + np.exp(-np.abs(ys)))"),  # loses tiny losses
    ("hinge_grad", "1.0 - y * s > 0", "1.0 - y * s >= 0"),  # the other side's slope at the kink
    ("categorical_hinge_grad", "loss[:, None] > 0", "loss[:, None] >= 0"),  # a slope at the kink
    ("multi_margin_grad", "p * z ** (p - 1)", "z ** (p - 1)"),  # the p of z**p dropped
    ("ctc_grad", "if s + 2 < S and skip[s + 2]:", "if False:"),  # beta never skips a blank
    ("info_nce_grad", "(w + w.T) @ z", "w @ z"),  # s_ik depends on z_k too
]


@pytest.mark.parametrize("name, old, new", GUARDS, ids=[g[0] for g in GUARDS])
def test_guard_a_changed_snippet_fails(name, old, new):
    wrong = mutated(name, old, new)
    check = settings(database=None, phases=[Phase.explicit, Phase.generate])(PROPERTIES[name](wrong))
    with np.errstate(all="ignore"), pytest.raises(Exception) as failure:
        check()
    assert all(isinstance(error, AssertionError) for error in _leaves(failure.value)), failure.value


def _leaves(error: BaseException) -> list[BaseException]:
    """The exceptions inside an exception group (hypothesis reports several failures as one)."""
    if hasattr(error, "exceptions"):
        return [leaf for inner in error.exceptions for leaf in _leaves(inner)]
    return [error]
