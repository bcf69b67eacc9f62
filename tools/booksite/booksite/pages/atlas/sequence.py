"""The CTC page (docs/atlas/sequence.md): paths by brute force, the forward algorithm by hand, its lattice.

Everything here is exact arithmetic on ``Fraction`` probabilities, independent of lossbook: the
page checks the results against ``lossbook.ctc`` and ``lossbook.ctc_grad``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from itertools import product

import matplotlib.pyplot as plt

from booksite.page import INK, alt_num, figure, num, table

BLANK = 0


def collapse(path: tuple[int, ...]) -> list[int]:
    """What a frame-level path reads: repeats merged, then blanks dropped."""
    merged = [s for i, s in enumerate(path) if i == 0 or s != path[i - 1]]
    return [s for s in merged if s != BLANK]


def path_probability(probs: list[list[Fraction]], path: tuple[int, ...]) -> Fraction:
    """The product of each frame's probability of the path's symbol."""
    return math.prod((probs[t][s] for t, s in enumerate(path)), start=Fraction(1))


def reading_paths(probs: list[list[Fraction]], labels: list[int]) -> list[tuple[int, ...]]:
    """Every path through the frames (one symbol each) that collapses to ``labels``, in lexicographic order."""
    return [p for p in product(range(len(probs[0])), repeat=len(probs)) if collapse(p) == labels]


def paths_markdown(probs: list[list[Fraction]], labels: list[int], symbols: list[str]) -> str:
    """How many paths there are, the table of those that read the transcript, and their total."""
    reading = reading_paths(probs, labels)
    total = sum(path_probability(probs, p) for p in reading)
    rows = [
        [
            "".join(symbols[s] for s in p),
            " × ".join(str(probs[t][s]) for t, s in enumerate(p)),
            str(path_probability(probs, p)),
        ]
        for p in reading
    ]
    word = "".join(symbols[s] for s in labels)
    count = len(probs[0]) ** len(probs)
    return (
        f'Of the {count} paths through {len(probs)} frames, {len(reading)} read "{word}":\n\n'
        + table(["path", "product", "probability"], rows, align="lll")
        + f"\n\nTheir total is $P(\\text{{{word}}} \\mid x) = {total} \\approx {num(float(total))}$. Listing paths "
        "grows like $C^T$; the forward algorithm gets the same sum in $O(T\\,|l'|)$ steps."
    )


@dataclass
class Forward:
    """The forward algorithm's result: the extended labels, every alpha, the steps shown, P(l | x)."""

    ext: list[int]
    alpha: list[list[Fraction]]
    steps: list[str]
    total: Fraction


def extended(labels: list[int]) -> list[int]:
    """The transcript with a blank before, between and after its labels."""
    ext = [BLANK]
    for label in labels:
        ext += [label, BLANK]
    return ext


def forward(probs: list[list[Fraction]], labels: list[int], symbols: list[str]) -> Forward:
    """alpha_t(s) by the recursion (stay, advance, or skip a blank between different labels), exactly.

    ``steps`` holds one Markdown line per nonzero alpha after the first frame, with its terms.
    """
    ext = extended(labels)
    n_states, n_frames = len(ext), len(probs)
    alpha = [[Fraction(0)] * n_states for _ in range(n_frames)]
    alpha[0][0], alpha[0][1] = probs[0][ext[0]], probs[0][ext[1]]
    steps = []
    for t in range(1, n_frames):
        for s in range(n_states):
            terms = [alpha[t - 1][s]] + ([alpha[t - 1][s - 1]] if s >= 1 else [])
            if s >= 2 and ext[s] != BLANK and ext[s] != ext[s - 2]:
                terms.append(alpha[t - 1][s - 2])
            alpha[t][s] = probs[t][ext[s]] * sum(terms)
            if alpha[t][s]:
                steps.append(
                    f"- $\\alpha_{t}({s})$ ({symbols[ext[s]]}) $= {probs[t][ext[s]]} \\times ("
                    + " + ".join(str(v) for v in terms)
                    + f") = {alpha[t][s]}$"
                )
    return Forward(ext, alpha, steps, alpha[-1][-1] + alpha[-1][-2])


