"""The framework snippets the practice pages show: each one runs and computes what the page says.

Every file in ``snippets/frameworks/`` is a complete script that a page includes
(``--8<-- "snippets/frameworks/NAME.py"``); it states its inputs literally and ends by
assigning the framework's result to ``result``. The table below says, for each file,
which lossbook call on the same inputs it must equal: to a relative 1e-12, or to
float32 precision for Keras, whose type promotion computes in float32 on every
backend but TensorFlow. A pitfall snippet (a deliberately wrong call) is held to the
number the pitfalls page says the wrong call gives.

The guard tests at the end show that the comparison has teeth: change one
convention in a snippet (``batchmean`` to ``mean``, the argument order, logits to
probabilities) and it no longer equals lossbook.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import re
import runpy
import warnings
from pathlib import Path

os.environ["KERAS_BACKEND"] = "torch"  # before anything imports keras (its numpy backend needs jax)

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import lossbook  # noqa: E402
from booksite import ROOT  # noqa: E402

SNIPPETS = ROOT / "snippets" / "frameworks"
PAGES = [
    ROOT / "docs" / "practice" / name for name in ("four-libraries.md", "huber.md", "pitfalls.md", "backpropagation.md")
] + [
    ROOT / "docs" / "atlas" / name
    for name in (
        "regression.md",
        "classification.md",
        "segmentation.md",
        "index.md",
        "margin.md",
        "similarity.md",
        "sequence.md",
    )
]
INCLUDE = re.compile(r'--8<--\s+"(snippets/frameworks/[^"]+)"')

# The inputs, as the snippets state them ---------------------------------------------------

REGRESSION = (np.array([3.0, -0.5, 2.0, 7.0, 4.0]), np.array([2.5, 0.0, 2.0, 8.0, 1.5]))
TEMPERATURES = (
    np.array([20.0, 21.5, 19.0, 22.0, 18.5, 20.5, 29.0]),
    np.array([20.4, 21.0, 19.3, 22.6, 20.0, 20.1, 21.0]),
)
P_ENTROPY = np.array([0.5, 0.25, 0.125, 0.125])
P_ONE_HOT, Q_PRED = np.array([0.0, 1.0, 0.0, 0.0]), np.array([0.05, 0.8, 0.1, 0.05])
P_ROWS = np.array([[0.5, 0.3, 0.2], [0.1, 0.6, 0.3]])
Q_ROWS = np.array([[0.4, 0.4, 0.2], [0.2, 0.5, 0.3]])
LABELS = np.array([0, 2, 1])
LOGITS = np.array([[2.0, 1.0, 0.1], [0.5, 0.3, 2.2], [1.2, 0.8, -0.5]])
BINARY = np.array([1.0, 0.0, 1.0, 0.0])
P_BINARY = np.array([0.9, 0.2, 0.6, 0.3])
Z_BINARY = np.array([2.2, -1.4, 0.4, 0.8])

# One loss, four libraries: the lossbook call each library's snippet must reproduce --------

LOSSES = {
    "mse": lambda: lossbook.mse(*REGRESSION),
    "mae": lambda: lossbook.mae(*REGRESSION),
    "rmse": lambda: lossbook.rmse(*REGRESSION),
    "huber": lambda: lossbook.huber(*REGRESSION, delta=1.0),
    "entropy": lambda: lossbook.entropy(P_ENTROPY, base=2),
    "cross_entropy": lambda: lossbook.cross_entropy(P_ONE_HOT, Q_PRED),
    "kl_divergence": lambda: float(np.mean(lossbook.kl_divergence(P_ROWS, Q_ROWS))),
    "softmax_cross_entropy": lambda: lossbook.softmax_cross_entropy(LABELS, LOGITS),
    "binary_cross_entropy": lambda: lossbook.binary_cross_entropy(BINARY, P_BINARY),
    "binary_cross_entropy_with_logits": lambda: lossbook.binary_cross_entropy_with_logits(BINARY, Z_BINARY),
}
# The libraries that have each loss (the page says why the others have none).
LIBRARIES = {
    "mse": "lossbook torch sklearn keras",
    "mae": "lossbook torch sklearn keras",
    "rmse": "lossbook torch sklearn keras",
    "huber": "lossbook torch scipy keras",
    "entropy": "lossbook torch scipy",
    "cross_entropy": "lossbook torch sklearn scipy keras",
    "kl_divergence": "lossbook torch scipy keras",
    "softmax_cross_entropy": "lossbook torch sklearn scipy keras",
    "binary_cross_entropy": "lossbook torch sklearn scipy keras",
    "binary_cross_entropy_with_logits": "lossbook torch sklearn scipy keras",
}
EXPECTED = {
    f"{library}_{loss}.py": LOSSES[loss] for loss, libraries in LIBRARIES.items() for library in libraries.split()
}

# The Huber page: PyTorch's smooth L1 loss times beta is the Huber loss with delta = beta.
EXPECTED["torch_smooth_l1.py"] = lambda: lossbook.huber(*TEMPERATURES, delta=2.0)

# The pitfalls page: each wrong call gives the wrong number the page explains.
P_CLIPPED = np.array([0.0, 0.2, 0.6, 0.3])  # 0 for a label 1
EPS = np.finfo(np.float64).eps


def _broadcast_mse():
    """(N, 1) predictions against (N,) targets: every prediction against every target."""
    y_true, y_pred = REGRESSION[0][:4], REGRESSION[1][:4]
    n = y_true.size
    return lossbook.mse(np.tile(y_true, (n, 1)), np.tile(y_pred[:, None], (1, n)))


EXPECTED.update(
    {
        # cross_entropy applies a softmax to what it is given: softmax twice.
        "torch_double_softmax.py": lambda: lossbook.softmax_cross_entropy(LABELS, lossbook.softmax(LOGITS)),
        # reduction="mean" divides the sum by N * K.
        "torch_kl_div_mean.py": lambda: float(np.sum(lossbook.kl_divergence(P_ROWS, Q_ROWS))) / P_ROWS.size,
        # q where log q belongs: the mean over rows of sum p log p - sum p q = -H(p) - sum p q.
        "torch_kl_div_no_log.py": lambda: float(np.mean(-lossbook.entropy(P_ROWS) - np.sum(P_ROWS * Q_ROWS, axis=1))),
        # the arguments swapped: D(q || p).
        "torch_kl_div_swapped.py": lambda: float(np.mean(lossbook.kl_divergence(Q_ROWS, P_ROWS))),
        # same label smoothing definition as lossbook.
        "torch_label_smoothing.py": lambda: lossbook.softmax_cross_entropy(LABELS, LOGITS, label_smoothing=0.1),
        # each log clamped at -100: a wrong certainty costs 100.
        "torch_bce_clamp.py": lambda: float(
            np.mean(np.minimum(lossbook.binary_cross_entropy(BINARY, P_CLIPPED, reduction="none"), 100.0))
        ),
        # predictions clipped to [1e-7, 1 - 1e-7].
        "keras_bce_clip.py": lambda: lossbook.binary_cross_entropy(BINARY, np.clip(P_CLIPPED, 1e-7, 1 - 1e-7)),
        # predictions clipped to [eps, 1 - eps].
        "sklearn_log_loss_clip.py": lambda: lossbook.binary_cross_entropy(BINARY, np.clip(P_CLIPPED, EPS, 1 - EPS)),
        "torch_mse_broadcast.py": _broadcast_mse,
    }
)

# The backpropagation page: a one-layer classifier, loss.backward() against lossbook's chain rule.
BACKPROP_X = np.array([[1.0, 2.0], [0.5, -1.0], [-1.5, 0.5], [2.0, 1.0]])
BACKPROP_Y = np.array([2, 1, 0, 2])
BACKPROP_W = np.array([[0.2, -0.1, 0.4], [0.3, 0.5, -0.2]])
BACKPROP_B = np.array([0.1, 0.0, -0.1])


def _backprop_gradients() -> tuple[np.ndarray, np.ndarray]:
    """dL/dW and dL/db: lossbook's gradient of the loss, then the layer z = X W + b by the chain rule."""
    g = lossbook.softmax_cross_entropy_grad(BACKPROP_Y, BACKPROP_X @ BACKPROP_W + BACKPROP_B)
    return BACKPROP_X.T @ g, g.sum(axis=0)


