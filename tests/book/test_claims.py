"""Sentences are claims: the explanations of issue 12, the figures' alt text and fonts.

Each explanation is printed by a block that computes the values it rests on and
asserts them, so a wrong statement fails the strict build. The tests below
check that the built pages carry the corrected statements (and not the wrong
ones), that every figure's alt text is written with ``booksite.page.alt_num`` from the
plotted data, and that the two build-time guards in ``booksite.page.figure`` (alt
numbers against plotted data, no Computer Modern fonts) really fail a build.
"""

from __future__ import annotations

import ast
import html
import json
import re
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from booksite import ROOT
from booksite.page import _plotted_or_written, alt_num, figure, panels
from booksite.sitebuild import mkdocs_build, small_site


def text_of(site: Path, page: str) -> str:
    """A built page's visible text, tags dropped, entities decoded, whitespace collapsed."""
    raw = (site / page / "index.html").read_text(encoding="utf-8")
    raw = re.sub(r"<svg.*?</svg>", " ", raw, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", raw)))


# The explanations (items 1-11) ---------------------------------------------------------

CLAIMS = {
    # page: (statements that must be there, statements that must be gone)
    "chapters/mse": (
        [
            "20.3 instead of 20.9",
            "39.5 instead of 40.1",
            "the MSEs are 2.125 and 0.16",
            "sum_over_batch_size",
            "Adam nearly cancels",
        ],
        ["(the default everywhere)", "which suggests a misprint"],
    ),
    "chapters/mae": (
        ["13.3-fold against 3.6-fold", "errors of 13 and 16 becoming 4 and 4"],
        ["once the errors are smaller than 1"],
    ),
    "practice/logits": (
        ["from 0.7556 to 0.8936, a factor of only 1.18", "losses themselves (probed on 2 rows", "shape (2,)"],
        ["multiplies a class's share by"],
    ),
    "chapters/loss-function": (["0.3488 nats"], ["for the losses in this book, zero"]),
    "practice/four-libraries": (["15.94 nats", "on every backend"], ["not on TensorFlow", "but TensorFlow"]),
    "practice/binary-cross-entropy": (["15.94 nats", "in this direction only"], []),
    "practice/kl-divergence": (["that is exactly true", "nearly cancels the factor"], []),
    "practice/pitfalls": (["Adam nearly cancels", "section 7.5.1"], ["fairseq"]),
    "practice/label-smoothing": (["section 7.5.1", "(PyTorch, Keras)"], ["fairseq"]),
    "chapters/information-content": (["Hartley proposed it in 1928"], []),
}


@pytest.mark.parametrize("page", sorted(CLAIMS))
def test_corrected_statements_are_on_the_page_and_wrong_ones_gone(site, page):
    text = text_of(site, page)
    present, absent = CLAIMS[page]
    assert [s for s in present if s not in text] == []
    assert [s for s in absent if s in text] == []


def test_conventions_table_shows_each_probed_library_version(site):
    versions = json.loads((ROOT / "docs" / "data" / "probes.json").read_text(encoding="utf-8"))["versions"]
    text = text_of(site, "practice/four-libraries")
    for label, key in [("PyTorch", "torch"), ("Keras", "keras"), ("scikit-learn", "scikit-learn"), ("SciPy", "scipy")]:
        assert f"{label} {versions[key]}" in text


# Alt text and fonts (item 12) ------------------------------------------------------------

ALT_NUMBER = re.compile(r"[−-]?\d+(?:\.\d+)?(?: × 10\^[−-]?\d+)?")


def figure_titles(site: Path) -> dict[str, list[str]]:
    found = {}
    for page in sorted(site.rglob("index.html")):
        titles = re.findall(r'<title id="lb-fig-[^"]+">(.*?)</title>', page.read_text(encoding="utf-8"), re.S)
        if titles:
            found[str(page.relative_to(site).parent)] = [html.unescape(t) for t in titles]
    return found


def test_every_alt_number_is_formatted_by_the_one_helper(site):
    titles = figure_titles(site)
    assert sum(map(len, titles.values())) >= 18
    for page, alts in titles.items():
        for alt in alts:
            assert "<" not in alt, f"{page}: markup in alt text: {alt}"
            for number in ALT_NUMBER.findall(alt):
                # alt_num: no trailing zeros after a decimal point, a true minus sign.
                assert not re.search(r"\.\d*0(?!\d)", number), f"{page}: {number!r} has trailing zeros: {alt}"
                assert not number.startswith("-"), f"{page}: {number!r} uses a hyphen for minus: {alt}"


def test_figures_use_no_computer_modern_font(site):
    for page in site.rglob("index.html"):
        fonts = set(re.findall(r"font-family:\s*'?(cm[a-z]*\d+)", page.read_text(encoding="utf-8"), re.I))
        assert not fonts, f"{page}: {fonts}"


def test_huber_figures_alt_agrees_with_the_page(site):
    """Huber figure 3 once said 'between 20.50 and 20.90 °C up to delta = 4' while the page printed 20.917."""
    raw = (site / "practice/huber/index.html").read_text(encoding="utf-8")
    (alt,) = [t for t in figure_titles(site)["practice/huber"] if t.startswith("The constant minimising")]
    printed = re.search(r"Huber, delta = 4\.0\s*:\s*(\d+\.\d+) °C", html.unescape(raw)).group(1)
    assert f"{float(printed):.4g} °C at delta = 4" in alt


FIGURE_PAGE = """\
# Figure

```python exec="true" html="true" id="fig" session="index"
import matplotlib.pyplot as plt
from booksite.page import alt_num, figure

fig, ax = plt.subplots()
x = [0.0, 1.0, 2.0]
y = [0.0, 1.0, 4.0]
ax.plot(x, y)
{extra}
print(figure(fig, alt={alt}))
```
"""


GOOD_ALT = 'f"A parabola from {alt_num(y[0])} to {alt_num(y[-1])}."'


def build_figure(tmp_path, *, alt=GOOD_ALT, extra=""):
    config = small_site(tmp_path, {"index.md": FIGURE_PAGE.format(alt=alt, extra=extra)})
    return mkdocs_build(config, tmp_path / "site")


def test_alt_text_from_the_plotted_data_builds(tmp_path):
    result = build_figure(tmp_path)
    assert result.returncode == 0, result.stderr


def test_alt_number_that_is_not_plotted_fails_the_build(tmp_path):
    result = build_figure(tmp_path, alt='f"A parabola from {alt_num(y[0])} to {alt_num(5.0)}."')  # it ends at 4
    assert result.returncode != 0
    assert "the alt text states 5, which is no plotted value" in result.stderr


def test_alt_number_not_formatted_by_alt_num_fails_the_build(tmp_path):
    result = build_figure(tmp_path, alt='f"A parabola from 0 to {y[-1]:.3f}."')  # "4.000": not alt_num's "4"
    assert result.returncode != 0
    assert "4.000" in result.stderr


def test_a_computer_modern_glyph_fails_the_build(tmp_path):
    result = build_figure(tmp_path, extra='ax.set_ylabel("slope $\\\\ell\'(e)$")')
    assert result.returncode != 0
    assert "Computer Modern font(s) cmsy10" in result.stderr


# One running example (item 11) -----------------------------------------------------------

BOOK_CLASSES = ["cat", "dog", "horse", "rabbit"]
STAGES = {(0.3, 0.2, 0.3, 0.2), (0.05, 0.8, 0.1, 0.05)}  # the book's dog q, before and after training


def doc_sources() -> dict[str, str]:
    """Where the running examples are written: the pages, their modules (booksite.pages), and the snippets'
    predictions (their lines ``q = ...``: a snippet's other distributions are not the dog's)."""
    sources = sorted((ROOT / "docs").rglob("*.md")) + sorted((ROOT / "tools/booksite/booksite/pages").glob("*.py"))
    found = {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in sources}
    for snippet in sorted((ROOT / "snippets").rglob("*.py")):
        lines = snippet.read_text(encoding="utf-8").splitlines()
        found[str(snippet.relative_to(ROOT))] = "\n".join(line for line in lines if line.startswith("q ="))
    return found


def test_every_page_uses_the_books_class_set():
    for page, text in doc_sources().items():
        for listing in re.findall(r"classes = (\[[^\]]*\])", text):
            names = ast.literal_eval(listing)
            assert set(names) <= set(BOOK_CLASSES), f"{page}: {names}"
            if len(names) == len(BOOK_CLASSES):
                assert names == BOOK_CLASSES, f"{page}: {names}"


def test_every_four_class_prediction_is_one_of_the_two_stages():
    found = 0
    for page, text in doc_sources().items():
        for listing in re.findall(r"\[(0?\.\d+(?:, 0?\.\d+){3})\]", text):
            q = tuple(float(v) for v in listing.split(","))
            if abs(sum(q) - 1) < 1e-9 and 0 not in q:
                found += 1
                assert q in STAGES, f"{page}: the prediction {list(q)} is neither stage of the book's dog"
    assert found >= 4


def test_figure_fixes_of_item_12(site):
    titles = figure_titles(site)
    # Two equal after-training errors: one marker, and the alt text and legend say so.
    assert "both errors −0.4, one marker" in titles["chapters/mse"][0]
    # The home page's step axis is half linear, half logarithmic: its caption and alt text explain it.
    assert "linear up to 10 and logarithmic beyond" in text_of(site, "")
    assert "linear up to step 10 and logarithmic beyond" in titles["."][0]
    # The gradient-descent alt text once held a literal 10<sup>6</sup>.
    assert "× 10^6" in titles["practice/gradient-descent"][0]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.floats(-1e9, 1e9, allow_nan=False) | st.floats(-1e-3, 1e-3, allow_nan=False), min_size=1, max_size=8),
    st.floats(-1e9, 1e9, allow_nan=False),
)
def test_alt_check_accepts_exactly_what_alt_num_can_write(values, other):
    """The figure check formats only the values near each alt number: it must agree with formatting them all."""
    plotted = np.unique(np.asarray(values))
    allowed = {alt_num(v, d) for v in plotted for d in range(1, 7)}
    for shown in {alt_num(v, d) for v in values for d in range(1, 7)} | {alt_num(other, d) for d in range(1, 7)}:
        assert _plotted_or_written(shown, plotted, set()) == (shown in allowed), shown


