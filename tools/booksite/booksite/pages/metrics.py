"""The losses-versus-metrics chapter (docs/chapters/metrics.md): accuracy, R², Brier score, calibration.

The metrics themselves are the code the page shows the reader (``snippets/metrics.py``, run in the
page's session); the functions here take them as arguments (``accuracy=accuracy``...) and check
every step-by-step value against them with ``check_code``, and every loss against lossbook.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import matplotlib.pyplot as plt
import numpy as np

from booksite.page import alt_num, check, check_code, exact, figure, num, table
from lossbook import binary_cross_entropy, binary_cross_entropy_with_logits, mse

DOT, LOG = " \\cdot ", "\\log "  # TeX for a product sign and a logarithm
BCE = "lossbook.classification.binary_cross_entropy"
Metric = Callable[..., float]


def tex_equals(value: Fraction) -> str:
    """'= 0.25' for a terminating decimal, '\\approx 0.136667' otherwise."""
    shown = exact(value)
    return shown.replace("≈", "\\approx") if shown.startswith("≈") else f"= {shown}"


def p_of_one(labels, p_true) -> np.ndarray:
    """The probability of label 1, from the probability of each example's true label."""
    return np.array([float(p) if y == 1 else float(1 - p) for y, p in zip(labels, p_true)])


def flat_figure(x, y, *, accuracy: Metric) -> str:
    """Accuracy and cross-entropy of p = sigmoid(2(x + b)) against the bias b: a staircase and a valley."""
    biases = np.linspace(-3, 3, 601)
    acc_curve = np.array([accuracy(y, (x + b > 0).astype(int)) for b in biases])
    ce_curve = np.array([binary_cross_entropy_with_logits(y, 2 * (x + b)) for b in biases])
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.6, 3.2))
    left.plot(biases, acc_curve, drawstyle="steps-mid")
    left.set_xlabel("bias $b$")
    left.set_ylabel("accuracy")
    right.plot(biases, ce_curve, color="C1")
    right.set_xlabel("bias $b$")
    right.set_ylabel("cross-entropy (nats)")
    fig.tight_layout()
    levels = sorted(set(np.round(acc_curve, 12)))
    return figure(
        fig,
        alt=(
            f"Accuracy (left) and cross-entropy (right) of the classifier p = sigmoid(2(x + b)) on {x.size} points, "
            f"against the bias b from {alt_num(biases[0])} to {alt_num(biases[-1])}. The accuracy "
            "is a staircase taking only "
            f"the values {', '.join(alt_num(v, 3) for v in levels)}; the cross-entropy is a smooth "
            "valley with its lowest "
            f"value, {alt_num(ce_curve.min())} nats, at b = {alt_num(biases[np.argmin(ce_curve)], 3)}."
        ),
        derived=[x.size],  # the number of points
        caption="Accuracy is flat between jumps; the cross-entropy has a slope everywhere.",
    )


def same_accuracy(labels, stages: dict[str, list[Fraction]], *, accuracy: Metric) -> str:
    """Accuracy and cross-entropy at each stage, checked; the accuracy must stay while the loss falls."""
    results, out = {}, []
    for stage, p_true in stages.items():
        right_answers = sum(p > Fraction(1, 2) for p in p_true)
        acc = Fraction(right_answers, len(p_true))
        ce = sum(-math.log(p) for p in p_true) / len(p_true)
        p_one = p_of_one(labels, p_true)
        results[stage] = (acc, ce)
        logs = " + ".join(LOG + exact(p) for p in p_true)
        out.append(
            f"- **{stage.capitalize()}**: probabilities of the true label {', '.join(exact(p) for p in p_true)}; "
            f"accuracy $= {right_answers}/{len(p_true)} = {exact(acc)}$; cross-entropy "
            f"$= -\\tfrac{{1}}{{{len(p_true)}}}({logs}) = {num(ce)}$ nats."
        )
        line_ce = check(f"cross-entropy {stage}", ce, binary_cross_entropy(labels, p_one), function=BCE)
        line_acc = check_code(f"accuracy {stage}", acc, accuracy(labels, (p_one > 0.5).astype(int)), code="accuracy")
    (acc_0, ce_0), (acc_1, ce_1) = results.values()
    if acc_0 != acc_1 or not ce_1 < ce_0:
        raise AssertionError(f"expected the same accuracy and a lower loss, got {results}")
    return (
        "\n".join(out)
        + f"\n\n{line_ce}\n{line_acc}\n\nThe accuracy is {exact(acc_1)} both times, but the loss fell from "
        f"{num(ce_0)} to {num(ce_1)} nats: the model became surer of its right answers and less sure of its wrong "
        "one, which no count of right answers can show."
    )


