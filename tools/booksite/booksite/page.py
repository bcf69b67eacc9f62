"""Helpers shared by the book's pages: ``from booksite.page import check, num, figure``.

Pages import this module from their hidden exec blocks. Reader-facing code never
imports it: a snippet a reader can copy only needs numpy and lossbook.

- :func:`check` compares a worked example, computed step by step, with the
  lossbook function it illustrates, and fails the build when they disagree.
- :func:`figure` turns a matplotlib figure into reproducible, accessible
  inline SVG that follows the light and dark palettes.
- :func:`exact`, :func:`num`, :func:`bits` and :func:`table` format numbers
  and tables for the prose; :func:`tex_sci` and :func:`tex_power_of_ten` format
  numbers inside TeX; :func:`alt_num` formats every number of a figure's alt text,
  which :func:`figure` checks against the plotted data.
- :func:`probed` and :func:`expect_probed` read the probe record of what PyTorch,
  Keras, scikit-learn and SciPy do (``docs/data/probes.json``, written by ``make probes``).

Framework emulations (how PyTorch, Keras, scikit-learn clip or reduce) live in
:mod:`booksite.emulate`. The module keeps no state: the plugin names the page and
the block when a helper raises.
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import io
import itertools
import json
import math
import re
from fractions import Fraction
from html import escape

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.artist import Artist  # noqa: E402
from matplotlib.layout_engine import PlaceHolderLayoutEngine  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.transforms import Bbox, TransformedBbox  # noqa: E402

from booksite import ROOT  # noqa: E402

# The one relative tolerance of every worked-example check; a page that needs another
# states why (``check(..., rtol=..., why="...")``).
RTOL = 1e-12

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
STYLED = matplotlib.rcParams.copy()  # the settings every figure is drawn with (see DEFERRED)


class WorkedExampleError(AssertionError):
    """A worked example disagrees with the lossbook function it illustrates."""


def check(example: str, step_by_step, lossbook_value, *, function: str, rtol: float = RTOL, why: str = "") -> str:
    """Fail the build unless a step-by-step result equals the lossbook result.

    Args:
        example: A short name of the worked example, used in the error.
        step_by_step: The value computed by hand on the page (a float, a
            ``Fraction`` or an array of them).
        lossbook_value: The value returned by the lossbook function.
        function: The lossbook function, as a dotted path for the API link
            (``"lossbook.regression.mse"``).
        rtol: Relative tolerance (the default, :data:`RTOL`, only forgives float rounding).
        why: Required with any other ``rtol``: why this example needs it.

    Returns:
        A Markdown line saying what was checked, to print under the example.
    """
    _refuse_unexplained(example, rtol, why)
    if not _agree(step_by_step, lossbook_value, rtol):
        raise WorkedExampleError(
            f"worked example {example!r}: the step-by-step value "
            f"{_show(step_by_step)} disagrees with {function} = {_show(lossbook_value)}"
        )
    name = function.rsplit(".", 1)[-1]
    return (
        f'<p class="lb-checked" data-lb-check="{function}" data-lb-rtol="{rtol!r}" markdown="span">'
        "Checked when this page was built: the steps above "
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
    for cell in [*header, *(c for row in rows for c in row)]:
        if re.search(r"(?<!\\)\|", str(cell)):  # a bare pipe ends the cell, even inside $...$: the math is cut
            raise ValueError(f"table cell {str(cell)!r} contains '|': write \\lvert x \\rvert or \\mid in math")
    marks = {"l": ":--", "c": ":-:", "r": "--:"}
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(marks[a] for a in align) + " |"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _refuse_non_finite(fig, alt: str) -> None:
    """Raise when a figure would plot NaN or infinite data: matplotlib leaves it out silently."""
    for ax in fig.axes:
        arrays = [(f"line {line.get_label()!r}", line.get_xydata()) for line in ax.get_lines()]
        arrays += [(f"collection {c.get_label()!r}", c.get_offsets()) for c in ax.collections]
        arrays += [(f"image {image.get_label()!r}", image.get_array()) for image in ax.get_images()]
        arrays += [(f"bar {p.get_label()!r}", np.array(p.get_bbox().get_points())) for p in ax.patches]
        for what, data in arrays:
            values = np.ma.getdata(data) if data is not None else None
            if values is not None and values.size and values.dtype.kind in "fc":
                mask = ~np.isfinite(values)
                if np.ma.isMaskedArray(data):
                    mask &= ~np.ma.getmaskarray(data)
                if mask.any():
                    raise ValueError(
                        f"figure {alt[:60]!r}: {what} has {int(mask.sum())} non-finite value(s) (NaN or inf); "
                        "matplotlib would leave them out silently. Plot finite data, or mask what is undefined."
                    )


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
        self.collisions = []
        self.covered = []
        self.outside = 0

    def draw(self, renderer):
        # Figure.get_tightbbox, with each axes' box measured once: the crop and the collision check share them.
        fig = self.figure
        axes = [ax for ax in fig.axes if ax.get_visible()]
        boxes = [ax.get_tightbbox(renderer) for ax in axes]
        others = [a for a in fig.get_children() if a not in fig.axes and a.get_visible() and a.get_in_layout()]
        drawn = [b for b in boxes + [a.get_tightbbox(renderer) for a in others] if _measurable(b)]
        self.inches = TransformedBbox(Bbox.union(drawn), fig.dpi_scale_trans.inverted()) if drawn else fig.bbox_inches
        self.collisions = _collisions(axes, boxes)
        self.covered = [(i, label) for i, ax in enumerate(axes) for label in _covered_by_legend(ax, renderer)]
        # The SVG backend drops the parts of unclipped paths outside the canvas (a legend's line
        # samples) although the crop would show the region: a legend must lie within the canvas.
        legends = [legend for legend in [*(ax.get_legend() for ax in axes), *fig.legends] if legend is not None]
        canvas = fig.bbox.padded(0.5)
        self.outside = sum(
            not canvas.contains(*b.min) or not canvas.contains(*b.max)
            for b in (legend.get_window_extent(renderer) for legend in legends)
        )


def _covered_by_legend(ax, renderer) -> list[str]:
    """The labels of the lines and scatters of ``ax`` that run under its legend's entries.

    The book's legends have no frame, so a curve drawn through one strikes out its text. Each
    line is followed between its points (densified, so a straight segment across the legend
    counts) and compared with the box of the legend's entries (text and handles, without the
    padding around them).
    """
    legend = ax.get_legend()
    if legend is None or not legend.get_visible():
        return []
    box = legend._legend_box.get_window_extent(renderer)  # the entries, not the invisible frame's padding
    found = []
    for artist in [*ax.get_lines(), *ax.collections]:
        if not artist.get_visible():
            continue
        if isinstance(artist, Line2D):
            xy = artist.get_transform().transform(artist.get_xydata())
            steps = np.linspace(0, 1, 16)[:, None, None]
            xy = (xy[:-1] + steps * (xy[1:] - xy[:-1])).reshape(-1, 2) if len(xy) > 1 else xy
        else:
            xy = artist.get_offset_transform().transform(artist.get_offsets())
        xy = xy[np.isfinite(xy).all(axis=1)]
        inside = (xy[:, 0] > box.x0) & (xy[:, 0] < box.x1) & (xy[:, 1] > box.y0) & (xy[:, 1] < box.y1)
        if inside.any():
            label = str(artist.get_label())
            found.append(label if not label.startswith("_") else f"an unlabelled {type(artist).__name__}")
    return found


def _measurable(box) -> bool:
    return box is not None and np.isfinite(box.width) and np.isfinite(box.height) and (box.width or box.height)


def _collisions(axes: list, drawn: list) -> list[tuple[int, int]]:
    """Pairs of axes whose drawn boxes (ticks, labels, legends) overlap although their plot areas do not.

    A figure laid out with fixed margins (:func:`panels`) rather than ``tight_layout`` relies on
    this check: a tick label that runs into the next panel fails the build instead of shipping.
    Axes that share their area by design (twins, insets) are not compared.
    """
    found = []
    for i, j in itertools.combinations(range(len(axes)), 2):
        areas_apart = not axes[i].get_position().overlaps(axes[j].get_position())
        if areas_apart and _measurable(drawn[i]) and _measurable(drawn[j]) and drawn[i].overlaps(drawn[j]):
            found.append((i, j))
    return found


# The margins of side-by-side panels, fixed rather than computed by tight_layout (which costs a
# second draw of the figure): what tight_layout gives the book's two-panel figures, with room for
# wider tick labels. figure() crops to what is drawn and refuses panels that run into each other.
PANEL_MARGINS = {"left": 0.12, "right": 0.98, "bottom": 0.2, "top": 0.95, "wspace": 0.35}


def panels(ncols: int, figsize: tuple[float, float]):
    """A figure of ``ncols`` axes side by side with fixed margins: ``fig, axes`` as ``plt.subplots`` gives."""
    return plt.subplots(1, ncols, figsize=figsize, gridspec_kw=PANEL_MARGINS)


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


def figure(fig, alt: str, caption: str | None = None, *, derived=()) -> str:
    """Inline SVG of ``fig`` with a text alternative; closes the figure.

    The SVG is reproducible (fixed hash salt, no date), scales to the column,
    and draws text and axes in ``currentColor`` so it reads in both palettes.
    It is cropped to what is drawn, as ``bbox_inches="tight"`` would, from a
    single draw of the figure.

    Every number in ``alt`` must be a plotted value formatted by :func:`alt_num`
    (or a number the figure writes in a legend, label or annotation, or one of
    ``derived``: values computed from the plotted data that the figure does not
    draw as coordinates, such as an accuracy); the figure may not use Computer
    Modern fonts. Either mistake raises, which fails the build.

    During a build the booksite plugin may take the drawing to a second process
    (:data:`DEFERRED`): the checks of the data and the alt text run here, at once, and
    the block prints a placeholder that the plugin replaces with the SVG before the page
    is written; a drawing that fails still fails the build, naming the page and the block.
    """
    if not alt or not alt.strip():
        raise ValueError("figure: alt text is required, and must say what the figure shows")
    _refuse_non_finite(fig, alt)
    if isinstance(fig.get_layout_engine(), PlaceHolderLayoutEngine):
        # Left by fig.tight_layout(): the layout is done and there is nothing left to run, but
        # savefig would still draw the figure an extra time to "execute" it.
        fig.set_layout_engine(None)
    stray = alt_mismatches(fig, alt, derived)
    if stray:
        raise ValueError(
            f"figure {alt[:60]!r}: the alt text states {', '.join(stray)}, which is no plotted value "
            f"formatted by booksite.page.alt_num; build the alt text from the plotted variables with alt_num "
            f"(alt text: {alt!r})"
        )
    caption_html = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
    defer = DEFERRED.get()
    placeholder = defer(fig, alt) if defer is not None and matplotlib.rcParams == STYLED else None
    if placeholder is None:
        return f'<figure class="lb-figure">{svg_of(fig, alt)}{caption_html}</figure>\n'
    plt.close(fig)
    return f'<figure class="lb-figure">{placeholder}{caption_html}</figure>\n'


# Set by the booksite plugin while it runs a page's blocks: a function that takes a figure and
# its alt text, starts drawing it in another process and returns the placeholder to print (or
# None: draw here). figure() draws here whenever matplotlib's settings are not the book's (a
# block changed them), since the other process would not see the change.
DEFERRED: contextvars.ContextVar = contextvars.ContextVar("booksite_deferred_figure", default=None)


def svg_of(fig, alt: str) -> str:
    """Draw ``fig`` once, as the inline SVG :func:`figure` shows (cropped, compact, both palettes); close it."""
    where = f"figure {alt[:60]!r}"
    bounds = fig.add_artist(_DrawnBounds())
    buffer = io.StringIO()
    # No metadata: a date would break reproducibility, and the rest is noise in an inline SVG.
    fig.savefig(buffer, format="svg", metadata=dict.fromkeys(["Date", "Creator", "Format", "Type"]))
    plt.close(fig)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    if bounds.inches is None:
        raise RuntimeError("figure: matplotlib did not draw the figure's last artist; cannot crop the SVG")
    if bounds.collisions:
        raise ValueError(
            f"{where}: the drawn text of axes {'; '.join(f'{i} and {j}' for i, j in bounds.collisions)} "
            "overlaps (a tick label or axis label runs into the next panel); give the figure more width "
            "or wspace, or lay it out with fig.tight_layout()"
        )
    if bounds.outside:
        raise ValueError(
            f"{where}: {bounds.outside} legend(s) reach beyond the figure's canvas, where the SVG loses their "
            "line samples; make room inside it (fig.subplots_adjust) and anchor the legend there"
        )
    if bounds.covered:
        raise ValueError(
            f"{where}: the legend is drawn over {', '.join(repr(label) for _, label in bounds.covered)}; "
            "place it where no data runs (ax.legend(loc=...)), outside the axes, or widen the axes' limits"
        )
    if tex_fonts(svg):
        raise ValueError(
            f"{where}: the SVG uses the Computer Modern font(s) {', '.join(tex_fonts(svg))}, whose glyphs a "
            "browser draws as other characters; write the symbol as a Unicode character (′ for a prime) "
            "instead of a TeX command"
        )
    svg = _crop(svg, fig, bounds.inches)
    svg = _compact(svg)
    svg = svg.replace(INK, "currentColor")
    svg = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r"<svg\1", svg, count=1)
    # An id from the content: unique on the page (two identical figures would be a mistake) and reproducible.
    title_id = "lb-fig-" + hashlib.sha256((alt + svg).encode("utf-8")).hexdigest()[:12]
    # On a column narrower than this the figure keeps this width and scrolls (lossbook.css): its text stays readable.
    svg = svg.replace("<svg", f'<svg style="--lb-min-width: {readable_width(svg)}px"', 1)
    # data-search-exclude: the drawing's text (tick labels, single mathtext glyphs) is noise in
    # the site search; the caption, outside the SVG, stays searchable.
    svg = svg.replace("<svg", f'<svg role="img" aria-labelledby="{title_id}" class="lb-svg" data-search-exclude=""', 1)
    svg = re.sub(r"(<svg[^>]*>)", rf'\1<title id="{title_id}">{escape(alt)}</title>', svg, count=1)
    return svg


# Alt text from the plotted data, fonts, and the probe record (issue 12) --------------------

ALT_NUMBER = re.compile(r"[−-]?\d+(?:\.\d+)?(?: × 10\^[−-]?\d+)?")
# Computer Modern's TeX fonts (cmsy10, cmmi10, cmr10, cmex10...) put symbols at the code points of
# ordinary letters and digits: a browser drawing the SVG's text with another font shows the wrong
# glyph (a prime from cmsy10 becomes "0"). Figures may use only fonts with Unicode text.
TEX_FONT = re.compile(r"font-family:\s*'?(cm[a-z]*\d+)", re.I)
PROBE_RECORD = ROOT / "docs" / "data" / "probes.json"


def alt_num(value: float, digits: int = 4) -> str:
    """A number for alt text: ``digits`` significant digits, trailing zeros dropped, a true minus sign.

    ``alt_num(-3.0)`` is ``"−3"``, ``alt_num(0.1)`` ``"0.1"``, ``alt_num(20.9166)`` ``"20.92"``,
    ``alt_num(2.2e-16)`` ``"2.22 × 10^−16"``: plain text, since alt text cannot hold markup.
    Every number in a figure's alt text goes through this helper, and :func:`figure` checks
    that each one is a plotted value rounded this way.
    """
    value = float(value)
    if not math.isfinite(value):
        return "infinity" if value > 0 else ("minus infinity" if value < 0 else "not a number")
    if value == 0:
        return "0"
    if 1e-4 <= abs(value) < 1e6:
        decimals = max(digits - 1 - math.floor(math.log10(abs(value))), 0)
        text = f"{value:.{decimals}f}"
        text = text.rstrip("0").rstrip(".") if "." in text else text
    else:
        mantissa, exponent = _scientific(value, digits)
        mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
        text = f"{mantissa} × 10^{exponent}"
    text = "0" if text in ("-0", "0") else text
    return text.replace("-", "−")


def _plotted_values(fig) -> np.ndarray:
    """Every number a figure draws as data: line and scatter coordinates, image cells, bar extents, contour levels."""
    chunks = []
    for ax in fig.axes:
        for line in ax.get_lines():
            chunks += [np.asarray(line.get_xdata(), dtype=float), np.asarray(line.get_ydata(), dtype=float)]
        for collection in ax.collections:
            offsets = np.asarray(collection.get_offsets(), dtype=float)
            chunks.append(offsets.ravel())
            colours = collection.get_array()  # a heat map's cells (pcolormesh), a scatter's colour values
            if colours is not None:
                chunks.append(np.ma.compressed(colours).astype(float))
            levels = getattr(collection, "levels", None)
            if levels is not None:
                chunks.append(np.asarray(levels, dtype=float))
            if offsets.size == 0 or len(collection.get_paths()) > 0 and levels is None:
                chunks += [np.asarray(path.vertices, dtype=float).ravel() for path in collection.get_paths()]
        for image in ax.get_images():  # a heat map's cells
            chunks.append(np.ma.compressed(image.get_array()).astype(float))
        for patch in ax.patches:
            if hasattr(patch, "get_height"):
                chunks.append(np.array([patch.get_x(), patch.get_y(), patch.get_width(), patch.get_height()]))
    values = np.concatenate([c.ravel() for c in chunks]) if chunks else np.array([])
    return values[np.isfinite(values)]


def _drawn_texts(fig) -> list[str]:
    """The figure's own words (legend entries, annotations, titles, axis labels), tick labels excepted."""
    texts = [t.get_text() for t in fig.texts] + [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    for ax in fig.axes:
        texts += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()] + [t.get_text() for t in ax.texts]
        legend = ax.get_legend()
        if legend is not None:
            texts += [t.get_text() for t in legend.get_texts()]
    return texts


