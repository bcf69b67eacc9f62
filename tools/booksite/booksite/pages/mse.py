"""The mean squared error chapter (docs/chapters/mse.md): the dog's worked examples."""

from __future__ import annotations

import math
from fractions import Fraction

import matplotlib.pyplot as plt
import numpy as np

from booksite.page import alt_num, check, exact, figure, step_ratios, table, tex_sci
from booksite.pages import worked_mean
from lossbook import mse, mse_grad, rmse, rmse_grad

Values = list[Fraction]


def mse_steps(label: str, truth: Values, guess: Values) -> tuple[Fraction, str]:
    """The MSE of one prediction step by step, checked against lossbook: (its value, the Markdown)."""
    return worked_mean(
        "MSE",
        label,
        truth,
        guess,
        term=lambda e: e * e,
        written=("({g} - {t})^2", "({e})^2"),
        lossbook_fn=mse,
        function="lossbook.regression.mse",
    )


def parabola_figure(truth: Values, predictions: dict[str, Values]) -> str:
    """The parabola e**2 with the dog's errors marked, as inline SVG; the alt text names the errors."""
    fig, ax = plt.subplots()
    grid = np.linspace(-2, 2, 201)
    ax.plot(grid, grid**2, label="squared error $e^2$")
    marked = []
    for (label, guess), marker in zip(predictions.items(), ["o", "s"]):
        errors = np.array([float(g - t) for g, t in zip(guess, truth)])
        distinct = np.unique(errors)  # equal errors would be one marker on top of another
        if len(distinct) == len(errors):
            legend = f"dog errors, {label}"
            marked.append(f"{label}, errors of {' and '.join(alt_num(e) for e in errors)}")
        else:
            legend = f"dog errors, {label} (both {alt_num(distinct[0])}: one marker)"
            marked.append(
                f"{label}, both errors {alt_num(distinct[0])}, one marker at a squared error of "
                f"{alt_num(distinct[0] ** 2)}"
            )
        ax.scatter(distinct, distinct**2, marker=marker, s=60, zorder=3, label=legend)
    ax.set_xlabel("error $e = \\hat y - y$")
    ax.set_ylabel("squared error")
    ax.legend(fontsize=9, loc="upper center")
    alt = f"Parabola of the squared error against the error, with the dog's errors marked: {'; '.join(marked)}."
    return figure(fig, alt=alt)


ARTICLE_CLAIMS = (Fraction("4.25"), Fraction("1.16"))  # the article's "MSE" before and after training


def one_digit_typos(value: Fraction) -> list[Fraction]:
    """Every decimal that differs from ``value`` (one decimal place) in exactly one digit."""
    text = f"{float(value):.1f}"
    return [
        Fraction(text[:i] + d + text[i + 1 :])
        for i, c in enumerate(text)
        if c.isdigit()
        for d in "0123456789"
        if d != c
    ]


