"""Unit tests of the code behind the pages' hidden blocks (booksite.pages)."""

from __future__ import annotations

import math
import re
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from booksite import ROOT
from booksite.page import WorkedExampleError, alt_num, num
from booksite.pages import aligned_mean, clip_caps
from booksite.pages import binary_cross_entropy as bce_page
from booksite.pages import cross_entropy as cross_entropy_page
from booksite.pages import entropy as entropy_page
from booksite.pages import four_libraries as four_libraries_page
from booksite.pages import gradient_descent as gradient_descent_page
from booksite.pages import huber as huber_page
from booksite.pages import index as index_page
from booksite.pages import information_content as information_content_page
from booksite.pages import kl_divergence as kl_page
from booksite.pages import label_smoothing as label_smoothing_page
from booksite.pages import logits as logits_page
from booksite.pages import loss_function as loss_function_page
from booksite.pages import mae as mae_page
from booksite.pages import mse as page
from booksite.pages import pitfalls as pitfalls_page
from booksite.pages import summary as summary_page
from booksite.pages import training as training_page
from lossbook import mae

fractions = st.fractions(min_value=-100, max_value=100, max_denominator=50)
values = st.lists(fractions, min_size=1, max_size=6)
distributions = st.lists(st.integers(1, 20), min_size=2, max_size=5).map(lambda w: [Fraction(v, sum(w)) for v in w])
TRUTH = [Fraction("40.5"), Fraction("21.3")]
PREDICTIONS = {"before": [Fraction("39.2"), Fraction("19.7")], "after": [Fraction("40.1"), Fraction("20.9")]}


@given(st.fractions(min_value=0, max_value=1000, max_denominator=1000))
def test_square_root_is_exact_on_squares(x):
    assert page.square_root(x * x) == x and isinstance(page.square_root(x * x), Fraction)


@given(st.integers(2, 10_000).filter(lambda n: int(n**0.5) ** 2 != n))
def test_square_root_of_a_non_square_is_the_float_root(n):
    root = page.square_root(Fraction(n))
    assert isinstance(root, float) and root * root == pytest.approx(n, rel=1e-15)


@given(st.data())
def test_the_reductions_agree_with_each_other(data):
    truth = data.draw(values)
    guess = data.draw(st.lists(fractions, min_size=len(truth), max_size=len(truth)))
    squares = page.reduced(truth, guess, "none")
    assert squares == [(g - t) ** 2 for g, t in zip(guess, truth)]
    assert page.reduced(truth, guess, "sum") == sum(squares) == len(truth) * page.reduced(truth, guess, "mean")


def test_mse_steps_show_every_step_and_return_the_mean():
    mean, markdown = page.mse_steps("before", TRUTH, PREDICTIONS["before"])
    assert mean == page.reduced(TRUTH, PREDICTIONS["before"], "mean")
    assert "(39.2 - 40.5)^2 + (19.7 - 21.3)^2" in markdown
    assert f"= {page.exact(mean)}" in markdown and 'class="lb-checked"' in markdown


def test_a_wrong_lossbook_fails_the_steps(monkeypatch):
    """The oracle is lossbook: 1% off, the worked example must refuse it."""
    monkeypatch.setattr(
        page, "mse", lambda *args, **kwargs: 1.01 * float(page.reduced(TRUTH, PREDICTIONS["after"], "mean"))
    )
    with pytest.raises(WorkedExampleError, match="dog MSE after"):
        page.mse_steps("after", TRUTH, PREDICTIONS["after"])


def test_rmse_steps_square_back_to_the_mse():
    by_stage = {label: page.reduced(TRUTH, guess, "mean") for label, guess in PREDICTIONS.items()}
    roots, markdown = page.rmse_steps(TRUTH, PREDICTIONS, by_stage)
    for label, root in roots.items():
        assert root * root == pytest.approx(by_stage[label], rel=1e-12)
    assert markdown.count("\\operatorname{RMSE}") == len(PREDICTIONS)


def test_the_parabola_figure_describes_the_plotted_errors():
    svg = page.parabola_figure(TRUTH, PREDICTIONS)
    errors = [alt_num(g - t) for g, t in zip(PREDICTIONS["before"], TRUTH)]
    assert f"before, errors of {errors[0]} and {errors[1]}" in svg and "<svg" in svg
    # The two equal errors after training are one marker, and the alt text says so.
    assert f"after, both errors {alt_num(PREDICTIONS['after'][0] - TRUTH[0])}, one marker" in svg


def test_the_reduction_table_has_a_row_per_reduction():
    markdown = page.reduction_table(TRUTH, PREDICTIONS)
    assert all(f"| `{reduction}` |" in markdown for reduction in page.REDUCTIONS)


# booksite.pages.mae ------------------------------------------------------------------------


@given(st.data())
def test_losses_by_hand_agree_with_the_definitions(data):
    truth = data.draw(values)
    guess = data.draw(st.lists(fractions, min_size=len(truth), max_size=len(truth)))
    errors = [g - t for g, t in zip(guess, truth)]
    assume(any(errors))  # the shares divide by the total error
    losses = mae_page.losses_by_hand(truth, guess)
    assert losses["MSE"] == page.reduced(truth, guess, "mean")
    assert losses["MAE"] * len(errors) == sum(abs(e) for e in errors)
    assert all(0 <= share <= 1 for share in losses["share"])


def test_mae_steps_equal_the_common_error_size_when_all_errors_have_one_size():
    truth, guess = [Fraction(1), Fraction(5)], [Fraction(3, 2), Fraction(9, 2)]
    mean, markdown = mae_page.mae_steps("even", truth, guess)
    assert mean == Fraction(1, 2) and f"|{page.exact(Fraction(3, 2))} - 1|" in markdown


def test_the_outlier_table_says_how_much_each_loss_grows():
    weights = [Fraction(10), Fraction(20)]
    guesses = [Fraction(11), Fraction(19)]
    clean, dirty, markdown = mae_page.outlier_table(weights, [Fraction(30), Fraction(20)], guesses)
    assert dirty["MSE"] / clean["MSE"] > dirty["MAE"] / clean["MAE"] > 1
    assert f"{float(dirty['MSE'] / clean['MSE']):.1f} ×" in markdown