def alt_mismatches(fig, alt: str, derived=()) -> list[str]:
    """The numbers in ``alt`` that are not a plotted value (or a ``derived`` one) rounded by :func:`alt_num`.

    A number may also be one the figure writes in its legend, a label or an annotation.
    """
    values = np.unique(np.concatenate([_plotted_values(fig), np.asarray(list(derived), dtype=float).ravel()]))
    written = {m.replace("-", "−") for text in _drawn_texts(fig) for m in ALT_NUMBER.findall(text)}
    return [m for m in ALT_NUMBER.findall(alt) if not _plotted_or_written(m.replace("-", "−"), values, written)]


def _plotted_or_written(shown: str, values: np.ndarray, written: set[str]) -> bool:
    """Whether ``shown`` (an alt-text number) is some plotted value rounded by alt_num, or a number the figure writes.

    Only the values close enough to round to ``shown`` are formatted: within one unit of its last
    digit (half a unit is the rounding; the rest is slack), so the check costs a few calls of
    alt_num per number rather than six per plotted value.
    """
    if shown in written:
        return True
    mantissa, _, exponent = shown.replace("−", "-").partition(" × 10^")
    exponent = int(exponent or 0)
    decimals = len(mantissa.partition(".")[2])
    # Parsed as one literal, so a subnormal such as 4.9407 × 10^−324 does not underflow on the way.
    target, unit = float(f"{mantissa}e{exponent}"), max(float(f"1e{exponent - decimals}"), 1e-323)
    near = values[np.abs(values - target) <= unit]
    return any(alt_num(v, d) == shown for v in near for d in range(1, 7))


