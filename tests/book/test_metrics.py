"""The metrics of the "Losses versus metrics" chapter (snippets/metrics.py) equal scikit-learn's.

The chapter shows ``snippets/metrics.py`` to the reader and computes its numbers with it; these
tests load that one file and compare each function with scikit-learn on random inputs:
``accuracy_score``, ``r2_score``, ``brier_score_loss``, and ``calibration_curve`` (whose bins
the reliability diagram and the expected calibration error are built from). The guards at the
end change a function once and see the comparison fail.
"""

from __future__ import annotations

import runpy
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.calibration import calibration_curve
from sklearn.metrics import accuracy_score, brier_score_loss, r2_score

from booksite import ROOT
from booksite.page import WorkedExampleError
from booksite.pages import metrics as metrics_page

METRICS = ROOT / "snippets" / "metrics.py"
PAGE = ROOT / "docs" / "chapters" / "metrics.md"
RTOL = 1e-12

sizes = st.integers(min_value=2, max_value=60)
probabilities = st.floats(0.0, 1.0, allow_nan=False)


def load(source: str | None = None) -> dict:
    """The functions of snippets/metrics.py (or of ``source``, a changed copy of it)."""
    if source is None:
        return runpy.run_path(str(METRICS))
    namespace: dict = {}
    exec(compile(source, "metrics.py (changed)", "exec"), namespace)
    return namespace


@st.composite
def labelled_probabilities(draw):
    n = draw(sizes)
    y = draw(hnp.arrays(np.int64, n, elements=st.integers(0, 1)))
    p = draw(hnp.arrays(np.float64, n, elements=probabilities))
    return y, p


@st.composite
def regression_pairs(draw):
    n = draw(sizes)
    values = st.floats(-1e3, 1e3, allow_nan=False)
    y = draw(hnp.arrays(np.float64, n, elements=values))
    y_hat = draw(hnp.arrays(np.float64, n, elements=values))
    return y, y_hat


def agree_accuracy(m, y, p):
    labels = (p > 0.5).astype(int)
    assert m["accuracy"](y, labels) == accuracy_score(y, labels)


def agree_brier(m, y, p):
    # scikit-learn 1.9 scores the two columns (1 - p, p): 1 - p rounds to within 1.1e-16, so its
    # squared terms can be off by about 2 p 1.1e-16 absolute (relative 1e-10 at p near 1e-7).
    assert m["brier_score"](y, p) == pytest.approx(brier_score_loss(y, p, labels=[0, 1]), rel=RTOL, abs=1e-15)


def agree_r2(m, y, y_hat):
    if np.ptp(y) < 1e-3:  # scikit-learn special-cases a constant target (R² undefined)
        return
    assert m["r2_score"](y, y_hat) == pytest.approx(r2_score(y, y_hat), rel=1e-9, abs=1e-12)


def agree_reliability(m, y, p, n_bins):
    counts, confidence, frequency = m["reliability_bins"](y, p, n_bins)
    prob_true, prob_pred = calibration_curve(y, p, n_bins=n_bins, strategy="uniform")
    filled = counts > 0
    assert counts.sum() == y.size
    np.testing.assert_allclose(frequency[filled], prob_true, rtol=RTOL, atol=1e-15)
    np.testing.assert_allclose(confidence[filled], prob_pred, rtol=RTOL, atol=1e-15)
    # The ECE is the count-weighted gap between scikit-learn's two curves.
    weights = counts[filled] / y.size
    expected = float(np.sum(weights * np.abs(prob_true - prob_pred)))
    assert m["expected_calibration_error"](y, p, n_bins) == pytest.approx(expected, rel=1e-9, abs=1e-15)


@given(labelled_probabilities())
def test_accuracy_equals_scikit_learn(pair):
    agree_accuracy(load(), *pair)


@given(labelled_probabilities())
def test_brier_score_equals_scikit_learn(pair):
    agree_brier(load(), *pair)


@given(regression_pairs())
def test_r2_equals_scikit_learn(pair):
    agree_r2(load(), *pair)


@given(labelled_probabilities(), st.integers(1, 15))
def test_reliability_bins_and_ece_follow_scikit_learn_calibration_curve(pair, n_bins):
    y, p = pair
    if np.unique(y).size < 2:  # calibration_curve needs both classes
        y = y.copy()
        y[0] = 1 - y[0]
    agree_reliability(load(), y, p, n_bins)


def test_bin_edges_go_to_the_lower_bin_as_in_scikit_learn():
    y = np.array([0, 1, 1, 0])
    p = np.array([0.1, 0.2, 0.5, 1.0])
    agree_reliability(load(), y, p, 10)
    counts, _, _ = load()["reliability_bins"](y, p, 10)
    assert counts.tolist() == [1, 1, 0, 0, 1, 0, 0, 0, 0, 1]


def test_the_page_shows_the_file():
    assert '--8<-- "snippets/metrics.py"' in PAGE.read_text(encoding="utf-8")


# Guards: each comparison fails once its function computes something else ---------------------

