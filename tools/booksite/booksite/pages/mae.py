"""The mean absolute error chapter (docs/chapters/mae.md): worked examples, the outlier, the two fits."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import matplotlib.pyplot as plt
import numpy as np

from booksite.page import alt_num, check, exact, figure, num, table, widget
from booksite.pages import worked_mean
from lossbook import mae, mae_grad, mse, mse_grad

Values = list[Fraction]


def mae_steps(label: str, truth: Values, guess: Values) -> tuple[Fraction, str]:
    """The MAE of one prediction step by step, checked against lossbook: (its value, the Markdown)."""
    return worked_mean(
        "MAE",
        label,
        truth,
        guess,
        term=lambda e: abs(e),
        written=("|{g} - {t}|", "|{e}|"),
        lossbook_fn=mae,
        function="lossbook.regression.mae",
    )


def mse_by_hand(truth: Values, predictions: dict[str, Values]) -> dict[str, Fraction]:
    """The MSE of each prediction by hand, checked against lossbook (the comparison's other column)."""
    by_stage = {
        label: sum((g - t) ** 2 for g, t in zip(guess, truth)) / len(truth) for label, guess in predictions.items()
    }
    for label, guess in predictions.items():
        check(
            f"dog MSE {label}",
            by_stage[label],
            mse(np.array(truth, dtype=float), np.array(guess, dtype=float)),
            function="lossbook.regression.mse",
        )
    return by_stage


def comparison_table(mse_by_stage: dict[str, Fraction], mae_by_stage: dict[str, Fraction]) -> str:
    """MSE and MAE before and after training, with how many times each falls."""
    rows = [
        [
            name,
            exact(by_stage["before training"]),
            exact(by_stage["after training"]),
            f"{float(by_stage['before training'] / by_stage['after training']):.1f}-fold",
        ]
        for name, by_stage in [("[MSE](mse.md)", mse_by_stage), ("MAE", mae_by_stage)]
    ]
    return table(["", "before training", "after training", "reduction"], rows, align="lrrr")


def reductions(truth: Values, predictions: dict[str, Values], scale: Fraction | int = 1) -> tuple[Fraction, Fraction]:
    """How many times the MSE and the MAE fall from before to after training, every error times ``scale``.

    ``scale`` is a change of unit (10: millimetres and hectograms instead of centimetres and kilograms).
    """
    before, after = (
        [scale * abs(g - t) for g, t in zip(predictions[stage], truth)]
        for stage in ("before training", "after training")
    )
    mse_ratio = sum(e * e for e in before) / sum(e * e for e in after)
    return mse_ratio, sum(before) / sum(after)


def fall_note(
    truth: Values, predictions: dict[str, Values], mse_by_stage: dict[str, Fraction], mae_by_stage: dict[str, Fraction]
) -> str:
    """Why the MSE falls further than the MAE: squaring squares each error's ratio, in any unit.

    Asserts what the sentence rests on: the reductions are the same in another unit (no threshold
    at an error of 1), and the MSE's is the ratio of the two MSEs of the table.
    """
    errors = {stage: [abs(g - t) for g, t in zip(guess, truth)] for stage, guess in predictions.items()}
    before, after = errors["before training"], errors["after training"]
    mse_fold, mae_fold = reductions(truth, predictions)
    in_tenths = reductions(truth, predictions, 10)
    assert in_tenths == (mse_fold, mae_fold), in_tenths  # the same in millimetres and hectograms
    assert mse_fold == mse_by_stage["before training"] / mse_by_stage["after training"]
    assert mae_fold == mae_by_stage["before training"] / mae_by_stage["after training"]
    shrink = [b / a for b, a in zip(before, after)]
    return (
        f"The MAE says the model was off by {exact(mae_by_stage['before training'])} on average before "
        f"training (the errors were {' and '.join(exact(e) for e in before)}) and by "
        f"{exact(mae_by_stage['after training'])} after, mixing centimetres and kilograms as the dog's "
        f"two numbers do. Both losses fall, but the MSE falls much further ({float(mse_fold):.1f}-fold against "
        f"{float(mae_fold):.1f}-fold) because squaring squares the ratios: the height error shrank "
        f"{exact(shrink[0])}-fold and its square {exact(shrink[0] ** 2)}-fold, the weight error "
        f"{exact(shrink[1])}-fold and its square {exact(shrink[1] ** 2)}-fold. The size of the errors plays no "
        "part: in millimetres and hectograms, errors of "
        f"{' and '.join(exact(10 * e) for e in before)} becoming {' and '.join(exact(10 * e) for e in after)}, "
        f"the reductions are the same {float(in_tenths[0]):.1f}-fold and {float(in_tenths[1]):.1f}-fold."
    )


def shapes_figure() -> str:
    """The squared and the absolute error side by side, each with the other dashed."""
    grid = np.linspace(-3, 3, 121)
    fig, (left, right) = plt.subplots(1, 2, figsize=(6.4, 3.0), sharey=True)
    left.plot(grid, grid**2, color="C0")
    right.plot(grid, np.abs(grid), color="C1")
    for ax, name in [(left, "squared error $e^2$ (MSE)"), (right, "absolute error $|e|$ (MAE)")]:
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("error $e = \\hat y - y$")
        ax.plot(grid, grid**2 if ax is right else np.abs(grid), color="0.6", linewidth=1, linestyle="--")
    left.set_ylabel("loss of one error")
    left.set_ylim(0, 9.2)
    crossings = grid[(grid != 0) & np.isclose(grid**2, np.abs(grid))]
    return figure(
        fig,
        alt=(
            f"Two panels over errors from {alt_num(grid[0])} to {alt_num(grid[-1])}. Left: the parabola e squared, "
            f"reaching {alt_num(grid[-1] ** 2)} at an error of {alt_num(grid[-1])}. Right: the V of the absolute "
            f"value, reaching only {alt_num(abs(grid[-1]))}. Each panel repeats the other curve as a dashed line; "
            f"they cross at errors of {' and '.join(alt_num(e) for e in crossings)}."
        ),
        caption="Left, the squared error; right, the absolute error; each with the other dashed for comparison. "
        "Below an error of 1 the square is the smaller of the two, above it the larger, and the gap keeps growing.",
    )


def losses_by_hand(truth: Values, guesses: Values) -> dict:
    """MSE, MAE and the share of the first value's error in each, by hand."""
    errors = [g - t for g, t in zip(guesses, truth)]
    return {
        "MSE": sum(e * e for e in errors) / len(errors),
        "MAE": sum(abs(e) for e in errors) / len(errors),
        "share": (errors[0] ** 2 / sum(e * e for e in errors), abs(errors[0]) / sum(abs(e) for e in errors)),
    }


def outlier_table(weights: Values, with_typo: Values, guesses: Values) -> tuple[dict, dict, str]:
    """Both losses on the correct data and with the typo, checked: (clean, dirty, the Markdown)."""
    clean, dirty = losses_by_hand(weights, guesses), losses_by_hand(with_typo, guesses)
    lossbook_fn = {"MSE": (mse, "lossbook.regression.mse"), "MAE": (mae, "lossbook.regression.mae")}
    rows, checked = [], []
    for k, name in enumerate(["MSE", "MAE"]):
        fn, path = lossbook_fn[name]
        for data, by_hand in [(weights, clean), (with_typo, dirty)]:
            line = check(
                f"weights {name}",
                by_hand[name],
                fn(np.array(data, dtype=float), np.array(guesses, dtype=float)),
                function=path,
            )
        checked.append(line)
        rows.append(
            [
                name,
                exact(clean[name]),
                exact(dirty[name]),
                f"{float(dirty[name] / clean[name]):.1f} ×",
                f"{float(clean['share'][k]):.0%}",
                f"{float(dirty['share'][k]):.0%}",
            ]
        )
    header = ["loss", "correct data", "with the typo", "grows", "share of dog 1, correct", "share of dog 1, typo"]
    return clean, dirty, table(header, rows, align="lrrrrr") + "\n" + "\n".join(checked)


def fit_figure(x: np.ndarray, y: np.ndarray, outlier: int, mse_line: tuple, mae_line: tuple) -> str:
    """The data, its outlier, and the two fitted lines ((slope, intercept) each)."""
    (w_mse, b_mse), (w_mae, b_mae) = mse_line, mae_line
    fig, ax = plt.subplots()
    keep = np.arange(len(x)) != outlier
    ax.scatter(x[keep], y[keep], s=24, color="0.45", zorder=3, label="data")
    ax.scatter(x[outlier], y[outlier], s=70, marker="X", color="C3", zorder=3, label="the outlier")
    ends = np.array([x[0], x[-1]])
    ax.plot(ends, w_mse * ends + b_mse, color="C0", label="smallest MSE (least squares)")
    ax.plot(ends, w_mae * ends + b_mae, color="C1", label="smallest MAE")
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    ax.legend(fontsize=9, loc="upper left")
    return figure(
        fig,
        alt=(
            f"{alt_num(len(x))} points near a rising line, one of them (at x = {alt_num(x[outlier])}) far above the "
            f"rest. The least-squares line, slope {alt_num(w_mse)} and intercept {alt_num(b_mse)}, is tilted up "
            f"towards the outlier; the least-absolute-error line, slope {alt_num(w_mae)} and intercept "
            f"{alt_num(b_mae)}, runs through the other points."
        ),
        derived=[len(x), w_mse, w_mae],  # the number of points and the slopes of the two plotted lines
        caption="The least-squares line is dragged towards the outlier; the line that minimises the MAE "
        "follows the bulk of the data.",
    )


def fit_table(x: np.ndarray, y: np.ndarray, lines: dict[str, tuple]) -> str:
    """Each line's slope, intercept, MSE and MAE; each must win at its own loss."""
    scores = {name: (mse(y, w * x + b), mae(y, w * x + b)) for name, (w, b) in lines.items()}
    # Each line must win at its own loss: otherwise one of the fits is wrong.
    assert scores["smallest MSE"][0] < scores["smallest MAE"][0]
    assert scores["smallest MAE"][1] < scores["smallest MSE"][1]
    rows = [
        [name, f"{w:.3f}", f"{b:.3f}", num(scores[name][0]), num(scores[name][1])] for name, (w, b) in lines.items()
    ]
    return table(["line", "slope", "intercept", "its MSE", "its MAE"], rows, align="lrrrr")


def exercise_2_answer(ex_errs, ex_outlier) -> str:
    """The answer, computed step by step and checked."""
    out = []
    ex_all = ex_errs + [ex_outlier]
    ex_before = (sum(e * e for e in ex_errs) / 4, sum(abs(e) for e in ex_errs) / 4)
    ex_after = (sum(e * e for e in ex_all) / 5, sum(abs(e) for e in ex_all) / 5)
    out.append(
        f"MSE: {exact(ex_before[0])} → {exact(ex_after[0])}, a factor of {exact(ex_after[0] / ex_before[0])}. "
        f"MAE: {exact(ex_before[1])} → {exact(ex_after[1])}, a factor of {exact(ex_after[1] / ex_before[1])}.\n"
    )
    zeros = np.zeros(5)
    out.append(
        check(
            "mae exercise 2, MSE",
            ex_after[0],
            mse(zeros, np.array(ex_all, dtype=float)),
            function="lossbook.regression.mse",
        )
    )
    out.append(
        check(
            "mae exercise 2, MAE",
            ex_after[1],
            mae(zeros, np.array(ex_all, dtype=float)),
            function="lossbook.regression.mae",
        )
    )
    return "\n".join(out)


def _fits(x: np.ndarray, clean: np.ndarray, outlier: int, shift: float) -> dict:
    """Both fitted lines, and each line's MSE and MAE, with the outlier pushed up by ``shift``."""
    ys = clean.copy()
    ys[outlier] = clean[outlier] + shift
    (w_sq, b_sq), *_ = np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), ys, rcond=None)
    best = None
    for i, j in itertools.combinations(range(len(x)), 2):
        w = (ys[j] - ys[i]) / (x[j] - x[i])
        loss = np.mean(np.abs(w * (x - x[i]) + ys[i] - ys))
        if best is None or loss < best[0]:
            best = (loss, w, ys[i] - w * x[i])
    values = {"outlier_y": ys[outlier]}
    for line, (w, b) in {"mse": (w_sq, b_sq), "mae": best[1:]}.items():
        values |= {
            f"w_{line}": w,
            f"b_{line}": b,
            f"mse_of_{line}_line": mse(ys, w * x + b),
            f"mae_of_{line}_line": mae(ys, w * x + b),
        }
    return values


