"""Unit tests of the page modules' gradient sections and the pages on backpropagation and imbalanced data.

Each worked example's check is proven wired: the lossbook function it checks, replaced inside the
page module by one 1% off, makes it raise WorkedExampleError.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from booksite.page import WorkedExampleError, alt_num, num
from booksite.pages import backpropagation, binary_cross_entropy, cross_entropy, entropy, huber, kl_divergence, logits
from booksite.pages import imbalanced_and_padded as imbalanced
from booksite.pages import mae as mae_page
from booksite.pages import mse as mse_page
from lossbook import log_softmax, mse_grad, softmax_cross_entropy, softmax_cross_entropy_grad

F = Fraction
DOG_TRUTH, DOG_BEFORE = [F("40.5"), F("21.3")], [F("39.2"), F("19.7")]
READINGS = [F(v) for v in ("20.0", "21.5", "19.0", "22.0", "18.5", "20.5", "29.0")]
GUESSES = [F(v) for v in ("20.4", "21.0", "19.3", "22.6", "20.0", "20.1", "21.0")]
CLASSES = ["cat", "dog", "horse", "rabbit"]
ONE_HOT_DOG = [F(0), F(1), F(0), F(0)]
Q_BY_STAGE = {
    "before training": [F("0.3"), F("0.2"), F("0.3"), F("0.2")],
    "after training": [F("0.05"), F("0.8"), F("0.1"), F("0.05")],
}
X_ROWS = [[F("1.0"), F("2.0")], [F("0.5"), F("-1.0")], [F("-1.5"), F("0.5")], [F("2.0"), F("1.0")]]
W_ROWS = [[F("0.2"), F("-0.1"), F("0.4")], [F("0.3"), F("0.5"), F("-0.2")]]
B_ROW, LABELS = [F("0.1"), F("0.0"), F("-0.1")], [2, 1, 0, 2]
TARGETS = np.array([[1, 2, 3, 0, 4], [1, 2, 5, -100, -100]])
TOKEN_LOGITS = np.random.default_rng(11).normal(0.0, 1.5, size=(2, 5, 6))
LABEL_MAP = np.array([[0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0], [1, 1, 1, 2, 2, 1], [1, 1, 1, 1, 1, 1]])
PIXEL_LOGITS = np.random.default_rng(4).normal(0.0, 1.0, size=(4, 6, 3)) + [1.5, 0.0, 0.0]
WEIGHTS = LABEL_MAP.size / (3 * np.bincount(LABEL_MAP.ravel()))

# (page module, the lossbook name it checks, a call of the worked example)
WORKED = [
    (mse_page, "mse_grad", lambda: mse_page.gradient_steps(["height", "weight"], DOG_TRUTH, DOG_BEFORE)),
    (mse_page, "rmse_grad", lambda: mse_page.rmse_gradient_steps(DOG_TRUTH, DOG_BEFORE, F("2.125"))),
    (mae_page, "mae_grad", lambda: mae_page.gradient_steps(READINGS, GUESSES)),
    (mae_page, "mse_grad", lambda: mae_page.gradient_steps(READINGS, GUESSES)),
    (huber, "huber_grad", lambda: huber.gradient_steps(READINGS, GUESSES, F(1))),
    (cross_entropy, "cross_entropy_grad", lambda: cross_entropy.gradient_steps(CLASSES, ONE_HOT_DOG, Q_BY_STAGE)),
    (entropy, "entropy_grad", lambda: entropy.gradient_steps([F(9, 10), F(1, 10)])),
    (
        kl_divergence,
        "kl_divergence_grad",
        lambda: kl_divergence.gradient_steps(
            CLASSES[:3], [F(7, 10), F(2, 10), F(1, 10)], [F(5, 10), F(3, 10), F(2, 10)]
        ),
    ),
    (
        kl_divergence,
        "cross_entropy_grad",
        lambda: kl_divergence.gradient_steps(
            CLASSES[:3], [F(7, 10), F(2, 10), F(1, 10)], [F(5, 10), F(3, 10), F(2, 10)]
        ),
    ),
    (logits, "softmax_cross_entropy_grad", lambda: logits.gradient_steps([1.5, 3.0, 0.5, -1.0], 1)),
    (
        binary_cross_entropy,
        "binary_cross_entropy_grad",
        lambda: binary_cross_entropy.gradient_steps(["a", "b"], [1, 0], [F("0.9"), F("0.2")]),
    ),
    (
        binary_cross_entropy,
        "binary_cross_entropy_with_logits_grad",
        lambda: binary_cross_entropy.gradient_steps(["a", "b"], [1, 0], [F("0.9"), F("0.2")]),
    ),
    (backpropagation, "softmax_cross_entropy", lambda: backpropagation.chain_steps(X_ROWS, LABELS, W_ROWS, B_ROW)),
    (backpropagation, "softmax_cross_entropy_grad", lambda: backpropagation.chain_steps(X_ROWS, LABELS, W_ROWS, B_ROW)),
    (imbalanced, "binary_cross_entropy_with_logits", lambda: imbalanced.pos_weight_steps(19.0, 0.5)),
    (imbalanced, "nll", lambda: imbalanced.padded_steps(TARGETS, TOKEN_LOGITS, list("abcdef"), -100)),
    (imbalanced, "softmax_cross_entropy", lambda: imbalanced.segmentation_steps(LABEL_MAP, PIXEL_LOGITS, WEIGHTS, 2)),
    (backpropagation, "softmax_cross_entropy", lambda: backpropagation.exercise_zero_start(X_ROWS, LABELS, 3)),
    (backpropagation, "softmax_cross_entropy_grad", lambda: backpropagation.exercise_zero_start(X_ROWS, LABELS, 3)),
    (
        backpropagation,
        "softmax_cross_entropy_grad",
        lambda: backpropagation.exercise_input_gradient(X_ROWS, LABELS, W_ROWS, B_ROW, 0),
    ),
    (
        backpropagation,
        "softmax_cross_entropy_grad",
        lambda: backpropagation.exercise_sum_reduction(
            *backpropagation.chain_steps(X_ROWS, LABELS, W_ROWS, B_ROW)[:2], X_ROWS, LABELS, W_ROWS, B_ROW, 0.5
        ),
    ),
    (imbalanced, "binary_cross_entropy_with_logits", lambda: imbalanced.exercise_pos_weight_balance(1, 4)),
    (imbalanced, "binary_cross_entropy_with_logits_grad", lambda: imbalanced.exercise_pos_weight_balance(1, 4)),
    (imbalanced, "softmax_cross_entropy", lambda: imbalanced.exercise_class_weights(3, [0, 1], [1, 3])),
    (imbalanced, "softmax_cross_entropy", lambda: imbalanced.exercise_uniform_model(TARGETS, 6, -100)),
    (imbalanced, "nll", lambda: imbalanced.exercise_uniform_model(TARGETS, 6, -100)),
]


@pytest.mark.parametrize(
    "module, name, call", WORKED, ids=[f"{m.__name__.rsplit('.', 1)[1]}-{n}" for m, n, _ in WORKED]
)
def test_each_worked_gradient_is_checked_and_a_wrong_lossbook_fails_it(monkeypatch, module, name, call):
    out = call()
    assert 'data-lb-check="lossbook.' in str(out) and f'.{name}"' in (out if isinstance(out, str) else out[-1])
    exact = getattr(module, name)
    monkeypatch.setattr(module, name, lambda *args, **kwargs: np.multiply(exact(*args, **kwargs), 1.01))
    with pytest.raises(WorkedExampleError, match=f"disagrees with lossbook\\.[a-z]+\\.{name} ="):
        call()


def test_the_mse_gradient_by_hand_is_two_errors_over_n():
    grads, markdown = mse_page.gradient_steps(["height", "weight"], DOG_TRUTH, DOG_BEFORE)
    assert grads == [F(2, 2) * (g - t) for g, t in zip(DOG_BEFORE, DOG_TRUTH)] == [F("-1.3"), F("-1.6")]
    assert "pulled 1.23 times as hard" in markdown
    with pytest.raises(AssertionError):  # the sentence says both predictions are too low
        mse_page.gradient_steps(["height", "weight"], DOG_TRUTH, [F("41"), F("19.7")])


def test_the_rmse_gradient_has_length_one_over_root_n_whatever_the_errors():
    for guess in (DOG_BEFORE, [F("50"), F("1")]):
        mse_value = sum((g - t) ** 2 for g, t in zip(guess, DOG_TRUTH)) / 2
        assert f"length {1 / math.sqrt(2):.4f}" in mse_page.rmse_gradient_steps(DOG_TRUTH, guess, mse_value)


def test_gradient_figures_describe_the_plotted_data():
    y, y_hat = np.array([2.0, 3.0, 5.0]), np.array([2.5, 3.0, 9.0])
    svg = mse_page.gradient_figure(y, y_hat)
    assert "<svg" in svg and f"has a slope of {alt_num(mse_grad(y, y_hat, reduction='none')[-1], 2)}" in svg
    assert (
        f"2 predictions with errors {alt_num(0.5, 2)}, {alt_num(0.0, 2)} "
        f"have slopes of at most {alt_num(1.0, 2)} in size" in svg
    )
    assert f"sit on the step at {alt_num(-1.0)} or {alt_num(1.0)}." in mae_page.gradient_figure(
        np.array([-10.0, 2.0, -1.0])
    )
    svg = huber.gradient_figure(np.array(READINGS, dtype=float), np.array(GUESSES, dtype=float))
    assert "The 7 readings" in svg and f"sits on the flat part at {alt_num(-1.0, 2)}." in svg
    svg = logits.gradient_figure(np.linspace(-6, 8, 281))
    grads = softmax_cross_entropy_grad(np.zeros(2, dtype=int), [[-6.0, 0, 0], [8.0, 0, 0]], reduction="none")
    assert f"rises from {alt_num(grads[0, 0], 3)} to {alt_num(grads[1, 0], 3)}" in svg
    assert (
        f"at logits {alt_num(math.log(9), 3)}, {alt_num(math.log(0.25), 3)}, sit on their curves"
        in binary_cross_entropy.gradient_figure([1, 0], [F("0.9"), F("0.2")])
    )


def plotted_lines(monkeypatch, module, call):
    """The figure ``call`` draws, kept from ``module.figure``: (its lines' (x, y) by label, the alt text)."""
    kept = {}

    def keep(fig, alt, caption=None, **kwargs):
        kept["fig"], kept["alt"] = fig, alt
        return real(fig, alt, caption, **kwargs)

    real = module.figure
    monkeypatch.setattr(module, "figure", keep)
    call()
    lines = [(line.get_label(), line.get_xdata(), line.get_ydata()) for line in kept["fig"].axes[0].get_lines()]
    return lines, kept["alt"]


def test_the_cross_entropy_gradient_figure_plots_minus_one_over_q_true(monkeypatch):
    lines, alt = plotted_lines(
        monkeypatch, cross_entropy, lambda: cross_entropy.gradient_figure(CLASSES, ONE_HOT_DOG, Q_BY_STAGE)
    )
    (_, q_dog, slope), (rest_label, _, zeros) = lines
    np.testing.assert_allclose(slope, -1 / q_dog, rtol=1e-15)  # -p_dog / q_dog with p_dog = 1
    assert q_dog[0] == pytest.approx(1e-3) and q_dog[-1] == 1.0 and np.all(zeros == 0)
    assert rest_label.startswith("cat, horse and rabbit: 0")
    assert f"on its way to {alt_num(-1000.0)} at q_dog = {alt_num(0.001)}" in alt
    assert f"before training, q_dog = {alt_num(0.2)} and a gradient of {alt_num(-5.0)}" in alt
    assert f"after training, q_dog = {alt_num(0.8)} and a gradient of {alt_num(-1.25)}" in alt


def test_the_kl_gradient_figure_draws_the_cross_entropys_gradient_on_it(monkeypatch):
    p, q = [F(7, 10), F(2, 10), F(1, 10)], [F(5, 10), F(3, 10), F(2, 10)]
    lines, alt = plotted_lines(monkeypatch, kl_divergence, lambda: kl_divergence.gradient_figure(CLASSES[:3], p, q))
    assert len(lines) == 2 * 3
    for k, ((label, x, kl), (_, x_ce, ce)) in enumerate(zip(lines[::2], lines[1::2])):
        assert f"{CLASSES[k]} ($p_k$ = {float(p[k]):g})" in label
        np.testing.assert_allclose(kl, -float(p[k]) / x, rtol=1e-15)  # -p_k / q_k
        np.testing.assert_allclose(ce, -float(p[k]) / x_ce, rtol=1e-15)
        assert set(x_ce) <= set(x)  # the circles sit on the curve's own points
    assert f"at q_k = {alt_num(0.99)}: {', '.join(alt_num(-float(v) / 0.99) for v in p)})" in alt
    marked = (f"{c} at q = {alt_num(float(v))}, gradient {alt_num(-float(a / v))}" for c, a, v in zip(CLASSES, p, q))
    assert "; ".join(marked) in alt


def test_the_mae_sign_is_that_of_pytorch():
    assert [mae_page.sign(F(v)) for v in (-3, 0, F(1, 7))] == [-1, 0, 1]


def test_the_huber_gradient_sentence_needs_the_faulty_reading_clipped():
    assert "is clipped to -1: it pulls with 0.142857" in huber.gradient_steps(READINGS, GUESSES, F(1)).replace("≈ ", "")
    with pytest.raises(AssertionError):
        huber.gradient_steps(READINGS, GUESSES, F(10))


def test_the_logits_of_the_probabilities_give_them_back():
    probs = [F("0.9"), F("0.1"), F("0.65")]
    z = binary_cross_entropy.logits_of(probs)
    np.testing.assert_allclose(1 / (1 + np.exp(-z)), [float(p) for p in probs], rtol=1e-15)


def test_the_chain_rule_gradients_equal_autograd_style_products():
    dw, db, markdown = backpropagation.chain_steps(X_ROWS, LABELS, W_ROWS, B_ROW)
    X, W, b = (np.array(m, dtype=float) for m in (X_ROWS, W_ROWS, B_ROW))
    G = softmax_cross_entropy_grad(LABELS, X @ W + b)
    np.testing.assert_allclose(dw, X.T @ G, rtol=1e-12)
    np.testing.assert_allclose(db, G.sum(axis=0), rtol=1e-12)
    assert markdown.count('class="lb-checked"') == 2
    layer = backpropagation.layer_gradients(dw, db, X, W, b, np.array(LABELS))
    assert layer.count('class="lb-checked"') == 3 and 'data-lb-rtol="1e-07"' in layer
    with pytest.raises(WorkedExampleError):  # a wrong hand-computed weight gradient fails the chain rule check
        backpropagation.layer_gradients([[2 * v for v in row] for row in dw], db, X, W, b, np.array(LABELS))


def test_the_data_tables_show_every_example_and_weight():
    md = backpropagation.data_tables(X_ROWS, LABELS, W_ROWS, B_ROW)
    assert md.count("\n| ") >= len(X_ROWS) + len(W_ROWS) + 1 and "(2 × 3)" in md


def test_a_token_loss_is_minus_the_log_softmax():
    z = [0.5, -1.0, 2.0]
    assert imbalanced.token_loss(z, 1) == pytest.approx(-log_softmax(np.array(z))[1], rel=1e-15)
    assert imbalanced.softplus(0.5) == pytest.approx(-math.log(1 / (1 + math.exp(-0.5))), rel=1e-15)


def test_padding_counts_no_token_and_is_no_mistake_when_ignored():
    n_tokens, markdown = imbalanced.padded_steps(TARGETS, TOKEN_LOGITS, list("abcdef"), -100)
    assert n_tokens == 8 and markdown.count("(padding)") == 2
    text = imbalanced.padding_mistakes(TARGETS, TOKEN_LOGITS, list("abcdef"), -100, n_tokens)
    ours = softmax_cross_entropy(TARGETS, TOKEN_LOGITS, ignore_index=-100)
    assert f"instead of {num(ours)}" in text and "by the factor 8/10" in text


def test_class_weights_make_the_classes_weigh_equally():
    weights, markdown = imbalanced.class_weights(LABEL_MAP, ["background", "road", "car"])
    counts = np.bincount(LABEL_MAP.ravel())
    np.testing.assert_allclose(weights * counts, LABEL_MAP.size / 3, rtol=1e-15)
    assert "| car | 2 |" in markdown


def test_the_segmentation_text_and_figure_come_from_the_map():
    text = imbalanced.segmentation_steps(LABEL_MAP, PIXEL_LOGITS, WEIGHTS, 2)
    assert "The 2 car pixels are 8% of the map" in text
    svg = imbalanced.segmentation_figure(LABEL_MAP, PIXEL_LOGITS, WEIGHTS, ["background", "road", "car"], 2)
    per_pixel = softmax_cross_entropy(LABEL_MAP, PIXEL_LOGITS, reduction="none")
    assert f"pixels&#x27; losses are {' and '.join(alt_num(v, 3) for v in per_pixel[LABEL_MAP == 2])}" in svg


def test_the_pos_weight_effect_sentence_needs_recall_to_rise():
    x = np.array([-1.0, 0.0, 1.0, 2.0, 3.0])
    y = np.array([0.0, 0.0, 0.0, 1.0, 1.0])
    models = {"plain": (1.0, -2.5), "pos_weight": (1.0, -1.5)}
    assert "finds 100% of the positives instead of 50%" in imbalanced.imbalance_effect(x, y, models)
    with pytest.raises(AssertionError):
        imbalanced.imbalance_effect(x, y, {"plain": models["pos_weight"], "pos_weight": models["plain"]})


# Exercises ---------------------------------------------------------------------------------------


def test_the_zero_start_bias_gradient_counts_the_labels():
    assert backpropagation.signed_fraction(F(-1, 6)) == "-\\frac{1}{6}"
    assert backpropagation.signed_fraction(F(1, 4)) == "0.25"
    for labels in (LABELS, [0, 0, 0, 1]):
        markdown = backpropagation.exercise_zero_start(X_ROWS, labels, 3)
        shares = [F(1, 3) - F(labels.count(k), len(labels)) for k in range(3)]
        assert "\\begin{pmatrix}" + " & ".join(backpropagation.signed_fraction(v) for v in shares) in markdown


def test_the_input_gradient_agrees_with_central_differences():
    markdown = backpropagation.exercise_input_gradient(X_ROWS, LABELS, W_ROWS, B_ROW, 1)
    X, W, b = (np.array(m, dtype=float) for m in (X_ROWS, W_ROWS, B_ROW))
    h, numeric = 1e-6, []
    for j in range(X.shape[1]):
        step = np.zeros_like(X)
        step[1, j] = h
        up, down = (softmax_cross_entropy(LABELS, (X + s) @ W + b) for s in (step, -step))
        numeric.append((up - down) / (2 * h))
        assert f"= {num(numeric[-1])}" in markdown
    np.testing.assert_allclose(numeric, (softmax_cross_entropy_grad(LABELS, X @ W + b) @ W.T)[1], rtol=1e-7)


def test_the_summed_gradient_step_needs_a_rate_n_times_smaller():
    dw, db, _ = backpropagation.chain_steps(X_ROWS, LABELS, W_ROWS, B_ROW)
    assert "$0.5 / 4 = 0.125$" in backpropagation.exercise_sum_reduction(dw, db, X_ROWS, LABELS, W_ROWS, B_ROW, 0.5)
    with pytest.raises(WorkedExampleError):  # a wrong hand-computed gradient fails
        backpropagation.exercise_sum_reduction([[2 * v for v in r] for r in dw], db, X_ROWS, LABELS, W_ROWS, B_ROW, 1)


def test_pos_weight_the_ratio_of_negatives_to_positives_balances_the_first_pull():
    for n_pos, n_neg in ((1, 4), (2, 6)):
        g = imbalanced.binary_cross_entropy_with_logits_grad(
            [1.0] * n_pos + [0.0] * n_neg, np.zeros(n_pos + n_neg), pos_weight=[n_neg / n_pos]
        )
        assert g.sum() == pytest.approx(0.0, abs=1e-15)
        assert "= 0$: the two classes pull equally" in imbalanced.exercise_pos_weight_balance(n_pos, n_neg)
    assert "Without `pos_weight` the sum is 0.3," in imbalanced.exercise_pos_weight_balance(1, 4)


def test_the_weighted_mean_lies_between_the_losses_and_leans_to_the_heavier_class():
    text = imbalanced.exercise_class_weights(3, [0, 1], [1, 3])
    losses = [-math.log(0.75), -math.log(0.25)]
    weighted = (losses[0] + 3 * losses[1]) / 4
    assert losses[0] < np.mean(losses) < weighted < losses[1]
    assert f": {num(weighted)} nats, against {num(np.mean(losses))} unweighted" in text


def test_a_uniform_model_has_the_vocabulary_size_as_perplexity():
    text = imbalanced.exercise_uniform_model(TARGETS, 6, -100)
    assert "the perplexity is $e^{\\ln 6} = 6$" in text
    assert f"the perplexity {num(6 ** (8 / 10))}, as if" in text  # 8 real tokens of 10 positions
