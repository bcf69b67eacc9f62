"""The atlas pages (docs/atlas/): one module per page, and what they share.

``booksite.pages.atlas.regression``, ``.classification`` and ``.segmentation`` hold each
page's figures and worked examples; this module, the figure of a loss beside its derivative
and the table of a worked example's elementwise steps, its mean and its check against lossbook.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from fractions import Fraction

import matplotlib.pyplot as plt
import numpy as np

from booksite.page import PANEL_MARGINS, alt_num, check, figure, num, panels, table

Series = Sequence[tuple[str, np.ndarray, np.ndarray]]


def curves(
    loss: Callable, grad: Callable, inputs: tuple, options: dict[str, dict], column: int | None = None
) -> Series:
    """``(label, losses, slopes)`` for each label's keyword options: the unreduced loss and its gradient
    on ``inputs``, the gradient's last-axis ``column`` only when given (one class of each row)."""
    series = []
    for label, kwargs in options.items():
        slopes = grad(*inputs, reduction="none", **kwargs)
        series.append(
            (label, loss(*inputs, reduction="none", **kwargs), slopes if column is None else slopes[..., column])
        )
    return series


def loss_and_slope(
    x: np.ndarray,
    series: Series,
    *,
    xlabel: str,
    what: str,
    caption: str,
    slope: str = "derivative",
    setting: str = "",
    derived: Sequence[float] = (),
    legend_at: str = "best",
) -> str:
    """Each ``(label, losses, slopes)`` of ``series`` as a loss curve (left) and its ``slope`` (right), against ``x``.

    ``xlabel`` (which may hold TeX) goes once under both panels; ``what`` names the horizontal
    quantity in words for the alt text, and ``setting`` (such as " of a 4 by 4 image") follows
    "the loss" there. The alt text gives each curve's loss and slope at both ends of ``x``, and
    where a loss is zero over a run reaching an end (a margin met), from or up to where.
    ``derived`` are the numbers of the setting, which the figure does not draw (see ``figure``);
    ``legend_at`` places the loss panel's legend where matplotlib's "best" would run a curve
    through it (``figure`` refuses a legend drawn over data), or ``"above"`` both panels.
    """
    fig, (left, right) = panels(2, figsize=(7.3, 3.1))
    for label, losses, slopes in series:
        left.plot(x, losses, label=label)
        right.plot(x, slopes, label=label)
    fig.supxlabel(xlabel, fontsize=plt.rcParams["axes.labelsize"])  # one label under both panels: some are long
    left.set_ylabel("loss")
    right.set_ylabel(slope)
    if legend_at == "above":  # one row over both panels, clear of every curve
        # Room for it inside the canvas: matplotlib's SVG drops the parts of paths (the legend's
        # line samples) that lie outside it, although the crop would show them.
        top = PANEL_MARGINS["top"] - 0.1
        fig.subplots_adjust(top=top)
        handles, labels = left.get_legend_handles_labels()  # each curve once (the right panel repeats them)
        fig.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.5, top + 0.01), ncols=len(series), fontsize=9)
    else:
        left.legend(fontsize=9, loc=legend_at)
    # A label's numbers are the legend's; in the alt text, with a true minus sign like every other number.
    named = {label: re.sub(r"-(?=\d)", "−", label) for label, _, _ in series}
    parts = [
        f"{named[label]}: loss from {alt_num(losses[0])} to {alt_num(losses[-1])}{zero_run(x, losses)}; "
        f"{slope} from {alt_num(slopes[0])} to {alt_num(slopes[-1])}"
        for label, losses, slopes in series
    ]
    alt = (
        f"Left, the loss{setting} against the {what} from {alt_num(x[0])} to {alt_num(x[-1])}; "
        f"right, its {slope}. " + ". ".join(parts) + "."
    )
    return figure(fig, alt=alt.replace("$", ""), caption=caption, derived=list(derived))


def zero_run(x: np.ndarray, losses: np.ndarray) -> str:
    """ ", zero from X on" (or ", zero up to X") when the losses are 0 exactly over a run of ``x`` that
    reaches its last (or first) point and holds more than that point; else nothing."""
    zero = np.asarray(losses) == 0
    if zero[-1] and zero[-2]:
        return f", zero from {alt_num(x[len(zero) - np.argmin(zero[::-1])])} on" if not zero.all() else ", zero"
    if zero[0] and zero[1]:
        return f", zero up to {alt_num(x[np.argmin(zero) - 1])}"
    return ""


def worked(
    example: str,
    function: str,
    header: list[str],
    rows: list[list[object]],
    values: Sequence[float | Fraction],
    lossbook_value: float,
    *,
    align: str | None = None,
) -> str:
    """The table of elementwise steps, their mean written out, and the check against lossbook, as Markdown.

    ``values`` are the elementwise losses computed on the page: floats (averaged with
    ``math.fsum``) or fractions (averaged exactly); the check compares that mean with
    ``lossbook_value`` (and fails the build when they disagree).
    """
    n = len(values)
    exact = all(isinstance(v, Fraction) for v in values)
    mean = sum(values, Fraction(0)) / n if exact else math.fsum(values) / n
    terms = " + ".join(num(float(v)) for v in values)
    return (
        table(header, rows, align=align or "r" * len(header))
        + f"\n$$\n\\frac{{1}}{{{n}}}\\left({terms}\\right) = {num(float(mean))}\n$$\n\n"
        + check(example, mean, lossbook_value, function=function)
    )
