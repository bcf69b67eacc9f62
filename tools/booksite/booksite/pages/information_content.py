"""Information content (docs/chapters/information-content.md): the table of events, and the curve."""

from __future__ import annotations

import math
from fractions import Fraction

import matplotlib.pyplot as plt
import numpy as np

from booksite.page import alt_num, bits, check, exact, figure, num, table
from lossbook import information_content

EVENTS = [
    ("a certain event", Fraction(1)),
    ("a 9 in 10 event", Fraction(9, 10)),
    ("heads on a fair coin", Fraction(1, 2)),
    ("two heads in two tosses", Fraction(1, 4)),
    ("a 1 in 10 event", Fraction(1, 10)),
    ("the sequence 01101", Fraction(1, 32)),
    ("a 1 in 1000 event", Fraction(1, 1000)),
]


def events_table(events: list[tuple[str, Fraction]] = EVENTS) -> str:
    """Each event's information content by hand, in bits, checked against lossbook."""
    by_hand = [-math.log2(p) if p != 1 else 0.0 for _, p in events]
    rows = [
        [name, f"{p.numerator}/{p.denominator}" if p != 1 else "1", num(b, whole=True)]
        for (name, p), b in zip(events, by_hand)
    ]
    return (
        table(["event", "probability $p$", "$-\\log_2 p$ (bits)"], rows, align="lrr")
        + "\n"
        + check(
            "information content table, bits",
            by_hand,
            information_content(np.array([float(p) for _, p in events]), base=2),
            function="lossbook.information.information_content",
        )
    )


def curve_figure(grid: np.ndarray, marks: list[Fraction]) -> str:
    """Information content in bits and nats over ``grid``, with the ``marks`` labelled in bits."""
    fig, ax = plt.subplots()
    ax.plot(grid, information_content(grid, base=2), label="$-\\log_2 p$ (bits)")
    ax.plot(grid, information_content(grid), label="$-\\ln p$ (nats)")
    for p in marks:
        ax.scatter([float(p)], [-math.log2(p)], color="C0", s=40, zorder=3)
        ax.annotate(
            f"p = 1/{p.denominator}: {bits(-math.log2(p))}",
            (float(p), -math.log2(p)),
            xytext=(10, 4),
            textcoords="offset points",
        )
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 10.5)
    ax.set_xlabel("probability $p$ of the outcome")
    ax.set_ylabel("information content")
    ax.legend()
    marked = "; ".join(f"p = {alt_num(p)} gives {alt_num(-math.log2(p))} bits" for p in marks)
    return figure(
        fig,
        alt=(
            f"Information content against probability, for p from {alt_num(grid[0])} to {alt_num(grid[-1])}, in "
            f"bits and in nats. Both curves fall from {alt_num(information_content(grid[0], base=2))} bits and "
            f"{alt_num(information_content(grid[0]))} nats at p = {alt_num(grid[0])} to "
            f"{alt_num(information_content(grid[-1]))} at p = {alt_num(grid[-1])}; the nats curve is the bits curve "
            f"times {alt_num(math.log(2))}, the natural logarithm of two. Marked points: {marked}."
        ),
        derived=[math.log(2)],  # the ratio of the two plotted curves
        caption="Information content falls as the probability rises: rare outcomes carry many bits, "
        "a certain outcome none. The nats curve is the bits curve scaled by ln 2.",
    )


def sequence_steps(secret: str) -> tuple[Fraction, float, str]:
    """The probability of one run of fair tosses and its information content in bits, step by step,
    checked against lossbook: (the probability, the bits, the Markdown)."""
    toss_probabilities = [Fraction(1, 2)] * len(secret)
    p_sequence = math.prod(toss_probabilities)
    in_bits = -math.log2(p_sequence)
    factors = " \\times ".join(f"\\tfrac{{{f.numerator}}}{{{f.denominator}}}" for f in toss_probabilities)
    markdown = (
        "$$\n\\begin{aligned}\n"
        f"p(\\texttt{{{secret}}}) &= {factors} = \\frac{{{p_sequence.numerator}}}{{{p_sequence.denominator}}} \\\\\n"
        f"I &= -\\log_2 \\frac{{{p_sequence.numerator}}}{{{p_sequence.denominator}}}"
        f" = \\log_2 {1 / p_sequence} = {in_bits:g} \\text{{ bits}}\n"
        "\\end{aligned}\n$$\n"
    )
    line = check(
        f"information content of {secret}, bits",
        in_bits,
        information_content(float(p_sequence), base=2),
        function="lossbook.information.information_content",
    )
    return p_sequence, in_bits, markdown + "\n" + line


def units_steps(secret: str, p_sequence: Fraction) -> str:
    """The information content of the run in nats, and the factor between nats and bits, checked against lossbook."""
    nats = -math.log(p_sequence)
    bits_per_nat = 1 / math.log(2)
    nats_per_bit = math.log(2)
    markdown = (
        "$$\n\\begin{aligned}\n"
        f"1 \\text{{ nat}} &= \\frac{{1}}{{\\ln 2}} \\text{{ bits}} \\approx {num(bits_per_nat, 6)} \\text{{ bits}},"
        f" \\qquad 1 \\text{{ bit}} = \\ln 2 \\text{{ nats}} \\approx {num(nats_per_bit, 6)} \\text{{ nats}} \\\\\n"
        f"I(\\texttt{{{secret}}}) &= -\\ln \\tfrac{{1}}{{{1 / p_sequence}}} = \\ln {1 / p_sequence}"
        f" \\approx {num(nats, 6)} \\text{{ nats}}"
        f" \\approx {num(nats, 6)} \\times {num(bits_per_nat, 6)} \\text{{ bits}}"
        f" = {nats * bits_per_nat:g} \\text{{ bits}}\n"
        "\\end{aligned}\n$$\n"
    )
    line = check(
        f"information content of {secret}, nats",
        nats,
        information_content(float(p_sequence)),
        function="lossbook.information.information_content",
    )
    return markdown + "\n" + line


def exercise_1_answer(ex_p) -> str:
    """The answer, computed step by step and checked."""
    out = []
    ex_bits = math.log2(1 / ex_p)
    ex_nats = math.log(1 / ex_p)
    out.append(
        f"$-\\log_2 {exact(ex_p)} = \\log_2 {exact(1 / ex_p)} = {num(ex_bits, whole=True)}$ bits: "
        f"{num(ex_bits, whole=True)} yes/no questions. In nats, $\\log {exact(1 / ex_p)} = {num(ex_nats)}$, "
        f"the bits times $\\log 2 = {num(math.log(2))}$.\n"
    )
    out.append(
        check(
            "information exercise 1, bits",
            ex_bits,
            information_content(float(ex_p), base=2),
            function="lossbook.information.information_content",
        )
    )
    out.append(
        check(
            "information exercise 1, nats",
            ex_nats,
            information_content(float(ex_p)),
            function="lossbook.information.information_content",
        )
    )
    return "\n".join(out)
