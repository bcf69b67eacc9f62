"""The Huber loss (docs/practice/huber.md): the three curves, the readings step by step, the pull of each loss,
the best constant against delta, and smooth L1."""

from __future__ import annotations

from fractions import Fraction

import matplotlib.pyplot as plt
import numpy as np

from booksite.emulate import torch_smooth_l1_loss
from booksite.page import COLORS, alt_num, check, exact, figure, num, table, widget
from lossbook import huber, huber_grad, mae, mae_grad, mse, mse_grad


def curves_figure(grid: np.ndarray) -> str:
    """Half the squared error, the absolute error and the Huber loss (delta 1) against the error ``grid``."""
    zeros = np.zeros_like(grid)
    curves = {
        "half squared error $\\frac{1}{2}e^2$": 0.5 * grid**2,
        "absolute error $|e|$": np.abs(grid),
        "Huber, $\\delta = 1$": huber(zeros, grid, delta=1.0, reduction="none"),
    }
    fig, ax = plt.subplots()
    for label, values in curves.items():
        ax.plot(grid, values, label=label)
    for seam in (-1.0, 1.0):  # the dotted seams stop below the legend, which they would strike through
        ax.axvline(seam, ymax=0.68, color="#8c8c8c", linewidth=0.8, linestyle=":")
    ax.set_xlabel("error $e = \\hat y - y$")
    ax.set_ylabel("loss")
    ax.set_ylim(0, 4.6)
    ax.legend(fontsize=9, loc="upper center")  # above the curves' common bottom, clear of all three
    at_edge = huber([0.0], [float(grid[-1])], delta=1.0)
    return figure(
        fig,
        alt=(
            f"Three loss curves for errors from {alt_num(grid[0])} to {alt_num(grid[-1])}: the parabola half e "
            "squared, the V-shaped absolute error, and the Huber loss with delta 1, which follows the parabola "
            f"between {alt_num(-1.0)} and {alt_num(1.0)} and then rises in straight lines parallel to the absolute "
            f"error, reaching {alt_num(at_edge)} at an error of {alt_num(grid[-1])}, where half the squared error "
            f"is {alt_num(0.5 * grid[-1] ** 2)}."
        ),
        caption="The Huber loss (δ = 1) is the parabola inside the dotted lines and a straight line outside them.",
    )


def deltas_figure(grid: np.ndarray, deltas: list[float]) -> str:
    """Huber losses for several thresholds against the error (left), and their slopes (right)."""
    zeros = np.zeros_like(grid)
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.6, 3.4))
    for delta in deltas:
        left.plot(grid, huber(zeros, grid, delta=delta, reduction="none"), label=f"$\\delta = {delta:g}$")
        right.plot(grid, huber_grad(zeros, grid, delta=delta, reduction="none"), label=f"$\\delta = {delta:g}$")
    left.set_xlabel("error $e$")
    left.set_ylabel("Huber loss")
    right.set_xlabel("error $e$")
    right.set_ylabel("slope ℓ′(e)")  # Unicode prime: mathtext would draw it from Computer Modern
    left.legend()
    fig.tight_layout()
    return figure(
        fig,
        alt=(
            f"Left: Huber loss curves for delta = {', '.join(alt_num(d) for d in deltas)}; the larger delta, the "
            "longer the curve follows a parabola before turning into a straight line. Right: their slopes, "
            "straight lines through the origin with slope 1 that level off at plus or minus delta."
        ),
        caption="Huber losses for several thresholds (left) and their derivatives, the error clipped to ±δ (right).",
    )


