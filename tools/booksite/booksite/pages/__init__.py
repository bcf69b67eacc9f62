"""The code behind the pages' hidden blocks, where a fence would hide it from ruff and the tests.

One module per page, named after it (``booksite.pages.mse`` for ``docs/chapters/mse.md``):
the worked-example steps, tables and figures a page builds. A function returns the
Markdown or HTML the block prints (modules never print: ``print`` writes into the page
only inside a block). The plugin imports these modules afresh at every build, like
lossbook. Pages import them by a normal import: ``from booksite.pages.mse import mse_steps``.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import numpy as np

from booksite.page import check, exact


def worked_mean(
    loss: str,
    label: str,
    truth: list[Fraction],
    guess: list[Fraction],
    *,
    term: Callable[[Fraction], Fraction],
    written: tuple[str, str],
    lossbook_fn: Callable,
    function: str,
) -> tuple[Fraction, str]:
    r"""The mean of ``term(error)`` over the elements, step by step, checked against lossbook.

    ``written`` says how a term is written, from the inputs (``"({g} - {t})^2"``) and from
    the error (``"({e})^2"``). Returns the mean (a fraction) and the Markdown: aligned TeX
    under a bold label, then the check's line.
    """
    errors = [g - t for g, t in zip(guess, truth)]
    values = [term(e) for e in errors]
    total, n = sum(values), len(values)
    mean = total / n
    steps = [
        " + ".join(written[0].format(g=exact(g), t=exact(t)) for g, t in zip(guess, truth)),
        " + ".join(written[1].format(e=exact(e)) for e in errors),
        " + ".join(exact(v) for v in values),
    ]
    fractions = [f"\\frac{{{text}}}{{{n}}}" for text in steps]
    markdown = (
        f"**{label.capitalize()}**\n\n"
        "$$\n\\begin{aligned}\n"
        f"\\operatorname{{{loss}}} &= {fractions[0]} = {fractions[1]} \\\\\n"
        f"&= {fractions[2]} = \\frac{{{exact(total)}}}{{{n}}} = {exact(mean)}\n"
        "\\end{aligned}\n$$\n\n"
    )
    computed = lossbook_fn(np.array(truth, dtype=float), np.array(guess, dtype=float))
    return mean, markdown + check(f"dog {loss} {label}", mean, computed, function=function)


def clip_caps(emulations: dict[str, Callable]) -> dict[str, float]:
    """The most one confident mistake (probability 0 for the label 1) costs under each library's rule, in nats.

    ``emulations`` maps a name to a ``booksite.emulate`` binary cross-entropy, ``f(y, p)`` elementwise.
    """
    return {name: float(emulation(np.ones(1), np.zeros(1))[0]) for name, emulation in emulations.items()}


def aligned_mean(lines: list[str], losses: list[float]) -> tuple[float, str]:
    r"""The mean of per-example ``losses`` in nats, as a last row under their TeX ``lines`` (``\ell_i &= ...``)
    in one aligned block: (the mean, the TeX)."""
    mean = sum(losses) / len(losses)
    summed = " + ".join(f"{v:.4f}" for v in losses)
    rows = [*lines, f"\\text{{mean}} &= ({summed}) / {len(losses)} = {mean:.4f}\\ \\text{{nats}}"]
    return mean, "$$\n\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}\n$$\n"