EXPECTED["torch_backward.py"] = lambda: lossbook.softmax_cross_entropy(BACKPROP_Y, BACKPROP_X @ BACKPROP_W + BACKPROP_B)


# The atlas pages: each framework's call on the inputs its snippet states.
MSLE_DATA = (np.array([3.0, 5.0, 2.5, 7.0]), np.array([2.5, 5.0, 4.0, 8.0]))
MAPE_DATA = (np.array([100.0, 50.0, 80.0, 20.0]), np.array([110.0, 40.0, 80.0, 25.0]))
COUNTS = np.array([2.0, 0.0, 5.0, 1.0])
GAUSSIAN = (np.array([1.0, 2.0, 3.5]), np.array([1.5, 2.0, 3.0]), np.array([0.25, 1.0, 0.5]))
PROBS = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.5, 0.3]])
MULTI = (np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]), np.array([[2.0, -1.0, 0.5], [-0.3, 1.2, -2.0]]))
MASKS = (
    np.array([[0, 1, 1, 0], [0, 1, 1, 1], [0, 0, 1, 0], [0, 0, 0, 0]], dtype=float),
    np.array([[0.1, 0.8, 0.9, 0.2], [0.0, 0.6, 0.7, 0.3], [0.1, 0.2, 0.9, 0.1], [0.0, 0.1, 0.4, 0.0]]),
)
EXPECTED.update(
    {
        "keras_log_cosh.py": lambda: lossbook.log_cosh(*REGRESSION),
        "sklearn_msle.py": lambda: lossbook.msle(*MSLE_DATA),
        "keras_msle.py": lambda: lossbook.msle(*MSLE_DATA),
        "sklearn_mape.py": lambda: lossbook.mape(*MAPE_DATA),
        "keras_mape.py": lambda: lossbook.mape(*MAPE_DATA),
        "sklearn_quantile.py": lambda: lossbook.quantile(*REGRESSION, q=0.9),
        "torch_poisson_nll.py": lambda: lossbook.poisson_nll(COUNTS, np.array([0.5, -1.0, 1.5, 0.0]), full=True),
        # Keras' Poisson: rates, with 1e-7 added inside the logarithm
        "keras_poisson.py": lambda: lossbook.poisson_nll(
            COUNTS, np.array([1.5, 0.5, 4.0, 1.0]), log_input=False, eps=1e-7
        ),
        "torch_gaussian_nll.py": lambda: lossbook.gaussian_nll(*GAUSSIAN, full=True),
        "torch_sigmoid_focal.py": lambda: lossbook.sigmoid_focal(BINARY, Z_BINARY),
        "keras_sigmoid_focal.py": lambda: lossbook.sigmoid_focal(BINARY, Z_BINARY),
        "keras_softmax_focal.py": lambda: lossbook.softmax_focal(LABELS, LOGITS),
        "keras_generalized_cross_entropy.py": lambda: lossbook.generalized_cross_entropy(LABELS, PROBS),
        "torch_multilabel_soft_margin.py": lambda: lossbook.multilabel_soft_margin(*MULTI),
        "keras_multilabel_soft_margin.py": lambda: lossbook.multilabel_soft_margin(*MULTI),
        # Keras adds 1e-7 to the denominators: about 1e-8 of these losses, within the float32 tolerance
        "keras_dice.py": lambda: lossbook.dice(*MASKS),
        "keras_tversky.py": lambda: lossbook.tversky(*MASKS, alpha=0.7, beta=0.3),
    }
)

