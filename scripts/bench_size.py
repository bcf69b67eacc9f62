"""Page weight: how heavy each page of the built site is, against the book's goals.

    .venv/bin/python scripts/bench_size.py [SITE_DIR]     (make bench-size)

Without SITE_DIR, the site is built first (``mkdocs build --strict``) into a
temporary directory. For every HTML page the report gives its size (its inline
SVG included), the part of it that is figures (inline ``<svg class="lb-svg">``),
the other inline SVG (the theme's icons), and its gzip size for reference; then
the whole site's size (every file); and, for a page with interactive figures,
what they add to it, gzipped: their HTML (with the values the test checks) and
the script and style they load. The goals: no page over 400 KB, the whole
site under 10 MB, interactive figures adding at most 30 KB gzipped to a page
(1 KB = 1000 bytes). Exits 1 when a goal is missed.
tests/book/test_page_weight.py asserts the same goals on the test build.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from booksite import ROOT
from booksite.weight import KB, MB, PAGE_GOAL, SITE_GOAL, WIDGET_GOAL, goal_problems, page_weights, site_bytes


def report(site: Path) -> tuple[str, list[str]]:
    pages = page_weights(site)
    total = site_bytes(site)
    width = max(len(page.path) for page in pages)
    lines = [
        f"{'page':<{width}}  {'HTML KB':>8}  {'figures KB':>10}  {'icons KB':>8}  {'gzip KB':>7}  {'widgets gz KB':>13}"
    ]
    for page in sorted(pages, key=lambda page: -page.bytes):
        lines.append(
            f"{page.path:<{width}}  {page.bytes / KB:8.1f}  {page.figure_svg / KB:10.1f}  "
            f"{page.other_svg / KB:8.1f}  {page.gzip / KB:7.1f}  "
            f"{(f'{page.widgets / KB:.1f}' if page.widgets else '-'):>13}"
        )
    html_total = sum(page.bytes for page in pages)
    lines.append(
        f"{'all pages':<{width}}  {html_total / KB:8.1f}  {sum(p.figure_svg for p in pages) / KB:10.1f}  "
        f"{sum(p.other_svg for p in pages) / KB:8.1f}  {sum(p.gzip for p in pages) / KB:7.1f}"
    )
    lines.append("")
    heaviest = max(pages, key=lambda page: page.bytes)
    lines.append(
        f"heaviest page: {heaviest.path}, {heaviest.bytes / KB:.1f} KB (goal: every page at most "
        f"{PAGE_GOAL / KB:.0f} KB)"
    )
    heaviest_widgets = max(pages, key=lambda page: page.widgets)
    lines.append(
        f"heaviest interactive figures: {heaviest_widgets.path}, {heaviest_widgets.widgets / KB:.1f} KB gzipped "
        f"(goal: at most {WIDGET_GOAL / KB:.0f} KB a page)"
    )
    lines.append(
        f"whole site: {total / MB:.2f} MB in {sum(1 for p in site.rglob('*') if p.is_file())} files "
        f"(goal: under {SITE_GOAL / MB:.0f} MB)"
    )
    if (site / "lossbook.pdf").is_file():  # written by make pdf, published with the site
        lines.append(f"of which the printed book, lossbook.pdf: {(site / 'lossbook.pdf').stat().st_size / MB:.2f} MB")
    problems = goal_problems(pages, total)
    lines += [f"MISSED: {problem}" for problem in problems] or ["all goals met"]
    return "\n".join(lines), problems


def build(site_dir: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site_dir)], cwd=ROOT, env=env, check=True
    )


def main(argv: list[str]) -> int:
    if len(argv) > 1:
        print(__doc__.strip().splitlines()[0] + "\nusage: bench_size.py [SITE_DIR]", file=sys.stderr)
        return 2
    if argv:
        site = Path(argv[0])
        if not (site / "index.html").is_file():
            print(f"{site} is not a built site (no index.html)", file=sys.stderr)
            return 2
        text, problems = report(site)
    else:
        with tempfile.TemporaryDirectory(prefix="lossbook-size-") as tmp:
            site = Path(tmp) / "site"
            print(f"building the site into {site} ...", file=sys.stderr)
            build(site)
            text, problems = report(site)
    print(text)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