def two_panel_figure(xlabel: str):
    fig, (left, right) = panels(2, figsize=(6, 3))
    x = np.linspace(0.0, 1.0, 5)
    for ax in (left, right):
        ax.plot(x, x)
        ax.set_xlabel(xlabel)
    return fig


def test_panels_whose_labels_run_into_each_other_fail_the_figure():
    """Fixed panel margins (no tight_layout) are safe only because figure() refuses colliding panels."""
    assert "lb-svg" in figure(two_panel_figure("x"), alt=f"A line from {alt_num(0.0)} to {alt_num(1.0)}.")
    with pytest.raises(ValueError, match="the drawn text of axes 0 and 1 overlaps"):
        figure(two_panel_figure("a label far too long for its panel, running into the next one"), alt="Lines.")


def crossing_figure(legend_at: str):
    """Two lines that cross the middle of the axes, labelled; the legend placed at ``legend_at``."""
    fig, ax = plt.subplots(figsize=(4, 3))
    x = np.linspace(0.0, 1.0, 5)
    ax.plot(x, x, label="rising line")
    ax.plot(x, 1 - x, label="falling line")
    ax.set_ylim(-0.2, 1.8)  # room above both lines at the top centre
    ax.legend(loc=legend_at)
    return fig


def test_a_legend_drawn_over_a_curve_fails_the_figure():
    """The book's legends have no frame: a curve through one strikes out its text."""
    alt = f"Two lines from {alt_num(0.0)} to {alt_num(1.0)}."
    assert "lb-svg" in figure(crossing_figure("upper center"), alt=alt)
    with pytest.raises(ValueError, match="the legend is drawn over 'rising line', 'falling line'"):
        figure(crossing_figure("center"), alt=alt)


