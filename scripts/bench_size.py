"""Page weight: how heavy each page of the built site is, against the book's goals.

    .venv/bin/python scripts/bench_size.py [SITE_DIR]     (make bench-size)

Without SITE_DIR, the site is built first (``mkdocs build --strict``) into a
temporary directory. For every HTML page the report gives its size (its inline
SVG included), the part of it that is figures (inline ``<svg class="lb-svg">``),
the other inline SVG (the theme's icons), and its gzip size for reference; then
the whole site's size (every file). The goals: no page over 400 KB, the whole
site under 10 MB (1 KB = 1000 bytes). Exits 1 when a goal is missed.
tests/test_page_weight.py asserts the same goals on the test build.
"""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KB, MB = 1000, 1000 * 1000
PAGE_GOAL = 400 * KB
SITE_GOAL = 10 * MB

SVG = re.compile(rb"<svg\b.*?</svg>", re.S)


@dataclass
class Page:
    path: str
    bytes: int
    figure_svg: int  # inline <svg class="lb-svg"> figures
    other_svg: int  # other inline SVG (the theme's icons)
    gzip: int


def page_weights(site: Path) -> list[Page]:
    """Every HTML page of the site, with the weight of its inline SVG."""
    pages = []
    for html in sorted(site.rglob("*.html")):
        data = html.read_bytes()
        figures = other = 0
        for match in SVG.finditer(data):
            opening = data[match.start(): data.index(b">", match.start()) + 1]
            if re.search(rb'class="[^"]*\blb-svg\b', opening):
                figures += len(match.group(0))
            else:
                other += len(match.group(0))
        pages.append(Page(html.relative_to(site).as_posix(), len(data), figures, other,
                          len(gzip.compress(data, mtime=0))))
    return pages


def site_bytes(site: Path) -> int:
    return sum(path.stat().st_size for path in site.rglob("*") if path.is_file())


def goal_problems(pages: list[Page], total: int) -> list[str]:
    """The goals missed: every page over 400 KB, and the site if it is 10 MB or more."""
    problems = [f"{page.path} is {page.bytes / KB:.1f} KB, over the {PAGE_GOAL / KB:.0f} KB goal"
                for page in pages if page.bytes > PAGE_GOAL]
    if total >= SITE_GOAL:
        problems.append(f"the site is {total / MB:.2f} MB, not under the {SITE_GOAL / MB:.0f} MB goal")
    return problems


def report(site: Path) -> tuple[str, list[str]]:
    pages = page_weights(site)
    total = site_bytes(site)
    width = max(len(page.path) for page in pages)
    lines = [f"{'page':<{width}}  {'HTML KB':>8}  {'figures KB':>10}  {'icons KB':>8}  {'gzip KB':>7}"]
    for page in sorted(pages, key=lambda page: -page.bytes):
        lines.append(f"{page.path:<{width}}  {page.bytes / KB:8.1f}  {page.figure_svg / KB:10.1f}  "
                     f"{page.other_svg / KB:8.1f}  {page.gzip / KB:7.1f}")
    html_total = sum(page.bytes for page in pages)
    lines.append(f"{'all pages':<{width}}  {html_total / KB:8.1f}  {sum(p.figure_svg for p in pages) / KB:10.1f}  "
                 f"{sum(p.other_svg for p in pages) / KB:8.1f}  {sum(p.gzip for p in pages) / KB:7.1f}")
    lines.append("")
    heaviest = max(pages, key=lambda page: page.bytes)
    lines.append(f"heaviest page: {heaviest.path}, {heaviest.bytes / KB:.1f} KB (goal: every page at most "
                 f"{PAGE_GOAL / KB:.0f} KB)")
    lines.append(f"whole site: {total / MB:.2f} MB in {sum(1 for p in site.rglob('*') if p.is_file())} files "
                 f"(goal: under {SITE_GOAL / MB:.0f} MB)")
    problems = goal_problems(pages, total)
    lines += [f"MISSED: {problem}" for problem in problems] or ["both goals met"]
    return "\n".join(lines), problems


def build(site_dir: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site_dir)],
                   cwd=ROOT, env=env, check=True)


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