# The atlas pages on margin, similarity and sequence losses: each framework tab equals the lossbook call the page shows.
SIGNS, SCORES = np.array([[1.0, -1.0, 1.0], [-1.0, 1.0, 1.0]]), np.array([[0.3, -2.0, 1.5], [0.8, 0.2, -0.4]])
CLASS_SCORES = np.array([[2.0, 1.5, 0.1], [0.3, 0.9, 1.2]])
V1, V2 = np.array([[0.0, 1.0, 2.0], [1.0, 1.0, 0.0]]), np.array([[0.5, 1.0, 1.5], [-1.0, 2.0, 0.5]])
CTC_LOG_PROBS = np.log(np.array([[[0.5, 0.4, 0.1], [0.3, 0.6, 0.1], [0.6, 0.2, 0.2]]]))
EXPECTED.update(
    {
        "keras_hinge.py": lambda: lossbook.hinge(SIGNS, SCORES),
        "keras_squared_hinge.py": lambda: lossbook.squared_hinge(SIGNS, SCORES),
        "keras_categorical_hinge.py": lambda: lossbook.categorical_hinge([0, 2], CLASS_SCORES),
        "torch_multi_margin.py": lambda: lossbook.multi_margin([0, 2], CLASS_SCORES),
        "torch_multilabel_margin.py": lambda: lossbook.multilabel_margin(
            [[3, 0, -1, 1], [0, 2, -1, -1]], [[0.1, 0.2, 0.4, 0.8], [0.9, -0.3, 0.5, 0.0]]
        ),
        "torch_soft_margin.py": lambda: lossbook.soft_margin([1, -1, 1, -1], [0.3, -2.0, 1.5, 0.8]),
        "torch_hinge_embedding.py": lambda: lossbook.hinge_embedding([1, -1, -1, 1], [0.3, 0.4, 2.0, 0.9]),
        "keras_cosine_similarity.py": lambda: lossbook.cosine_similarity(V1, V2),
        "torch_cosine_embedding.py": lambda: lossbook.cosine_embedding([1, -1], V1, V2, margin=0.1),
        "torch_margin_ranking.py": lambda: lossbook.margin_ranking(
            [1, -1, 1], [0.8, 0.3, 0.4], [0.5, 0.1, 0.9], margin=0.5
        ),
        "torch_triplet_margin.py": lambda: lossbook.triplet_margin(
            [[0.0, 0.0], [1.0, 1.0]], [[3.0, 4.0], [1.5, 1.0]], [[6.0, 8.0], [1.0, 1.8]]
        ),
        "keras_circle.py": lambda: lossbook.circle(
            [0, 0, 1, 1], [[1.0, 0.0], [0.8, 0.6], [0.0, 1.0], [-0.6, 0.8]], gamma=2.0
        ),
        "torch_ctc.py": lambda: lossbook.ctc([[1, 2]], CTC_LOG_PROBS, [3], [2]),
        # Keras: logits, every input length T, no division by the label length
        "keras_ctc.py": lambda: lossbook.ctc([[1, 2]], lossbook.log_softmax(CTC_LOG_PROBS), [3], [2], reduction="sum"),
        # The two fused PyTorch losses: each snippet also composes the loss from lossbook calls
        # (`composed`) from the module's own weights; the PyTorch loss must equal it.
        "torch_adaptive_log_softmax.py": lambda: _run(SNIPPETS / "torch_adaptive_log_softmax.py")["composed"],
        "torch_linear_cross_entropy.py": lambda: _run(SNIPPETS / "torch_linear_cross_entropy.py")["composed"],
    }
)


