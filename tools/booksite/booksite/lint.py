"""Ruff over the code of the pages' exec blocks, which lives in Markdown.

    python -m booksite.lint [--fix] [DOCS_DIR]      (make lint runs it; make format runs it with --fix)

Each page's exec blocks are extracted (snippet includes expanded, as the build sees them):
one file per page, its blocks in order, for ``ruff check`` (the blocks share the page's
session, so a name from an earlier block is defined); one file per block for
``ruff format --check``. Problems are reported as ``docs/<page> block '<id>' line N``.
With ``--fix``, blocks are rewritten in place in the Markdown with ruff's formatting
(blocks that include a snippet are left alone: the snippet file is formatted as a file).
Ruff's settings are the repository's (``[tool.ruff]`` in pyproject.toml).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

from booksite import ROOT, fences

# Extracted blocks share a page file: imports come wherever a block starts, and a block a
# reader sees imports what it uses even when an earlier block did (F811), so that it runs
# pasted alone. The formatter wraps code lines; what stays long is prose in f-strings.
PAGE_IGNORE = ["E402", "E501", "F811"]
_SNIPPET = re.compile(r'^\s*--8<-- "')


@dataclass
class Extracted:
    page: str  # docs/chapters/mse.md
    block_id: str
    first: int  # the block's first line in the page file (1-based)
    code: str  # as the build runs it (snippets expanded)
    includes: bool  # the block includes a snippet


def extract(docs: Path) -> list[Extracted]:
    blocks = []
    for md in sorted(docs.rglob("*.md")):
        text = md.read_text(encoding="utf-8")
        label = md.relative_to(docs.parent).as_posix()
        for fence in fences.exec_blocks(text):
            code = fences.expand_snippets(fence.body, ROOT)
            includes = any(_SNIPPET.match(line) for line in fence.body.splitlines())
            blocks.append(Extracted(label, fence.block_id, fence.line + 1, code.rstrip("\n") + "\n", includes))
    return blocks


def _ruff(*args: str) -> subprocess.CompletedProcess:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or "ruff"
    command = [ruff, *args, "--config", str(ROOT / "pyproject.toml")]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT)


_LOCATION = re.compile(r"^(?P<file>[^:\s]+\.py):(?P<line>\d+):(?P<col>\d+): (?P<rest>.*)$", re.M)


def check(docs: Path) -> list[str]:
    """Ruff's lint and format problems of every exec block, located in its page."""
    blocks = extract(docs)
    problems = []
    with tempfile.TemporaryDirectory(prefix="booksite-lint-") as tmp:
        where: dict[str, list[tuple[int, Extracted]]] = {}  # page file -> [(first line in file, block)]
        pages: dict[str, list[Extracted]] = {}
        for block in blocks:
            pages.setdefault(block.page, []).append(block)
        for n, page_blocks in enumerate(pages.values()):
            name = f"page{n}.py"
            text, starts = "", []
            for block in page_blocks:
                starts.append((text.count("\n") + 1, block))
                text += block.code
            (Path(tmp) / name).write_text(text, encoding="utf-8")
            where[name] = starts
        for n, block in enumerate(blocks):
            (Path(tmp) / f"block{n}.py").write_text(block.code, encoding="utf-8")
        page_files = sorted(where)
        lint = _ruff(
            "check",
            "--output-format",
            "concise",
            "--extend-ignore",
            ",".join(PAGE_IGNORE),
            "--no-cache",
            *(str(Path(tmp) / name) for name in page_files),
        )
        for match in _LOCATION.finditer(lint.stdout):
            starts = where[Path(match["file"]).name]
            line = int(match["line"])
            first, block = max((s for s in starts if s[0] <= line), key=lambda s: s[0])
            problems.append(f"{block.page} block {block.block_id!r} line {line - first + 1}: {match['rest']}")
        block_files = [str(Path(tmp) / f"block{n}.py") for n in range(len(blocks))]
        formatted = _ruff("format", "--check", "--no-cache", *block_files)
        # "Would reformat: .../blockN.py" (older ruff) or "unformatted: ..." then " --> .../blockN.py:1:1".
        unformatted = sorted({int(n) for n in re.findall(r"block(\d+)\.py", formatted.stdout + formatted.stderr)})
        for n in unformatted:
            block = blocks[n]
            problems.append(f"{block.page} block {block.block_id!r}: not formatted as ruff formats it (make format)")
        if lint.returncode not in (0, 1) or formatted.returncode not in (0, 1):
            problems.append(f"ruff failed to run: {lint.stderr}{formatted.stderr}")
    return problems


def _ruff_stdin(code: str, *args: str) -> str | None:
    """Ruff on one block given on stdin: the fixed or formatted code, or None if ruff refused it."""
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or "ruff"
    command = [ruff, *args, "--config", str(ROOT / "pyproject.toml"), "--stdin-filename", "block.py", "-"]
    result = subprocess.run(command, input=code, capture_output=True, text=True, cwd=ROOT)
    return result.stdout if result.returncode in (0, 1) and result.stdout.strip() else None


def _formatted(fence: fences.Fence) -> str | None:
    """The block's code with sorted imports and ruff's formatting, or None to leave it alone.

    A block that opens with snippet includes keeps them: the code after them is formatted in
    the context of the expanded snippets (the blank lines after a function, for one).
    """
    lines = fence.body.splitlines()
    heading = 0
    while heading < len(lines) and (_SNIPPET.match(lines[heading]) or not lines[heading].strip()):
        heading += 1
    if any(_SNIPPET.match(line) for line in lines[heading:]):
        return None  # a snippet in the middle: format the snippet file instead
    head = fences.expand_snippets("\n".join(line for line in lines[:heading] if line.strip()), ROOT)
    rest = "\n".join(lines[heading:])
    code = _ruff_stdin(f"{head}\n\n\n{rest}\n" if head else f"{rest}\n", "check", "--select", "I", "--fix", "--quiet")
    code = code and _ruff_stdin(code, "format")
    if code is None:
        return None
    if head:
        if not code.startswith(head + "\n"):
            return None  # formatting would change the snippet: format the snippet file instead
        code = "\n".join(lines[:heading]).rstrip("\n") + "\n" + code[len(head) :].lstrip("\n").join(["\n\n", ""])
    return code


def fix(docs: Path) -> int:
    """Sort the imports of every exec block and format it, in place; return how many changed."""
    changed = 0
    for md in sorted(docs.rglob("*.md")):
        text = md.read_text(encoding="utf-8")
        lines = text.split("\n")
        for fence in reversed(fences.exec_blocks(text)):
            code = _formatted(fence) if fence.body.strip() else None
            if code is None or code.rstrip("\n") == fence.body.rstrip("\n"):
                continue
            count = fence.body.count("\n") + 1
            new = textwrap.indent(code.rstrip("\n"), fence.indent).split("\n")
            lines[fence.line : fence.line + count] = [line if line.strip() else "" for line in new]
            changed += 1
        md.write_text("\n".join(lines), encoding="utf-8")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("docs", nargs="?", type=Path, default=ROOT / "docs")
    parser.add_argument("--fix", action="store_true", help="format the blocks in place")
    args = parser.parse_args(argv)
    if args.fix:
        print(f"lint: formatted {fix(args.docs)} exec block(s)")
    found = check(args.docs)
    for problem in found:
        print(problem, file=sys.stderr)
    print(f"lint: {len(found)} problem(s) in the exec blocks of {args.docs}", file=sys.stderr if found else sys.stdout)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
