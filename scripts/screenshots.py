"""Full-page screenshots of every page of the book: light, dark and a 390-pixel-wide phone.

    .venv/bin/python scripts/screenshots.py [SITE_DIR] [--out DIR] [--only PATH ...]   (make screenshots)

Without SITE_DIR the site is built first (``mkdocs build --strict``) into a
temporary directory. Screenshots go to screenshots/<mode>/<page>.png (the
folder is git-ignored), e.g. screenshots/dark/chapters-mse.png. The browser
setup (Chromium, the three modes, the local server) is the one the browser
tests use: booksite.browser.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from booksite import ROOT
from booksite import browser as _browser


def slug(path: str) -> str:
    return path.rstrip("/").replace("/", "-") or "home"


def build(site_dir: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site_dir)], cwd=ROOT, env=env, check=True
    )


def shoot(site: Path, out: Path, only: list[str] | None = None) -> list[Path]:
    from playwright.sync_api import sync_playwright

    paths = [path for path in _browser.page_paths(site) if not only or path in only]
    written = []
    with _browser.serve(site) as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(**_browser.launch_options())
        try:
            for mode, options in _browser.MODES.items():
                (out / mode).mkdir(parents=True, exist_ok=True)
                context = browser.new_context(**options)
                tab = _browser.Tab(context)
                for path in paths:
                    visit = tab.open(base_url + path)
                    visit.page.evaluate("() => document.fonts.ready")
                    target = out / mode / f"{slug(path)}.png"
                    visit.page.screenshot(path=str(target), full_page=True, animations="disabled")
                    written.append(target)
                    problems = _browser.traffic_problems(visit, base_url)
                    note = f"  ({len(problems)} console/request problems)" if problems else ""
                    print(f"{target.relative_to(out)}{note}")
                context.close()
        finally:
            browser.close()
    return written


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("site", nargs="?", type=Path, help="a built site (default: build one)")
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots", help="default: screenshots/")
    parser.add_argument("--only", nargs="*", help="page paths, e.g. chapters/mse/ ('' for the home page)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    if args.site:
        written = shoot(args.site, args.out, args.only)
    else:
        with tempfile.TemporaryDirectory(prefix="lossbook-shots-") as tmp:
            site = Path(tmp) / "site"
            print(f"building the site into {site} ...", file=sys.stderr)
            build(site)
            written = shoot(site, args.out, args.only)
    print(f"{len(written)} screenshots in {args.out} ({time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
