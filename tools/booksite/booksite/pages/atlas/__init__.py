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

import numpy as np

from booksite.page import alt_num, check, figure, num, panels, table

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


def loss_and_slope(x: np.ndarray, series: Series, *, xlabel: str, caption: str, what: str, at: int = -1) -> str:
    """Each ``(label, losses, slopes)`` of ``series`` as a loss curve (left) and its derivative (right), against ``x``.

    ``what`` names the quantity on the horizontal axis in the alt text, which gives each
    curve's loss and derivative at ``x[at]`` (the last point by default).
    """
    fig, (left, right) = panels(2, figsize=(7.3, 3.1))
    for label, losses, slopes in series:
        left.plot(x, losses, label=label)
        right.plot(x, slopes, label=label)
    left.set_xlabel(xlabel)
    right.set_xlabel(xlabel)
    left.set_ylabel("loss")
    right.set_ylabel("derivative")
    left.legend(fontsize=8)
    # A label's numbers are the legend's; in the alt text, with a true minus sign like every other number.
    named = {label: re.sub(r"-(?=\d)", "−", label) for label, _, _ in series}
    ends = "; ".join(
        f"{named[label]}: loss {alt_num(losses[at])} and derivative {alt_num(slopes[at])}"
        for label, losses, slopes in series
    )
    alt = (
        f"Left, the loss against the {what} from {alt_num(x[0])} to {alt_num(x[-1])} for "
        f"{', '.join(named.values())}; right, its derivative. At {what} {alt_num(x[at])}: {ends}."
    )
    return figure(fig, alt=alt.replace("$", ""), caption=caption)


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