def test_the_fit_table_refuses_lines_that_do_not_win_at_their_own_loss():
    x = np.linspace(0, 10, 15)
    y = 0.5 * x + 2
    y[11] += 8
    (w_mse, b_mse), *_ = np.linalg.lstsq(np.stack([x, np.ones_like(x)], axis=1), y, rcond=None)
    assert "| smallest MAE |" in mae_page.fit_table(x, y, {"smallest MSE": (w_mse, b_mse), "smallest MAE": (0.5, 2.0)})
    with pytest.raises(AssertionError):  # the lines swapped: each loses at its own loss
        mae_page.fit_table(x, y, {"smallest MSE": (0.5, 2.0), "smallest MAE": (w_mse, b_mse)})


# booksite.pages.training -------------------------------------------------------------------


def descent(steps: int = 8):
    """A short gradient descent on points of y = 2x + 1: (x, y, ws, bs, losses)."""
    x = np.linspace(0, 4, 9)
    y = 2 * x + 1
    w = b = 0.0
    ws, bs, losses = [], [], []
    for _ in range(steps):
        error = w * x + b - y
        ws.append(w), bs.append(b), losses.append(float(np.mean(error**2)))
        w, b = w - 0.05 * np.mean(2 * error * x), b - 0.05 * np.mean(2 * error)
    return x, y, np.array(ws), np.array(bs), np.array(losses)


def test_the_fit_figure_names_each_shown_line_from_the_data():
    x, y, ws, bs, losses = descent()
    svg = training_page.fit_figure(x, y, ws, bs, losses, [0, 3, 7])
    assert all(f"{s} steps (w = {alt_num(ws[s], 3)}, b = {alt_num(bs[s], 3)})" in svg for s in (0, 3, 7))


def test_the_loss_figure_refuses_a_loss_that_is_not_finite():
    x, y, ws, bs, losses = descent()
    assert f"minimum of {alt_num(0.5)}" in training_page.loss_figure(np.arange(len(losses)), losses, [0, 5], 0.5)
    losses[2] = np.nan
    with pytest.raises(ValueError, match="non-finite"):
        training_page.loss_figure(np.arange(len(losses)), losses, [0, 5], 0.5)


# booksite.pages.loss_function --------------------------------------------------------------


def test_every_curve_of_the_loss_figure_is_lowest_at_the_truth():
    svg = loss_function_page.curves_figure()
    for name in ("squared error (MSE)", "absolute error (MAE)", "Huber"):
        assert f"{alt_num(loss_function_page.TRUE_HEIGHT)} cm ({name})" in svg


def test_the_loss_map_refuses_a_lossbook_value_that_disagrees_with_its_formula(monkeypatch):
    assert loss_function_page.loss_map().count("\n|") >= 6
    monkeypatch.setattr(loss_function_page, "mae", lambda *args, **kwargs: 1.01 * mae(*args, **kwargs))
    with pytest.raises(WorkedExampleError, match=r"\[MAE\]\(mae.md\) in the map"):
        loss_function_page.loss_map()


# booksite.pages.summary --------------------------------------------------------------------


def test_the_summary_table_links_every_other_chapter_once():
    markdown = summary_page.numbers_table()
    linked = re.findall(r"\]\(([\w-]+\.md)\)", markdown)
    chapters = {path.name for path in (ROOT / "docs" / "chapters").glob("*.md")} - {"summary.md", "loss-function.md"}
    assert sorted(linked) == sorted(chapters)
    assert "→" in markdown and "nan" not in markdown


# booksite.pages.index ----------------------------------------------------------------------


def test_the_network_losses_are_lossbooks_and_fall_only_with_a_learning_rate():
    run = index_page.train_network(seed=3, hidden=8, learning_rate=0.05, steps=200)
    np.testing.assert_allclose(run.losses[run.shown], run.lossbook_losses, rtol=1e-12)
    assert run.losses[-1] < run.losses[0] / 2
    still = index_page.train_network(seed=3, hidden=8, learning_rate=0.0, steps=20)
    assert np.all(still.losses == still.losses[0])
    assert "from " in index_page.network_figure(run) and f"at step {run.shown[-1]}" in index_page.network_figure(run)


# booksite.pages.information_content --------------------------------------------------------


def test_the_events_table_refuses_a_wrong_information_content(monkeypatch):
    assert information_content_page.events_table().count("\n|") == len(information_content_page.EVENTS) + 1
    wrong = information_content_page.information_content
    monkeypatch.setattr(information_content_page, "information_content", lambda p, base: 1.01 * wrong(p, base=base))
    with pytest.raises(WorkedExampleError, match="information content table"):
        information_content_page.events_table()


def test_the_curve_figure_names_each_marked_probability_in_bits():
    svg = information_content_page.curve_figure(np.geomspace(1e-3, 1, 50), [Fraction(1, 2), Fraction(1, 8)])
    assert "p = 0.5 gives 1 bits; p = 0.125 gives 3 bits" in svg


@given(st.text("01", min_size=1, max_size=12))
def test_sequence_steps_give_one_bit_per_fair_toss(secret):
    p_sequence, in_bits, markdown = information_content_page.sequence_steps(secret)
    assert p_sequence == Fraction(1, 2 ** len(secret)) and in_bits == len(secret)
    assert f"\\texttt{{{secret}}}" in markdown and f"= {len(secret)} \\text{{ bits}}" in markdown
    assert 'class="lb-checked"' in markdown


def test_units_steps_give_the_nats_and_convert_them_back_to_bits():
    markdown = information_content_page.units_steps("01101", Fraction(1, 32))
    assert f"\\approx {num(math.log(32), 6)} \\text{{ nats}}" in markdown
    assert f"\\approx {num(1 / math.log(2), 6)} \\text{{ bits}}" in markdown and "= 5 \\text{ bits}" in markdown


