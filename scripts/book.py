"""Helpers shared by the book's pages.

Pages import this module from their hidden exec blocks (``scripts/`` is put on
``sys.path`` by ``scripts/hooks.py``).  Reader-facing code never imports it: a
snippet a reader can copy only needs numpy and lossbook.

- :func:`check` compares a worked example, computed step by step, with the
  lossbook function it illustrates, and fails the build when they disagree.
- :func:`figure` turns a matplotlib figure into reproducible, accessible
  inline SVG that follows the light and dark palettes.
- :func:`exact`, :func:`num` and :func:`table` format numbers and tables.
"""

from __future__ import annotations

import io
import math
import re
from fractions import Fraction
from html import escape

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

CURRENT_PAGE: str | None = None  # set by hooks.on_page_markdown

# Foreground drawn in this sentinel colour becomes currentColor in the SVG, so
# text and axes take the page's text colour in both palettes.
INK = "#010203"
# Line colours legible on the light (white) and dark (slate) backgrounds.
COLORS = ["#3366cc", "#e8710a", "#2e9e5b", "#d6336c", "#8e59c9", "#8a6d3b"]
STYLE = {
    "svg.hashsalt": "lossbook",
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.size": 11,
    "figure.figsize": (6.4, 3.6),
    "figure.dpi": 100,
    "figure.facecolor": "none",
    "axes.facecolor": "none",
    "savefig.transparent": True,
    "text.color": INK,
    "axes.labelcolor": INK,
    "axes.edgecolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "legend.labelcolor": INK,
    "legend.frameon": False,
    "axes.grid": True,
    "grid.color": "#8c8c8c",
    "grid.alpha": 0.35,
    "grid.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": matplotlib.cycler(color=COLORS),
    "lines.linewidth": 2.0,
    "path.simplify": True,
}
matplotlib.rcParams.update(STYLE)

_figure_count: dict[str, int] = {}


class WorkedExampleError(AssertionError):
    """A worked example disagrees with the lossbook function it illustrates."""


def reset_figures() -> None:
    """Restart figure numbering (called before every build, for reproducible ids)."""
    _figure_count.clear()


def check(example: str, step_by_step, lossbook_value, *, function: str, rtol: float = 1e-12) -> str:
    """Fail the build unless a step-by-step result equals the lossbook result.

    Args:
        example: A short name of the worked example, used in the error.
        step_by_step: The value computed by hand on the page (a float, a
            ``Fraction`` or an array of them).
        lossbook_value: The value returned by the lossbook function.
        function: The lossbook function, as a dotted path for the API link
            (``"lossbook.regression.mse"``).
        rtol: Relative tolerance (the default only forgives float rounding).

    Returns:
        A Markdown line saying what was checked, to print under the example.
    """
    ours = np.asarray(step_by_step, dtype=float)
    theirs = np.asarray(lossbook_value, dtype=float)
    agree = ours.shape == theirs.shape and bool(np.all(np.isclose(ours, theirs, rtol=rtol, atol=0.0) | (ours == theirs)))
    if not agree:
        raise WorkedExampleError(
            f"page {CURRENT_PAGE}, worked example {example!r}: the step-by-step value "
            f"{_show(step_by_step)} disagrees with {function} = {_show(lossbook_value)}"
        )
    name = function.rsplit(".", 1)[-1]
    return (
        f'<p class="lb-checked" markdown="span">Checked when this page was built: the steps above '
        f"agree with [`lossbook.{name}`][{function}] to a relative {rtol:.0e}.</p>"
    )


def _show(value) -> str:
    if isinstance(value, Fraction):
        return f"{value} (= {float(value)!r})"
    if isinstance(value, float):
        return repr(value)
    return np.array2string(np.asarray(value, dtype=float), precision=17)


def exact(value: Fraction | int, digits: int = 6) -> str:
    """A fraction as a decimal: exact when it terminates within ``digits`` places, else rounded with '≈'."""
    value = Fraction(value)
    for places in range(digits + 1):
        scaled = value * 10**places
        if scaled.denominator == 1:
            return f"{float(value):.{places}f}" if places else str(scaled.numerator)
    return f"≈ {float(value):.{digits}f}"


def num(value: float, digits: int = 4) -> str:
    """A float with ``digits`` significant digits, no exponent for everyday magnitudes."""
    if value == 0 or not math.isfinite(value):
        return str(value) if not math.isfinite(value) else "0"
    if 1e-4 <= abs(value) < 1e6:
        decimals = max(digits - 1 - math.floor(math.log10(abs(value))), 0)
        return f"{value:.{decimals}f}"
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    return f"{mantissa} × 10<sup>{int(exponent)}</sup>"


def table(header: list[str], rows: list[list[object]], align: str | None = None) -> str:
    """A Markdown table; ``align`` holds one of 'l', 'c', 'r' per column (default: right)."""
    align = align or "r" * len(header)
    marks = {"l": ":--", "c": ":-:", "r": "--:"}
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(marks[a] for a in align) + " |"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def figure(fig, alt: str, caption: str | None = None) -> str:
    """Inline SVG of ``fig`` with a text alternative; closes the figure.

    The SVG is reproducible (fixed hash salt, no date), scales to the column,
    and draws text and axes in ``currentColor`` so it reads in both palettes.
    """
    if not alt or not alt.strip():
        raise ValueError("figure: alt text is required, and must say what the figure shows")
    page = (CURRENT_PAGE or "page").removesuffix(".md").replace("/", "-")
    _figure_count[page] = _figure_count.get(page, 0) + 1
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = svg.replace(INK, "currentColor")
    svg = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1', svg, count=1)
    title_id = f"lb-fig-{page}-{_figure_count[page]}"
    svg = svg.replace(
        "<svg", f'<svg role="img" aria-labelledby="{title_id}" class="lb-svg"', 1
    )
    svg = re.sub(r"(<svg[^>]*>)", rf'\1<title id="{title_id}">{escape(alt)}</title>', svg, count=1)
    caption_html = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
    return f'<figure class="lb-figure">{svg}{caption_html}</figure>\n'
