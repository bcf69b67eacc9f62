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

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets" / "frameworks"
PAGES = [ROOT / "docs" / "practice" / name for name in ("four-libraries.md", "huber.md", "pitfalls.md")]
INCLUDE = re.compile(r'--8<--\s+"(snippets/frameworks/[^"]+)"')

# The inputs, as the snippets state them ---------------------------------------------------

REGRESSION = (np.array([3.0, -0.5, 2.0, 7.0, 4.0]), np.array([2.5, 0.0, 2.0, 8.0, 1.5]))
TEMPERATURES = (
    np.array([20.0, 21.5, 19.0, 22.0, 18.5, 20.5, 29.0]),
    np.array([20.4, 21.0, 19.3, 22.6, 20.0, 20.1, 21.0]),
)
P_ENTROPY = np.array([0.5, 0.25, 0.125, 0.125])
P_ONE_HOT, Q_PRED = np.array([0.0, 1.0, 0.0, 0.0]), np.array([0.1, 0.6, 0.2, 0.1])
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


EXPECTED.update({
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
    "torch_bce_clamp.py": lambda: float(np.mean(np.minimum(
        lossbook.binary_cross_entropy(BINARY, P_CLIPPED, reduction="none"), 100.0))),
    # predictions clipped to [1e-7, 1 - 1e-7].
    "keras_bce_clip.py": lambda: lossbook.binary_cross_entropy(BINARY, np.clip(P_CLIPPED, 1e-7, 1 - 1e-7)),
    # predictions clipped to [eps, 1 - eps].
    "sklearn_log_loss_clip.py": lambda: lossbook.binary_cross_entropy(BINARY, np.clip(P_CLIPPED, EPS, 1 - EPS)),
    "torch_mse_broadcast.py": _broadcast_mse,
})


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
        "torch_softmax_cross_entropy.py", "F.cross_entropy(logits, labels)",
        "F.cross_entropy(torch.softmax(logits, dim=1), labels)",
    )
    assert not math.isclose(wrong, EXPECTED["torch_softmax_cross_entropy.py"](), rel_tol=1e-3)
    double = lossbook.softmax_cross_entropy(LABELS, lossbook.softmax(LOGITS))
    assert math.isclose(wrong, double, rel_tol=1e-12)


def test_guard_keras_tolerance_still_catches_a_convention_change():
    wrong = _mutated("keras_kl_divergence.py", "KLDivergence()", 'KLDivergence(reduction="sum")')
    assert not math.isclose(wrong, EXPECTED["keras_kl_divergence.py"](), rel_tol=_tolerance("keras_"))
