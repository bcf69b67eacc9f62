"""lossbook.information: published values, oracles, properties and accuracy against mpmath."""

import math

import mpmath
import numpy as np
import pytest
import scipy.special
import scipy.stats
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from lossbook import cross_entropy, entropy, information_content, kl_divergence
from tests.strategies import distribution_pairs, distributions

pytestmark = pytest.mark.filterwarnings("error")
RTOL = 1e-12  # against float64 oracles
bases = st.sampled_from([math.e, 2, 10, 0.5, 3.7])


# Published values ---------------------------------------------------------------------------


def test_scipy_docstring_examples():
    # scipy.stats.entropy docstring: a fair and a biased coin in bits
    pk, qk = [1 / 2, 1 / 2], [9 / 10, 1 / 10]
    assert entropy(pk, base=2) == 1.0
    assert entropy(qk, base=2) == pytest.approx(0.46899559358928117, rel=1e-15)
    assert kl_divergence(pk, qk, base=2) == pytest.approx(0.7369655941662062, rel=1e-15)
    assert cross_entropy(pk, qk, base=2) == pytest.approx(1.736965594166206, rel=1e-15)


def test_textbook_values():
    # Cover & Thomas, Elements of Information Theory: a fair die has log2 6 bits; an event of
    # probability 1/8 carries 3 bits; a certain event none.
    assert entropy(np.full(6, 1 / 6), base=2) == pytest.approx(math.log2(6), rel=1e-15)
    assert information_content(1 / 8, base=2) == pytest.approx(3.0, rel=1e-15)
    assert information_content(1.0) == 0.0 and math.copysign(1, information_content(1.0)) == 1


def test_zero_probabilities():
    assert entropy([1.0, 0.0]) == 0.0 and math.copysign(1, entropy([1.0, 0.0])) == 1  # not -0.0
    assert cross_entropy([1.0, 0.0], [1.0, 0.0]) == 0.0  # 0 log 0 = 0
    assert kl_divergence([1.0, 0.0], [1.0, 0.0]) == 0.0
    assert kl_divergence([0.5, 0.5, 0.0], [0.5, 0.5, 0.0]) == 0.0
    assert cross_entropy([0.5, 0.5], [1.0, 0.0]) == math.inf  # q = 0 < p
    assert kl_divergence([0.5, 0.5], [1.0, 0.0]) == math.inf
    assert information_content(0.0) == math.inf
    assert cross_entropy([[0.5, 0.5], [1.0, 0.0]], [[1.0, 0.0], [1.0, 0.0]]).tolist() == [math.inf, 0.0]


def test_return_types_and_shapes():
    p = np.full((2, 3, 4), 0.25)
    assert type(entropy(p[0, 0])) is float
    for value in (entropy(p), cross_entropy(p, p), kl_divergence(p, p)):
        assert type(value) is np.ndarray and value.dtype == np.float64 and value.shape == (2, 3)
    assert type(information_content(0.5)) is float
    assert information_content(p).shape == (2, 3, 4) and information_content(p).dtype == np.float64
    assert information_content([0.5]).shape == (1,)


@pytest.mark.parametrize("shape", [(100_003,), (2, 40_000), (3, 5, 7)])
def test_long_and_batched_distributions(shape):
    rng = np.random.default_rng(5)
    p, q = rng.random(shape), rng.random(shape)
    p, q = p / p.sum(-1, keepdims=True), q / q.sum(-1, keepdims=True)
    assert_allclose(entropy(p), scipy.stats.entropy(p, axis=-1), rtol=RTOL)
    assert_allclose(cross_entropy(p, q), -scipy.special.xlogy(p, q).sum(-1), rtol=RTOL)
    assert_allclose(kl_divergence(p, q), scipy.stats.entropy(p, q, axis=-1), rtol=1e-10)


# Oracles: SciPy and PyTorch in float64 --------------------------------------------------------


@given(distributions(), bases)
def test_entropy_matches_oracles(p, base):
    assert_allclose(entropy(p, base=base), scipy.stats.entropy(p, base=base, axis=-1), rtol=RTOL)
    if base == math.e:
        # Categorical clamps probabilities to [eps, 1 - eps]: [1.0] has entropy 2.2e-16 there
        torch_h = torch.distributions.Categorical(probs=torch.from_numpy(p)).entropy().numpy()
        assert_allclose(entropy(p), torch_h, rtol=RTOL, atol=1e-15)