def same_loss(labels, models: dict[str, list[Fraction]], *, accuracy: Metric) -> str:
    """Two models with the same likelihood (so the same loss) and different accuracies, checked."""
    rows = []
    for name, p_true in models.items():
        likelihood = math.prod(p_true)
        acc = Fraction(sum(p > Fraction(1, 2) for p in p_true), len(p_true))
        ce = -math.log(likelihood) / len(p_true)
        p_one = p_of_one(labels, p_true)
        product = f"${DOT.join(exact(p) for p in p_true)} = {exact(likelihood)}$"
        rows.append([name, ", ".join(exact(p) for p in p_true), product, num(ce), exact(acc)])
        line_ce = check(f"cross-entropy of model {name}", ce, binary_cross_entropy(labels, p_one), function=BCE)
        line_acc = check_code(
            f"accuracy of model {name}", acc, accuracy(labels, (p_one > 0.5).astype(int)), code="accuracy"
        )
    likelihoods = {math.prod(p_true) for p_true in models.values()}
    if len(likelihoods) != 1:
        raise AssertionError(f"the models' likelihoods differ: {likelihoods}")
    (first, a), (second, b) = ((name, p) for name, p in models.items())
    header = ["model", "probability of the true label", "likelihood", "cross-entropy (nats)", "accuracy"]
    return (
        table(header, rows, align="llrrr")
        + f"\n\n{line_ce}\n{line_acc}\n\n"
        + f"Both models give the labels the same likelihood, {exact(likelihoods.pop())}, so their cross-entropies "
        f"are equal, yet {first} gets {sum(p > Fraction(1, 2) for p in a)} right and {second} "
        f"{sum(p > Fraction(1, 2) for p in b)}. Which is better depends on the use: {second} is wrong more often but "
        "near-certain when right."
    )


def r2_steps(
    label: str, truth: list[Fraction], guess: list[Fraction], *, r2_score: Metric
) -> tuple[Fraction, str, list[str]]:
    """R² step by step with exact fractions, its parts checked: (R², the Markdown line, the checked lines)."""
    n_r = len(truth)
    mean_t = sum(truth) / n_r
    model_mse = sum((g - t) ** 2 for t, g in zip(truth, guess)) / n_r
    mean_mse = sum((mean_t - t) ** 2 for t in truth) / n_r
    r2 = 1 - model_mse / mean_mse
    text = (
        f"- **{label}**: $y = ({', '.join(exact(t) for t in truth)})$, "
        f"$\\hat y = ({', '.join(exact(g) for g in guess)})$, $\\bar y = {exact(mean_t)}$; "
        f"$\\operatorname{{MSE}}(y, \\hat y) = {exact(model_mse)}$, "
        f"$\\operatorname{{MSE}}(y, \\bar y) = {exact(mean_mse)}$; "
        f"$R^2 = 1 - {exact(model_mse)}/{exact(mean_mse)} = {exact(r2)}$."
    )
    t_arr, g_arr = np.array(truth, dtype=float), np.array(guess, dtype=float)
    lines = [
        check(
            f"{label}: MSE",
            [model_mse, mean_mse],
            [mse(t_arr, g_arr), mse(t_arr, np.full(n_r, float(mean_t)))],
            function="lossbook.regression.mse",
        ),
        check_code(f"{label}: R²", r2, r2_score(t_arr, g_arr), code="r2_score"),
    ]
    return r2, text, lines