def test_the_information_content_steps_refuse_a_wrong_lossbook(monkeypatch):
    wrong = information_content_page.information_content
    monkeypatch.setattr(information_content_page, "information_content", lambda p, **kw: 1.01 * wrong(p, **kw))
    with pytest.raises(WorkedExampleError, match="information content of 01101, bits"):
        information_content_page.sequence_steps("01101")
    with pytest.raises(WorkedExampleError, match="information content of 01101, nats"):
        information_content_page.units_steps("01101", Fraction(1, 32))


# booksite.pages.entropy --------------------------------------------------------------------


@given(st.lists(st.integers(0, 100), min_size=1, max_size=8))
def test_huffman_questions_equal_the_entropy_of_a_dyadic_distribution(splits):
    """For probabilities 1/2**k (made by halving one outcome at a time), an optimal strategy asks H bits."""
    probs = [Fraction(1)]
    for pick in splits:
        half = probs.pop(pick % len(probs)) / 2
        probs += [half, half]
    expected = sum(p * -math.log2(p) for p in probs)
    assert entropy_page.huffman_questions(probs) == expected


def test_the_block_table_stays_within_one_over_n_of_the_entropy():
    coin = (Fraction(9, 10), Fraction(1, 10))
    h = -sum(float(p) * math.log2(p) for p in coin)
    assert entropy_page.huffman_table(coin, h, range(1, 5)).count("\n|") == 5
    with pytest.raises(AssertionError):  # a wrong entropy breaks the bound the table relies on
        entropy_page.huffman_table(coin, h + 0.2, range(1, 5))


def test_p_log_p_goes_to_zero_while_log_p_grows():
    markdown = entropy_page.zero_limit_table((1, 3, 9))
    assert "$10^{-9}$" in markdown and "-29.90" in markdown and "\\times 10^{-8}" in markdown


@given(st.integers(0, 10))
def test_uniform_steps_give_log2_of_the_number_of_outcomes(k):
    p_each, bits_each, markdown = entropy_page.uniform_steps(2**k)
    assert p_each == Fraction(1, 2**k) and bits_each == k
    assert f"= {k} \\text{{ bits}}" in markdown and 'class="lb-checked"' in markdown


def test_coin_steps_sum_the_terms_of_the_table():
    H, markdown = entropy_page.coin_steps("biased coin", [Fraction(9, 10), Fraction(1, 10)])
    assert H == pytest.approx(-0.9 * math.log2(0.9) - 0.1 * math.log2(0.1), rel=1e-12)
    assert markdown.startswith("**Biased coin**") and "| heads | 9/10 |" in markdown and "| tails | 1/10 |" in markdown
    assert f"= {num(H, whole=True)} \\text{{ bits}}" in markdown
    fair, markdown = entropy_page.coin_steps("fair coin", [Fraction(1, 2), Fraction(1, 2)])
    assert fair == 1 and "\\text{ bit}" in markdown


def test_the_distributions_table_refuses_a_wrong_entropy(monkeypatch):
    distributions = {"uniform": [Fraction(1, 4)] * 4, "certain": [Fraction(1), Fraction(0), Fraction(0), Fraction(0)]}
    markdown = entropy_page.distributions_table(["a", "b", "c", "d"], distributions)
    assert "| uniform | 1/4 | 1/4 | 1/4 | 1/4 | 2 |" in markdown and "| certain | 1 | 0 | 0 | 0 | 0 |" in markdown
    wrong = entropy_page.entropy
    monkeypatch.setattr(entropy_page, "entropy", lambda p, **kw: wrong(p, **kw) + 0.01)
    with pytest.raises(WorkedExampleError, match="4-class distributions"):
        entropy_page.distributions_table(["a", "b", "c", "d"], distributions)


# booksite.pages.cross_entropy --------------------------------------------------------------


@given(st.lists(st.integers(1, 20), min_size=2, max_size=6), st.data())
def test_cross_entropy_steps_with_a_one_hot_truth_are_minus_log_of_the_true_class(weights, data):
    q = [Fraction(w, sum(weights)) for w in weights]
    true = data.draw(st.integers(0, len(q) - 1))
    p = [Fraction(int(i == true)) for i in range(len(q))]
    loss, markdown = cross_entropy_page.cross_entropy_steps("before", p, q)
    assert loss == pytest.approx(-math.log(q[true]), rel=1e-12)
    assert f"-\\ln {page.exact(q[true])}" in markdown and 'class="lb-checked"' in markdown


def test_the_cross_entropy_figure_marks_each_stage_with_its_loss():
    q_dog = {"before": Fraction(1, 5), "after": Fraction(4, 5)}
    losses = {label: -math.log(q) for label, q in q_dog.items()}
    svg = cross_entropy_page.loss_figure(q_dog, losses)
    assert f"before, q = 0.2 and a loss of {num(losses['before'])} nats" in svg


def test_the_stages_table_refuses_a_prediction_that_does_not_sum_to_one():
    p = [Fraction(0), Fraction(1)]
    q_by_stage = {"before": [Fraction(1, 2), Fraction(1, 2)], "after": [Fraction(1, 4), Fraction(3, 4)]}
    markdown = cross_entropy_page.stages_table(["cat", "dog"], p, q_by_stage)
    assert "| dog | 1 | 0.5 | 0.75 |" in markdown and "$q$ after" in markdown
    with pytest.raises(ValueError, match="'after' sums to 4/5"):
        cross_entropy_page.stages_table(["cat", "dog"], p, {"after": [Fraction(1, 5), Fraction(3, 5)]})


def test_the_bits_checks_refuse_a_wrong_lossbook(monkeypatch):
    p, q = [Fraction(0), Fraction(1)], [Fraction(3, 4), Fraction(1, 4)]
    markdown = cross_entropy_page.bits_checks(p, q, 2.0, Fraction(1, 2), math.log(2))
    assert markdown.count('class="lb-checked"') == 2
    with pytest.raises(WorkedExampleError, match="before training, bits"):
        cross_entropy_page.bits_checks(p, q, 2.01, Fraction(1, 2), math.log(2))
    monkeypatch.setattr(cross_entropy_page, "information_content", lambda q: 0.7)
    with pytest.raises(WorkedExampleError, match="information content of the true class"):
        cross_entropy_page.bits_checks(p, q, 2.0, Fraction(1, 2), math.log(2))