def article_note(truth: Values, predictions: dict[str, Values], quantities: list[str]) -> str:
    """The two readings of the article's figures, each asserted from the data.

    The article's 4.25 is the sum of squares before training. Its 1.16 is either the sum of squares
    with one mistyped digit in one prediction after training (every such typo is searched for), or
    the mean after training with a stray 1 in front.
    """
    claimed_before, claimed_after = ARTICLE_CLAIMS
    sums = {label: sum((g - t) ** 2 for g, t in zip(guess, truth)) for label, guess in predictions.items()}
    before, after = (sums[label] / len(truth) for label in ("before training", "after training"))
    after_guess = predictions["after training"]
    # Reading 1: sums throughout, and one digit of one "after" prediction mistyped.
    typos = []
    for i, guess in enumerate(after_guess):
        for wrong in one_digit_typos(guess):
            typed = [wrong if j == i else g for j, g in enumerate(after_guess)]
            if sum((g - t) ** 2 for g, t in zip(typed, truth)) == claimed_after:
                typos.append((quantities[i], wrong, guess, [abs(g - t) for g, t in zip(typed, truth)]))
    assert sums["before training"] == claimed_before and claimed_after not in (sums["after training"], after)
    assert typos, "no one-digit typo explains the article's after-training figure"
    assert all(errs == typos[0][3] for *_, errs in typos)  # every typo gives the same pair of errors
    # Reading 2: the mean after training, off by exactly 1.
    assert claimed_after - after == 1
    assert sums["before training"] / sums["after training"] == before / after
    squares_text = " + ".join(f"{exact(e)}²" for e in sorted(typos[0][3]))
    big_error = max(typos[0][3])
    # The same sum with the larger error on the other quantity instead, same sign as the real error.
    other_reading = []
    for i, (guess, t) in enumerate(zip(after_guess, truth)):
        if quantities[i] in {name for name, *_ in typos}:
            continue
        moved = t - big_error if guess < t else t + big_error
        typed = [moved if j == i else g for j, g in enumerate(after_guess)]
        assert sum((g - tt) ** 2 for g, tt in zip(typed, truth)) == claimed_after
        other_reading.append(f"{exact(moved)} instead of {exact(guess)} for the {quantities[i].split(' (')[0]}")
    typo_text = " or ".join(
        f"{exact(wrong)} instead of {exact(guess)} for the {name.split(' (')[0]}" for name, wrong, guess, _ in typos
    )
    return (
        f"The article this book started from reports an MSE of {exact(claimed_before)} before training "
        f"and {exact(claimed_after)} after. {exact(claimed_before)} is the *sum* of the squared errors "
        f"({exact(sums['before training'])}), not their mean ({exact(before)}); after training the sum is "
        f"{exact(sums['after training'])} and the mean {exact(after)}, so {exact(claimed_after)} matches "
        f"neither. Two readings fit it. The likelier: the article used the sum throughout, and one digit of "
        f"one prediction after training was mistyped, since {exact(claimed_after)} = {squares_text} exactly, "
        f"the sum of squares with {typo_text} (one mistyped digit; {' or '.join(other_reading)} gives the same "
        f"sum, with more than one digit changed). The other: {exact(claimed_after)} is the mean, {exact(after)}, "
        f"with a stray {exact(claimed_after - after)} in front. Either way the article's values are sums, and "
        f"the MSEs are {exact(before)} and {exact(after)}. Mixing the two also understates the improvement: "
        f"{exact(claimed_before)} to {exact(claimed_after)} looks like a "
        f"{float(claimed_before / claimed_after):.1f}-fold drop, while the MSE (and the sum of squares alike) "
        f"fell {float(before / after):.1f}-fold."
    )


def batch_note(batch: int = 32) -> str:
    """Why the reduction matters in training: a sum scales plain gradient descent's steps, Adam nearly not.

    The step ratios come from :func:`booksite.page.step_ratios`, and are asserted: plain gradient
    descent's first step is ``batch`` times as long, Adam's steps change by less than 0.1 %.
    """
    ratios = step_ratios(batch)
    assert math.isclose(ratios["sgd_first_step"], batch, rel_tol=1e-12), ratios
    assert abs(ratios["adam"] - 1) < 1e-3, ratios
    return (
        f"The article's {exact(ARTICLE_CLAIMS[0])} for the prediction before training is the `sum` row. "
        'The choice matters in training: with `"sum"` the loss, and with it every gradient, grows with the '
        "number of elements in a batch. For plain gradient descent that acts as a learning-rate factor: summing "
        f"over a batch of {batch} makes the first step {ratios['sgd_first_step']:g} times as long, so a learning "
        "rate tuned for one batch size is wrong for another. Adam nearly cancels a constant factor, because it "
        f"divides each gradient by its running size: the same factor of {batch} changes its steps by a relative "
        f"${tex_sci(abs(ratios['adam'] - 1), 2)}$. "
        '`"mean"` keeps the loss on the scale of a single error whatever the batch size. '
        '`"none"` is for when you want to weight or inspect the errors yourself before reducing them.'
    )


REDUCTIONS = {
    "none": "$(\\hat y_i - y_i)^2$ for each $i$",
    "sum": "$\\sum_i (\\hat y_i - y_i)^2$",
    "mean": "$\\frac{1}{n}\\sum_i (\\hat y_i - y_i)^2$",
}