def fit_widget(x: np.ndarray, y: np.ndarray, outlier: int, pushed: float) -> str:
    """The fit figure, live: the reader moves the outlier (pushed up by ``pushed`` in ``y``); lossbook's values."""
    clean = y.copy()
    clean[outlier] -= pushed  # where the outlier was before it was pushed up
    shifts = np.arange(-4, 16.5, 0.5)
    lines = (("mse", "smallest-MSE line"), ("mae", "smallest-MAE line"))
    outputs = [
        {"key": f"{stat}_{line}", "label": f"{name}: {what}", "digits": 3}
        for line, name in lines
        for stat, what in (("w", "slope"), ("b", "intercept"))
    ] + [
        {"key": f"{loss}_of_{line}_line", "label": f"{name}: its {loss.upper()}", "digits": 4}
        for line, name in lines
        for loss in ("mse", "mae")
    ]
    reach = clean + shifts[-1]
    ylim = [math.floor(min(clean.min() + shifts[0], clean.min()) - 0.5), math.ceil(reach.max() + 0.5)]
    return widget(
        "mae-fit",
        "fit",
        title="Move the outlier (drag it, or use the slider) and watch both lines refit.",
        controls=[
            {
                "name": "shift",
                "label": "how far the outlier is pushed up",
                "min": float(shifts[0]),
                "max": float(shifts[-1]),
                "step": 0.5,
                "value": float(pushed),
                "digits": 1,
            }
        ],
        outputs=outputs,
        params={"x": x, "y": clean, "outlier": outlier, "ylim": ylim},
        checks=[{"set": {"shift": float(s)}, "values": _fits(x, clean, outlier, float(s))} for s in shifts],
    )