@given(st.data())
def test_the_gibbs_table_never_finds_a_prediction_below_the_entropy(data):
    p_soft = data.draw(distributions)
    others = data.draw(st.lists(st.lists(st.integers(1, 20), min_size=len(p_soft), max_size=len(p_soft)), max_size=3))
    predictions = {"$q = p$": p_soft} | {f"q{i}": [Fraction(v, sum(w)) for v in w] for i, w in enumerate(others)}
    classes = [f"c{k}" for k in range(len(p_soft))]
    H_p, gaps, markdown = cross_entropy_page.gibbs_table(classes, p_soft, predictions)
    assert H_p == pytest.approx(-sum(float(a) * math.log2(a) for a in p_soft), rel=1e-12)
    assert gaps[0] == 0 and all(g > -1e-12 for g in gaps) and markdown.count('class="lb-checked"') == 3
    assert f"with entropy $H(p) = {num(H_p)}$ bits" in markdown and "| $q = p$ |" in markdown


@given(st.floats(0.001, 0.999), st.integers(2, 6))
def test_the_logit_gradients_shift_nothing_and_pull_the_true_class_up(t, K):
    target = np.eye(K)[K - 1]
    q = cross_entropy_page.spread(t, target)
    assert q.sum() == pytest.approx(1, rel=1e-12) and q[-1] == t
    g_ce, g_mse = cross_entropy_page.logit_gradients(q, target)
    # Adding a constant to every logit leaves the softmax alone, so each gradient sums to 0.
    assert g_ce.sum() == pytest.approx(0, abs=1e-12) and g_mse.sum() == pytest.approx(0, abs=1e-12)
    assert g_ce[-1] == pytest.approx(t - 1, rel=1e-12) and g_mse[-1] < 0


def test_the_ce_vs_mse_table_is_checked_against_finite_differences(monkeypatch):
    target = np.eye(4)[1]
    ce, err, gradients, markdown = cross_entropy_page.ce_vs_mse_table(target, [0.01, 0.5])
    assert ce == pytest.approx([-math.log(0.01), -math.log(0.5)], rel=1e-12)
    assert err[1] == pytest.approx((0.5**2 + 3 * (0.5 / 3) ** 2) / 4, rel=1e-12)
    assert abs(gradients[0][1][1]) < abs(gradients[1][1][1])  # MSE's push fades when badly wrong
    assert markdown.count('class="lb-checked"') == 2 and f"| 0.01 | {num(ce[0])} |" in markdown
    wrong = cross_entropy_page.logit_gradients
    monkeypatch.setattr(cross_entropy_page, "logit_gradients", lambda q, y: (wrong(q, y)[0], 2 * wrong(q, y)[1]))
    with pytest.raises(ValueError, match="is not the finite differences"):
        cross_entropy_page.ce_vs_mse_table(target, [0.5])


def test_the_largest_mse_is_two_over_k_or_refused(monkeypatch):
    assert cross_entropy_page.largest_mse(np.eye(4)[0]) == Fraction(1, 2)
    assert cross_entropy_page.largest_mse(np.eye(10)[3]) == Fraction(1, 5)
    monkeypatch.setattr(cross_entropy_page, "mse", lambda y, q: 0.4)
    with pytest.raises(ValueError, match="not 1/2"):
        cross_entropy_page.largest_mse(np.eye(4)[0])


# booksite.pages.huber ----------------------------------------------------------------------


def test_the_huber_curves_figure_gives_the_linear_part_at_the_edge():
    grid = np.linspace(-3, 3, 13)
    by_hand = abs(grid[-1]) - 0.5  # |e| - delta/2 beyond delta = 1
    assert f"reaching {alt_num(by_hand)} at an error of {alt_num(grid[-1])}" in huber_page.curves_figure(grid)


def test_the_huber_deltas_and_constant_figures_describe_their_data():
    assert "delta = 0.5, 3" in huber_page.deltas_figure(np.linspace(-4, 4, 9), [0.5, 3.0])
    readings = np.array([20.0, 20.5, 21.0, 35.0])
    deltas = np.geomspace(0.1, 20, 5)
    estimates = np.array([20.75, 20.75, 20.8, 22.0, readings.mean()])  # the median for small delta, the mean for large
    svg = huber_page.constant_figure(readings, deltas, estimates, {1.0: 20.8})
    assert f"the median, {alt_num(np.median(readings))} °C" in svg and f"the mean, {alt_num(readings.mean())} °C" in svg
    assert f"{alt_num(20.8)} °C at delta = {alt_num(1.0)}" in svg


# booksite.pages.gradient_descent -----------------------------------------------------------


def test_tex_writes_a_fraction_only_when_its_decimal_does_not_terminate():
    assert gradient_descent_page.tex(Fraction(-2, 3)) == "-\\tfrac{2}{3}"
    assert gradient_descent_page.tex(Fraction(1, 4)) == "0.25"
    assert gradient_descent_page.fmt(Fraction(1, 3)) == "= \\tfrac{1}{3} \\approx 0.333333"
    assert gradient_descent_page.fmt(Fraction(-5, 2)) == "= -2.5"


small = st.fractions(min_value=-3, max_value=3, max_denominator=10)


@given(st.lists(st.tuples(small, small), min_size=2, max_size=5), small, small)
def test_one_gradient_step_on_the_mse_never_raises_the_loss_at_a_small_rate(points, w0, b0):
    """With |x| <= 3 the curvature is at most 20, so a rate of 1/50 is below 2 / lambda_max."""
    xs, ys = [x for x, _ in points], [y for _, y in points]
    loss0, loss1, markdown = gradient_descent_page.one_step(xs, ys, w0, b0, Fraction(1, 50))
    assert loss0 == sum((w0 * x + b0 - y) ** 2 for x, y in zip(xs, ys)) / len(xs)
    assert loss1 <= loss0
    assert 'class="lb-checked"' in markdown and markdown.count("\n| ") == len(xs) + 1


