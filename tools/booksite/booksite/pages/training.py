"""What training means (docs/chapters/training.md): the line at several steps, and the falling loss."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from booksite.page import INK, alt_num, check, exact, figure, num
from lossbook import mse


def fit_figure(
    x: np.ndarray, y: np.ndarray, ws: np.ndarray, bs: np.ndarray, losses: np.ndarray, shown: list[int]
) -> str:
    """The training points and the model's line at the ``shown`` steps (w, b and loss per step)."""
    fig, ax = plt.subplots()
    ax.scatter(x, y, s=22, color="0.45", zorder=3, label="training points")
    grid = np.array([0.0, 4.0])
    for s in shown:
        ax.plot(grid, ws[s] * grid + bs[s], label=f"step {s}, MSE {num(losses[s], 3)}")
    ax.set_xlabel("input $x$")
    ax.set_ylabel("output")
    ax.legend(fontsize=8, loc="upper left", ncol=2)
    return figure(
        fig,
        alt=(
            f"The {alt_num(len(x))} training points and the model's line after "
            + ", ".join(f"{s} steps (w = {alt_num(ws[s], 3)}, b = {alt_num(bs[s], 3)})" for s in shown)
            + ": the line starts flat at zero and swings up onto the points."
        ),
        derived=[len(x), *ws[shown]],  # the number of points, the slopes of the plotted lines
        caption="The line at several steps of gradient descent. Each line is drawn with the "
        "parameters the loop held before its update at that step.",
    )


def loss_figure(steps: np.ndarray, losses: np.ndarray, shown: list[int], best_loss: float) -> str:
    """The MSE against the step on a log axis, with the least-squares minimum and the shown steps."""
    fig, ax = plt.subplots()
    ax.plot(steps, losses, color=INK, linewidth=1.5, label="MSE of the current line")
    ax.axhline(best_loss, color="0.45", linestyle="--", linewidth=1.2, label="lowest possible (least squares)")
    ax.scatter(
        shown,
        losses[shown],
        s=30,
        zorder=3,
        color=[f"C{k}" for k in range(len(shown))],
        label="steps shown above, in their colours",
    )
    ax.set_yscale("log")
    ax.set_xlabel("gradient-descent step")
    ax.set_ylabel("MSE (log scale)")
    ax.legend(fontsize=9)
    return figure(
        fig,
        alt=(
            f"The MSE on a logarithmic axis against the step: {alt_num(losses[0])} at step {alt_num(steps[0])}, "
            f"{alt_num(losses[5])} at step {alt_num(steps[5])}, {alt_num(losses[-1])} at step {alt_num(steps[-1])}, "
            f"approaching the least-squares minimum of {alt_num(best_loss)}."
        ),
        caption="The loss falls steeply in the first few steps, then slowly towards the lowest MSE a line can reach.",
    )


def exercise_2_answer(ex_x, ex_w, ex_b, ex_y, ex_hat, ex_lr, ex_mse) -> str:
    """The answer, computed step by step and checked."""
    out = []
    ex_err = [p - t for p, t in zip(ex_hat, ex_y)]
    ex_gw = 2 * sum(e * a for e, a in zip(ex_err, ex_x)) / len(ex_x)
    ex_gb = 2 * sum(ex_err) / len(ex_x)
    ex_w2, ex_b2 = ex_w - ex_lr * ex_gw, ex_b - ex_lr * ex_gb
    ex_hat2 = [ex_w2 * a + ex_b2 for a in ex_x]
    ex_mse2 = sum((p - t) ** 2 for p, t in zip(ex_hat2, ex_y)) / len(ex_y)
    out.append(
        f"The gradients are $\\partial L/\\partial w = {exact(ex_gw)}$ and $\\partial L/\\partial b = {exact(ex_gb)}$, "
        f"so $w = {exact(ex_w)} - {exact(ex_lr)} \\cdot ({exact(ex_gw)}) = {exact(ex_w2)}$ and "
        f"$b = {exact(ex_b)} - {exact(ex_lr)} \\cdot ({exact(ex_gb)}) = {exact(ex_b2)}$. "
        f"The MSE falls from {exact(ex_mse)} to {exact(ex_mse2)}.\n"
    )
    out.append(
        check(
            "training exercise 2",
            ex_mse2,
            mse(np.array(ex_y, dtype=float), np.array(ex_hat2, dtype=float)),
            function="lossbook.regression.mse",
        )
    )
    return "\n".join(out)
