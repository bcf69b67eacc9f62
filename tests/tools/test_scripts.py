"""The command-line tools run (what they measure is for make bench-docs to report, not for a test)."""

from __future__ import annotations

import os
import subprocess
import sys

from booksite import ROOT


def test_bench_docs_builds_both_ways():
    """The plain build (markdown-exec removed, booksite with execute: false) must build too."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench_docs.py"), "--repeat", "1"],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ratio:" in result.stdout and not (ROOT / "mkdocs.noexec.yml").exists()