def tex_fonts(svg: str) -> list[str]:
    """The Computer Modern (TeX-encoded) font families an SVG uses; a figure must use none."""
    return sorted(set(TEX_FONT.findall(svg)))


@functools.cache
def probes() -> dict:
    """The record of what PyTorch, Keras, scikit-learn and SciPy do (``docs/data/probes.json``).

    Written by ``make probes`` (``scripts/probes.py``), which runs the installed libraries; the
    docs build only reads it. ``tests/tools/test_probes.py`` fails when the record and the libraries
    disagree.
    """
    return json.loads(PROBE_RECORD.read_text(encoding="utf-8"))


def probed(path: str):
    """One value of the probe record by dotted path: ``probed("clipping.keras.epsilon")``."""
    node = probes()
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            raise KeyError(
                f"the probe record {PROBE_RECORD.name} has no {path!r} (stopped at {key!r}); "
                "add the probe to scripts/probes.py and run `make probes`"
            )
        node = node[key]
    return node


def step_ratios(factor: float, *, steps: int = 5, lr: float = 0.01, eps: float = 1e-8) -> dict[str, float]:
    """How much farther the weights move when the loss is multiplied by ``factor``, per optimiser.

    Fits ``w`` to minimise the mean squared error of ``w * x`` on a fixed small data set, for ``steps``
    steps of plain gradient descent and of Adam (default betas, ``eps``), once on the loss and once on
    ``factor`` times the loss; returns the ratio of the two distances travelled for each optimiser.
    Plain gradient descent moves ``factor`` times as far at its first step (the factor acts as a
    learning-rate factor); Adam divides each gradient by its running root mean square, so the factor
    cancels except against ``eps``.
    """
    x, y = np.array([1.0, 2.0, 3.0]), np.array([2.0, 4.1, 5.9])

    def grad(w, scale):
        return scale * float(np.mean(2 * (w * x - y) * x))

    def sgd(scale):
        w = 0.0
        for _ in range(steps):
            w -= lr * grad(w, scale)
        return w

    def adam(scale, beta1=0.9, beta2=0.999):
        w = m = v = 0.0
        for t in range(1, steps + 1):
            g = grad(w, scale)
            m, v = beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g * g
            w -= lr * (m / (1 - beta1**t)) / (math.sqrt(v / (1 - beta2**t)) + eps)
        return w

    first_sgd = lr * grad(0.0, factor) / (lr * grad(0.0, 1.0))
    return {"sgd_first_step": first_sgd, "sgd": sgd(factor) / sgd(1.0), "adam": adam(factor) / adam(1.0)}


