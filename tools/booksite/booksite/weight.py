"""Page weight: each page's size with its inline SVG, the whole site's size, and the goals.

Shared by ``scripts/bench_size.py`` (``make bench-size``, the report) and
``tests/book/test_page_weight.py`` (the goals as assertions). The goals: no page over
400 KB, the whole site under 10 MB, a page's interactive figures adding at most 30 KB
gzipped (their HTML with the values the test checks, and the script and style
they load; 1 KB = 1000 bytes).
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from pathlib import Path

KB, MB = 1000, 1000 * 1000
PAGE_GOAL = 400 * KB
SITE_GOAL = 10 * MB
WIDGET_GOAL = 30 * KB

WIDGET = re.compile(rb'<div class="lb-widget".*?</script></div>', re.S)
WIDGET_SCRIPTS = ["javascripts/widgets.js", "javascripts/losses.js"]
WIDGET_CSS = re.compile(rb"[^{}]*\.lb-(?:widget|grid|axis)[^{}]*\{[^}]*\}")

SVG = re.compile(rb"<svg\b.*?</svg>", re.S)


@dataclass
class Page:
    path: str
    bytes: int
    figure_svg: int  # inline <svg class="lb-svg"> figures
    other_svg: int  # other inline SVG (the theme's icons)
    gzip: int
    widgets: int = 0  # what its interactive figures add, gzipped (HTML, scripts, style)


def page_weights(site: Path) -> list[Page]:
    """Every HTML page of the site, with the weight of its inline SVG."""
    pages = []
    for html in sorted(site.rglob("*.html")):
        data = html.read_bytes()
        figures = other = 0
        for match in SVG.finditer(data):
            opening = data[match.start() : data.index(b">", match.start()) + 1]
            if re.search(rb'class="[^"]*\blb-svg\b', opening):
                figures += len(match.group(0))
            else:
                other += len(match.group(0))
        pages.append(
            Page(html.relative_to(site).as_posix(), len(data), figures, other, _gz(data), widget_bytes(site, data))
        )
    return pages


def _gz(data: bytes) -> int:
    return len(gzip.compress(data, mtime=0))


def widget_bytes(site: Path, page: bytes) -> int:
    """What a page's interactive figures add to it, gzipped: their HTML, widgets.js and losses.js, their CSS rules."""
    blocks = WIDGET.findall(page)
    if not blocks:
        return 0
    css = b"".join(WIDGET_CSS.findall((site / "stylesheets" / "lossbook.css").read_bytes()))
    return _gz(b"".join(blocks)) + sum(_gz((site / name).read_bytes()) for name in WIDGET_SCRIPTS) + _gz(css)


def site_bytes(site: Path) -> int:
    return sum(path.stat().st_size for path in site.rglob("*") if path.is_file())


def goal_problems(pages: list[Page], total: int) -> list[str]:
    """The goals missed: every page over 400 KB or whose widgets add over 30 KB, and the site if it is 10 MB or more."""
    problems = [
        f"{page.path} is {page.bytes / KB:.1f} KB, over the {PAGE_GOAL / KB:.0f} KB goal"
        for page in pages
        if page.bytes > PAGE_GOAL
    ]
    problems += [
        f"{page.path}: its interactive figures add {page.widgets / KB:.1f} KB gzipped, over the "
        f"{WIDGET_GOAL / KB:.0f} KB goal"
        for page in pages
        if page.widgets > WIDGET_GOAL
    ]
    if total >= SITE_GOAL:
        problems.append(f"the site is {total / MB:.2f} MB, not under the {SITE_GOAL / MB:.0f} MB goal")
    return problems
