"""Helpers shared by the book's pages.

Pages import this module from their hidden exec blocks (``scripts/`` is put on
``sys.path`` by ``scripts/hooks.py``).  Reader-facing code never imports it: a
snippet a reader can copy only needs numpy and lossbook.

- :func:`check` compares a worked example, computed step by step, with the
  lossbook function it illustrates, and fails the build when they disagree.
- :func:`figure` turns a matplotlib figure into reproducible, accessible
  inline SVG that follows the light and dark palettes.
- :func:`exact`, :func:`num`, :func:`bits` and :func:`table` format numbers
  and tables for the prose; :func:`tex_sci` and :func:`tex_power_of_ten` format
  numbers inside TeX.

Framework emulations (how PyTorch, Keras, scikit-learn clip or reduce) live in
``scripts/emulate.py``.
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
from matplotlib.artist import Artist  # noqa: E402
from matplotlib.layout_engine import PlaceHolderLayoutEngine  # noqa: E402
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


def num(value: float, digits: int = 4, *, whole: bool = False) -> str:
    """A float with ``digits`` significant digits, no exponent for everyday magnitudes.

    With ``whole=True`` a whole number is shown as one (``5``, not ``5.000``),
    for counts of bits or questions that may or may not be whole.
    """
    if value == 0 or not math.isfinite(value):
        return str(value) if not math.isfinite(value) else "0"
    if whole and float(value).is_integer() and abs(value) < 1e6:
        return str(int(value))
    if 1e-4 <= abs(value) < 1e6:
        decimals = max(digits - 1 - math.floor(math.log10(abs(value))), 0)
        return f"{value:.{decimals}f}"
    mantissa, exponent = _scientific(value, digits)
    return f"{mantissa} × 10<sup>{exponent}</sup>"


def _scientific(value: float, digits: int) -> tuple[str, int]:
    """The mantissa (``digits`` significant digits) and the exponent of ``value``."""
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    return mantissa, int(exponent)


def bits(value: float) -> str:
    """A number of bits with its unit: "1 bit", "5 bits", "0.4690 bits" (whole numbers without decimals)."""
    return f"{num(value, whole=True)} {'bit' if value == 1 else 'bits'}"


def tex_sci(value: float, digits: int = 4) -> str:
    """``value`` in scientific notation for TeX, with ``digits`` significant digits.

    ``tex_sci(2.220446e-16)`` is ``2.220 \\times 10^{-16}``; put it between ``$`` signs.
    """
    mantissa, exponent = _scientific(value, digits)
    return f"{mantissa} \\times 10^{{{exponent}}}"


def tex_power_of_ten(value: float) -> str:
    """An exact power of ten for TeX: ``tex_power_of_ten(1e-12)`` is ``10^{-12}``."""
    exponent = round(math.log10(value))
    if not math.isclose(value, 10.0**exponent, rel_tol=1e-12):
        raise ValueError(f"tex_power_of_ten: {value!r} is not a power of ten")
    return f"10^{{{exponent}}}"


def table(header: list[str], rows: list[list[object]], align: str | None = None) -> str:
    """A Markdown table; ``align`` holds one of 'l', 'c', 'r' per column (default: right)."""
    align = align or "r" * len(header)
    marks = {"l": ":--", "c": ":-:", "r": "--:"}
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(marks[a] for a in align) + " |"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


class _DrawnBounds(Artist):
    """Drawn last, it records the bounding box (in inches) of everything drawn before it.

    That is the box ``savefig(bbox_inches="tight")`` computes, but tight saving
    draws the figure twice (once to measure, once to write); reading the box at
    the end of the one real draw costs little, because every text is measured by
    then.
    """

    def __init__(self):
        super().__init__()
        self.set_zorder(math.inf)
        self.set_in_layout(False)
        self.inches = None

    def draw(self, renderer):
        self.inches = self.figure.get_tightbbox(renderer)


def _crop(svg: str, fig, inches) -> str:
    """Set the SVG's viewBox to the drawn box, padded like tight saving (``savefig.pad_inches``)."""
    box = inches.padded(matplotlib.rcParams["savefig.pad_inches"])
    height = fig.get_figheight() * 72  # SVG user units are points, with y pointing down
    x0, y0, width, tall = box.x0 * 72, height - box.y1 * 72, box.width * 72, box.height * 72
    view = " ".join(f"{v:.3f}".rstrip("0").rstrip(".") for v in (x0, y0, width, tall))
    return re.sub(r'viewBox="[^"]*"', f'viewBox="{view}"', svg, count=1)


def _compact(svg: str) -> str:
    """Drop what an inline SVG does not need: comments, group ids, indentation between tags.

    matplotlib repeats each text as a comment, numbers its groups (``<g id="text_13">``,
    the same ids in every figure of a page, where ids must be unique) and indents every
    tag. Ids that are referenced (clip paths, markers) are not on groups and stay.
    Whitespace inside a text element, such as a space glyph, has no newline and stays.
    """
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    svg = re.sub(r'<g id="[^"]*"', "<g", svg)
    return re.sub(r">\n\s*<", "><", svg)


def figure(fig, alt: str, caption: str | None = None) -> str:
    """Inline SVG of ``fig`` with a text alternative; closes the figure.

    The SVG is reproducible (fixed hash salt, no date), scales to the column,
    and draws text and axes in ``currentColor`` so it reads in both palettes.
    It is cropped to what is drawn, as ``bbox_inches="tight"`` would, from a
    single draw of the figure.
    """
    if not alt or not alt.strip():
        raise ValueError("figure: alt text is required, and must say what the figure shows")
    page = (CURRENT_PAGE or "page").removesuffix(".md").replace("/", "-")
    _figure_count[page] = _figure_count.get(page, 0) + 1
    if isinstance(fig.get_layout_engine(), PlaceHolderLayoutEngine):
        # Left by fig.tight_layout(): the layout is done and there is nothing left to run, but
        # savefig would still draw the figure an extra time to "execute" it.
        fig.set_layout_engine(None)
    bounds = fig.add_artist(_DrawnBounds())
    buffer = io.StringIO()
    # No metadata: a date would break reproducibility, and the rest is noise in an inline SVG.
    fig.savefig(buffer, format="svg", metadata=dict.fromkeys(["Date", "Creator", "Format", "Type"]))
    plt.close(fig)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]
    if bounds.inches is None:
        raise RuntimeError("figure: matplotlib did not draw the figure's last artist; cannot crop the SVG")
    svg = _crop(svg, fig, bounds.inches)
    svg = _compact(svg)
    svg = svg.replace(INK, "currentColor")
    svg = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1', svg, count=1)
    title_id = f"lb-fig-{page}-{_figure_count[page]}"
    # data-search-exclude: the drawing's text (tick labels, single mathtext glyphs) is noise in
    # the site search; the caption, outside the SVG, stays searchable.
    svg = svg.replace(
        "<svg", f'<svg role="img" aria-labelledby="{title_id}" class="lb-svg" data-search-exclude=""', 1
    )
    svg = re.sub(r"(<svg[^>]*>)", rf'\1<title id="{title_id}">{escape(alt)}</title>', svg, count=1)
    caption_html = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
    return f'<figure class="lb-figure">{svg}{caption_html}</figure>\n'
