"""Page weight: no page over 400 KB (inline SVG figures included), the whole site under 10 MB, widgets under 30 KB.

The sizes of the built files are deterministic (tests/test_site.py checks that
two builds are byte-identical), so the goals are a plain assertion here.
scripts/bench_size.py (``make bench-size``) prints the per-page figures.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

from booksite import ROOT
from booksite import weight as bench_size


def test_no_page_is_over_400_kb_and_the_site_is_under_10_mb(site):
    pages = bench_size.page_weights(site)
    assert len(pages) >= 20 and any(page.figure_svg for page in pages)
    assert sum(1 for page in pages if page.widgets) == 5  # the pages with interactive figures
    assert bench_size.goal_problems(pages, bench_size.site_bytes(site)) == []


def test_guard_a_heavy_page_or_site_misses_the_goals(site, tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    page = copy / "chapters" / "mse" / "index.html"
    svg = '<svg class="lb-svg" role="img" aria-label="padding">' + "<path d='M0 0'/>" * 30_000 + "</svg>"
    page.write_text(page.read_text(encoding="utf-8").replace("</article>", svg + "</article>", 1), encoding="utf-8")
    (copy / "assets" / "ballast.bin").write_bytes(bytes(10 * bench_size.MB))
    problems = bench_size.goal_problems(bench_size.page_weights(copy), bench_size.site_bytes(copy))
    assert len(problems) == 2
    assert problems[0].startswith("chapters/mse/index.html is") and "over the 400 KB goal" in problems[0]
    assert "not under the 10 MB goal" in problems[1]
    # The script says so, and exits non-zero (make bench-size fails).
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench_size.py"), str(copy)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "MISSED: chapters/mse/index.html" in result.stdout
    ok = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench_size.py"), str(site)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ok.returncode == 0 and "all goals met" in ok.stdout, ok.stdout + ok.stderr


def test_guard_heavy_interactive_figures_miss_their_goal(site, tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    page = copy / "chapters" / "mae" / "index.html"
    html = page.read_text(encoding="utf-8")
    noise = ",".join(repr(x / 7) for x in range(8000))  # about 40 KB of incompressible-ish numbers
    html = html.replace("</script></div>", f',"ballast":[{noise}]</script></div>', 1)
    page.write_text(html, encoding="utf-8")
    problems = bench_size.goal_problems(bench_size.page_weights(copy), bench_size.site_bytes(copy))
    assert len(problems) == 1 and problems[0].startswith("chapters/mae/index.html: its interactive figures add")