def sign(e: Fraction) -> int:
    """-1, 0 or 1: the sign of ``e``, the derivative of |e| (0 at 0, as in PyTorch)."""
    return (e > 0) - (e < 0)


def gradient_steps(truth: Values, guesses: Values) -> str:
    """The MAE and MSE gradients, sign(e_i) / n and 2 e_i / n, by hand, checked against lossbook: the Markdown."""
    n = len(guesses)
    errors = [g - t for g, t in zip(guesses, truth)]
    mae_slopes = [Fraction(sign(e), n) for e in errors]
    mse_slopes = [Fraction(2, n) * e for e in errors]
    rows = [[i + 1, exact(e), exact(a), exact(b)] for i, (e, a, b) in enumerate(zip(errors, mae_slopes, mse_slopes))]
    as_float = (np.array(truth, dtype=float), np.array(guesses, dtype=float))
    others = max(abs(s) for s in mse_slopes[1:])
    return "\n".join(
        [
            table(["dog", "error $e_i$ (kg)", "$\\operatorname{sign}(e_i) / n$", "$2 e_i / n$"], rows),
            check("weights MAE gradient", mae_slopes, mae_grad(*as_float), function="lossbook.regression.mae_grad"),
            check("weights MSE gradient", mse_slopes, mse_grad(*as_float), function="lossbook.regression.mse_grad"),
            f"\nUnder the MSE the mistyped dog's component, {exact(mse_slopes[0])}, is "
            f"{float(abs(mse_slopes[0]) / others):.0f} times the largest of the others; under the MAE every component "
            f"is {exact(abs(mae_slopes[0]))} in size, the mistyped dog's included. The outlier gets one vote like "
            "every other point, which is why the MAE's fit is the median's and hardly moves.",
        ]
    )


