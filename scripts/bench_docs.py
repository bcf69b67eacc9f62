"""Time the strict docs build with and without executing the pages' code blocks.

Usage: python scripts/bench_docs.py [--repeat N]

The plain build uses the same configuration with the markdown-exec plugin removed
and the booksite plugin's ``execute: false``, so exec blocks render as ordinary
code and nothing runs; everything else (downloads, KaTeX, search) is the same.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from booksite import ROOT


def plain_config() -> Path:
    """mkdocs.yml without markdown-exec, and booksite told not to expect it (``execute: false``)."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    plugins = [
        {"booksite": {**(p["booksite"] or {}), "execute": False}} if isinstance(p, dict) and "booksite" in p else p
        for p in config["plugins"]
        if p != "markdown-exec"
    ]
    path = ROOT / "mkdocs.noexec.yml"
    path.write_text(yaml.safe_dump({"INHERIT": "mkdocs.yml", "strict": False, "plugins": plugins}))
    return path


def build(config: Path, strict: bool, times: Path | None = None) -> float:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if times:
        env["BOOKSITE_TIMES"] = str(times)
    with tempfile.TemporaryDirectory() as site:
        command = [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", site]
        command += ["--strict"] if strict else []
        start = time.perf_counter()
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)
        elapsed = time.perf_counter() - start
    if result.returncode:
        sys.exit(f"build with {config.name} failed:\n{result.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="builds of each kind; the best is kept")
    args = parser.parse_args()
    plain = plain_config()
    times = Path(tempfile.mkstemp(suffix=".json")[1])
    try:
        full = min(build(ROOT / "mkdocs.yml", strict=True, times=times) for _ in range(args.repeat))
        bare = min(build(plain, strict=False) for _ in range(args.repeat))
        pages = {name: s for name, s in json.loads(times.read_text()).items() if "#" not in name}
    finally:
        plain.unlink()
        times.unlink()
    print(f"cores: {os.cpu_count()}, best of {args.repeat} builds each")
    print(f"full strict build (blocks executed): {full:6.2f} s")
    print(f"same build, no block executed:       {bare:6.2f} s")
    print(f"ratio:                               {full / bare:6.2f}x  (goal: at most 3x; full build under 30 s)")
    print("slowest pages to render (last full build):")
    for page, seconds in sorted(pages.items(), key=lambda item: -item[1])[:6]:
        print(f"  {seconds:6.2f} s  {page}")


if __name__ == "__main__":
    main()
