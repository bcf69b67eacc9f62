"""booksite.pages.training_curves: the build-time training run, early stopping, weight decay, perplexity."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from booksite.page import WorkedExampleError
from booksite.pages import training_curves as page


@pytest.fixture(scope="module")
def data() -> page.Split:
    return page.make_data(seed=0, n_train=20, n_val=60, w_informative=(3.0, -2.0), n_features=12)


@pytest.fixture(scope="module")
def run(data) -> dict:
    return page.train(data, weight_decay=0.0, steps=400, learning_rate=0.5)


def test_the_split_keeps_its_sizes_and_informative_features(data):
    assert data.X_train.shape == (20, 12) and data.X_val.shape == (60, 12)
    assert data.informative == 2 and data.n_features == 12
    assert "80 examples with 12 features" in data.describe()


def test_the_loop_computes_its_losses_and_gradient_right(data, run):
    """The recorded losses are lossbook's, and the first step's gradient is the finite-difference one."""
    from lossbook import binary_cross_entropy_with_logits

    w, b = run["weights"][7]
    assert run["train"][7] == pytest.approx(
        binary_cross_entropy_with_logits(data.y_train, data.X_train @ w + b), rel=1e-12
    )
    assert run["train"][0] == pytest.approx(math.log(2), rel=1e-12)  # zero weights: 1/2 for everything
    h, lr = 1e-6, 0.5
    e = np.zeros(data.n_features)
    e[0] = h
    numeric = (
        page.bce_from_logits(data.X_train @ e, data.y_train) - page.bce_from_logits(-data.X_train @ e, data.y_train)
    ) / (2 * h)
    assert run["weights"][1][0][0] == pytest.approx(-lr * numeric, rel=1e-6)


def test_training_loss_falls_and_validation_turns_up(run):
    assert run["train"][-1] < run["train"][0]
    best = int(np.argmin(run["val"]))
    assert 0 < best < run["val"].size - 1 and run["val"][-1] > run["val"][best]


def test_weight_decay_adds_its_penalty_and_shortens_the_weights(data, run):
    decayed = page.train(data, weight_decay=0.1, steps=400, learning_rate=0.5)
    w, _ = decayed["weights"][-1]
    assert decayed["objective"][-1] == pytest.approx(decayed["train"][-1] + 0.05 * float(w @ w), rel=1e-12)
    assert decayed["norm"][-1] < run["norm"][-1]
    markdown = page.decay_table(data, {0.0: run, 0.1: decayed})
    assert markdown.count('class="lb-checked"') == 1 and "with $\\lambda = 0.1$" in markdown


def test_early_stopping_keeps_the_lowest_validation_loss(data, run):
    kept, markdown = page.early_stopping(data, run, patience=20)
    assert kept == run["val"].min()
    assert f"keeps the weights of step {int(np.argmin(run['val']))}" in markdown
    with pytest.raises(AssertionError, match="did not stop"):
        page.early_stopping(data, run, patience=10_000)  # never runs out of patience


def test_a_wrong_lossbook_fails_the_loss_table(monkeypatch, data, run):
    assert 'class="lb-checked"' in page.loss_table(data, run, shown=[0, 5])
    monkeypatch.setattr(page, "binary_cross_entropy_with_logits", lambda y, z: 0.0)
    with pytest.raises(WorkedExampleError, match="losses at step 0"):
        page.loss_table(data, run, shown=[0, 5])


def test_the_figures_describe_their_curves(run):
    html = page.curves_figure(run)
    assert f"ends at {page.num(run['val'][-1])}" in html and 'class="lb-svg"' in html
    assert "lambda = 0" in page.decay_figure({0.0: run})


def test_perplexity_is_the_geometric_mean_of_the_inverse_probabilities():
    vocabulary, text = ["a", "b"], ["a", "b", "a"]
    predictions = [[Fraction(1, 2), Fraction(1, 2)], [Fraction(1, 8), Fraction(7, 8)]]
    markdown = page.perplexity_steps(vocabulary, text, predictions)
    assert f"= {page.num(4.0)}$" in markdown  # sqrt(2 · 8)
    assert "\\left(2 \\cdot 8\\right)^{1/2}" in markdown


def test_tex_fraction_writes_repeating_decimals_as_fractions():
    assert page.tex_fraction(Fraction(1, 4)) == "0.25"
    assert page.tex_fraction(Fraction(20, 3)) == "\\frac{20}{3}"
