"""Entropy (docs/chapters/entropy.md): optimal questioning in blocks, the coin's arch, p log p near 0."""

from __future__ import annotations

import heapq
import math
from fractions import Fraction

import matplotlib.pyplot as plt
import numpy as np

from booksite.page import alt_num, bits, check, figure, num, table, tex_power_of_ten, tex_sci
from lossbook import entropy, entropy_grad


def huffman_questions(probs: list[Fraction]) -> Fraction:
    """Expected number of yes/no questions of an optimal (Huffman) strategy."""
    heap = list(probs)
    heapq.heapify(heap)
    total = Fraction(0)
    while len(heap) > 1:
        merged = heapq.heappop(heap) + heapq.heappop(heap)
        total += merged  # every outcome under this merge needs one more question
        heapq.heappush(heap, merged)
    return total


def huffman_table(coin: tuple[Fraction, Fraction], coin_entropy: float, blocks: range = range(1, 9)) -> str:
    """Questions per toss when asking about blocks of n tosses: within 1/n above the entropy."""
    heads, tails = coin
    rows = []
    for n in blocks:
        block = [heads ** (n - k) * tails**k for k in range(n + 1) for _ in range(math.comb(n, k))]
        per_toss = huffman_questions(block) / n
        assert coin_entropy <= per_toss < coin_entropy + Fraction(1, n)  # the source coding theorem's bounds
        rows.append([n, 2**n, num(float(per_toss), whole=True)])
    return table(["tosses per block $n$", "outcomes per block", "questions per toss"], rows)


def bernoulli_figure(
    grid: np.ndarray, H_grid: np.ndarray, coins: dict[str, tuple[Fraction, Fraction]], coin_entropy: dict[str, float]
) -> str:
    """The entropy ``H_grid`` of a coin against its probability of heads ``grid``, the chapter's coins marked."""
    fig, ax = plt.subplots()
    ax.plot(grid, H_grid, label="$H$ of a coin with $P(\\text{heads}) = p$")
    for name, probs in coins.items():
        x = float(probs[0])
        ax.scatter([x], [coin_entropy[name]], s=50, zorder=3, label=f"{name}: {bits(coin_entropy[name])}")
    ax.set_xlabel("probability of heads $p$")
    ax.set_ylabel("entropy (bits)")
    ax.set_ylim(0, 1.1)
    ax.legend(loc="lower center")
    top = int(np.argmax(H_grid))
    return figure(
        fig,
        alt=(
            f"Entropy in bits of a coin against its probability of heads p from {alt_num(grid[0])} to "
            f"{alt_num(grid[-1])}: an arch that is {alt_num(H_grid[0])} bits at p = {alt_num(grid[0])} and at "
            f"p = {alt_num(grid[-1])} and peaks at {alt_num(H_grid[top])} bits at p = {alt_num(grid[top])}. "
            f"The fair coin is marked at the peak and the biased coin (p = {alt_num(coins['biased coin'][0])}) "
            f"at {alt_num(coin_entropy['biased coin'])} bits."
        ),
        caption="The entropy of a coin is largest when both sides are equally likely and falls to zero when "
        "the outcome is certain.",
    )


def latex_number(value: float) -> str:
    """A number for KaTeX: four significant digits, powers of ten below 10^-4."""
    return f"${num(value, whole=True)}$" if abs(value) >= 1e-4 else f"${tex_sci(value)}$"


def zero_limit_table(powers: tuple[int, ...]) -> str:
    """log2 p and p log2 p for p = 10**-k: the first grows without bound, the product goes to 0."""
    rows = [
        [
            f"${tex_power_of_ten(10.0**-k)}$",
            latex_number(math.log2(10.0**-k)),
            latex_number(10.0**-k * math.log2(10.0**-k)),
        ]
        for k in powers
    ]
    return table(["$p$", "$\\log_2 p$ (bits)", "$p \\log_2 p$ (bits)"], rows)