def reduced(truth: Values, guess: Values, reduction: str) -> Values | Fraction:
    """The squared errors of one prediction, reduced by hand: a list for "none", else a fraction."""
    squares = [(g - t) ** 2 for g, t in zip(guess, truth)]
    return {"none": squares, "sum": sum(squares), "mean": sum(squares) / len(squares)}[reduction]


def shown(value: Values | Fraction) -> str:
    """A fraction, or a list of them, as decimals."""
    return "[" + ", ".join(exact(v) for v in value) + "]" if isinstance(value, list) else exact(value)


def reduction_table(truth: Values, predictions: dict[str, Values]) -> str:
    """Each reduction by hand for each prediction, checked against lossbook.mse(reduction=...)."""
    rows, line = [], ""
    for reduction, formula in REDUCTIONS.items():
        row = [f"`{reduction}`", formula]
        for label, guess in predictions.items():
            ours = reduced(truth, guess, reduction)
            theirs = mse(np.array(truth, dtype=float), np.array(guess, dtype=float), reduction=reduction)
            line = check(f"dog MSE {label}, reduction={reduction}", ours, theirs, function="lossbook.regression.mse")
            row.append(shown(ours))
        rows.append(row)
    return table(["`reduction`", "computes", "before training", "after training"], rows, align="llrr") + "\n" + line


def square_root(value: Fraction) -> Fraction | float:
    """The exact square root of a fraction when it has one, else a float."""
    top, bottom = math.isqrt(value.numerator), math.isqrt(value.denominator)
    if top * top == value.numerator and bottom * bottom == value.denominator:
        return Fraction(top, bottom)
    return math.sqrt(value)


def rmse_steps(
    truth: Values, predictions: dict[str, Values], mse_by_stage: dict[str, Fraction]
) -> tuple[dict[str, Fraction | float], str]:
    """The RMSE of each prediction from its MSE, checked against lossbook: (the roots, the Markdown)."""
    roots, lines = {}, []
    for label, guess in predictions.items():
        roots[label] = square_root(mse_by_stage[label])
        exact_root = isinstance(roots[label], Fraction)
        rhs = f"= {exact(roots[label])}" if exact_root else f"\\approx {roots[label]:.4f}"
        lines.append(f"- {label.capitalize()}: $\\operatorname{{RMSE}} = \\sqrt{{{exact(mse_by_stage[label])}}} {rhs}$")
        line = check(
            f"dog RMSE {label}",
            roots[label],
            rmse(np.array(truth, dtype=float), np.array(guess, dtype=float)),
            function="lossbook.regression.rmse",
        )
    return roots, "\n".join(lines) + "\n\n" + line


def gradient_steps(quantities: list[str], truth: Values, guess: Values) -> tuple[Values, str]:
    """The MSE gradient 2 e_i / n of one prediction with exact fractions, checked against lossbook.

    Returns (the gradient, the Markdown).
    """
    n = len(truth)
    grads = [Fraction(2, n) * (g - t) for g, t in zip(guess, truth)]
    rows = [
        [name, exact(g - t), f"$\\tfrac{{2}}{{{n}}} \\cdot ({exact(g - t)})$", exact(d)]
        for name, g, t, d in zip(quantities, guess, truth, grads)
    ]
    headers = [
        "quantity",
        "error $e_i$",
        "$\\tfrac{2}{n} e_i$",
        "$\\partial \\operatorname{MSE} / \\partial \\hat y_i$",
    ]
    line = check(
        "dog MSE gradient before training",
        grads,
        mse_grad(np.array(truth, dtype=float), np.array(guess, dtype=float)),
        function="lossbook.regression.mse_grad",
    )
    assert all(d < 0 for d in grads)  # the sentence says both predictions are too low
    sentence = (
        f"\nBoth components are negative: both predictions are too low, and gradient descent, which steps "
        f"against the gradient, raises them. The weight, off by {exact(abs(guess[1] - truth[1]))} kg, is "
        f"pulled {float(grads[1] / grads[0]):.2f} times as hard as the height, off by "
        f"{exact(abs(guess[0] - truth[0]))} cm."
    )
    return grads, "\n".join([table(headers, rows, align="lrll"), line, sentence])