def expect_probed(claims: dict[str, object]) -> str:
    """Fail the build unless each probed value is what the page's prose says it is.

    For a sentence about another library that carries no number, put a block before it that
    calls ``expect_probed({"kl_inputs.torch.call": "log q, p"})``: when an upgrade changes the
    behaviour (and ``make probes`` the record), the build names the sentence's claim. Returns
    an empty string, so the block prints nothing.
    """
    wrong = {path: probed(path) for path, value in claims.items() if probed(path) != value}
    if wrong:
        raise AssertionError(
            f"the prose says {', '.join(f'{p} = {claims[p]!r}' for p in wrong)}, but the "
            f"probe record has {', '.join(f'{p} = {v!r}' for p, v in wrong.items())}; update the page"
        )
    return ""


def _refuse_unexplained(example: str, rtol: float, why: str) -> None:
    """A tolerance other than :data:`RTOL` must say why (``why=``)."""
    if rtol != RTOL and not why.strip():
        raise ValueError(f"check: worked example {example!r} uses rtol={rtol!r} instead of {RTOL!r}; say why (why=...)")


def _agree(step_by_step, value, rtol: float) -> bool:
    """Same shape and equal to a relative ``rtol`` (equal infinities agree)."""
    ours = np.asarray(step_by_step, dtype=float)
    theirs = np.asarray(value, dtype=float)
    return ours.shape == theirs.shape and bool(np.all(np.isclose(ours, theirs, rtol=rtol, atol=0.0) | (ours == theirs)))


