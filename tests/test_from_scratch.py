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
from pathlib import Path

import numpy as np
import pytest
from hypothesis import Phase, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import lossbook

ROOT = Path(__file__).resolve().parent.parent
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
tiers = st.sampled_from([
    st.floats(-1e3, 1e3, allow_subnormal=False),
    st.floats(-1e-150, 1e-150, allow_subnormal=False),
    st.floats(-1e300, 1e300, allow_subnormal=False),
])
bases = st.one_of(st.sampled_from([math.e, 2.0, 10.0]), st.floats(0.01, 100).filter(lambda b: b != 1))


@st.composite
def real_pairs(draw, shape=shapes):
    """Two float64 arrays of one shape, with elements of one magnitude tier."""
    shape, elements = draw(shape), draw(tiers)
    return (draw(hnp.arrays(np.float64, shape, elements=elements)),
            draw(hnp.arrays(np.float64, shape, elements=elements)))


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
    return draw(hnp.arrays(np.float64, draw(shape) if not isinstance(shape, tuple) else shape,
                           elements=draw(tiers)))


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
    return (draw(hnp.arrays(np.float64, shape, elements=binary_labels)),
            draw(hnp.arrays(np.float64, shape, elements=predictions)))


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
    @given(st.one_of(st.floats(0, 1), hnp.arrays(np.float64, shapes, elements=st.floats(0, 1))),
           st.one_of(st.none(), bases))
    @example(0.0, None)  # inf
    @example(1 - 2**-40, None)  # close to 1: a tiny surprise, kept accurately
    def test(p, base):
        options, zero_sign = in_base(base)
        assert_same(numpy_information_content(p, **options), lossbook.information_content(p, **options),
                    zero_sign=zero_sign)
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
        assert_same(numpy_cross_entropy(*pq, **options), lossbook.cross_entropy(*pq, **options),
                    zero_sign=zero_sign)
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
        assert_same(numpy_kl_divergence(*pq, **options), lossbook.kl_divergence(*pq, **options),
                    atol=atol, zero_sign=zero_sign)
    return test


@prop("one_hot")
def _(numpy_one_hot):
    @given(st.integers(1, 6).flatmap(lambda k: st.tuples(
        hnp.arrays(np.int64, shapes, elements=st.integers(0, k - 1)), st.just(k))))
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
        assert_same(numpy_binary_cross_entropy_with_logits(*pair),
                    lossbook.binary_cross_entropy_with_logits(*pair))
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
            tabs = [t for t in TAB.finditer(text, 0, match.start())
                    if len(t["indent"]) < len(match["indent"])]
            title = tabs[-1]["title"] if tabs else ""
            found.setdefault(match["name"], []).append((page.relative_to(DOCS).as_posix(), title))
    return found


def test_every_snippet_is_included_by_its_page_in_a_from_scratch_tab():
    included = _includes()
    assert set(included) <= set(FILES), f"pages include missing snippets: {set(included) - set(FILES)}"
    for name, page in PAGES.items():
        expected = [] if page is None else [(page, "NumPy from scratch")]
        assert included.get(name, []) == expected, (
            f"{name}: included by {included.get(name)}, expected {expected}")


def test_each_from_scratch_tab_follows_a_lossbook_tab():
    for page in sorted({page for page in PAGES.values() if page}):
        text = (DOCS / page).read_text(encoding="utf-8")
        titles = [(len(t["indent"]), t["title"]) for t in TAB.finditer(text)]
        for i, (indent, title) in enumerate(titles):
            if title == "NumPy from scratch":
                assert i > 0 and titles[i - 1] == (indent, "lossbook"), (
                    f"{page}: a NumPy-from-scratch tab follows {titles[i - 1:i]}, not a lossbook tab")


# Each snippet equals lossbook -----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(PROPERTIES))
def test_snippet_equals_lossbook(name):
    PROPERTIES[name](snippet(name))()


# Guards: a snippet that computes something else fails -----------------------------------------

GUARDS = [
    ("huber", "0.5 * abs_error**2", "abs_error**2"),  # the 1/2 dropped
    ("mse", "np.mean(error**2)", "np.sum(error**2)"),  # sum, not mean
    ("rmse", "np.mean((error / scale) ** 2)", "np.mean(np.abs(error / scale))"),
    ("kl_divergence", "safe_p / safe_q", "safe_q / safe_p"),  # D(q || p) of sorts
    ("cross_entropy", "safe_q = np.where(p > 0, q, 1.0)", "safe_q = q"),  # 0 log 0 not 0
    ("softmax_cross_entropy", "np.logaddexp.reduce(shifted, axis=-1)",
     "np.log(np.sum(np.exp(shifted), axis=-1))"),  # loses the tiny losses of confident rows
    ("log_softmax", "np.logaddexp.reduce(shifted, axis=axis, keepdims=True)",
     "np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))"),
    ("binary_cross_entropy", "np.log1p(-p)", "np.log(1 - p)"),  # inaccurate for tiny p
    ("binary_cross_entropy_with_logits", "(1 - y) * np.maximum(z, 0) + y * np.maximum(-z, 0)",
     "np.maximum(z, 0) - z * y"),  # cancels when y is close to 1 and z is large
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