def rmse_gradient_steps(truth: Values, guess: Values, mse_value: Fraction) -> str:
    """The RMSE gradient e_i / (n RMSE) of one prediction, checked against lossbook: the Markdown."""
    n = len(truth)
    root = math.sqrt(mse_value)
    grads = [float(g - t) / (n * root) for g, t in zip(guess, truth)]
    terms = ", \\qquad ".join(
        f"\\frac{{{exact(g - t)}}}{{{n} \\cdot {root:.4f}}} \\approx {d:.4f}" for g, t, d in zip(guess, truth, grads)
    )
    line = check(
        "dog RMSE gradient before training",
        grads,
        rmse_grad(np.array(truth, dtype=float), np.array(guess, dtype=float)),
        function="lossbook.regression.rmse_grad",
    )
    length = math.hypot(*grads)
    sentence = (
        f"\nDivided by the RMSE, the errors lose their size: this gradient has length {length:.4f}, "
        f"that is $1/\\sqrt{{n}}$ = {1 / math.sqrt(n):.4f}, however large or small the errors are. "
        "Only their direction is left. Where every error is 0 the square root has a kink, and lossbook "
        "returns a gradient of 0 there."
    )
    return "\n".join([f"$$\n{terms}\n$$\n", line, sentence])


def gradient_figure(y_true: np.ndarray, y_pred: np.ndarray) -> str:
    """The slope 2e of the squared error against the error, with the elements of ``y_pred`` marked."""
    slopes = mse_grad(y_true, y_pred, reduction="none")  # 2 e for each element
    errs = y_pred - y_true
    fig, ax = plt.subplots()
    line = np.linspace(-5, 5, 201)
    ax.plot(line, mse_grad(np.zeros_like(line), line, reduction="none"), label="slope of $e^2$: $2e$")
    ax.scatter(errs, slopes, s=60, zorder=3, color="C1", label=f"{errs.size} predictions")
    ax.axhline(0.0, color="#8c8c8c", linewidth=0.8)
    ax.set_xlabel("error $e = \\hat y - y$")
    ax.set_ylabel("$\\partial e^2 / \\partial \\hat y$")
    ax.legend()
    small = np.abs(slopes[:-1]).max()
    return figure(
        fig,
        alt=(
            f"The slope of the squared error, 2e, is a straight line through the origin for errors from "
            f"{alt_num(line[0])} to {alt_num(line[-1])}. {errs.size - 1} predictions with errors "
            f"{', '.join(alt_num(e, 2) for e in errs[:-1])} have slopes of at most "
            f"{alt_num(small, 2)} in size; the outlier, "
            f"with an error of {alt_num(errs[-1], 2)}, has a slope of {alt_num(slopes[-1], 2)}."
        ),
        caption=(
            "The gradient of the squared error grows in proportion to the error: the outlier (right) pulls hardest."
        ),
    )


def exercise_3_answer(ex_errors) -> str:
    """The answer, computed step by step and checked."""
    out = []
    ex_msq = sum(e * e for e in ex_errors) / len(ex_errors)
    ex_rmse = Fraction(math.isqrt(ex_msq.numerator), math.isqrt(ex_msq.denominator))
    assert ex_rmse**2 == ex_msq  # a whole square root, so the answer is exact
    out.append(
        f"$\\sqrt{{\\frac{{{' + '.join(exact(e * e) for e in ex_errors)}}}{{2}}}}"
        f" = \\sqrt{{{exact(ex_msq)}}} = {exact(ex_rmse)}$ cm: "
        f"between the two sizes, {exact(abs(ex_errors[0]))} and {exact(abs(ex_errors[1]))}, and well above their mean "
        f"{exact(sum(abs(e) for e in ex_errors) / 2)}, pulled towards the larger one.\n"
    )
    out.append(
        check(
            "mse exercise 3",
            ex_rmse,
            rmse(np.zeros(2), np.array(ex_errors, dtype=float)),
            function="lossbook.regression.rmse",
        )
    )
    return "\n".join(out)