def _run(path: Path) -> dict:
    """Run a snippet in this process, as a reader would run the file; return its globals."""
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. PyTorch's broadcasting warning, shown on the page
        return runpy.run_path(str(path), run_name="__main__")


def _tolerance(name: str) -> float:
    return 1e-6 if name.startswith("keras_") else 1e-12


def _included() -> dict[str, list[str]]:
    """Snippet file name -> the pages that include it."""
    found: dict[str, list[str]] = {}
    for page in PAGES:
        for target in INCLUDE.findall(page.read_text(encoding="utf-8")):
            found.setdefault(Path(target).name, []).append(page.name)
    return found


# The table, the files and the pages agree ------------------------------------------------


def test_every_snippet_file_is_in_the_table_and_every_entry_has_a_file():
    files = {path.name for path in SNIPPETS.glob("*.py")}
    assert files == set(EXPECTED), (
        f"files without a test: {sorted(files - set(EXPECTED))}; "
        f"table entries without a file: {sorted(set(EXPECTED) - files)}"
    )


def test_every_snippet_file_is_included_by_a_page():
    included = _included()
    missing = sorted(name for name in EXPECTED if name not in included)
    assert not missing, f"snippet files no page includes: {missing}"


def test_every_included_snippet_exists_and_is_tested():
    untested = sorted(set(_included()) - set(EXPECTED))
    assert not untested, f"pages include snippets the table does not test: {untested}"


def test_each_four_libraries_tab_set_starts_with_the_executed_lossbook_snippet():
    page = (ROOT / "docs" / "practice" / "four-libraries.md").read_text(encoding="utf-8")
    for loss in LOSSES:
        assert f'--8<-- "snippets/frameworks/lossbook_{loss}.py"' in page, loss


# Each snippet computes what its table entry says ------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_snippet_result_equals_lossbook(name):
    result = _run(SNIPPETS / name)["result"]
    expected = EXPECTED[name]()
    assert isinstance(result, float), f"{name}: result should be a Python float, got {type(result)}"
    assert math.isclose(result, expected, rel_tol=_tolerance(name), abs_tol=0.0), (
        f"{name}: result {result!r} != lossbook {expected!r}"
    )


# Guards: a changed convention no longer matches ------------------------------------------


def _mutated(name: str, old: str, new: str) -> float:
    """Run snippet `name` with `old` replaced by `new` (exactly once) and return its result."""
    source = (SNIPPETS / name).read_text(encoding="utf-8")
    assert source.count(old) == 1, f"{name} should contain {old!r} exactly once"
    namespace: dict = {"__name__": "__main__"}
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(source.replace(old, new), name, "exec"), namespace)
    return namespace["result"]