def r2_same_errors(
    wide: list[Fraction], guess_wide: list[Fraction], narrow: list[Fraction], *, r2_score: Metric
) -> str:
    """The same errors on spread-out and on close targets: one MSE, two R²."""
    guess_narrow = [t + (g - w) for t, g, w in zip(narrow, guess_wide, wide)]  # the same errors
    r2_wide, text_wide, _ = r2_steps("spread-out targets", wide, guess_wide, r2_score=r2_score)
    r2_narrow, text_narrow, lines = r2_steps("close targets, same errors", narrow, guess_narrow, r2_score=r2_score)
    return (
        f"{text_wide}\n{text_narrow}\n\n"
        + "\n".join(lines)
        + f"\n\nBoth models make the same errors, so they have the same MSE, but R² is {exact(r2_wide)} for one and "
        f"{exact(r2_narrow)} for the other: R² divides by the spread of the targets. On one data set, a lower MSE "
        "always means a higher R² (the divisor is fixed), so the two rank models identically; across data sets R² is "
        "not comparable, and the MSE, in the squared unit of the data, is not comparable either unless the units match."
    )


def brier_steps(outcomes: list[int], p: list[Fraction], *, brier_score: Metric) -> str:
    """The Brier score term by term, checked against lossbook.mse and the page's code; the worst term's log loss."""
    squares = [(q - o) ** 2 for q, o in zip(p, outcomes)]
    brier = sum(squares) / len(squares)
    bce_terms = [-math.log(q if o else 1 - q) for q, o in zip(p, outcomes)]
    header = ["outcome $y$", "probability $p$", "$(p - y)^2$", "$-\\log$ of the probability of $y$ (nats)"]
    rows = [[o, exact(q), exact(s), num(b)] for o, q, s, b in zip(outcomes, p, squares, bce_terms)]
    y_b, p_arr = np.array(outcomes), np.array(p, dtype=float)
    worst = int(np.argmax(bce_terms))
    return (
        table(header, rows)
        + f"\n\nThe Brier score is $\\frac{{1}}{{{len(squares)}}}({' + '.join(exact(s) for s in squares)}) = "
        f"{exact(brier)}$.\n\n"
        + check("Brier score", brier, mse(y_b, p_arr), function="lossbook.regression.mse")
        + "\n"
        + check_code("Brier score", brier, brier_score(y_b, p_arr), code="brier_score")
        + f"\n\nPrediction {worst + 1} is confidently wrong. Its squared error, {exact(squares[worst])}, can never "
        f"exceed 1, while its cross-entropy term is {num(bce_terms[worst])} nats, "
        f"{num(bce_terms[worst] / (sum(bce_terms) / len(bce_terms)), 3)} times the mean cross-entropy "
        f"({num(binary_cross_entropy(y_b, p_arr))} nats), and grows without limit as $p$ approaches the wrong "
        "extreme. The Brier score forgives a confident mistake far more than the log loss does."
    )


@dataclass
class Calibration:
    """A simulated overconfident model's held-out outcomes and probabilities, before and after scaling."""

    y: np.ndarray
    logits: np.ndarray
    T: float

    @property
    def p_raw(self) -> np.ndarray:
        return 1 / (1 + np.exp(-self.logits))

    @property
    def p_scaled(self) -> np.ndarray:
        return 1 / (1 + np.exp(-self.logits / self.T))


