"""Unit tests of the atlas pages' modules (booksite.pages.atlas and its regression, classification
and segmentation modules): every worked example fails when its lossbook function is off, the
shared table and figure say what they were given, and the helpers compute what they claim."""

from __future__ import annotations

import html
import math
import re
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import lossbook
from booksite.page import WorkedExampleError, alt_num, num
from booksite.pages import atlas
from booksite.pages.atlas import classification, regression, segmentation

Y = [[0, 1, 1, 0], [0, 1, 1, 1], [0, 0, 1, 0], [0, 0, 0, 0]]
P = segmentation.fractions(["0.1 0.8 0.9 0.2", "0.0 0.6 0.7 0.3", "0.1 0.2 0.9 0.1", "0.0 0.1 0.4 0.0"])
LOGITS3 = [[2.0, 1.0, 0.1], [0.5, 0.3, 2.2], [1.2, 0.8, -0.5]]

# Each worked example of the three pages, with the lossbook function it is checked against.
STEPS = {
    "smooth_l1": lambda: regression.smooth_l1_steps([20.0, 21.5, 29.0], [20.4, 21.0, 21.0], beta=2.0),
    "log_cosh": lambda: regression.log_cosh_steps([3.0, -0.5, 2.0], [2.5, 0.0, 2.0]),
    "msle": lambda: regression.msle_steps([3.0, 5.0, 2.5, 7.0], [2.5, 5.0, 4.0, 8.0]),
    "mape": lambda: regression.mape_steps([100.0, 50.0], [110.0, 40.0]),
    "quantile": lambda: regression.quantile_steps(["3", "-0.5", "2"], ["2.5", "0", "2"], q="0.9"),
    "poisson_nll": lambda: regression.poisson_steps([2.0, 0.0, 5.0, 1.0], [0.5, -1.0, 1.5, 0.0]),
    "gaussian_nll": lambda: regression.gaussian_steps([1.0, 2.0], [1.5, 2.0], [0.25, 1.0]),
    "sigmoid_focal": lambda: classification.sigmoid_focal_steps([1.0, 0.0], [2.2, -1.4], alpha=0.25, gamma=2.0),
    "softmax_focal": lambda: classification.softmax_focal_steps([0, 2, 1], LOGITS3, alpha=0.25, gamma=2.0),
    "generalized_cross_entropy": lambda: classification.gce_steps([0, 2], [[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]], q=0.5),
    "poly1_cross_entropy": lambda: classification.poly1_steps([0, 2, 1], LOGITS3, epsilon=2.0),
    "multilabel_soft_margin": lambda: classification.multilabel_steps([[1.0, 0.0, 1.0]], [[2.0, -1.0, 0.5]]),
    "dice": lambda: segmentation.dice_steps(Y, P),
    "tversky": lambda: segmentation.tversky_steps(Y, P, alpha="0.7", beta="0.3"),
}


@pytest.mark.parametrize("name", STEPS)
def test_every_worked_example_passes_its_check(name):
    markdown = STEPS[name]()
    assert 'class="lb-checked"' in markdown and f"`lossbook.{name}`" in markdown


@pytest.mark.parametrize("name", STEPS)
def test_every_worked_example_fails_when_its_lossbook_function_is_a_millionth_off(monkeypatch, name):
    right = getattr(lossbook, name)
    monkeypatch.setattr(lossbook, name, lambda *args, **kwargs: right(*args, **kwargs) * (1 + 1e-6))
    with pytest.raises(WorkedExampleError, match=rf"disagrees with lossbook\.\w+\.{name} ="):
        STEPS[name]()


finite = st.floats(-1e3, 1e3, allow_nan=False)


@given(st.lists(finite, min_size=1, max_size=6))
def test_worked_writes_each_value_and_checks_their_float_mean(values):
    mean = math.fsum(values) / len(values)
    markdown = atlas.worked("ex", "lossbook.regression.mse", ["v"], [[num(v)] for v in values], values, mean)
    assert f"\\frac{{1}}{{{len(values)}}}" in markdown and f"= {num(mean)}\n$$" in markdown
    assert " + ".join(num(v) for v in values) in markdown


@given(st.lists(st.fractions(-100, 100, max_denominator=30), min_size=1, max_size=6))
def test_worked_averages_fractions_exactly(values):
    exact_mean = sum(values, Fraction(0)) / len(values)
    atlas.worked("ex", "lossbook.regression.mse", ["v"], [[0]] * len(values), values, float(exact_mean))
    if exact_mean != 0:  # a mean one part in 1e9 off is refused: the mean was not rounded to a float first
        with pytest.raises(WorkedExampleError):
            atlas.worked(
                "ex", "lossbook.regression.mse", ["v"], [[0]] * len(values), values, float(exact_mean) * (1 + 1e-9)
            )