def check_code(example: str, step_by_step, value, *, code: str, rtol: float = RTOL, why: str = "") -> str:
    """Like :func:`check`, against code shown on the page instead of a lossbook function.

    For quantities lossbook does not compute (metrics such as accuracy or R², which
    ``snippets/metrics.py`` computes and ``tests/package/test_metrics.py`` compares with
    scikit-learn). ``code`` names that code as the reader sees it (``"r2_score"``).
    """
    _refuse_unexplained(example, rtol, why)
    if not _agree(step_by_step, value, rtol):
        raise WorkedExampleError(
            f"worked example {example!r}: the step-by-step value "
            f"{_show(step_by_step)} disagrees with {code} = {_show(value)}"
        )
    return (
        f'<p class="lb-checked" data-lb-check="{code}" data-lb-rtol="{rtol!r}" markdown="span">'
        "Checked when this page was built: the steps above "
        f"agree with `{code}` to a relative {rtol:.0e}.</p>"
    )


# Interactive figures ---------------------------------------------------------------------


def widget(
    name: str, kind: str, *, title: str, controls: list[dict], outputs: list[dict], params: dict, checks: list[dict]
) -> str:
    """An interactive figure (drawn by docs/javascripts/widgets.js), to print right after the static figure it extends.

    Args:
        name: A short id, unique in the book (``"mae-fit"``; tests/book/test_browser.py checks it).
        kind: Which widget of widgets.js draws it (``"fit"``, ``"huber"``, ...).
        title: What the reader can do, shown above the controls.
        controls: One slider each: ``{"name", "label", "min", "max", "step", "value", "digits"}``.
        outputs: The numbers shown: ``{"key", "label", "digits"}``, with ``"index"`` into an array
            value and an optional ``"unit"``.
        params: The widget's fixed data (the points, the grid of a curve...).
        checks: lossbook's values at control positions: ``{"set": {control: value}, "values": {key: value}}``;
            the browser test sets each position and compares the widget's values with these.

    The widget is hidden until its script starts it: without JavaScript the
    static figure above it is what the reader sees.
    """
    by_name = {c["name"]: c for c in controls}
    for c in controls:
        _on_step(name, c, c["value"])
    for check_ in checks:
        if set(check_["set"]) != set(by_name):
            raise ValueError(
                f"widget {name!r}: a check sets {sorted(check_['set'])}, not the controls {sorted(by_name)}"
            )
        for control, value in check_["set"].items():
            _on_step(name, by_name[control], value)
    spec = {"kind": kind, "controls": controls, "outputs": outputs, "params": params, "checks": checks}
    data = json.dumps(spec, allow_nan=False, separators=(",", ":"), default=_plain).replace("</", "<\\/")
    wid = f"lb-widget-{name}"
    return (
        f'<div class="lb-widget" id="{wid}" role="group" aria-labelledby="{wid}-title" hidden data-search-exclude>'
        f'<p class="lb-widget-title" id="{wid}-title">{escape(title)}</p>'
        f'<div class="lb-widget-controls"></div>'
        f'<div class="lb-widget-figure"><svg class="lb-widget-svg" role="img" aria-label="{escape(title)}"></svg></div>'
        f'<ul class="lb-widget-readout"></ul>'
        f'<script type="application/json" class="lb-widget-data">{data}</script></div>\n'
    )