def test_one_step_on_the_pages_points_and_a_wrong_lossbook(monkeypatch):
    xs, ys = [Fraction(1), Fraction(2), Fraction(3)], [Fraction(2), Fraction("2.5"), Fraction("4.5")]
    loss0, loss1, markdown = gradient_descent_page.one_step(xs, ys, Fraction(0), Fraction(0), Fraction("0.1"))
    # dL/dw = -2/3 (2 + 5 + 13.5) = -41/3 and dL/db = -2/3 (9) = -6: w = 41/30, b = 3/5
    w1, b1 = Fraction(41, 30), Fraction(3, 5)
    assert loss1 == sum((w1 * x + b1 - y) ** 2 for x, y in zip(xs, ys)) / 3 and loss0 == Fraction(
        61, 6
    )  # (4 + 6.25 + 20.25) / 3
    assert "at $w = b = 0$" in markdown and "\\tfrac{41}{30}" in markdown
    monkeypatch.setattr(gradient_descent_page, "mse", lambda *args: 1.01 * float(loss1))
    with pytest.raises(WorkedExampleError, match="loss after one step"):
        gradient_descent_page.one_step(xs, ys, Fraction(0), Fraction(0), Fraction("0.1"))


def test_the_rates_figure_gives_every_rates_final_loss():
    steps = np.arange(20)  # a slow descent, a fast one and a divergence, as on the page
    curves = {0.1: 0.25 + 3.75 * 0.9**steps, 0.5: 0.25 + 3.75 * 0.5**steps, 1.2: 4.0 * 1.5**steps}
    svg = gradient_descent_page.rates_figure(curves, [0.1, 0.5, 1.2], 0.25, 1.0)
    ends = [alt_num(c[-1]) for c in curves.values()]
    assert f"eta 0.1: {ends[0]}; eta 0.5: {ends[1]}; eta 1.2: {ends[2]}" in svg and "over 20 steps" in svg


def two_classes():
    """Four points of two classes on either side of x1 = 0, and the gradients of their mean cross-entropy."""
    points = np.array([[-2.0, 0.0], [-1.0, 1.0], [1.0, 0.0], [2.0, -1.0]])
    labels = np.array([0, 0, 1, 1])

    def loss_and_gradients(W, b):
        z = points @ W + b
        q = np.exp(z - z.max(axis=1, keepdims=True))
        q /= q.sum(axis=1, keepdims=True)
        G = (q - np.eye(2)[labels]) / len(points)
        return -np.mean(np.log(q[np.arange(len(points)), labels])), points.T @ G, G.sum(axis=0)

    return points, labels, loss_and_gradients


def test_the_replayed_accuracies_end_at_the_trained_weights_or_refuse():
    points, labels, loss_and_gradients = two_classes()
    W, b = np.zeros((2, 2)), np.zeros(2)
    for _ in range(5):
        _, gW, gb = loss_and_gradients(W, b)
        W, b = W - 0.5 * gW, b - 0.5 * gb
    accuracies = gradient_descent_page.replayed_accuracies(
        points, labels, loss_and_gradients, steps=5, lr=0.5, trained=(W, b)
    )
    assert len(accuracies) == 6 and accuracies[0] == 0.5 and accuracies[-1] == 1.0  # all tied at first
    with pytest.raises(ValueError, match="do not end at the trained weights"):
        gradient_descent_page.replayed_accuracies(points, labels, loss_and_gradients, steps=4, lr=0.5, trained=(W, b))


def test_settled_at_is_the_first_step_after_the_last_change():
    assert gradient_descent_page.settled_at([0.5, 0.7, 0.9, 0.9]) == 2
    assert gradient_descent_page.settled_at([0.9, 0.8, 0.9]) == 2
    assert gradient_descent_page.settled_at([1.0, 1.0]) == 0


def test_the_softmax_figure_describes_the_trained_regions():
    points, labels, _ = two_classes()
    W, b = np.array([[-1.0, 1.0], [0.0, 0.0]]), np.zeros(2)  # class 1 right of x1 = 0: every point right
    svg = gradient_descent_page.softmax_figure(
        points, labels, (W, b), [0.69, 0.3], 0.3, np.array([[-1.5, 0], [1.5, 0]])
    )
    assert "4 training points" in svg and "100% of the points" in svg and "centred at (−1.5, 0), (1.5, 0)" in svg
    svg = gradient_descent_page.softmax_figure(points, labels, (-W, b), [0.69, 0.3], 0.3, np.array([[0, 0], [1, 0]]))
    assert "0% of the points" in svg


# booksite.pages (clip_caps), booksite.pages.four_libraries, booksite.pages.pitfalls -------------


def test_the_clip_caps_are_the_rules_bounds():
    caps = clip_caps(four_libraries_page.CLIP_RULES)
    by_rule = [100.0, -math.log(np.finfo(np.float64).eps), -math.log(1e-7)]  # -(-100), -ln eps, -ln 1e-7
    assert list(caps.values()) == pytest.approx(by_rule, rel=1e-12)
    listing = four_libraries_page.caps_listing()
    assert listing == ", ".join(
        f"{name}: {num(cap)} nats" for name, cap in zip(four_libraries_page.CLIP_RULES, by_rule)
    )


def test_the_clipping_table_gives_each_rules_cost_and_mean():
    y, p = np.array([1.0, 0.0, 1.0]), np.array([0.0, 0.5, 0.5])
    exact_terms, markdown = pitfalls_page.clipping_table(y, p)
    assert math.isinf(exact_terms[0]) and exact_terms[1:] == pytest.approx([math.log(2)] * 2, rel=1e-12)
    keras_mean = (-math.log(1e-7) + 2 * math.log(2)) / 3
    assert f"clipped to [1e-7, 1 − 1e-7] | {num(-math.log(1e-7))} | {num(keras_mean)} |" in markdown
    assert "| lossbook (no clipping) | inf | inf |" in markdown and "mean over the 3 examples" in markdown


