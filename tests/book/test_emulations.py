"""The book's NumPy emulations of framework losses agree with the frameworks themselves.

The pages that show how PyTorch, Keras, scikit-learn and SciPy clip, reduce or
sum compute those numbers with the small NumPy emulations in
``booksite.emulate``. Each one is compared here with the real call, on random
inputs and on the edge cases the pages are about (probabilities of exactly 0
and 1, zero targets, the default reductions). The guards at the end check that
the emulations are not lossbook in disguise: each differs from lossbook where
its page says the library does.
"""

from __future__ import annotations

import importlib.metadata
import inspect
import os
import re

os.environ.setdefault("KERAS_BACKEND", "torch")  # before anything imports keras (its numpy backend needs jax)

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import scipy.stats  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402
from sklearn.metrics import log_loss, root_mean_squared_error  # noqa: E402

import lossbook  # noqa: E402
from booksite import emulate  # noqa: E402

pytestmark = [
    # Keras' torch backend converts tensors with np.array(x), which numpy 2 flags.
    pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"),
    # PyTorch warns that kl_div's reduction="mean" will change: exactly what the pages explain.
    pytest.mark.filterwarnings("ignore:reduction. 'mean' divides the total loss:UserWarning"),
]

EMULATIONS = sorted(
    name for name, f in vars(emulate).items() if inspect.isfunction(f) and f.__module__ == emulate.__name__
)
EDGES = [0.0, 1e-300, 1e-12, 1e-7, 1e-3, 0.5, 1 - 1e-7, 1 - 1e-12, 1.0]
probability = st.one_of(st.sampled_from(EDGES), st.floats(0.0, 1.0))
label = st.sampled_from([0.0, 1.0])
soft_label = st.one_of(label, st.floats(0.0, 1.0))


@st.composite
def binary_batch(draw, labels=label):
    """(y, p): 1-D float64 arrays of labels and probabilities, edge values included."""
    n = draw(st.integers(1, 6))
    y = draw(hnp.arrays(np.float64, n, elements=labels))
    return y, draw(hnp.arrays(np.float64, n, elements=probability))


def _f64(x) -> torch.Tensor:
    return torch.tensor(np.asarray(x), dtype=torch.float64)


def _keras(call, *args) -> np.ndarray:
    return keras.ops.convert_to_numpy(call(*args))


# Binary cross-entropy: three ways of capping the loss --------------------------------------


@given(batch=binary_batch(labels=soft_label))
def test_torch_binary_cross_entropy(batch):
    y, p = batch
    real = F.binary_cross_entropy(_f64(p), _f64(y), reduction="none").numpy()
    np.testing.assert_allclose(emulate.torch_binary_cross_entropy(y, p), real, rtol=1e-12, atol=1e-300)


@given(batch=binary_batch(labels=soft_label))
def test_keras_binary_crossentropy(batch):
    y, p = batch
    # One element per row; Keras computes in float32 (its default float type), so agreement is to float32 precision.
    real = _keras(keras.losses.binary_crossentropy, y[:, None], p[:, None])
    np.testing.assert_allclose(emulate.keras_binary_crossentropy(y, p), real, rtol=1e-5, atol=1e-6)


@given(batch=binary_batch(), dtype=st.sampled_from([np.float64, np.float32]))
def test_sklearn_log_loss(batch, dtype):
    y, p = batch
    y = y.astype(int)
    p = p.astype(dtype)
    ours = emulate.sklearn_log_loss(y, p, dtype=dtype)
    rel = 1e-12 if dtype == np.float64 else 1e-6
    for i in range(y.size):  # element by element (arrays of the dtype: it sets the clip), then the mean
        assert ours[i] == pytest.approx(log_loss(y[i : i + 1], p[i : i + 1], labels=[0, 1]), rel=rel)
    assert ours.mean() == pytest.approx(log_loss(y, p, labels=[0, 1]), rel=rel)


# KL divergence: PyTorch's argument order and reductions, Keras' clipping -------------------

distribution = (
    st.lists(st.floats(0.0, 1.0), min_size=2, max_size=5)
    .filter(lambda xs: sum(xs) > 0.1)
    .map(lambda xs: np.array(xs) / sum(xs))
)