def constant_figure(
    readings: np.ndarray, delta_grid: np.ndarray, estimates: np.ndarray, marks: dict[float, float]
) -> str:
    """The constant minimising the Huber loss of ``readings`` against delta, with the mean and the median.

    ``marks`` maps the deltas of the page's table to their estimates, drawn as points and named in the alt text.
    """
    good = readings[:-1]
    fig, ax = plt.subplots()
    ax.plot(delta_grid, estimates, label="Huber estimate")
    ax.axhline(readings.mean(), linestyle="--", color=COLORS[1], linewidth=1.2, label="mean")
    ax.axhline(np.median(readings), linestyle=":", color=COLORS[2], linewidth=1.5, label="median")
    ax.axhline(good.mean(), linestyle="-.", color=COLORS[3], linewidth=1.2, label="mean without the faulty reading")
    marked_deltas, marked = np.array(list(marks)), np.array(list(marks.values()))
    ax.scatter(marked_deltas, marked, s=30, zorder=3, color=COLORS[0], label="the table's deltas")
    everyone_inside = np.abs(readings - readings.mean()).max()  # beyond this delta no error is clipped
    ax.set_xscale("log")
    ax.set_xlabel("threshold $\\delta$ (°C)")
    ax.set_ylabel("best constant $c$ (°C)")
    # In the empty band between the curve's low plateau and the mean line, clear of both
    ax.legend(fontsize=9, loc="center left", bbox_to_anchor=(0.0, 0.64))
    return figure(
        fig,
        alt=(
            f"The constant minimising the Huber loss of the {alt_num(readings.size)} readings, for delta from "
            f"{alt_num(delta_grid[0])} to {alt_num(delta_grid[-1])} on a log scale: it equals the median, "
            f"{alt_num(np.median(readings))} °C, for small delta and rises slowly with it; the table's deltas are "
            "marked, "
            + ", ".join(f"{alt_num(c)} °C at delta = {alt_num(d)}" for d, c in zip(marked_deltas, marked))
            + f". It reaches the mean, {alt_num(readings.mean())} °C, once delta exceeds "
            f"{alt_num(everyone_inside)}, the largest distance of a reading from the mean."
        ),
        derived=[readings.size, everyone_inside],
        caption="The best constant under the Huber loss, against δ: the median for small δ, the mean for large δ.",
    )


def _delta_values(errors: np.ndarray, delta: float, error: float, curves: bool) -> dict:
    """The loss and its slope at one error (and, with ``curves``, over ``errors``)."""
    out = {"loss": huber([0.0], [error], delta=delta), "slope": float(huber_grad([0.0], [error], delta=delta)[0])}
    if curves:
        out |= {
            "loss_curve": huber(np.zeros_like(errors), errors, delta=delta, reduction="none"),
            "slope_curve": huber_grad(np.zeros_like(errors), errors, delta=delta, reduction="none"),
        }
    return out


def delta_widget() -> str:
    """Any delta: the loss and its slope redrawn, and read at one error; lossbook's values on a grid."""
    errors = np.linspace(-4, 4, 81)
    deltas = np.arange(0.25, 4.01, 0.25)
    points = np.arange(-4, 4.01, 0.1).round(1)
    checks = [
        {"set": {"delta": float(d), "error": float(e)}, "values": _delta_values(errors, float(d), float(e), k % 4 == 0)}
        for k, (d, e) in enumerate(zip(deltas, points[::5]))
    ]
    checks += [
        {"set": {"delta": 1.0, "error": float(e)}, "values": _delta_values(errors, 1.0, float(e), False)}
        for e in points[::4]
    ]
    return widget(
        "huber-delta",
        "huber",
        title="Choose the threshold δ and an error e: the Huber loss (top) and its slope (bottom) follow.",
        controls=[
            {"name": "delta", "label": "threshold δ", "min": 0.25, "max": 4.0, "step": 0.25, "value": 1.0, "digits": 2},
            {"name": "error", "label": "error e", "min": -4.0, "max": 4.0, "step": 0.1, "value": 2.0, "digits": 1},
        ],
        outputs=[
            {"key": "loss", "label": "Huber loss at e", "digits": 4},
            {"key": "slope", "label": "its slope at e", "digits": 4},
        ],
        params={"grid": errors},
        checks=checks,
    )