@given(st.lists(st.floats(0, 50), min_size=1, max_size=6))
def test_aligned_mean_puts_the_mean_under_the_lines(losses):
    lines = [f"\\ell_{i} &= {v:.4f}" for i, v in enumerate(losses, start=1)]
    mean, tex = aligned_mean(lines, losses)
    assert mean == pytest.approx(math.fsum(losses) / len(losses), rel=1e-12, abs=1e-300)
    assert tex.startswith("$$\n\\begin{aligned}\n" + lines[0]) and tex.endswith("\n\\end{aligned}\n$$\n")
    assert tex.count(" \\\\\n") == len(losses) and f"/ {len(losses)} = {mean:.4f}\\ \\text{{nats}}" in tex


# booksite.pages.binary_cross_entropy -------------------------------------------------------


@given(st.lists(st.tuples(st.integers(0, 1), st.fractions(min_value=0, max_value=1, max_denominator=100)), min_size=1))
def test_probability_steps_keep_the_term_of_the_observed_label(examples):
    labels, probs = [y for y, _ in examples], [p for _, p in examples]
    assume(all(0 < p < 1 for p in probs))
    terms, markdown = bce_page.probability_steps(labels, probs)
    assert terms == pytest.approx([-math.log(p if y else 1 - p) for y, p in examples], rel=1e-12)
    assert markdown.count('class="lb-checked"') == 2 and f"= {sum(terms) / len(terms):.4f}\\ \\text{{nats}}" in markdown


def test_the_bce_steps_refuse_a_wrong_lossbook(monkeypatch):
    monkeypatch.setattr(bce_page, "cross_entropy", lambda p, q: np.full(len(p), 0.1))
    with pytest.raises(WorkedExampleError, match="two-class cross-entropy"):
        bce_page.probability_steps([1, 0], [Fraction(9, 10), Fraction(1, 10)])
    monkeypatch.setattr(bce_page, "binary_cross_entropy_with_logits", lambda y, z: 0.1)
    with pytest.raises(WorkedExampleError, match="spam filter from logits"):
        bce_page.logit_steps([1, 0], [2.0, -2.0])


@given(st.lists(st.tuples(st.integers(0, 1), st.floats(-30, 30)), min_size=1, max_size=6))
def test_logit_steps_equal_minus_log_of_the_sigmoid(examples):
    """-ln sigmoid(z) = ln(1 + e^-z) and -ln(1 - sigmoid(z)) = ln(1 + e^z), with no max or |z| rewrite."""
    labels, logits = [y for y, _ in examples], [z for _, z in examples]
    parts, mean, markdown = bce_page.logit_steps(labels, logits)
    by_sigmoid = [math.log1p(math.exp(-z if y else z)) for y, z in examples]
    assert parts == pytest.approx(by_sigmoid, rel=1e-12)
    assert mean == pytest.approx(sum(by_sigmoid) / len(by_sigmoid), rel=1e-12)
    assert all(f"= {loss:.4f}" in markdown for loss in parts) and 'class="lb-checked"' in markdown


def test_logit_steps_stay_finite_where_the_sigmoid_rounds_to_one():
    parts, _, markdown = bce_page.logit_steps([0, 1], [800.0, -800.0])
    assert parts == [800.0, 800.0] and "e^{-800}" in markdown


def test_tex_never_writes_minus_zero_and_writes_tiny_numbers_in_powers_of_ten():
    assert bce_page.tex(-0.0) == "0" and bce_page.tex(2.5) == "2.5" and bce_page.tex(-40.0) == "-40"
    assert "10^{-5}" in bce_page.tex(1e-5)


def test_the_edge_table_bolds_exactly_the_capped_losses():
    markdown = bce_page.edge_table(np.array([0.0, 1e-300, 1e-3]))
    capped = [f"**{cap:.4f}**" for cap in clip_caps(bce_page.EMULATIONS).values()]
    assert f"| 0 | ∞ | {' | '.join(capped)} |" in markdown
    assert f"| $10^{{-3}}$ | {' | '.join([f'{-math.log(1e-3):.4f}'] * 4)} |" in markdown
    assert f"| $10^{{-300}}$ | {300 * math.log(10):.4f} | **100.0000** |" in markdown  # PyTorch's clamp at -100
    assert "$\\varepsilon = 2^{-52}" in markdown


def test_the_bce_figures_describe_their_data():
    terms = [-math.log(0.9), -math.log(0.8)]
    svg = bce_page.curve_figure(np.linspace(0.01, 0.99, 50), [Fraction(9, 10), Fraction(1, 5)], terms)
    assert f"cross at p = 0.5 at {math.log(2):.4f} nats" in svg and f"losses {terms[0]:.4f}, {terms[1]:.4f}" in svg
    svg = bce_page.caps_figure(np.geomspace(1e-60, 1.0, 61))
    assert f"rises in a straight line to {60 * math.log(10):.1f}" in svg and "flattens at 100" in svg


@given(st.data(), st.fractions(min_value=Fraction(1, 10), max_value=5, max_denominator=10))
def test_huber_steps_take_the_branch_the_error_calls_for(data, delta):
    truth = data.draw(values)
    guess = data.draw(st.lists(fractions, min_size=len(truth), max_size=len(truth)))
    mean, markdown = huber_page.huber_steps(truth, guess, delta)
    errors = [g - t for g, t in zip(guess, truth)]
    by_hand = [e * e / 2 if abs(e) <= delta else delta * abs(e) - delta * delta / 2 for e in errors]
    assert mean == sum(by_hand) / len(errors)
    assert markdown.count("| linear |") == sum(abs(e) > delta for e in errors)
    assert markdown.startswith(f"**δ = {page.exact(delta)} °C**") and 'class="lb-checked"' in markdown


def test_the_huber_steps_refuse_a_wrong_lossbook(monkeypatch):
    monkeypatch.setattr(huber_page, "huber", lambda y, y_hat, delta: 0.5)
    with pytest.raises(WorkedExampleError, match="faulty reading, delta 1"):
        huber_page.huber_steps([Fraction(0), Fraction(0)], [Fraction(1), Fraction(3)], Fraction(1))