def lattice_figure(run: Forward, symbols: list[str]) -> str:
    """The lattice: extended states down, frames across, each node's alpha, the allowed moves as arrows."""
    ext, alpha = run.ext, run.alpha
    n_frames, n_states = len(alpha), len(ext)
    fig, ax = plt.subplots(figsize=(6.5, 3.6))
    for t in range(n_frames):
        for s in range(n_states):
            if t < n_frames - 1:
                for step in (0, 1, 2):
                    target = s + step
                    allowed = target < n_states and (step < 2 or (ext[target] != BLANK and ext[target] != ext[s]))
                    if allowed and alpha[t][s] and alpha[t + 1][target]:
                        ax.annotate(
                            "",
                            xy=(t + 1, -target),
                            xytext=(t, -s),
                            arrowprops=dict(arrowstyle="->", color="#8c8c8c", lw=1, shrinkA=12, shrinkB=12),
                        )
            reached = bool(alpha[t][s])
            final = t == n_frames - 1 and s >= n_states - 2
            ax.scatter(
                [t],
                [-s],
                s=700,
                color="C1" if final else ("C0" if reached else "none"),
                edgecolors="C0" if reached else INK,  # an unreached node: a ring in the text colour of either palette
                zorder=3,
                alpha=0.9 if reached else 0.6,
            )
            ax.text(
                t,
                -s,
                alt_num(float(alpha[t][s]), 3) if reached else "0",
                ha="center",
                va="center",
                fontsize=8,
                color="white" if reached else INK,
                alpha=1.0 if reached else 0.75,
                zorder=4,
            )
    ax.set_xticks(range(n_frames), [f"frame {t}" for t in range(n_frames)])
    names = ["blank" if k == BLANK else symbols[k] for k in ext]  # the symbol "-" would run into a tick mark
    ax.set_yticks([-s for s in range(n_states)], [f"{s}: {name}" for s, name in enumerate(names)])
    ax.tick_params(length=0)  # no spines, so no tick marks either
    ax.set_xlim(-0.5, n_frames - 0.5)
    ax.set_ylim(-n_states + 0.4, 0.6)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    reached_count = sum(bool(alpha[t][s]) for t in range(n_frames) for s in range(n_states))
    word = "".join(symbols[s] for s in ext if s != BLANK)
    states = ", ".join(names)
    return figure(
        fig,
        alt=(
            f"The CTC lattice for the transcript {word} over {n_frames} frames: {n_states} extended states "
            f"({states}) down the side, frames across. {reached_count} of {n_frames * n_states} nodes can be "
            "reached; each shows its forward probability, and arrows show the allowed moves (stay, next, or skip "
            "the blank between two different labels). The two orange end nodes hold "
            f"{alt_num(float(alpha[-1][-1]), 3)} and {alt_num(float(alpha[-1][-2]), 3)}, summing to "
            f"{alt_num(float(run.total), 3)}."
        ),
        caption="The forward lattice: each node's α sums the arrows into it, times the frame's probability.",
        derived=(n_frames, n_states, reached_count, n_frames * n_states, float(run.total)),
    )


def path_shares(probs: list[list[Fraction]], labels: list[int]) -> dict[tuple[int, int], Fraction]:
    """{(frame, symbol): the share of P(l | x) carried by the reading paths that use that symbol there}."""
    reading = reading_paths(probs, labels)
    total = sum(path_probability(probs, p) for p in reading)
    shares: dict[tuple[int, int], Fraction] = {}
    for p in reading:
        weight = path_probability(probs, p) / total
        for t, k in enumerate(p):
            shares[t, k] = shares.get((t, k), Fraction(0)) + weight
    return shares


def example() -> tuple[list[str], list[list[Fraction]], list[int]]:
    """The page's example: symbols (0 is the blank), three frames of exact probabilities, the transcript "ab"."""
    symbols = ["-", "a", "b"]
    probs = [
        [Fraction(5, 10), Fraction(4, 10), Fraction(1, 10)],
        [Fraction(3, 10), Fraction(3, 10), Fraction(4, 10)],
        [Fraction(6, 10), Fraction(1, 10), Fraction(3, 10)],
    ]
    return symbols, probs, [1, 2]


def probs_table(probs: list[list[Fraction]], symbols: list[str]) -> str:
    """One row per frame: the probability of each symbol."""
    header = ["frame"] + [f"P({s})" for s in symbols]
    return table(header, [[t] + [str(p) for p in row] for t, row in enumerate(probs)], align="c" * len(header))


def forward_markdown(run: Forward, symbols: list[str]) -> str:
    """The forward steps, then P(l | x) as the sum of the two end states, and the loss in nats."""
    last, n_states = len(run.alpha) - 1, len(run.ext)
    word = "".join(symbols[s] for s in run.ext if s != BLANK)
    return (
        "\n".join(run.steps)
        + f"\n\nSo $P(\\text{{{word}}} \\mid x) = \\alpha_{last}({n_states - 1}) + \\alpha_{last}({n_states - 2}) = "
        f"{run.alpha[last][n_states - 1]} + {run.alpha[last][n_states - 2]} = {run.total}$, the sum over the "
        f"listed paths, and the loss is $-\\log P = {num(-math.log(run.total))}$ nats.\n"
    )


def gradient_by_paths(probs: list[list[Fraction]], labels: list[int]) -> list[list[float]]:
    """-(share of the reading paths through symbol k at frame t): the loss's derivative w.r.t. log y_t(k)."""
    shares = path_shares(probs, labels)
    return [[-float(shares.get((t, k), 0)) for k in range(len(row))] for t, row in enumerate(probs)]


def gradient_table(grad: list[list[float]], symbols: list[str]) -> str:
    """One row per frame: the derivative with respect to each symbol's log-probability."""
    header = ["frame"] + [f"∂ℓ/∂log P({s})" for s in symbols]
    return table(header, [[t] + [num(g) for g in row] for t, row in enumerate(grad)], align="c" * len(header))