def gradient_steps(truth: list[Fraction], guess: list[Fraction], delta: Fraction) -> str:
    """The Huber gradient clip(e_i, -delta, delta) / n with exact fractions, checked against lossbook: the Markdown."""
    errors = [g - t for g, t in zip(guess, truth)]
    clipped = [max(-delta, min(e, delta)) for e in errors]
    pulls = [c / len(errors) for c in clipped]
    rows = [[i + 1, exact(e), exact(c), exact(d)] for i, (e, c, d) in enumerate(zip(errors, clipped, pulls))]
    clip = f"$\\operatorname{{clip}}(e_i, -{exact(delta)}, {exact(delta)})$"
    line = check(
        f"faulty reading, Huber gradient, delta {delta}",
        pulls,
        huber_grad(np.array(truth, dtype=float), np.array(guess, dtype=float), delta=float(delta)),
        function="lossbook.regression.huber_grad",
    )
    assert abs(clipped[-1]) == delta  # the sentence says the last (faulty) reading is clipped
    return "\n".join(
        [
            table(["reading", "error $e_i$", clip, "$\\partial L / \\partial \\hat y_i$"], rows),
            line,
            f"\nThe faulty reading's error, {exact(errors[-1])} °C, is clipped to {exact(clipped[-1])}: it pulls "
            f"with {exact(abs(pulls[-1]))}, no harder than any reading whose error reaches δ.",
        ]
    )


def gradient_figure(y: np.ndarray, y_hat: np.ndarray) -> str:
    """The slopes of half the squared error, the absolute error and the Huber loss (delta 1), readings marked."""
    e_grid = np.linspace(-9, 9, 361)
    flat = np.zeros_like(e_grid)
    fig, ax = plt.subplots()
    ax.plot(e_grid, mse_grad(flat, e_grid, reduction="none") / 2, label="half squared error: $e$")
    ax.plot(e_grid, mae_grad(flat, e_grid, reduction="none"), label="absolute error: $\\operatorname{sign}(e)$")
    ax.plot(e_grid, huber_grad(flat, e_grid, delta=1.0, reduction="none"), label="Huber, $\\delta = 1$: clipped $e$")
    reading_errors = y_hat - y
    marked = huber_grad(y, y_hat, delta=1.0, reduction="none")
    ax.scatter(reading_errors, marked, s=50, zorder=3, color="C2")
    ax.set_xlabel("error $e = \\hat y - y$ (°C)")
    ax.set_ylabel("slope of one reading's loss")
    ax.set_ylim(-3, 3)
    ax.legend()
    return figure(
        fig,
        alt=(
            f"Slopes of one reading's loss against its error from {alt_num(e_grid[0])} to "
            f"{alt_num(e_grid[-1])} °C: the half "
            "squared error's slope e is a straight line through the origin, the absolute error's a step from −1 to "
            "1, and the Huber slope follows the straight line between −1 and 1 and is flat at −1 and 1 beyond. "
            f"The {y.size} readings are marked on the Huber curve; the faulty one, at an error of "
            f"{alt_num(reading_errors[-1], 2)} °C, sits on the flat part at {alt_num(marked[-1], 2)}."
        ),
        caption="The Huber gradient is the error clipped to ±δ: linear like the squared error near 0, capped beyond δ.",
    )