def _on_step(name: str, control: dict, value: float) -> None:
    """A slider can only take min + k * step: refuse a position it cannot be set to."""
    steps = (value - control["min"]) / control["step"]
    if not (control["min"] <= value <= control["max"] and abs(steps - round(steps)) < 1e-9):
        raise ValueError(
            f"widget {name!r}: {control['name']} = {value!r} is not a position of its slider "
            f"({control['min']} to {control['max']} by {control['step']})"
        )


def _plain(value):
    """NumPy numbers and arrays as JSON numbers and lists."""
    if isinstance(value, np.ndarray | np.generic):
        return value.tolist()
    raise TypeError(f"widget: cannot put {type(value).__name__} into the page's JSON")


# Figures on a phone -------------------------------------------------------------------------

SMALLEST_TEXT_PX = 10  # no figure text is drawn smaller (tests/test_browser.py measures it on a phone)


def readable_width(svg: str) -> int:
    """The narrowest width (CSS px) at which the SVG's smallest text is drawn at ``SMALLEST_TEXT_PX``.

    The SVG scales to its column; on a narrower column than this the figure
    keeps this width and scrolls sideways (lossbook.css) instead of shrinking
    its labels below a readable size.
    """
    sizes = [float(size) for size in re.findall(r"font-size:\s*([\d.]+)px", svg)]
    view_width = float(re.search(r'viewBox="[^"]*"', svg).group(0).split()[2])
    return math.ceil(view_width * SMALLEST_TEXT_PX / min(sizes)) if sizes else 0
