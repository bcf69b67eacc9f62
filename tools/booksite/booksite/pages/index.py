"""The home page (docs/index.md): a small neural network learning a curve, and its falling loss."""

from __future__ import annotations

from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np

from booksite.page import alt_num, figure
from lossbook import mse


@dataclass
class Run:
    """One training run: the data, the loss at every step, the predictions at the shown steps."""

    x: np.ndarray
    y: np.ndarray
    hidden: int
    shown: list[int]
    grid: np.ndarray
    losses: np.ndarray = field(default_factory=lambda: np.empty(0))
    curves: dict[int, np.ndarray] = field(default_factory=dict)
    lossbook_losses: list[float] = field(default_factory=list)  # lossbook.mse at the shown steps


def train_network(*, seed: int, hidden: int, learning_rate: float, steps: int) -> Run:
    """One hidden layer of tanh units fitted to 40 noisy points of a sine, by gradient descent on the MSE."""
    rng = np.random.default_rng(seed)
    x = np.linspace(-3, 3, 40)
    y = np.sin(x) + rng.normal(0, 0.15, size=x.size)
    w1, b1 = rng.normal(0, 1, hidden), rng.normal(0, 1, hidden)
    w2, b2 = rng.normal(0, 0.5, hidden), 0.0
    run = Run(x, y, hidden, [0, 10, 100, steps], np.linspace(-3, 3, 121))
    losses = []
    for step in range(steps + 1):
        h = np.tanh(np.outer(x, w1) + b1)  # hidden layer, shape (40, hidden)
        y_hat = h @ w2 + b2
        error = y_hat - y
        losses.append(np.mean(error**2))
        if step in run.shown:
            run.curves[step] = np.tanh(np.outer(run.grid, w1) + b1) @ w2 + b2
            run.lossbook_losses.append(mse(y, y_hat))
        g = 2 * error / x.size  # dL/dy_hat
        dh = np.outer(g, w2) * (1 - h**2)  # back through tanh
        w2, b2 = w2 - learning_rate * (h.T @ g), b2 - learning_rate * g.sum()
        w1, b1 = w1 - learning_rate * (dh * x[:, None]).sum(0), b1 - learning_rate * dh.sum(0)
    run.losses = np.array(losses)
    return run


LINTHRESH = 10  # the step axis is linear up to here and logarithmic beyond


def network_figure(run: Run) -> str:
    """The predictions at the shown steps (left) and the loss at every step (right).

    The step axis is linear up to :data:`LINTHRESH` and logarithmic beyond, so that the first steps and
    the last hundreds both show; the axis label, the alt text and the caption say so.
    """
    x, y, shown, losses = run.x, run.y, run.shown, run.losses
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.4, 3.4), gridspec_kw={"width_ratios": [1.2, 1]})
    left.scatter(x, y, s=14, color="0.5", zorder=3, label="data")
    for s in shown:
        left.plot(run.grid, run.curves[s], linewidth=1.8, label=f"step {s}")
    left.set_xlabel("input $x$")
    left.set_ylabel("prediction $\\hat y$")
    left.set_title("the predictions improve…", fontsize=10)
    right.plot(np.arange(len(losses)), losses, color="0.45", linewidth=1.5)
    for k, s in enumerate(shown):
        right.scatter([s], [losses[s]], s=36, zorder=3, color=f"C{k}")
    right.set_xscale("symlog", linthresh=LINTHRESH)
    right.set_yscale("log")
    right.set_xlabel(f"gradient-descent step\n(linear to {LINTHRESH}, then logarithmic)")
    right.set_ylabel("MSE (log scale)")
    right.set_title("…as the loss falls", fontsize=10)
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    fig.legend(*left.get_legend_handles_labels(), loc="lower center", ncol=len(shown) + 1, fontsize=9)
    return figure(
        fig,
        alt=(
            f"Left: {alt_num(x.size)} noisy points along a sine curve and the predictions of a small neural network "
            f"after {', '.join(alt_num(s) for s in shown)} steps of gradient descent, from a wrong curve to one "
            f"that follows the points. Right: the mean squared error on a logarithmic axis against the step, on an "
            f"axis that is linear up to step {alt_num(LINTHRESH)} and logarithmic beyond, so that the first steps "
            "and the last hundreds both show; the loss falls "
            + ", ".join(
                f"to {alt_num(losses[s])} at step {alt_num(s)}"
                if k
                else f"from {alt_num(losses[s])} at step {alt_num(s)}"
                for k, s in enumerate(shown)
            )
            + "."
        ),
        derived=[x.size],
        caption=f"A neural network with one hidden layer of {run.hidden} units learns a curve from {x.size} points. "
        "Everything this book is about is in the right panel: the loss is the number that training pushes down. "
        f"Its step axis is linear up to {LINTHRESH} and logarithmic beyond, to show the first steps and the last.",
    )
