"""booksite.pages.likelihood: each noise model's NLL, computed from its density, is the loss it induces."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from booksite.page import WorkedExampleError
from booksite.pages import likelihood as page
from lossbook import gaussian_nll, poisson_nll

reals = st.floats(-50, 50)
scales = st.floats(0.1, 10)
Y = [Fraction(v) for v in ("20.0", "21.5", "19.0")]
Y_HAT = [Fraction(v) for v in ("20.4", "21.0", "19.5")]


@given(reals, reals, scales)
def test_the_densities_are_scipys(value, centre, scale):
    assert page.gaussian_density(value, centre, scale**2) == pytest.approx(
        stats.norm.pdf(value, centre, scale), rel=1e-12, abs=1e-300
    )
    assert page.laplace_density(value, centre, scale) == pytest.approx(
        stats.laplace.pdf(value, centre, scale), rel=1e-12, abs=1e-300
    )


def test_the_poisson_and_gaussian_losses_drop_only_the_constants():
    """lossbook's losses (which the page checks its steps against) equal scipy's NLLs minus mean(log y!)
    and ½ log 2π: the constants the page says are dropped."""
    y, rates = np.array([2.0, 0.0, 5.0]), np.array([1.5, 0.5, 4.0])
    nll = -np.mean(stats.poisson.logpmf(y, rates))
    log_factorials = np.mean([math.lgamma(v + 1) for v in y])
    assert poisson_nll(y, np.log(rates)) == pytest.approx(nll - log_factorials, rel=1e-12)
    mean, var = np.array([1.5, -1.0, 0.0]), np.array([0.25, 1.0, 4.0])
    nll = -np.mean(stats.norm.logpdf(y, mean, np.sqrt(var)))
    assert gaussian_nll(y, mean, var) == pytest.approx(nll - 0.5 * math.log(2 * math.pi), rel=1e-12)


def test_gauss_and_laplace_steps_recover_the_mse_and_mae():
    markdown = page.gauss_steps(Y, Y_HAT, sigmas=(1.0, 3.0))
    assert markdown.count("- $\\sigma = ") == 2 and "$\\sigma = 3$" in markdown
    mse = sum((p - t) ** 2 for t, p in zip(Y, Y_HAT)) / len(Y)
    assert f"The MSE of the predictions is {page.exact(mse)} °C²" in markdown and 'class="lb-checked"' in markdown
    mae = sum(abs(p - t) for t, p in zip(Y, Y_HAT)) / len(Y)
    assert f"the MAE ({page.exact(mae)} °C)" in page.laplace_steps(Y, Y_HAT, b=2.0)


def test_a_wrong_lossbook_fails_the_steps(monkeypatch):
    monkeypatch.setattr(page, "mse", lambda t, p: 1.01 * np.mean((t - p) ** 2))
    with pytest.raises(WorkedExampleError, match="Gaussian NLL"):
        page.gauss_steps(Y, Y_HAT)
    monkeypatch.setattr(page, "cross_entropy", lambda p, q: np.zeros(len(p)))
    with pytest.raises(WorkedExampleError, match="categorical NLL"):
        page.categorical_steps(["a", "b"], [0, 1], [[Fraction(1, 2)] * 2, [Fraction(1, 4), Fraction(3, 4)]])
    monkeypatch.setattr(page, "poisson_nll", lambda y, z: 1.01 * poisson_nll(y, z))
    with pytest.raises(WorkedExampleError, match="Poisson NLL"):
        page.poisson_steps([3, 1], [2.0, 1.0])
    monkeypatch.setattr(page, "gaussian_nll", lambda y, m, v: 1.01 * gaussian_nll(y, m, v))
    with pytest.raises(WorkedExampleError, match="Gaussian NLL"):
        page.gaussian_nll_steps([1.0, 2.0], [1.0, 0.0], [1.0, 4.0])


def test_the_median_minimises_the_mae_and_the_page_says_so():
    readings = [Fraction(v) for v in ("1", "2", "3", "4", "100")]
    markdown = page.median_steps(readings)
    assert "is at $c = 3$ °C, the median" in markdown
    assert "The mean, 22 °C" in markdown


def test_categorical_steps_multiply_the_true_class_probabilities():
    q = [[Fraction(1, 2), Fraction(1, 2)], [Fraction(1, 4), Fraction(3, 4)]]
    markdown = page.categorical_steps(["a", "b"], [0, 1], q)
    assert "= 0.375$" in markdown  # 1/2 · 3/4
    assert f"{page.num(-math.log(3 / 8) / 2, 6)}$ nats per photo" in markdown


def test_poisson_and_gaussian_steps_say_what_the_loss_drops():
    markdown = page.poisson_steps([3, 1], [2.0, 1.0])
    dropped = (math.log(6) + 0) / 2
    assert f"\\sum\\log y_i! = {page.num(dropped, 6)}$" in markdown and 'class="lb-checked"' in markdown
    markdown = page.gaussian_nll_steps([1.0, 2.0], [1.0, 0.0], [1.0, 4.0])
    assert "Example 1 is predicted exactly" in markdown


def test_the_noise_figure_describes_its_curves():
    html = page.noise_figure(at=2.0)
    assert 'class="lb-svg"' in html and f"at an error of {page.alt_num(2.0)} " in html
    ratio = page.laplace_density(2.0, 0, 1 / math.sqrt(2)) / page.gaussian_density(2.0, 0, 1)
    assert f"is {page.num(ratio, 3)} times more probable" in html


def test_bernoulli_steps_multiply_the_probabilities_of_the_outcomes():
    markdown = page.bernoulli_steps([1, 0], [Fraction("0.9"), Fraction("0.2")])
    assert "L = 0.9 \\cdot 0.8 = 0.72" in markdown and 'class="lb-checked"' in markdown


def test_the_exercise_answers_are_checked(monkeypatch):
    markdown = page.exercise_2_answer([Fraction(v) for v in ("4", "1", "7", "2", "100")])
    assert "the median is 4" in markdown and 'class="lb-checked"' in markdown
    monkeypatch.setattr(page, "mse", lambda t, p: 0.0)
    with pytest.raises(WorkedExampleError, match="exercise 1"):
        page.exercise_1_answer(2.0, [Fraction(3), Fraction(5)], [Fraction(2), Fraction("5.5")])


def test_the_smoothed_target_mixes_in_the_uniform_distribution():
    from booksite.pages.label_smoothing import smoothed_target

    assert smoothed_target(Fraction(1, 10), 4, 2) == [Fraction(1, 40)] * 2 + [Fraction(37, 40), Fraction(1, 40)]