def huber_steps(truth: list[Fraction], guess: list[Fraction], delta: Fraction) -> tuple[Fraction, str]:
    """The mean Huber loss of the readings for one ``delta``, a table of the branches then the mean, with exact
    fractions, checked against lossbook: (the mean, the Markdown)."""
    rows, values = [], []
    for i, e in enumerate(g - t for g, t in zip(guess, truth)):
        if abs(e) <= delta:
            value = e * e / 2
            formula = f"$\\tfrac12 \\cdot ({exact(e)})^2$"
            branch = "quadratic"
        else:
            value = delta * (abs(e) - delta / 2)
            formula = f"${exact(delta)} \\cdot ({exact(abs(e))} - \\tfrac12 \\cdot {exact(delta)})$"
            branch = "linear"
        values.append(value)
        rows.append([i + 1, exact(e), branch, formula, exact(value)])
    mean = sum(values) / len(values)
    result = exact(mean)
    result = result.replace("≈", "\\approx") if result.startswith("≈") else f"= {result}"
    summed = " + ".join(exact(v) for v in values)
    steps = (
        "$$\n\\begin{aligned}\n"
        f"\\text{{Huber}}_{{{exact(delta)}}} &= \\frac{{{summed}}}{{{len(values)}}} \\\\\n"
        f"&= \\frac{{{exact(sum(values))}}}{{{len(values)}}} {result}\\ \\text{{°C}}^2\n"
        "\\end{aligned}\n$$\n"
    )
    computed = huber(np.array(truth, dtype=float), np.array(guess, dtype=float), delta=float(delta))
    markdown = [
        f"**δ = {exact(delta)} °C**\n",
        table(["reading", "error $e$", "branch", "$\\ell_\\delta(e)$", "value (°C²)"], rows, align="rrlll"),
        steps,
        check(f"faulty reading, delta {delta}", mean, computed, function="lossbook.regression.huber"),
    ]
    return mean, "\n".join(markdown)


def pull_table(y: np.ndarray, y_hat: np.ndarray) -> tuple[dict[str, float], str]:
    """How hard the last (faulty) reading pulls under the MSE, the MAE and the Huber loss (delta 1 and 2), all
    from lossbook: (each loss's share of the total pull from the last reading, the Markdown table)."""
    losses = {  # name: (mean loss, derivatives of the mean loss)
        "MSE": (mse(y, y_hat), mse_grad(y, y_hat)),
        "MAE": (mae(y, y_hat), mae_grad(y, y_hat)),
        "Huber, δ = 1": (huber(y, y_hat, delta=1.0), huber_grad(y, y_hat, delta=1.0)),
        "Huber, δ = 2": (huber(y, y_hat, delta=2.0), huber_grad(y, y_hat, delta=2.0)),
    }
    share = {name: abs(grad[-1]) / np.abs(grad).sum() for name, (_, grad) in losses.items()}
    rows = [
        [name, num(loss), num(abs(grad[-1])), num(np.abs(grad[:-1]).max()), f"{100 * share[name]:.0f} %"]
        for name, (loss, grad) in losses.items()
    ]
    header = [
        "loss",
        "mean loss",
        "pull of the faulty reading",
        "largest pull of a good one",
        "faulty reading's share of the pull",
    ]
    return share, table(header, rows, align="lrrrr")


def smooth_l1_table(y: np.ndarray, y_hat: np.ndarray, beta: float) -> str:
    """PyTorch's smooth L1 loss (a NumPy emulation, tested against PyTorch) of each reading, beta times it, and the
    Huber loss with delta = beta; the means checked against lossbook."""
    smooth = torch_smooth_l1_loss(y_hat, y, beta=beta)
    huber_terms = huber(y, y_hat, delta=beta, reduction="none")
    rows = [
        [i + 1, num(e, 3), num(s), num(beta * s), num(h)]
        for i, (e, s, h) in enumerate(zip(y_hat - y, smooth, huber_terms))
    ]
    header = ["reading", "error", f"smooth L1 (β = {beta:g})", "β × smooth L1", f"Huber, δ = {beta:g} (lossbook)"]
    return "\n".join(
        [
            table(header, rows),
            f"\nThe mean smooth L1 loss is {num(smooth.mean())}, and β times it, {num(beta * smooth.mean())}, is the "
            f"Huber loss with δ = β, {num(huber(y, y_hat, delta=beta))}.\n",
            check(
                "beta times smooth L1",
                beta * smooth.mean(),
                huber(y, y_hat, delta=beta),
                function="lossbook.regression.huber",
            ),
        ]
    )