@given(
    p=distribution,
    data=st.data(),
    reduction=st.sampled_from(["none", "sum", "mean", "batchmean"]),
    log_target=st.booleans(),
)
def test_torch_kl_div(p, data, reduction, log_target):
    q = data.draw(distribution.filter(lambda d: len(d) == len(p) and d.min() > 0))
    target = np.stack([p, q])
    log_q = np.log(np.stack([q, p])) if (p > 0).all() else np.log(np.stack([q, q]))
    use_log_target = bool(log_target and (target > 0).all())
    real_target = np.log(target) if use_log_target else target
    real = F.kl_div(torch.tensor(log_q), torch.tensor(real_target), reduction=reduction, log_target=use_log_target)
    real = real.numpy() if reduction == "none" else real.item()
    ours = emulate.torch_kl_div(log_q, real_target, reduction=reduction, log_target=use_log_target)
    # atol: terms that cancel to ~1e-32 come out as 0 in one and as a rounding residue in the other.
    np.testing.assert_allclose(ours, real, rtol=1e-12, atol=1e-15)


def test_torch_kl_div_zero_target_against_minus_infinity_is_nan_as_in_pytorch():
    log_q = np.array([[np.log(0.5), -np.inf]])
    target = np.array([[1.0, 0.0]])
    real = F.kl_div(torch.tensor(log_q), torch.tensor(target), reduction="none").numpy()
    np.testing.assert_array_equal(emulate.torch_kl_div(log_q, target, reduction="none"), real)
    with pytest.raises(ValueError, match="unknown reduction"):
        emulate.torch_kl_div(log_q, target, reduction="average")


@given(p=distribution, data=st.data())
def test_keras_kl_divergence(p, data):
    q = data.draw(distribution.filter(lambda d: len(d) == len(p)))
    real = _keras(keras.losses.kl_divergence, p[None, :], q[None, :])
    np.testing.assert_allclose(emulate.keras_kl_divergence(p[None, :], q[None, :]), real, rtol=1e-5, atol=1e-6)


# Regression: smooth L1, and scikit-learn's RMSE of several columns -------------------------

errors = st.one_of(st.floats(-10.0, 10.0), st.sampled_from([0.0, 0.5, -0.5, 1.0, -1.0, 2.0, -2.0]))


@given(
    y=hnp.arrays(np.float64, st.integers(1, 8), elements=errors),
    data=st.data(),
    beta=st.one_of(st.sampled_from([0.0, 0.5, 1.0, 2.0]), st.floats(1e-3, 10.0)),
)
def test_torch_smooth_l1_loss(y, data, beta):
    y_hat = data.draw(hnp.arrays(np.float64, y.shape, elements=errors))
    real = F.smooth_l1_loss(_f64(y_hat), _f64(y), beta=beta, reduction="none").numpy()
    np.testing.assert_allclose(emulate.torch_smooth_l1_loss(y_hat, y, beta=beta), real, rtol=1e-12, atol=1e-300)


@given(shape=st.tuples(st.integers(1, 6), st.integers(1, 4)), data=st.data())
def test_sklearn_root_mean_squared_error(shape, data):
    y = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-1e3, 1e3)))
    y_hat = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-1e3, 1e3)))
    real = root_mean_squared_error(y, y_hat)
    assert emulate.sklearn_root_mean_squared_error(y, y_hat) == pytest.approx(real, rel=1e-12, abs=1e-300)


# SciPy's entropy: axis 0 by default, and it normalises -------------------------------------


@given(
    pk=hnp.arrays(
        np.float64,
        st.tuples(st.integers(1, 5), st.integers(1, 5)),
        elements=st.one_of(st.just(0.0), st.floats(1e-3, 10.0)),
    ),
    axis=st.sampled_from([0, 1, -1]),
)
def test_scipy_entropy(pk, axis):
    # A positive first row and first column: every row and every column has a positive sum.
    pk[0, :] = np.where(pk[0, :] == 0, 1.0, pk[0, :])
    pk[:, 0] = np.where(pk[:, 0] == 0, 1.0, pk[:, 0])
    real = scipy.stats.entropy(pk, axis=axis)
    np.testing.assert_allclose(emulate.scipy_entropy(pk, axis=axis), real, rtol=1e-12, atol=1e-15)