def gradient_figure(errors: np.ndarray) -> str:
    """The slopes of one element's MSE and MAE against its error, with the dogs' ``errors`` marked."""
    grid = np.linspace(-10, 10, 401)
    zeros = np.zeros_like(grid)
    fig, ax = plt.subplots()
    ax.plot(grid, mse_grad(zeros, grid, reduction="none"), label="MSE: $2e$")
    ax.plot(grid, mae_grad(zeros, grid, reduction="none"), label="MAE: $\\operatorname{sign}(e)$")
    marked = mae_grad(np.zeros_like(errors), errors, reduction="none")
    ax.scatter(errors, marked, s=50, zorder=3, color="C1", label=f"the {errors.size} dogs (MAE)")
    ax.set_xlabel("error $e = \\hat y - y$ (kg)")
    ax.set_ylabel("slope of one element's loss")
    ax.set_ylim(-4, 4)
    ax.legend()
    return figure(
        fig,
        alt=(
            f"Slopes of one element's loss against its error from {alt_num(grid[0])} to "
            f"{alt_num(grid[-1])} kg: the MSE's "
            "2e is a steep straight line through the origin, the MAE's sign(e) is a step from −1 to 1 (0 at an "
            f"error of exactly 0). The {errors.size} dogs' errors, "
            f"{', '.join(alt_num(e, 2) for e in errors)} kg, sit on "
            f"the step at {' or '.join(alt_num(v) for v in sorted(set(marked)))}."
        ),
        caption="The MAE's gradient is constant: the outlier at −10 kg pulls no harder than the other four dogs.",
    )