@given(distribution_pairs(), bases)
def test_cross_entropy_matches_oracles(pq, base):
    p, q = pq
    expected = -scipy.special.xlogy(p, q).sum(-1) / math.log(base)
    assert_allclose(cross_entropy(p, q, base=base), expected, rtol=RTOL)
    torch_ce = -(torch.from_numpy(p) * torch.log(torch.from_numpy(q))).sum(-1).numpy()
    assert_allclose(cross_entropy(p, q), torch_ce, rtol=RTOL)


@given(distribution_pairs(), bases)
def test_kl_divergence_matches_oracles(pq, base):
    # The terms p log(p/q) have both signs and may cancel. The oracles compute log(p/q) or
    # log p - log q, whose rounding leaves an absolute error of about 1e-16 * (1 + H(p, q));
    # scipy.stats.entropy also renormalises p and q, moving the result by up to about K * 1e-16.
    p, q = pq
    rows = p.size // p.shape[-1]
    atol = 1e-15 * (1 + (-scipy.special.xlogy(p, q)).sum(-1).max()) + p.shape[-1] * 3e-16
    kl = kl_divergence(p, q, base=base) * math.log(base)
    assert_allclose(kl, scipy.special.rel_entr(p, q).sum(-1), rtol=RTOL, atol=atol)
    assert_allclose(kl, scipy.stats.entropy(p, q, axis=-1), rtol=RTOL, atol=atol)
    log_q, target = torch.log(torch.from_numpy(q)), torch.from_numpy(p)
    if p.ndim == 2:
        batchmean = F.kl_div(log_q, target, reduction="batchmean").item()
        assert_allclose(kl.mean(), batchmean, rtol=RTOL, atol=atol)
    assert_allclose(np.sum(kl), F.kl_div(log_q, target, reduction="sum").item(), rtol=RTOL, atol=atol * rows)


@given(distributions(), bases)
def test_information_content_matches_oracles(p, base):
    assert_allclose(information_content(p, base=base), -scipy.special.xlogy(1, p) / math.log(base), rtol=RTOL)
    assert_allclose(information_content(p), -torch.log(torch.from_numpy(p)).numpy(), rtol=RTOL)


# Properties -----------------------------------------------------------------------------------


@given(distributions())
def test_entropy_is_between_zero_and_log_k(p):
    h = entropy(p)
    assert (np.asarray(h) >= 0).all()
    assert (np.asarray(h) <= math.log(p.shape[-1]) * (1 + 1e-14)).all()
    assert_allclose(entropy(p, base=2), np.asarray(h) / math.log(2), rtol=1e-15)


@given(distribution_pairs())
def test_gibbs_inequality_and_decomposition(pq):
    # H(p, q) >= H(p), KL >= 0 and H(p, q) = H(p) + KL(p || q). The generated rows sum to 1
    # only up to rounding (about K * 1e-16), which may push KL that far below 0.
    p, q = pq
    h, ce, kl = (np.asarray(f) for f in (entropy(p), cross_entropy(p, q), kl_divergence(p, q)))
    assert (kl >= -1e-14).all()
    assert (ce >= h - 1e-14).all()
    assert_allclose(ce, h + kl, rtol=1e-13, atol=1e-14)


@given(distributions())
def test_divergence_from_itself_is_zero(p):
    assert (np.asarray(kl_divergence(p, p)) == 0).all()
    assert (np.asarray(cross_entropy(p, p)) == np.asarray(entropy(p))).all()


@given(distributions())
def test_information_content_is_the_expected_surprisal(p):
    expected = np.multiply(p, information_content(p), out=np.zeros_like(p), where=p > 0)
    assert_allclose(expected.sum(axis=-1), entropy(p), rtol=1e-13)


@given(distributions())
def test_batch_equals_row_by_row(p):
    rows = p.reshape(-1, p.shape[-1])
    assert_allclose(np.reshape(entropy(p), -1), [entropy(r) for r in rows], rtol=0)


# Accuracy against mpmath at 50 digits ------------------------------------------------------------


def _mp(x):
    return [mpmath.mpf(float(v)) for v in np.ravel(x)]


def exact_cross_entropy(p, q):
    with mpmath.workdps(50):
        return -sum(a * mpmath.log(b) for a, b in zip(_mp(p), _mp(q)) if a != 0)