# The module itself ----------------------------------------------------------------------

LIBRARY = {"PyTorch": "torch", "Keras": "keras", "scikit-learn": "scikit-learn", "SciPy": "scipy"}
CHECKED = re.compile(r"Checked\s+against\s+(PyTorch|Keras|scikit-learn|SciPy)\s+(\d+\.\d+)")


@pytest.mark.parametrize("name", EMULATIONS)
def test_every_emulation_is_tested_and_names_the_version_it_was_checked_against(name):
    tests = [test for test in globals() if test.startswith(f"test_{name}")]
    assert tests, f"emulate.{name} has no test comparing it with the real library"
    doc = inspect.getdoc(getattr(emulate, name)) or ""
    assert doc.startswith("Emulates ``"), f"emulate.{name}: the docstring should open with the call it emulates"
    found = CHECKED.findall(doc)
    assert found, f"emulate.{name}: the docstring should say 'Checked against <library> <version>.'"
    for library, version in found:
        installed = importlib.metadata.version(LIBRARY[library])
        assert installed == version or installed.startswith(f"{version}."), (
            f"emulate.{name} says it was checked against {library} {version}, but {installed} is installed "
            "and the tests above ran against it: update the docstring"
        )


def test_emulations_differ_from_lossbook_where_the_pages_say_they_do():
    """Guard: the emulations are not lossbook in disguise; each differs where its library's convention does."""
    # Clipping: lossbook says a wrong certainty costs infinitely much, each library caps it.
    exact = lossbook.binary_cross_entropy(np.array([1.0]), np.array([0.0]), reduction="none")[0]
    assert exact == np.inf
    assert emulate.torch_binary_cross_entropy(np.array([1.0]), np.array([0.0]))[0] == 100.0
    assert emulate.keras_binary_crossentropy(np.array([1.0]), np.array([0.0]))[0] == pytest.approx(-np.log(1e-7))
    assert emulate.sklearn_log_loss(np.array([1]), np.array([0.0]))[0] == pytest.approx(-np.log(np.finfo(float).eps))
    # PyTorch's default "mean" divides by N * K; "batchmean" is lossbook's mean divergence.
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    q = np.array([[0.5, 0.3, 0.2], [0.2, 0.3, 0.5]])
    mean_kl = float(np.mean(lossbook.kl_divergence(p, q)))
    assert emulate.torch_kl_div(np.log(q), p, reduction="batchmean") == pytest.approx(mean_kl, rel=1e-12)
    assert emulate.torch_kl_div(np.log(q), p) == pytest.approx(mean_kl / 3, rel=1e-12)
    # Keras clips zeros to 1e-7: close to lossbook's divergence, not equal.
    hard = np.array([[1.0, 0.0, 0.0]])
    assert 0 < abs(emulate.keras_kl_divergence(hard, q[:1])[0] - lossbook.kl_divergence(hard, q[:1])[0]) < 1e-5
    # Smooth L1 is the Huber loss divided by beta.
    y, y_hat = np.array([0.0, 0.0, 0.0]), np.array([0.5, 1.5, 4.0])
    smooth = emulate.torch_smooth_l1_loss(y_hat, y, beta=2.0)
    huber = lossbook.huber(y, y_hat, delta=2.0, reduction="none")
    np.testing.assert_allclose(2.0 * smooth, huber, rtol=1e-12)
    assert not np.allclose(smooth, huber)
    # scikit-learn averages the columns' roots; lossbook takes the root of the overall mean.
    y2, y2_hat = np.array([[1.0, 10.0], [2.0, 20.0]]), np.array([[1.5, 10.0], [2.0, 26.0]])
    assert emulate.sklearn_root_mean_squared_error(y2, y2_hat) < lossbook.rmse(y2, y2_hat)
    # SciPy works down the columns; lossbook along the rows.
    batch = np.array([[0.5, 0.5], [0.9, 0.1]])
    assert not np.allclose(emulate.scipy_entropy(batch), lossbook.entropy(batch))
    np.testing.assert_allclose(emulate.scipy_entropy(batch, axis=-1), lossbook.entropy(batch), rtol=1e-12)