def test_the_pull_table_gives_each_losss_share_of_the_last_readings_pull():
    y, y_hat = np.zeros(4), np.array([0.5, -0.5, 0.25, 5.0])
    share, markdown = huber_page.pull_table(y, y_hat)
    assert share["MSE"] == pytest.approx(5.0 / 6.25, rel=1e-12)  # the squared error's pull is proportional to e
    assert share["MAE"] == pytest.approx(1 / 4, rel=1e-12)  # every reading pulls alike
    assert share["Huber, δ = 1"] == pytest.approx(1.0 / 2.25, rel=1e-12)  # the last error clipped to 1
    assert share["Huber, δ = 2"] == pytest.approx(2.0 / 3.25, rel=1e-12)
    assert "| MAE |" in markdown and "| 25 % |" in markdown and "| 80 % |" in markdown


def test_beta_times_smooth_l1_is_the_huber_loss():
    y, y_hat = np.zeros(3), np.array([0.5, -1.0, 4.0])
    markdown = huber_page.smooth_l1_table(y, y_hat, 2.0)
    smooth = [0.5**2 / (2 * 2.0), 1.0**2 / (2 * 2.0), 4.0 - 2.0 / 2]  # e**2 / (2 beta) below beta, else |e| - beta / 2
    assert f"| 1 | {num(0.5, 3)} | {num(smooth[0])} | {num(2 * smooth[0])} |" in markdown
    assert f"β times it, {num(2 * np.mean(smooth))}" in markdown and "smooth L1 (β = 2)" in markdown


# booksite.pages.kl_divergence --------------------------------------------------------------


def test_show_puts_negative_numbers_in_parentheses():
    assert kl_page.show([1.0, -0.5, 0.0]) == "1.0000 + (-0.5000) + 0.0000"


@given(st.data())
def test_the_decomposition_adds_up_and_the_divergence_is_never_negative(data):
    p = data.draw(distributions)
    q = data.draw(
        st.lists(st.integers(1, 20), min_size=len(p), max_size=len(p)).map(lambda w: [Fraction(v, sum(w)) for v in w])
    )
    # The page checks its sums against lossbook at 1e-12. When q is nearly p the terms of the divergence
    # cancel, and lossbook's documented accuracy is 1e-15 times the sum of their sizes, not 1e-12 of the
    # result: (4/9, 5/9) against (9/20, 11/20) cancels 90-fold and lossbook is off by 9e-13. The page's own
    # examples pass the check in every build; this test keeps to terms that cancel less than 100-fold.
    terms = [abs(float(a) * math.log(a / b)) for a, b in zip(p, q)]
    assume(p == q or sum(terms) < 100 * abs(sum(float(a) * math.log(a / b) for a, b in zip(p, q))))
    h, ce, kl, markdown = kl_page.decomposition_steps(p, q)
    assert h == pytest.approx(-sum(float(a) * math.log(a) for a in p), rel=1e-12)
    assert h + kl == pytest.approx(ce, rel=1e-12) and kl >= -1e-15
    assert markdown.count('class="lb-checked"') == 3 and f"= {ce:.4f}\\ \\text{{nats}}" in markdown
    rev, markdown = kl_page.reverse_steps(p, q)
    assert rev == pytest.approx(sum(float(b) * math.log(b / a) for a, b in zip(p, q)), rel=1e-12, abs=1e-15)


def test_the_kl_steps_refuse_a_wrong_lossbook(monkeypatch):
    p, q = [Fraction(7, 10), Fraction(3, 10)], [Fraction(1, 2), Fraction(1, 2)]
    monkeypatch.setattr(kl_page, "kl_divergence", lambda a, b: 0.5)
    with pytest.raises(WorkedExampleError, match="KL divergence of the model"):
        kl_page.decomposition_steps(p, q)
    with pytest.raises(WorkedExampleError, match="arguments swapped"):
        kl_page.reverse_steps(p, q)


def test_the_bernoulli_figure_gives_both_divergences_at_the_ends():
    grid = np.linspace(0.1, 0.9, 9)
    svg = kl_page.bernoulli_figure(0.3, grid)
    forward = 0.3 * math.log(0.3 / 0.9) + 0.7 * math.log(0.7 / 0.1)
    reverse = 0.9 * math.log(0.9 / 0.3) + 0.1 * math.log(0.1 / 0.7)
    assert f"divergence is {alt_num(forward)} and the swapped one {alt_num(reverse)}" in svg
    assert "Both are 0 at q = 0.3" in svg


def test_the_reduction_table_shows_each_calls_value_and_needs_the_hard_label():
    P = np.array([[0.5, 0.5], [0.9, 0.1], [1.0, 0.0]])
    Q = np.array([[0.25, 0.75], [0.5, 0.5], [0.5, 0.5]])
    markdown = kl_page.reduction_table(P, Q)
    per_row = [sum(a * math.log(a / b) for a, b in zip(p, q) if a > 0) for p, q in zip(P, Q)]
    assert (
        f"| {np.mean(per_row):.4f} | mean of" in markdown and f"| {np.mean(per_row) / 2:.4f} | divided by" in markdown
    )
    assert "| ∞ | swapped" in markdown and ", ".join(f"{v:.4f}" for v in per_row) in markdown
    with pytest.raises(ValueError, match="hard label"):
        kl_page.reduction_table(P[[2, 0, 1]], Q[[2, 0, 1]])


# booksite.pages.label_smoothing ------------------------------------------------------------

epsilons = st.fractions(min_value=Fraction(1, 100), max_value=Fraction(1, 2), max_denominator=100)


@given(epsilons, st.integers(2, 8), st.data())
def test_the_two_smoothings_are_one_family(eps, k, data):
    label = data.draw(st.integers(0, k - 1))
    others = label_smoothing_page.smoothed_target_others(eps, k, label)
    assert sum(others) == 1 and others[label] == 1 - eps
    same = label_smoothing_page.smoothed_target_others(eps * (k - 1) / k, k, label)
    assert same == label_smoothing_page.smoothed_target(eps, k, label)


