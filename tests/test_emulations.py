"""The pages' NumPy emulations of framework losses agree with the frameworks themselves.

The docs build does not install PyTorch, Keras or scikit-learn, so the pages that
show how those libraries clip or reduce compute their numbers with small NumPy
emulations. Each emulation is taken from its page and compared with the real call.
"""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from sklearn.metrics import log_loss  # noqa: E402

from _sitebuild import page_block  # noqa: E402

pytestmark = [
    # Keras' torch backend converts tensors with np.array(x), which numpy 2 flags.
    pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"),
    # PyTorch warns that kl_div's reduction="mean" will change: exactly what the page explains.
    pytest.mark.filterwarnings("ignore:reduction. 'mean' divides the total loss:UserWarning"),
]


def _emulations(page: str, block_id: str) -> dict:
    namespace: dict = {}
    exec(page_block(page, block_id), namespace)  # noqa: S102 (the page's own code)
    return namespace


BCE = _emulations("practice/binary-cross-entropy.md", "bce-framework-emulations")
KL = _emulations("practice/kl-divergence.md", "kl-torch-emulation")
EDGES = [0.0, 1e-300, 1e-12, 1e-7, 1e-3, 0.5, 1 - 1e-7, 1 - 1e-12, 1.0]
probability = st.one_of(st.sampled_from(EDGES), st.floats(0.0, 1.0))


@given(p=probability, y=st.sampled_from([0.0, 1.0]))
def test_torch_binary_cross_entropy_emulation(p, y):
    real = F.binary_cross_entropy(torch.tensor([p], dtype=torch.float64), torch.tensor([y], dtype=torch.float64),
                                  reduction="none").item()
    assert BCE["torch_binary_cross_entropy"](np.array([y]), np.array([p]))[0] == pytest.approx(real, rel=1e-12, abs=1e-300)


@given(p=probability, y=st.sampled_from([0, 1]))
def test_sklearn_log_loss_emulation(p, y):
    real = log_loss([y], [p], labels=[0, 1])
    assert BCE["sklearn_log_loss"](np.array([y]), np.array([p]))[0] == pytest.approx(real, rel=1e-12, abs=1e-300)


@given(p=probability, y=st.sampled_from([0.0, 1.0]))
def test_keras_binary_crossentropy_emulation(p, y):
    # Keras computes in float32 (its default float type), so agreement is to float32 precision.
    real = keras.ops.convert_to_numpy(keras.losses.binary_crossentropy(np.array([[y]]), np.array([[p]]))).item()
    assert BCE["keras_binary_crossentropy"](np.array([y]), np.array([p]))[0] == pytest.approx(real, rel=1e-5, abs=1e-6)


distribution = st.lists(st.floats(0.0, 1.0), min_size=2, max_size=5).filter(lambda xs: sum(xs) > 0.1).map(
    lambda xs: np.array(xs) / sum(xs)
)


@given(p=distribution, data=st.data(), reduction=st.sampled_from(["none", "sum", "mean", "batchmean"]),
       log_target=st.booleans())
def test_torch_kl_div_emulation(p, data, reduction, log_target):
    q = data.draw(distribution.filter(lambda d: len(d) == len(p) and d.min() > 0))
    target = np.stack([p, q])
    log_q = np.log(np.stack([q, p])) if (p > 0).all() else np.log(np.stack([q, q]))
    real_target = np.log(target) if log_target and (target > 0).all() else target
    use_log_target = bool(log_target and (target > 0).all())
    real = F.kl_div(torch.tensor(log_q), torch.tensor(real_target), reduction=reduction, log_target=use_log_target)
    real = real.numpy() if reduction == "none" else real.item()
    ours = KL["torch_kl_div"](log_q, real_target, reduction=reduction, log_target=use_log_target)
    # atol: terms that cancel to ~1e-32 come out as 0 in one and as a rounding residue in the other.
    np.testing.assert_allclose(ours, real, rtol=1e-12, atol=1e-15)


@given(p=distribution, data=st.data())
def test_keras_kl_divergence_emulation(p, data):
    q = data.draw(distribution.filter(lambda d: len(d) == len(p)))
    real = keras.ops.convert_to_numpy(keras.losses.kl_divergence(p[None, :], q[None, :]))
    np.testing.assert_allclose(KL["keras_kl_divergence"](p[None, :], q[None, :]), real, rtol=1e-5, atol=1e-6)


def test_emulations_differ_from_lossbook_where_the_pages_say_they_do():
    """Guard: the emulations are not lossbook in disguise; they clip where lossbook does not."""
    from lossbook import binary_cross_entropy

    exact = binary_cross_entropy(np.array([1.0]), np.array([0.0]), reduction="none")[0]
    assert exact == np.inf
    assert BCE["torch_binary_cross_entropy"](np.array([1.0]), np.array([0.0]))[0] == 100.0
    assert BCE["keras_binary_crossentropy"](np.array([1.0]), np.array([0.0]))[0] == pytest.approx(-np.log(1e-7))
    assert BCE["sklearn_log_loss"](np.array([1]), np.array([0.0]))[0] == pytest.approx(-np.log(np.finfo(float).eps))