def test_a_straight_segment_across_the_legend_counts_though_no_point_is_under_it():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0.0, 1.0], [0.5, 0.5], label="level")  # two points, at the edges; the legend in the middle
    ax.legend(loc="center")
    with pytest.raises(ValueError, match="the legend is drawn over 'level'"):
        figure(fig, alt=f"A level line at {alt_num(0.5)}.")


def test_a_legend_beyond_the_canvas_fails_the_figure():
    """matplotlib's SVG would drop its line samples there, although the crop shows its text."""
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0.0, 1.0], [0.0, 1.0], label="line")
    fig.legend(loc="lower center", bbox_to_anchor=(0.5, 0.97))
    with pytest.raises(ValueError, match=r"1 legend\(s\) reach beyond the figure's canvas"):
        figure(fig, alt=f"A line from {alt_num(0.0)} to {alt_num(1.0)}.")


def test_a_number_in_a_figure_legend_may_be_in_the_alt_text():
    def labelled(legend: bool):
        fig, ax = plt.subplots(figsize=(4, 3))
        ax.plot([0.0, 1.0], [0.0, 1.0], label="margin m = 0.2")
        fig.subplots_adjust(top=0.8)
        if legend:
            fig.legend(loc="lower center", bbox_to_anchor=(0.5, 0.82))
        return fig

    alt = f"A line from {alt_num(0.0)} to {alt_num(1.0)}, margin m = 0.2."
    assert "lb-svg" in figure(labelled(True), alt=alt)
    with pytest.raises(ValueError, match="the alt text states 0.2"):
        figure(labelled(False), alt=alt)