def test_the_targets_table_shows_both_targets_and_the_conversion():
    markdown = label_smoothing_page.targets_table(["a", "b"], 0, Fraction(1, 5))
    assert "| one-hot $y$ | 1 | 0 | 1 |" in markdown
    assert (
        "(PyTorch, Keras) | 0.9 | 0.1 | 1 |" in markdown
        and "$\\varepsilon / (K - 1)$ (Goodfellow et al., §7.5.1) | 0.8 | 0.2 | 1 |" in markdown
    )
    assert "the a keeps 0.9 in the first and 0.8 in the second" in markdown and "= 0.1$ gives exactly" in markdown


def test_the_smoothed_loss_steps_are_the_cross_entropy_against_the_smoothed_target(monkeypatch):
    z, eps = [1.5, 3.0, 0.5, -1.0], Fraction(1, 10)
    markdown = label_smoothing_page.smoothed_loss_steps(["cat", "dog", "fox", "owl"], 1, eps, z)
    log_q = np.array(z) - math.log(sum(math.exp(v) for v in z))
    target = [0.025, 0.925, 0.025, 0.025]
    loss = -sum(t * lq for t, lq in zip(target, log_q))
    assert f"= {loss:.4f}\\ \\text{{nats}}" in markdown and markdown.count('class="lb-checked"') == 2
    assert (
        f"cost {-log_q[1]:.4f} nats" in markdown
        and f"addition, {-0.025 * log_q[3]:.4f} nats, comes from the owl" in markdown
    )
    monkeypatch.setattr(label_smoothing_page, "softmax_cross_entropy", lambda *args, **kwargs: 1.01 * loss)
    with pytest.raises(WorkedExampleError, match="with label smoothing"):
        label_smoothing_page.smoothed_loss_steps(["cat", "dog", "fox", "owl"], 1, eps, z)


def test_golden_minimum_finds_the_bottom_of_a_parabola():
    assert label_smoothing_page.golden_minimum(lambda x: (x - 3.25) ** 2, 0.0, 10.0) == pytest.approx(3.25, abs=1e-8)


@given(epsilons, st.integers(2, 6))
def test_the_optimal_gap_is_the_log_ratio_of_the_smoothed_target(eps, k):
    (gap, h), markdown = label_smoothing_page.optimum_steps(k, 0, eps)
    top, rest = 1 - eps + eps / k, eps / k
    assert gap == pytest.approx(math.log(top / rest), rel=1e-12)
    assert h == pytest.approx(-(top * math.log(top) + (k - 1) * rest * math.log(rest)), rel=1e-12)
    assert markdown.count('class="lb-checked"') == 2 and "the gradient is " in markdown


def test_the_gap_figure_names_each_minimum():
    optimum = {Fraction(1, 10): (3.6, 0.39), Fraction(2, 10): (2.9, 0.64)}
    svg = label_smoothing_page.gap_figure(4, 1, optimum)
    assert "for epsilon = 0.1 the minimum is at a gap of 3.6 with a loss of 0.39 nats" in svg
    assert "and has no minimum" in svg


# booksite.pages.logits ---------------------------------------------------------------------


def softmax_by_hand(z):
    e = [math.exp(v - max(z)) for v in z]
    return [v / math.fsum(e) for v in e]


def test_row_joins_numbers_for_tex():
    assert logits_page.row([1.0, -2.5], 1) == "1.0,\\ -2.5" and logits_page.row([0.123456]) == "0.1235"


@given(st.lists(st.floats(-3, 3), min_size=2, max_size=5), st.sampled_from([0.0, 1000.0, -700.0]))
def test_the_lse_steps_give_the_softmax_whatever_the_shift(z, shift):
    """Logits within 6 of each other: the steps take log(sum), not log1p, so a log-probability very close
    to 0 (one logit far above the rest) would be off by more than the check's 1e-12 relative."""
    markdown = logits_page.lse_steps(z, shift)
    big = [v + shift for v in z]
    lse = max(big) + math.log(math.fsum(math.exp(v - max(big)) for v in big))
    assert f"\\operatorname{{LSE}}(z) &= {max(big):g} + " in markdown and f"= {lse:.4f} \\\\" in markdown
    assert f"= ({logits_page.row(softmax_by_hand(z))})" in markdown and markdown.count('class="lb-checked"') == 2


def test_the_lse_steps_refuse_a_shift_that_swallows_the_logits():
    with pytest.raises(ValueError, match="not that of the logits"):
        logits_page.lse_steps([1.5, 3.0, 0.5], 1e17)  # 1e17 + 1.5 == 1e17 + 3.0 in float64


def test_the_batch_steps_are_minus_the_log_softmax_of_the_true_class(monkeypatch):
    batch, labels = [[1.5, 3.0, 0.5], [2.0, 0.5, 1.0]], [1, 2]
    losses, markdown = logits_page.batch_steps(["a", "b", "c"], batch, labels)
    by_hand = [-math.log(softmax_by_hand(z)[c]) for z, c in zip(batch, labels)]
    assert losses == pytest.approx(by_hand, rel=1e-12)
    assert f"= {np.mean(by_hand):.4f}\\ \\text{{nats}}" in markdown and "z_{\\text{c}}" in markdown
    monkeypatch.setattr(logits_page, "softmax_cross_entropy", lambda y, z: 1.01 * np.mean(by_hand))
    with pytest.raises(WorkedExampleError, match="2 photographs"):
        logits_page.batch_steps(["a", "b", "c"], batch, labels)


def test_the_logits_figures_describe_their_data():
    z = [1.0, 2.0, 0.0, -1.0]
    svg = logits_page.temperature_figure(["a", "b", "c", "d"], z)
    assert f"At T = {alt_num(0.1)} the b takes {alt_num(softmax_by_hand([v / 0.1 for v in z])[1])}" in svg
    assert f"the probabilities are {', '.join(alt_num(v) for v in softmax_by_hand(z))}" in svg
    loss = -math.log(softmax_by_hand(z)[1])
    svg = logits_page.loss_figure(["a", "b", "c", "d"], z, 1, loss)
    assert f"The b photograph sits at 2 with a loss of {alt_num(loss)} nats" in svg and "fixed at 1, 0, −1" in svg