def uniform_steps(outcomes: int) -> tuple[Fraction, float, str]:
    """The entropy of ``outcomes`` equally likely outcomes in bits, step by step, checked against lossbook:
    (the probability of each, the bits each carries, the Markdown)."""
    p_each = Fraction(1, outcomes)
    bits_each = -math.log2(p_each)  # information content of one outcome
    term = p_each * Fraction(bits_each)  # p_i * (-log2 p_i), exact when bits_each is a whole number
    H = outcomes * term
    markdown = (
        "$$\n\\begin{aligned}\n"
        f"H &= -\\sum_{{i=1}}^{{{outcomes}}} \\tfrac{{1}}{{{outcomes}}} \\log_2 \\tfrac{{1}}{{{outcomes}}}"
        f" = {outcomes} \\times \\left(\\tfrac{{1}}{{{outcomes}}} \\times {bits_each:g}\\right) \\\\\n"
        f"&= {outcomes} \\times \\tfrac{{{term.numerator}}}{{{term.denominator}}} = {H} \\text{{ bits}}\n"
        "\\end{aligned}\n$$\n"
    )
    line = check(
        f"entropy of {outcomes} equally likely outcomes, bits",
        H,
        entropy(np.full(outcomes, 1 / outcomes), base=2),
        function="lossbook.information.entropy",
    )
    return p_each, bits_each, markdown + "\n" + line


def coin_steps(name: str, probs: list[Fraction]) -> tuple[float, str]:
    """A coin's entropy in bits, a table of its terms then their sum, checked against lossbook:
    (the entropy, the Markdown)."""
    infos = [-math.log2(p) for p in probs]
    terms = [float(p) * i for p, i in zip(probs, infos)]
    H = math.fsum(terms)
    rows = [
        [o, str(p), num(i, whole=True), num(t, whole=True)]
        for o, p, i, t in zip(["heads", "tails"], probs, infos, terms)
    ]
    header = ["outcome", "$p_i$", "$-\\log_2 p_i$ (bits)", "$p_i \\cdot (-\\log_2 p_i)$ (bits)"]
    unit = "bit" if H == 1 else "bits"
    line = check(
        f"entropy of the {name}, bits",
        H,
        entropy([float(p) for p in probs], base=2),
        function="lossbook.information.entropy",
    )
    return H, (
        f"**{name.capitalize()}**\n\n"
        + table(header, rows, align="lrrr")
        + "\n"
        + f"$$\nH = {' + '.join(num(t, whole=True) for t in terms)} = {num(H, whole=True)} \\text{{ {unit}}}\n$$\n"
        + "\n"
        + line
    )


def distributions_table(classes: list[str], distributions: dict[str, list[Fraction]]) -> str:
    """The entropy in bits of each distribution over ``classes``, by hand, checked against lossbook."""
    by_hand = [math.fsum(-float(p) * math.log2(p) for p in probs if p > 0) for probs in distributions.values()]
    rows = [[name, *map(str, probs), num(h, whole=True)] for (name, probs), h in zip(distributions.items(), by_hand)]
    return (
        table(["distribution", *classes, "$H$ (bits)"], rows, align="l" + "r" * (len(classes) + 1))
        + "\n"
        + check(
            f"entropies of {len(classes)}-class distributions, bits",
            by_hand,
            entropy(np.array([[float(p) for p in probs] for probs in distributions.values()]), base=2),
            function="lossbook.information.entropy",
        )
    )


def gradient_steps(coin: list[Fraction]) -> str:
    """The partial derivatives -(log2 p_k + 1 / ln 2) of a coin's entropy in bits, checked against lossbook."""
    slopes = [-(math.log2(p) + 1 / math.log(2)) for p in coin]
    terms = ", \\qquad ".join(
        f"\\frac{{\\partial H}}{{\\partial p_{{\\text{{{o}}}}}}} = "
        f"-\\left(\\log_2 {p} + \\tfrac{{1}}{{\\ln 2}}\\right) \\approx {s:.4f}"
        for o, p, s in zip(["heads", "tails"], coin, slopes)
    )
    line = check(
        "biased coin entropy gradient",
        slopes,
        entropy_grad(np.array(coin, dtype=float), base=2),
        function="lossbook.information.entropy_grad",
    )
    shift = slopes[1] - slopes[0]
    assert shift > 0  # the sentence says moving probability to tails raises the entropy
    sentence = (
        f"\nThese are partial derivatives, one probability moved at a time, as autograd computes them. A coin "
        f"must keep its probabilities summing to 1, so what counts is their difference: moving a little probability "
        f"from heads to tails changes the entropy at the rate {shift:.4f} bits per unit, "
        f"$\\log_2(p_{{\\text{{heads}}}} / p_{{\\text{{tails}}}})$, positive because the coin becomes fairer. At "
        "$p_k = 0$ the derivative is $+\\infty$: the first sliver of probability given to an impossible outcome "
        "raises the entropy infinitely steeply."
    )
    return "\n".join([f"$$\n{terms}\n$$\n", line, sentence])