def exact_kl(p, q):
    with mpmath.workdps(50):
        return sum(a * mpmath.log(a / b) for a, b in zip(_mp(p), _mp(q)) if a != 0)


def _assert_accurate(value, exact, rtol=1e-13):
    with mpmath.workdps(50):
        assert abs(mpmath.mpf(value) - exact) <= rtol * abs(exact), (value, exact)


def _power_law(rng, k):
    p = 10.0 ** rng.uniform(-300, 0, k)
    return p / p.sum()


rng = np.random.default_rng(7)
ENTROPY_CASES = {
    "near-deterministic": [1 - 2.0**-40, 2.0**-40],
    "certain with a 1e-300 tail": [1.0, 1e-300],
    "tiny probabilities": _power_law(rng, 1000),
    "near-uniform": np.full(1000, 1e-3) * (1 + rng.integers(-3, 4, 1000) * 2.0**-52),
}
PAIR_CASES = {
    "q near one": ([1.0, 0.0], [1 - 2.0**-52, 2.0**-52]),
    "q tiny": ([0.5, 0.5], [1e-300, 1.0]),
    "ratio overflows": ([0.5, 0.5], [1.0, 5e-324]),
    "ratio underflows": ([5e-324, 1.0], [0.5, 0.5]),
    "ratios near one": ([1 - 1e-10, 1e-10], [1 - 2e-10, 2e-10]),
    "tiny probabilities": (_power_law(rng, 1000), _power_law(rng, 1000)),
    "random": (rng.dirichlet(np.ones(50)), rng.dirichlet(np.ones(50))),
}


@pytest.mark.parametrize("p", ENTROPY_CASES.values(), ids=ENTROPY_CASES.keys())
def test_entropy_accuracy(p):
    _assert_accurate(entropy(p), exact_cross_entropy(p, p))
    _assert_accurate(entropy(p, base=2), exact_cross_entropy(p, p) / mpmath.log(2))


@pytest.mark.parametrize("p, q", PAIR_CASES.values(), ids=PAIR_CASES.keys())
def test_cross_entropy_and_kl_accuracy(p, q):
    _assert_accurate(cross_entropy(p, q), exact_cross_entropy(p, q))
    _assert_accurate(kl_divergence(p, q), exact_kl(p, q))


@pytest.mark.parametrize("delta", [1e-3, 1e-6, 1e-9, 1e-12])
def test_kl_of_nearly_equal_distributions(delta):
    # The terms (about +-delta) cancel down to KL ~ delta^2, so no summation of them can be
    # accurate relative to KL; each term is accurate to a few ulp, which bounds the error by
    # about 1e-16 * sum |terms| (computing log(p / q) instead would give about 1e-16 * sum p).
    delta = round(delta / 2.0**-54) * 2.0**-54  # so that q sums to 1 exactly and KL > 0
    p = np.array([0.25, 0.25, 0.5])
    q = np.array([0.25 + delta, 0.25 - delta, 0.5])
    exact = exact_kl(p, q)
    with mpmath.workdps(50):
        scale = sum(abs(a * mpmath.log(a / b)) for a, b in zip(_mp(p), _mp(q)))
        assert abs(mpmath.mpf(kl_divergence(p, q)) - exact) <= 1e-15 * scale
    assert kl_divergence(p, q) > 0


@pytest.mark.parametrize("p", [1e-300, 5e-324, 1 - 2.0**-53, 0.5, 1 / 3])
def test_information_content_accuracy(p):
    with mpmath.workdps(50):
        _assert_accurate(information_content(p), -mpmath.log(mpmath.mpf(p)))
        _assert_accurate(information_content(p, base=2), -mpmath.log(mpmath.mpf(p), 2))


def test_kl_divergence_is_never_negative():
    # p sums to 1 - 1e-7, inside the 1e-6 tolerance: the plain sum of the terms is -1e-7.
    p, q = [0.5 - 1e-7, 0.5], [0.5, 0.5]
    with mpmath.workdps(50):
        assert exact_kl(p, q) < 0
    assert kl_divergence(p, q) == 0.0 and kl_divergence(p, q, base=2) == 0.0
    batch = kl_divergence([[0.5 - 9e-7, 0.5], [0.25, 0.75]], [[0.5, 0.5], [0.5, 0.5]])
    assert batch[0] == 0.0 and batch[1] == kl_divergence([0.25, 0.75], [0.5, 0.5]) > 0