def temperature_scaling(
    *, seed: int, n: int, exaggeration: float, accuracy: Metric, brier_score: Metric
) -> tuple[Calibration, str]:
    """Simulate an overconfident model, choose T on one half, judge it on the other: (the held-out half, the text)."""
    rng = np.random.default_rng(seed)
    true_p = rng.beta(2, 2, size=n)
    outcome = (rng.uniform(size=n) < true_p).astype(float)
    logits = exaggeration * np.log(true_p / (1 - true_p))  # the overconfident model's logits
    fit, held = slice(0, n // 2), slice(n // 2, n)  # choose T on one half, judge on the other
    temperatures = np.round(np.linspace(0.5, 5.0, 4501), 4)
    fit_losses = [binary_cross_entropy_with_logits(outcome[fit], logits[fit] / t) for t in temperatures]
    cal = Calibration(outcome[held], logits[held], float(temperatures[int(np.argmin(fit_losses))]))
    acc_raw = accuracy(cal.y, (cal.p_raw > 0.5).astype(int))
    acc_scaled = accuracy(cal.y, (cal.p_scaled > 0.5).astype(int))
    if acc_raw != acc_scaled:
        raise AssertionError(f"temperature scaling changed the accuracy: {acc_raw} -> {acc_scaled}")
    text = (
        f"{n} simulated examples; the model's logits are {num(exaggeration, 2)} times the true ones. On the first "
        f"{n // 2}, the temperature with the lowest cross-entropy (on a grid of step "
        f"{temperatures[1] - temperatures[0]:.3g}) is $T = {num(cal.T)}$. On the other {n - n // 2}: cross-entropy "
        f"{num(binary_cross_entropy_with_logits(cal.y, cal.logits))} nats before scaling and "
        f"{num(binary_cross_entropy_with_logits(cal.y, cal.logits / cal.T))} after; Brier score "
        f"{num(brier_score(cal.y, cal.p_raw))} and {num(brier_score(cal.y, cal.p_scaled))}; accuracy "
        f"{num(acc_raw, 3)} both times."
    )
    return cal, text


def reliability_figure(cal: Calibration, n_bins: int, *, reliability_bins, expected_calibration_error: Metric) -> str:
    """The reliability diagram of the model before and after temperature scaling."""
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    ax.plot([0, 1], [0, 1], color="#8c8c8c", linewidth=1, linestyle="--", label="calibrated")
    described, eces = [], []
    curves = {"overconfident model": cal.p_raw, f"after temperature scaling (T = {alt_num(cal.T, 3)})": cal.p_scaled}
    for (name, probs), marker in zip(curves.items(), "os"):
        counts, confidence, frequency = reliability_bins(cal.y, probs, n_bins)
        filled = counts > 0
        ax.plot(confidence[filled], frequency[filled], marker=marker, label=name)
        ece = expected_calibration_error(cal.y, probs, n_bins)
        eces.append(ece)
        described.append(
            f"{name}: ECE {alt_num(ece, 3)}, points from ({alt_num(confidence[filled][0], 2)}, "
            f"{alt_num(frequency[filled][0], 2)}) to ({alt_num(confidence[filled][-1], 2)}, "
            f"{alt_num(frequency[filled][-1], 2)})"
        )
    ax.set_xlabel("mean predicted probability (confidence)")
    ax.set_ylabel("fraction of positives (frequency)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8, loc="upper left")
    return figure(
        fig,
        alt=(
            f"Reliability diagram with {n_bins} bins for {cal.y.size} held-out examples, frequency against "
            f"confidence, with the diagonal of a calibrated model. {'; '.join(described)}. The overconfident model's "
            "curve is flatter than the diagonal: below it on the right, above it on the left; after scaling the "
            "points lie close to it."
        ),
        derived=[n_bins, cal.y.size, *eces],  # the binning, the sample size, each curve's calibration error
        caption=(
            "Reliability diagram: the overconfident model is too sure in both directions; temperature scaling fixes "
            "most of it."
        ),
    )


def ece_steps(cal: Calibration, n_bins: int, *, reliability_bins, expected_calibration_error: Metric) -> str:
    """The ECE of the overconfident model bin by bin, from the predictions in each bin, checked."""
    counts, _, frequency = reliability_bins(cal.y, cal.p_raw, n_bins)
    edges = np.linspace(0, 1, n_bins + 1)
    rows, total = [], 0.0
    for k in range(n_bins):
        if counts[k] == 0:
            continue
        positives = int(round(frequency[k] * counts[k]))
        in_bin = np.searchsorted(edges[1:-1], cal.p_raw) == k
        conf_k = math.fsum(cal.p_raw[in_bin]) / counts[k]
        freq_k = Fraction(positives, int(counts[k]))
        term = int(counts[k]) / cal.y.size * abs(float(freq_k) - conf_k)
        total += term
        rows.append(
            [
                f"{num(edges[k], 1)}–{num(edges[k + 1], 1)}",
                int(counts[k]),
                num(conf_k),
                f"{positives}/{counts[k]} = {num(float(freq_k))}",
                num(abs(float(freq_k) - conf_k)),
                num(term),
            ]
        )
    header = ["bin", "$n_b$", "confidence", "frequency", "gap", "$\\frac{n_b}{n}\\,\\lvert\\text{gap}\\rvert$"]
    ece_raw = expected_calibration_error(cal.y, cal.p_raw, n_bins)
    return (
        table(header, rows, align="lrrrrr") + f"\n\nThe ECE is the sum of the last column, {num(total)}, against "
        f"{num(expected_calibration_error(cal.y, cal.p_scaled, n_bins))} after temperature scaling.\n\n"
        + check_code("ECE of the overconfident model", total, ece_raw, code="expected_calibration_error")
    )


def exercise_1_answer(ex1_p, ex1_labels, accuracy) -> str:
    """The answer, computed step by step and checked."""
    out = []
    ex1_right = sum((p > Fraction(1, 2)) == (y == 1) for p, y in zip(ex1_p, ex1_labels))
    ex1_ce = sum(-math.log(p if y else 1 - p) for p, y in zip(ex1_p, ex1_labels)) / 3
    ex1_bs = sum((p - int(y)) ** 2 for p, y in zip(ex1_p, ex1_labels)) / 3
    ex1_arr = np.array(ex1_p, dtype=float)
    ex1_logs = " + ".join(LOG + exact(p if y else 1 - p) for p, y in zip(ex1_p, ex1_labels))
    out.append(
        f"Accuracy {ex1_right}/3; cross-entropy "
        f"$-\\tfrac13({ex1_logs}) = {num(ex1_ce)}$ nats; "
        f"Brier score $\\tfrac13({' + '.join(f'({exact(p - int(y))})^2' for p, y in zip(ex1_p, ex1_labels))})"
        f" {tex_equals(ex1_bs)}$.\n"
    )
    out.append(
        check(
            "exercise 1, cross-entropy",
            ex1_ce,
            binary_cross_entropy(ex1_labels, ex1_arr),
            function="lossbook.classification.binary_cross_entropy",
        )
    )
    out.append(check("exercise 1, Brier score", ex1_bs, mse(ex1_labels, ex1_arr), function="lossbook.regression.mse"))
    out.append(
        check_code(
            "exercise 1, accuracy",
            Fraction(ex1_right, 3),
            accuracy(ex1_labels, (ex1_arr > 0.5).astype(int)),
            code="accuracy",
        )
    )
    return "\n".join(out)


def exercise_3_answer(ex3_p) -> str:
    """The answer, computed step by step and checked."""
    out = []
    ex3_brier = ex3_p**2
    ex3_ce = -math.log(1 - ex3_p)
    out.append(
        f"Brier: $({exact(ex3_p)} - 0)^2 = {exact(ex3_brier)}$, nearly its maximum of one. Cross-entropy: "
        f"$-\\log(1 - {exact(ex3_p)}) = -\\log {exact(1 - ex3_p)} = {num(ex3_ce)}$ nats, and unbounded as the "
        "probability approaches one.\n"
    )
    out.append(check("exercise 3, Brier", ex3_brier, mse([0.0], [float(ex3_p)]), function="lossbook.regression.mse"))
    out.append(
        check(
            "exercise 3, cross-entropy",
            ex3_ce,
            binary_cross_entropy([0], [float(ex3_p)]),
            function="lossbook.classification.binary_cross_entropy",
        )
    )
    return "\n".join(out)
