"""Figures drawn aside (booksite.figures): the same SVG as drawn in place, and every failure still fails the build.

During a build, booksite.page.figure() checks a figure in its block and hands the drawing to a
second process; the plugin puts the SVG in place before the page is written. These builds of a
small site compare the two ways and break the drawing on purpose.
"""

from __future__ import annotations

import re
import textwrap

import pytest

from booksite.sitebuild import mkdocs_build, small_site

FIGURE_BLOCK = """\
```python exec="true" html="true" id="{id}" session="index"
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter

from booksite.page import alt_num, figure, panels

fig, (left, right) = panels(2, figsize=(6, 3))
x = np.linspace(0.0, 2.0, 9)
left.plot(x, x**2)
right.plot(x, 2 * x)
{extra}
alt = f"A parabola to {{alt_num((x**2)[-1])}} and its slope to {{alt_num((2 * x)[-1])}}."
print(figure(fig, alt=alt, caption="{id}"))
```
"""


def build(tmp_path, blocks: list[tuple[str, str]], *, aside: bool = True):
    page = "# Figures\n\n" + "\n".join(FIGURE_BLOCK.format(id=i, extra=textwrap.dedent(e)) for i, e in blocks)
    config = small_site(tmp_path, {"index.md": page}, plugin_options=f"draw_aside: {str(aside).lower()}")
    result = mkdocs_build(config, tmp_path / "site", timeout=120)
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8") if result.returncode == 0 else ""
    return result, html


BLOCKS = [
    ("plain", ""),
    # A formatter that is a lambda cannot be pickled: that figure is drawn in its block.
    ("unpicklable", 'left.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.1f}"))'),
    # A class defined in the block: the drawing process could not import it, so the block draws it.
    ("block-class", "class Fmt(FuncFormatter): pass\nleft.xaxis.set_major_formatter(Fmt('{:.1f}'.format))"),
    # A setting read when the figure is drawn: the drawing process would not see it, so figure() draws in place.
    ("settings", 'plt.rcParams["savefig.pad_inches"] = 0.5'),
]


def test_figures_drawn_aside_are_the_figures_drawn_in_place(tmp_path):
    aside, aside_html = build(tmp_path / "aside", BLOCKS)
    here, here_html = build(tmp_path / "here", BLOCKS, aside=False)
    assert aside.returncode == 0, aside.stderr
    assert here.returncode == 0, here.stderr
    svgs = re.findall(r"<figure.*?</figure>", aside_html, re.S)
    assert len(svgs) == 4 and all('class="lb-svg"' in svg for svg in svgs)
    assert "booksite:figure" not in aside_html  # every placeholder was filled
    assert svgs == re.findall(r"<figure.*?</figure>", here_html, re.S)
    # The padding block really changed the drawing (so the comparison above can see a lost setting).
    boxes = re.findall(r'viewBox="([^"]*)"', aside_html)
    assert len(set(boxes)) >= 2


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        ('right.set_ylabel("slope $\\\\ell\'(e)$")', "Computer Modern font(s) cmsy10"),  # found in the SVG
        ('left.set_xlabel("a label far too long for its panel, running into the next")', "overlaps"),
        # matplotlib logs this to stderr when it draws the axis: output, as in a block, is an error.
        ("right.xaxis.set_major_locator(plt.MultipleLocator(1e-4))", "exceeds Locator.MAXTICKS"),
    ],
)
def test_a_drawing_that_fails_aside_fails_the_build_naming_page_and_block(tmp_path, extra, reason):
    result, _ = build(tmp_path, [("fine", ""), ("broken", extra)])
    assert result.returncode != 0
    failing = [line for line in result.stderr.splitlines() if "block 'broken'" in line]
    assert failing and "drawing a figure raised" in failing[0], result.stderr
    assert reason in result.stderr
    assert "block 'fine'" not in result.stderr