GUARDS = [
    (
        "accuracy",
        "np.mean(np.asarray(y_pred) == np.asarray(y_true))",
        "np.mean(np.asarray(y_pred) != np.asarray(y_true))",
        agree_accuracy,
    ),
    ("brier", "np.mean(error**2)", "np.mean(np.abs(error))", agree_brier),
    ("r2", "np.mean((y_true.mean() - y_true) ** 2)", "np.mean(y_true ** 2)", agree_r2),
    (
        "bins",
        "np.searchsorted(edges[1:-1], p_pred)",
        "np.searchsorted(edges[1:-1], p_pred, side='right')",
        lambda m, y, p: agree_reliability(m, y, p, 10),
    ),
    ("ece", "counts / counts.sum()", "1 / counts.size", lambda m, y, p: agree_reliability(m, y, p, 10)),
]


@pytest.mark.parametrize("name, old, new, compare", GUARDS, ids=[g[0] for g in GUARDS])
def test_guard_a_changed_metric_fails(name, old, new, compare):
    source = METRICS.read_text(encoding="utf-8")
    assert source.count(old) == 1
    wrong = load(source.replace(old, new))
    y = np.array([0, 1, 1, 0, 1, 0, 1, 1])
    p = np.array([0.1, 0.9, 0.6, 0.4, 0.2, 0.7, 0.8, 1.0])
    regression = (np.array([3.0, -1.0, 2.0, 5.0]), np.array([2.5, 0.0, 2.0, 4.0]))
    pair = regression if name == "r2" else (y, p)
    compare(load(), *pair)  # the real file passes on these inputs
    with pytest.raises(AssertionError):
        compare(wrong, *pair)


# booksite.pages.metrics: the page's steps, checked against the metrics above ----------------

SHOWN = load()


def wrong_accuracy(y_true, y_pred):
    return SHOWN["accuracy"](y_true, y_pred) - 0.01


def test_same_accuracy_lower_loss_is_checked_and_refused_when_false():
    stages = {"before": [Fraction("0.6"), Fraction("0.4")], "after": [Fraction("0.9"), Fraction("0.45")]}
    markdown = metrics_page.same_accuracy(np.array([1, 0]), stages, accuracy=SHOWN["accuracy"])
    assert markdown.count('class="lb-checked"') == 2 and "The accuracy is 0.5 both times" in markdown
    with pytest.raises(WorkedExampleError, match="accuracy before"):
        metrics_page.same_accuracy(np.array([1, 0]), stages, accuracy=wrong_accuracy)
    with pytest.raises(AssertionError, match="same accuracy"):
        metrics_page.same_accuracy(np.array([1, 0]), dict(reversed(stages.items())), accuracy=SHOWN["accuracy"])


def test_same_loss_needs_equal_likelihoods():
    models = {"A": [Fraction("0.6"), Fraction("0.6")], "B": [Fraction("0.4"), Fraction("0.9")]}
    markdown = metrics_page.same_loss(np.array([1, 1]), models, accuracy=SHOWN["accuracy"])
    assert "the same likelihood, 0.36" in markdown and "A gets 2 right and B 1" in markdown
    models["B"] = [Fraction("0.5"), Fraction("0.9")]
    with pytest.raises(AssertionError, match="likelihoods differ"):
        metrics_page.same_loss(np.array([1, 1]), models, accuracy=SHOWN["accuracy"])


def test_r2_steps_are_exact_and_checked():
    truth, guess = [Fraction(v) for v in ("1", "2", "3")], [Fraction(v) for v in ("1", "2", "4")]
    r2, text, lines = metrics_page.r2_steps("x", truth, guess, r2_score=SHOWN["r2_score"])
    assert r2 == Fraction(1, 2) and "$R^2 = 1 - " in text and len(lines) == 2
    assert r2 == pytest.approx(r2_score([1, 2, 3], [1, 2, 4]), rel=1e-12)
    with pytest.raises(WorkedExampleError, match="R²"):
        metrics_page.r2_steps("x", truth, guess, r2_score=lambda t, g: 0.0)


def test_brier_steps_name_the_worst_prediction():
    markdown = metrics_page.brier_steps([1, 0], [Fraction("0.9"), Fraction("0.8")], brier_score=SHOWN["brier_score"])
    assert "Prediction 2 is confidently wrong" in markdown and "= 0.325$" in markdown


def test_temperature_scaling_calibrates_without_changing_accuracy():
    cal, text = metrics_page.temperature_scaling(
        seed=0, n=2000, exaggeration=2.0, accuracy=SHOWN["accuracy"], brier_score=SHOWN["brier_score"]
    )
    assert cal.T == pytest.approx(2.0, rel=0.15)  # the exaggeration undone, up to sampling noise
    ece = SHOWN["expected_calibration_error"]
    assert ece(cal.y, cal.p_scaled) < ece(cal.y, cal.p_raw)
    assert f"$T = {metrics_page.num(cal.T)}$" in text
    shown = {k: SHOWN[k] for k in ("reliability_bins", "expected_calibration_error")}
    assert 'class="lb-svg"' in metrics_page.reliability_figure(cal, 10, **shown)
    assert 'class="lb-checked"' in metrics_page.ece_steps(cal, 10, **shown)
    with pytest.raises(WorkedExampleError, match="ECE"):
        metrics_page.ece_steps(
            cal, 10, reliability_bins=SHOWN["reliability_bins"], expected_calibration_error=lambda *a: 0.5
        )


def test_the_flat_figure_shows_accuracy_levels():
    x, y = np.array([-1.0, 1.0]), np.array([0, 1])
    html = metrics_page.flat_figure(x, y, accuracy=SHOWN["accuracy"])
    assert f"only the values {metrics_page.alt_num(0.5, 3)}, {metrics_page.alt_num(1.0, 3)};" in html