def test_guard_kl_div_reduction_mean_is_not_the_mean_divergence():
    wrong = _mutated("torch_kl_divergence.py", 'reduction="batchmean"', 'reduction="mean"')
    right = EXPECTED["torch_kl_divergence.py"]()
    assert not math.isclose(wrong, right, rel_tol=1e-3)
    assert math.isclose(wrong, right / P_ROWS.shape[1], rel_tol=1e-12)  # divided by N*K, not N


def test_guard_kl_div_arguments_swapped_is_the_reverse_divergence():
    wrong = _mutated("torch_kl_divergence.py", "torch.log(q), p", "torch.log(p), q")
    assert not math.isclose(wrong, EXPECTED["torch_kl_divergence.py"](), rel_tol=1e-3)
    assert math.isclose(wrong, float(np.mean(lossbook.kl_divergence(Q_ROWS, P_ROWS))), rel_tol=1e-12)


def test_guard_mse_arguments_swapped_changes_nothing():
    swapped = _mutated("torch_mse.py", "F.mse_loss(y_pred, y_true)", "F.mse_loss(y_true, y_pred)")
    assert math.isclose(swapped, EXPECTED["torch_mse.py"](), rel_tol=1e-12)


def test_guard_probabilities_into_a_logits_loss_is_a_double_softmax():
    wrong = _mutated(
        "torch_softmax_cross_entropy.py",
        "F.cross_entropy(logits, labels)",
        "F.cross_entropy(torch.softmax(logits, dim=1), labels)",
    )
    assert not math.isclose(wrong, EXPECTED["torch_softmax_cross_entropy.py"](), rel_tol=1e-3)
    double = lossbook.softmax_cross_entropy(LABELS, lossbook.softmax(LOGITS))
    assert math.isclose(wrong, double, rel_tol=1e-12)


def test_guard_keras_tversky_alpha_and_beta_are_not_interchangeable():
    wrong = _mutated("keras_tversky.py", "Tversky(alpha=0.7, beta=0.3)", "Tversky(alpha=0.3, beta=0.7)")
    assert not math.isclose(wrong, EXPECTED["keras_tversky.py"](), rel_tol=1e-3)
    assert math.isclose(wrong, lossbook.tversky(*MASKS, alpha=0.3, beta=0.7), rel_tol=1e-6)


def test_guard_keras_focal_alpha_needs_class_balancing():
    wrong = _mutated("keras_sigmoid_focal.py", "apply_class_balancing=True", "apply_class_balancing=False")
    assert not math.isclose(wrong, EXPECTED["keras_sigmoid_focal.py"](), rel_tol=1e-3)
    assert math.isclose(wrong, lossbook.sigmoid_focal(BINARY, Z_BINARY, alpha=None), rel_tol=1e-6)


def test_guard_keras_tolerance_still_catches_a_convention_change():
    wrong = _mutated("keras_kl_divergence.py", "KLDivergence()", 'KLDivergence(reduction="sum")')
    assert not math.isclose(wrong, EXPECTED["keras_kl_divergence.py"](), rel_tol=_tolerance("keras_"))


def test_torch_backward_gradients_equal_lossbook_chain_rule():
    namespace = _run(SNIPPETS / "torch_backward.py")
    w_grad, b_grad = _backprop_gradients()
    np.testing.assert_allclose(namespace["W"].grad.numpy(), w_grad, rtol=1e-12, atol=1e-16)
    np.testing.assert_allclose(namespace["b"].grad.numpy(), b_grad, rtol=1e-12, atol=1e-16)


def test_guard_backward_of_a_summed_loss_is_n_times_larger():
    source = (SNIPPETS / "torch_backward.py").read_text(encoding="utf-8")
    old = "F.cross_entropy(X @ W + b, y)"
    assert source.count(old) == 1
    namespace: dict = {"__name__": "__main__"}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(
            compile(source.replace(old, 'F.cross_entropy(X @ W + b, y, reduction="sum")'), "mutated", "exec"), namespace
        )
    w_grad, _ = _backprop_gradients()
    assert not np.allclose(namespace["W"].grad.numpy(), w_grad, rtol=1e-3)
    np.testing.assert_allclose(namespace["W"].grad.numpy(), len(BACKPROP_Y) * w_grad, rtol=1e-12)