def test_the_loss_and_slope_figure_gives_both_ends_of_every_curve():
    x = np.linspace(-2.0, 3.0, 11)
    series = [("one", x**2, 2 * x), ("two", np.abs(x), np.sign(x))]
    alt = html.unescape(atlas.loss_and_slope(x, series, xlabel="$x$", what="error", caption="c"))
    assert "Left, the loss against the error from −2 to 3; right, its derivative." in alt
    assert "one: loss from 4 to 9; derivative from −4 to 6. two: loss from 2 to 3; derivative from −1 to 1." in alt
    assert "$" not in re.search(r"<title[^>]*>(.*?)</title>", alt, re.S).group(1)  # TeX left out of the alt


def test_the_loss_and_slope_figure_says_where_a_met_margin_makes_the_loss_zero():
    x = np.linspace(-2.0, 3.0, 11)
    ones = np.ones_like(x)
    hinge = ("hinge", lossbook.hinge(ones, x, reduction="none"), lossbook.hinge_grad(ones, x, reduction="none"))
    alt = html.unescape(atlas.loss_and_slope(x, [hinge], xlabel="s", what="score", caption="c", slope="slope"))
    # the hinge of label 1 is 3 at s = -2 and 0 from s = 1 on; its slope -1, then 0
    assert "hinge: loss from 3 to 0, zero from 1 on; slope from −1 to 0." in alt
    assert "right, its slope." in alt


@pytest.mark.parametrize(
    ("losses", "said"),
    [
        ([2, 1, 0, 0], ", zero from 2 on"),
        ([0, 0, 1, 2], ", zero up to 1"),
        ([1, 0, 1, 2], ""),  # a single zero inside: no run to name
        ([1, 1, 1, 0], ""),  # only the last point
        ([0, 0, 0, 0], ", zero"),
    ],
)
def test_zero_run_names_only_a_run_of_zeros_that_reaches_an_end(losses, said):
    assert atlas.zero_run(np.arange(4.0), np.array(losses, dtype=float)) == said


@given(st.lists(st.floats(-30, 30), min_size=1, max_size=5))
def test_log_softmax_row_gives_log_probabilities_that_sum_to_one(row):
    logs = classification.log_softmax_row(row)
    assert math.isclose(math.fsum(math.exp(v) for v in logs), 1.0, rel_tol=1e-12)
    assert all(math.isclose(v - logs[0], z - row[0], abs_tol=1e-9) for v, z in zip(logs, row))


def test_sigmoid_is_the_logistic_function():
    assert classification.sigmoid(0.0) == 0.5
    assert math.isclose(classification.sigmoid(2.0) + classification.sigmoid(-2.0), 1.0, rel_tol=1e-15)


def test_the_mask_sums_are_exact():
    assert segmentation.pixel_sum(Y, P, lambda a, b: a * b) == Fraction("4.2")  # 0.8 + 0.9 + 0.6 + 0.7 + 0.3 + 0.9
    assert segmentation.pixel_sum(Y, P, lambda a, b: b) == Fraction("5.4")  # rows: 2.0 + 1.6 + 1.3 + 0.5
    assert segmentation.pixel_sum(Y, P, lambda a, b: a) == 6


def test_the_object_image_and_its_predictions():
    truth = segmentation.object_image()
    assert truth.sum() == 20 and segmentation.first_object_pixel(truth) == (3, 2)
    guess = segmentation.predictions(truth, 0.9, 0.1)
    assert set(np.unique(guess[truth == 1])) == {0.9} and set(np.unique(guess[truth == 0])) == {0.1}


@pytest.mark.parametrize("alpha", [0.3, 0.7])
def test_the_tversky_pull_with_nothing_found_is_one_over_the_denominator(alpha):
    truth = segmentation.object_image()
    beta = 1 - alpha
    missed, painted = truth.sum(), 0.1 * (truth.size - truth.sum())  # FN and FP with 0 on the object
    assert math.isclose(segmentation.tversky_pull(truth, 0.1, 0.0, alpha, beta), 1 / (alpha * missed + beta * painted))


def test_the_overlap_figure_describes_each_curve_from_its_data():
    truth = segmentation.object_image()
    svg = html.unescape(segmentation.dice_figure(truth, 0.1, np.linspace(0, 1, 5)))
    first = lossbook.dice(truth, segmentation.predictions(truth, 0.0, 0.1))
    assert "a 10 by 10 image with a 20-pixel object" in svg and f"Dice: loss from {alt_num(first)} to" in svg


def test_the_msle_sentence_follows_the_numbers():
    text = regression.msle_asymmetry(100.0)
    below, above = lossbook.msle([100.0], [50.0]), lossbook.msle([100.0], [150.0])
    assert f"costs {num(below)}" in text and f"costs {num(above)}" in text
    assert ("weighs more below" in text) == (below > above)
