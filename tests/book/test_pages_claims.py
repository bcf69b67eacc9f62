"""Unit tests of the page code behind issue 12's corrected explanations (booksite.pages).

Each function computes the values its sentence rests on and asserts them; these tests
check the sentence, and break one input to show that the assertion fires.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from booksite.page import probed, step_ratios, tex_power_of_ten
from booksite.pages import binary_cross_entropy as bce_page
from booksite.pages import four_libraries as four_page
from booksite.pages import kl_divergence as kl_page
from booksite.pages import logits as logits_page
from booksite.pages import loss_function as loss_function_page
from booksite.pages import mae as mae_page
from booksite.pages import mse as mse_page

TRUTH = [Fraction("40.5"), Fraction("21.3")]
PREDICTIONS = {
    "before training": [Fraction("39.2"), Fraction("19.7")],
    "after training": [Fraction("40.1"), Fraction("20.9")],
}
QUANTITIES = ["height (cm)", "weight (kg)"]
DOG_LOGITS = [1.5, 3.0, 0.5, -1.0]
CLASSES = ["cat", "dog", "horse", "rabbit"]


def by_stage(term) -> dict[str, Fraction]:
    return {label: sum(term(g - t) for g, t in zip(guess, TRUTH)) / len(TRUTH) for label, guess in PREDICTIONS.items()}


# Item 1: the article's 1.16 ------------------------------------------------------------------


def test_the_article_note_gives_both_readings_of_1_16():
    note = mse_page.article_note(TRUTH, PREDICTIONS, QUANTITIES)
    assert "20.3 instead of 20.9" in note and "39.5 instead of 40.1" in note
    assert "the MSEs are 2.125 and 0.16" in note and "stray 1 in front" in note


def test_the_article_note_fails_when_no_typo_explains_the_figure(monkeypatch):
    monkeypatch.setattr(mse_page, "ARTICLE_CLAIMS", (Fraction("4.25"), Fraction("1.17")))
    with pytest.raises(AssertionError):
        mse_page.article_note(TRUTH, PREDICTIONS, QUANTITIES)


def test_one_digit_typos_change_exactly_one_digit():
    typos = mse_page.one_digit_typos(Fraction("20.9"))
    assert len(typos) == 3 * 9 and Fraction("20.3") in typos and Fraction("20.9") not in typos


# Item 2: the MSE falls further than the MAE in any unit -------------------------------------


@given(st.fractions(min_value=Fraction(1, 100), max_value=1000))
def test_the_reductions_do_not_depend_on_the_unit(scale):
    assert mae_page.reductions(TRUTH, PREDICTIONS, scale) == mae_page.reductions(TRUTH, PREDICTIONS)


def test_the_fall_note_states_the_ratios_in_millimetres():
    mse_by, mae_by = by_stage(lambda e: e * e), by_stage(abs)
    note = mae_page.fall_note(TRUTH, PREDICTIONS, mse_by, mae_by)
    assert "13.3-fold against 3.6-fold" in note and "errors of 13 and 16 becoming 4 and 4" in note
    assert "smaller than 1" not in note


def test_the_fall_note_fails_when_its_mse_column_disagrees():
    mse_by = by_stage(lambda e: e * e)
    mse_by["after training"] *= 2
    with pytest.raises(AssertionError):
        mae_page.fall_note(TRUTH, PREDICTIONS, mse_by, by_stage(abs))


# Item 3: one unit of logit multiplies the odds by e, not the share ---------------------------


def test_one_more_unit_multiplies_the_odds_by_e_and_the_share_by_less():
    note = logits_page.one_more_unit(DOG_LOGITS, 1, CLASSES)
    assert "from 0.7556 to 0.8936, a factor of only 1.18" in note
    shares = logits_page.shares(DOG_LOGITS)
    assert sum(shares) == pytest.approx(1, rel=1e-12) and shares[1] == pytest.approx(0.7556, abs=5e-5)


def test_the_stage_note_fails_for_a_dog_outside_the_two_stages():
    assert "0.7556" in logits_page.stage_note(DOG_LOGITS, 1)
    with pytest.raises(AssertionError):
        logits_page.stage_note([0.0, 9.0, 0.0, 0.0], 1)  # q(dog) above the after-training 0.8


# Items 5 and 8: the minimum of a loss; a constant factor under SGD and Adam ------------------


def test_the_minimum_note_gives_label_smoothings_floor_computed_by_hand():
    eps, k = 0.1, 4
    target = [1 - eps + eps / k] + [eps / k] * (k - 1)
    floor = -sum(t * math.log(t) for t in target)
    assert f"{floor:.4f}" == "0.3488"
    assert f"below {floor:.4f} nats" in loss_function_page.minimum_note()


def test_a_constant_factor_scales_sgd_steps_but_hardly_adams():
    ratios = step_ratios(32)
    assert ratios["sgd_first_step"] == pytest.approx(32, rel=1e-12)
    assert abs(ratios["adam"] - 1) < 1e-3
    # Adam's cancellation is only up to eps: with an eps as large as the gradients it breaks down.
    assert abs(step_ratios(32, eps=10.0)["adam"] - 1) > 0.1
    assert "Adam nearly cancels" in mse_page.batch_note(32)


# Item 7: the article's KL claim, exact for one-hot targets ----------------------------------


def test_the_kl_note_is_exact_for_one_hot_and_shows_a_soft_counterexample():
    p = [Fraction(7, 10), Fraction(2, 10), Fraction(1, 10)]
    q = [Fraction(5, 10), Fraction(3, 10), Fraction(2, 10)]
    ce = -sum(float(a) * math.log(float(b)) for a, b in zip(p, q))
    note = kl_page.article_note(p, q, ce)
    assert "that is exactly true" in note and f"against {ce:.4f}" in note


# Library statements from the probe record (items 4, 6 and the conventions table) ------------


def test_the_conventions_table_heads_each_column_with_the_probed_version():
    versions = probed("versions")
    table = four_page.conventions_table()
    for label, key in [("PyTorch", "torch"), ("Keras", "keras"), ("scikit-learn", "scikit-learn"), ("SciPy", "scipy")]:
        assert f"{label} {versions[key]}" in table


def test_the_kl_mean_warning_quotes_pytorch_and_divides_by_every_element():
    red = probed("default_reductions")["torch"]
    warning = four_page.kl_mean_warning()
    assert "batchmean" in warning and f"too small by a factor of {red['kl_div_mean_over']}" in warning


def test_the_bce_rules_state_the_probed_clipping():
    clip = probed("clipping")
    rules = bce_page.library_rules()
    assert tex_power_of_ten(clip["keras"]["epsilon"]) in rules and f"{clip['torch']['log_clamp']:g}" in rules
    assert np.isfinite(clip["sklearn"]["log_loss_y1_p0_float64"])
