"""Gradient descent (docs/practice/gradient-descent.md): one step by hand, the learning rates, the classifier,
the exercises' answers."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap

from booksite.page import COLORS, alt_num, check, exact, figure, table
from lossbook import mse


def tex(value: Fraction) -> str:
    """A fraction in LaTeX: a decimal when it terminates, else a fraction."""
    text = exact(value)
    if not text.startswith("≈"):
        return text
    sign = "-" if value < 0 else ""
    return f"{sign}\\tfrac{{{abs(value.numerator)}}}{{{value.denominator}}}"


def fmt(value: Fraction) -> str:
    """``= value``, with its rounded decimal after the fraction when the decimal does not terminate."""
    text = exact(value)
    return f"= {tex(value)} \\approx {text[2:]}" if text.startswith("≈") else f"= {text}"


def one_step(
    xs: list[Fraction], ys: list[Fraction], w0: Fraction, b0: Fraction, lr: Fraction
) -> tuple[Fraction, Fraction, str]:
    """One gradient-descent step on the MSE of the line ``w x + b``, by hand, the new loss checked against
    lossbook: (the loss before, the loss after, the Markdown)."""
    n = len(xs)
    errors = [w0 * x + b0 - y for x, y in zip(xs, ys)]
    loss0 = sum(e * e for e in errors) / n
    grad_w = 2 * sum(e * x for e, x in zip(errors, xs)) / n
    grad_b = 2 * sum(errors) / n
    w1, b1 = w0 - lr * grad_w, b0 - lr * grad_b
    errors1 = [w1 * x + b1 - y for x, y in zip(xs, ys)]
    loss1 = sum(e * e for e in errors1) / n
    start = f"w = b = {exact(w0)}" if w0 == b0 else f"w = {exact(w0)}, b = {exact(b0)}"
    errors_table = table(
        ["$x_i$", "$y_i$", f"error $e_i = w x_i + b - y_i$ at ${start}$"],
        [[exact(x), exact(y), exact(e)] for x, y, e in zip(xs, ys, errors)],
    )
    steps = (
        "$$\n\\begin{aligned}\n"
        f"L &= \\tfrac{{1}}{{{n}}}\\left({' + '.join(f'({exact(e)})^2' for e in errors)}\\right) {fmt(loss0)} \\\\\n"
        f"\\tfrac{{\\partial L}}{{\\partial w}} &= \\tfrac{{2}}{{{n}}}\\left("
        f"{' + '.join(f'({exact(e)})({exact(x)})' for e, x in zip(errors, xs))}\\right) {fmt(grad_w)} \\\\\n"
        f"\\tfrac{{\\partial L}}{{\\partial b}} &= \\tfrac{{2}}{{{n}}}\\left("
        f"{' + '.join(f'({exact(e)})' for e in errors)}\\right) {fmt(grad_b)} \\\\\n"
        f"w &\\leftarrow {exact(w0)} - {exact(lr)} \\cdot ({tex(grad_w)}) {fmt(w1)}, \\qquad "
        f"b \\leftarrow {exact(b0)} - {exact(lr)} \\cdot ({tex(grad_b)}) {fmt(b1)} \\\\\n"
        f"L &= \\tfrac{{1}}{{{n}}}\\left({' + '.join(f'({tex(e)})^2' for e in errors1)}\\right) {fmt(loss1)}\n"
        "\\end{aligned}\n$$\n"
    )
    x_arr, y_arr = np.array(xs, dtype=float), np.array(ys, dtype=float)
    line = check(
        "loss after one step", loss1, mse(y_arr, float(w1) * x_arr + float(b1)), function="lossbook.regression.mse"
    )
    return loss0, loss1, errors_table + "\n" + steps + "\n" + line


def rates_figure(
    curves: dict[float, list[float]], fractions_of_threshold: list[float], best_loss: float, threshold: float
) -> str:
    """The training loss at every step for each learning rate (``curves``), on a log scale."""
    fig, ax = plt.subplots()
    for fraction, (lr, losses) in zip(fractions_of_threshold, curves.items()):
        ax.plot(range(len(losses)), losses, label=f"$\\eta$ = {lr:.3f} ({fraction:g} × 2/$\\lambda_{{\\max}}$)")
    ax.axhline(best_loss, color="#8c8c8c", linestyle=":", linewidth=1.2, label="least-squares loss")
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("MSE (log scale)")
    ax.legend(fontsize=9)
    endings = "; ".join(f"eta {alt_num(lr, 3)}: {alt_num(losses[-1])}" for lr, losses in curves.items())
    n_steps = len(next(iter(curves.values())))
    return figure(
        fig,
        alt=(
            f"Training loss over {alt_num(n_steps)} steps for four learning rates, on a log scale. "
            f"Final losses: {endings}. The three rates below the threshold {alt_num(threshold)} decrease, "
            "the one above it grows steadily."
        ),
        # The number of steps plotted, 2 / lambda_max and the rates it scales.
        derived=[n_steps, threshold, *curves],
        caption="The same line fit with four learning rates: below 2/λmax the loss falls, above it the loss explodes.",
    )


def softmax_figure(
    points: np.ndarray,
    labels: np.ndarray,
    trained: tuple[np.ndarray, np.ndarray],
    losses: list[float],
    final_loss: float,
    centres: np.ndarray,
) -> str:
    """The cross-entropy at every step (left); the points over the regions the ``trained`` (W, b) gives each class."""
    W, b = trained
    accuracy = np.mean(np.argmax(points @ W + b, axis=1) == labels)
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.3, 3.4))
    left.plot(range(len(losses)), losses)
    left.axhline(np.log(3), color="#8c8c8c", linestyle=":", linewidth=1.2)
    left.text(len(losses) - 1, np.log(3), "ln 3", ha="right", va="bottom", fontsize=9)
    left.set_xlabel("step")
    left.set_ylabel("cross-entropy (nats)")
    left.set_ylim(bottom=0)

    lo, hi = points.min(axis=0) - 0.5, points.max(axis=0) + 0.5
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], 120), np.linspace(lo[1], hi[1], 120))
    grid_pred = np.argmax(np.c_[gx.ravel(), gy.ravel()] @ W + b, axis=1).reshape(gx.shape)
    right.contourf(gx, gy, grid_pred, levels=[-0.5, 0.5, 1.5, 2.5], cmap=ListedColormap(COLORS[:3]), alpha=0.18)
    for k, marker in enumerate(["o", "s", "^"]):
        mine = points[labels == k]
        right.scatter(mine[:, 0], mine[:, 1], s=14, marker=marker, color=COLORS[k], label=f"class {k}")
    right.set_xlabel("$x_1$")
    right.set_ylabel("$x_2$")
    right.set_aspect("equal")
    right.grid(False)
    right.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    return figure(
        fig,
        alt=(
            f"Left: the cross-entropy falls from ln 3 = {alt_num(np.log(3))} nats to {alt_num(final_loss)} nats over "
            f"{alt_num(len(losses))} steps, quickly at first. Right: {alt_num(len(points))} "
            "training points of three classes, centred at "
            f"{', '.join(f'({alt_num(c[0])}, {alt_num(c[1])})' for c in centres)}, over the three "
            "regions the trained model "
            f"assigns to each class, separated by straight lines; {alt_num(100 * accuracy)}% of "
            "the points fall in their "
            "own class's region."
        ),
        # Not coordinates of the drawing: the final loss, the counts, the centres the points were drawn around,
        # the accuracy.
        derived=[final_loss, len(losses), len(points), *np.ravel(centres), 100 * accuracy],
        caption="Training a softmax classifier by gradient descent: the loss (left) and the learned decision regions "
        "(right).",
    )


def replayed_accuracies(
    points: np.ndarray,
    labels: np.ndarray,
    loss_and_gradients: Callable,
    *,
    steps: int,
    lr: float,
    trained: tuple[np.ndarray, np.ndarray],
) -> list[float]:
    """The accuracy before each of ``steps`` gradient-descent steps from zero weights, and after the last.

    Replays the page's training (same data, same updates) and refuses to go on unless it ends at the
    ``trained`` (W, b) the page reached.
    """
    n_classes = trained[1].size
    W, b = np.zeros((points.shape[1], n_classes)), np.zeros(n_classes)
    accuracies = []
    for _ in range(steps):
        accuracies.append(np.mean(np.argmax(points @ W + b, axis=1) == labels))
        _, gW, gb = loss_and_gradients(W, b)
        W, b = W - lr * gW, b - lr * gb
    if not (np.allclose(W, trained[0]) and np.allclose(b, trained[1])):
        raise ValueError(f"replayed_accuracies: {steps} steps at lr={lr} do not end at the trained weights")
    accuracies.append(np.mean(np.argmax(points @ W + b, axis=1) == labels))
    return accuracies


def settled_at(accuracies: list[float]) -> int:
    """The first step from which the accuracy never changes again."""
    return next(i for i in range(len(accuracies)) if all(a == accuracies[-1] for a in accuracies[i:]))


def exercise_1_answer(ex_w, ex_x, ex_lr, ex_y) -> str:
    """The answer, computed step by step and checked."""
    out = []
    ex_grad = 2 * sum((ex_w * a - b) * a for a, b in zip(ex_x, ex_y)) / len(ex_x)
    ex_w1 = ex_w - ex_lr * ex_grad
    ex_loss0 = sum((ex_w * a - b) ** 2 for a, b in zip(ex_x, ex_y)) / len(ex_x)
    ex_loss1 = sum((ex_w1 * a - b) ** 2 for a, b in zip(ex_x, ex_y)) / len(ex_x)
    out.append(
        f"$\\partial L/\\partial w = \\frac{{2}}{{n}}\\sum_i (w x_i - y_i) x_i = {exact(ex_grad)}$, so "
        f"$w = {exact(ex_w)} - {exact(ex_lr)} \\cdot ({exact(ex_grad)}) = {exact(ex_w1)}$, and the loss falls from "
        f"{exact(ex_loss0)} to {exact(ex_loss1)}.\n"
    )
    out.append(
        check(
            "gradient descent exercise 1",
            ex_loss1,
            mse(np.array(ex_y, dtype=float), float(ex_w1) * np.array(ex_x, dtype=float)),
            function="lossbook.regression.mse",
        )
    )
    return "\n".join(out)


def exercise_2_answer(ex2_steps, ex2_lr, ex2_target) -> str:
    """The answer, computed step by step and checked."""
    out = []
    ex2_w, ex2_losses = Fraction(0), []
    for _ in range(ex2_steps):
        ex2_w = ex2_w - ex2_lr * 2 * (ex2_w - ex2_target)
        ex2_losses.append((ex2_w - ex2_target) ** 2)
    out.append(
        f"Each step multiplies the distance to the minimum by $1 - 2 \\cdot {exact(ex2_lr)} "
        f"= {exact(1 - 2 * ex2_lr)}$: "
        f"the losses are {', '.join(exact(v) for v in ex2_losses)}. The loss grows: with a learning rate above 1 "
        "this parabola is overshot further at every step and training diverges.\n"
    )
    out.append(
        check(
            "gradient descent exercise 2",
            ex2_losses[-1],
            mse([float(ex2_target)], [float(ex2_w)]),
            function="lossbook.regression.mse",
        )
    )
    return "\n".join(out)
