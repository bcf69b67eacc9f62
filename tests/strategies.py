"""Hypothesis strategies shared by the test modules: float64 arrays, distributions, logits, labels."""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=6)
reals = st.floats(-1e3, 1e3, allow_subnormal=False)
# Nonzero values at least 1e-100 in magnitude: squared differences never underflow.
no_underflow = reals.filter(lambda x: x == 0 or abs(x) > 1e-100)
logit_values = st.floats(-30, 30, allow_subnormal=False)
probability_values = st.floats(0.01, 0.99)


@st.composite
def pairs(draw, elements=reals, shape=shapes):
    """Two float64 arrays of one shape."""
    shape = draw(shape)
    return draw(hnp.arrays(np.float64, shape, elements=elements)), draw(
        hnp.arrays(np.float64, shape, elements=elements)
    )


@st.composite
def distributions(draw, shape=shapes, zeros=True):
    """Rows along the last axis that sum to 1 (up to rounding); some entries exactly 0 if `zeros`."""
    weights = st.one_of(st.just(0.0), st.floats(1e-3, 1.0)) if zeros else st.floats(1e-3, 1.0)
    shape = shape if isinstance(shape, tuple) else draw(shape)
    w = draw(hnp.arrays(np.float64, shape, elements=weights))
    w[..., 0] = np.where(w.sum(axis=-1) == 0, 1.0, w[..., 0])
    return w / w.sum(axis=-1, keepdims=True)


@st.composite
def distribution_pairs(draw, zeros=True):
    """(p, q) distributions of one shape; q > 0 everywhere so that cross-entropies are finite."""
    shape = draw(shapes)
    return draw(distributions(shape, zeros)), draw(distributions(shape, zeros=False))


@st.composite
def classification(draw, probability_targets=False, max_classes=6, max_rows=8):
    """(y_true, logits): class indices (N,) or probability rows (N, K), and logits (N, K)."""
    n, k = draw(st.integers(1, max_rows)), draw(st.integers(1, max_classes))
    logits = draw(hnp.arrays(np.float64, (n, k), elements=logit_values))
    if probability_targets:
        return draw(distributions((n, k))), logits
    return draw(hnp.arrays(np.int64, n, elements=st.integers(0, k - 1))), logits


@st.composite
def signed(draw, elements=reals, shape=shapes, zero_one=False):
    """(labels, values): labels in {-1, 1} (in {0, 1} if `zero_one`) and values, of one shape."""
    shape = draw(shape)
    labels = st.sampled_from([0.0, 1.0] if zero_one else [-1.0, 1.0])
    return draw(hnp.arrays(np.float64, shape, elements=labels)), draw(hnp.arrays(np.float64, shape, elements=elements))
