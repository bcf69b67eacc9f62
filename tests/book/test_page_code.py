"""Hidden page code stays short: longer code, or code that defines functions, lives in a module.

A hidden exec block (no ``source=``) longer than 15 non-blank lines, or defining a function
or class, belongs in a module where ruff and the unit tests reach it (``booksite.pages.<page>``,
tested in tests/book/test_page_modules.py), the page keeping the code a reader should see.
Every block written before this rule has moved; a new long block fails here.
"""

from __future__ import annotations

import ast

from booksite import ROOT
from booksite.fences import exec_blocks

MAX_LINES = 15


def too_long() -> dict[str, list[str]]:
    """{page: [block ids]} of the hidden blocks over the limit, in page order."""
    found: dict[str, list[str]] = {}
    for md in sorted((ROOT / "docs").rglob("*.md")):
        for fence in exec_blocks(md.read_text(encoding="utf-8")):
            if fence.shown:
                continue
            lines = sum(1 for line in fence.body.splitlines() if line.strip())
            defines = any(isinstance(n, (ast.FunctionDef, ast.ClassDef)) for n in ast.walk(ast.parse(fence.body)))
            if lines > MAX_LINES or defines:
                found.setdefault(md.relative_to(ROOT / "docs").as_posix(), []).append(fence.block_id)
    return found


def test_no_long_hidden_block():
    assert too_long() == {}, "move this code into a module: booksite.pages.<page>, tested in test_page_modules.py"
