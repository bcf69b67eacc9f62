"""The one parser of the book's Markdown: code fences, snippet includes, exec blocks, reader code.

The plugin uses it to police a page before it renders, the downloads to collect the
code a reader sees, the verifier to list the blocks a built site must show, and the
tests to find a block's source.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

TRUE = frozenset({"1", "on", "true", "yes"})
EXEC_LANGUAGES = frozenset({"python", "py"})

_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>`{3,}|~{3,})[ \t]*(?P<info>.*?)[ \t]*$")
_OPTION = re.compile(r'([A-Za-z_][\w-]*)="([^"]*)"')
_WELL_FORMED = re.compile(r'^[A-Za-z_][\w+-]*(?:[ \t]+[A-Za-z_][\w-]*="[^"]*")*$')
_SNIPPET = re.compile(r'^(?P<indent>[ \t]*)--8<-- "(?P<path>[^"]+)"[ \t]*$', re.M)


@dataclass(frozen=True)
class Fence:
    """One fenced code block of a page."""

    line: int  # 1-based line of the opening fence
    indent: str
    marker: str  # the opening backticks or tildes
    info: str  # what follows the marker: language and options
    body: str  # the code, dedented
    closed: bool
    options: dict[str, str] = field(default_factory=dict)
    outdented: int = 0  # the first line of the body indented less than the fence (0: none)

    @property
    def language(self) -> str:
        return self.info.split(maxsplit=1)[0] if self.info.strip() else ""

    @property
    def executed(self) -> bool:
        """Does markdown-exec run it (``exec="true"``)?"""
        return self.options.get("exec", "").lower() in TRUE

    @property
    def shown(self) -> bool:
        """Is its code shown to the reader (``source="..."``)?"""
        return self.executed and bool(self.options.get("source"))

    @property
    def block_id(self) -> str:
        return self.options.get("id", "")

    @property
    def well_formed(self) -> bool:
        """Language, then only ``key="value"`` options (what superfences and markdown-exec read)."""
        return not self.info or bool(_WELL_FORMED.match(self.info))


def fences(markdown: str) -> list[Fence]:
    """Every fenced code block, in page order; an unclosed one runs to the end of the page.

    A fence closes on a line of the same indentation holding at least as many of
    the same marker characters, as pymdownx.superfences reads nested fences.
    """
    lines = markdown.split("\n")
    found, i = [], 0
    while i < len(lines):
        match = _OPEN.match(lines[i])
        if not match or (match["marker"][0] == "`" and "`" in match["info"]):
            i += 1
            continue
        indent, marker, info = match["indent"], match["marker"], match["info"]
        close = re.compile(rf"^{re.escape(indent)}{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
        end = i + 1
        while end < len(lines) and not close.match(lines[end]):
            end += 1
        body = textwrap.dedent("\n".join(lines[i + 1 : end]))
        outdented = next((n + 1 for n in range(i + 1, end) if lines[n].strip() and not lines[n].startswith(indent)), 0)
        options = dict(_OPTION.findall(info))
        found.append(Fence(i + 1, indent, marker, info, body, end < len(lines), options, outdented))
        i = end + 1
    return found


def exec_blocks(markdown: str) -> list[Fence]:
    """The fences markdown-exec runs, in page order."""
    return [fence for fence in fences(markdown) if fence.executed]


def session_name(src_uri: str) -> str:
    """The markdown-exec session of a page: its path without '.md' (``chapters/mse``)."""
    return src_uri.removesuffix(".md")


def problems(markdown: str, src_uri: str) -> list[str]:
    """What is wrong with a page's fences, each as ``line N: ...`` (empty when all is well).

    Refused: an unclosed fence, an exec fence whose options are not all ``key="value"``,
    exec on a language the book does not run, an exec block without ``id=``, with an id
    used twice on the page, or in another page's session.
    """
    found, seen = [], {}
    for fence in fences(markdown):
        where = f"line {fence.line}"
        if not fence.closed:
            found.append(f"{where}: the fence {fence.marker}{fence.info} is never closed")
        if fence.outdented:
            found.append(
                f"{where}: line {fence.outdented} is indented less than its fence, which Markdown ends there "
                "(indent the fence's code as much as the fence)"
            )
        wants_exec = "exec" in fence.info
        if wants_exec and not fence.well_formed:
            found.append(f'{where}: malformed fence options {fence.info!r} (write key="value" pairs)')
            continue
        if not fence.executed:
            continue
        if fence.language not in EXEC_LANGUAGES:
            found.append(f"{where}: exec is only for python blocks, not {fence.language!r}")
        if not fence.block_id:
            found.append(f'{where}: exec block has no id="..."; every executed block needs one')
            continue
        if fence.block_id in seen:
            found.append(f"{where}: exec block id {fence.block_id!r} is already used on line {seen[fence.block_id]}")
        seen[fence.block_id] = fence.line
        if fence.options.get("session") != session_name(src_uri):
            found.append(
                f'{where}: exec block {fence.block_id!r} must run in session="{session_name(src_uri)}" '
                f"(sessions are named after their page), not {fence.options.get('session')!r}"
            )
    return found


def expand_snippets(markdown: str, base: Path) -> str:
    """Inline the files named by pymdownx.snippets lines (``--8<-- "path"``), as the build will."""

    def include(match: re.Match) -> str:
        # pymdownx.snippets inserts the file's lines (str.splitlines), each with the line's indentation.
        lines = (base / match["path"]).read_text(encoding="utf-8").splitlines()
        return "\n".join(match["indent"] + line if line.strip() else line for line in lines)

    return _SNIPPET.sub(include, markdown)


def reader_code(markdown: str, base: Path) -> list[str]:
    """The code a reader sees on a page: executed blocks shown with ``source=``, in page order."""
    return [fence.body.rstrip("\n") for fence in fences(expand_snippets(markdown, base)) if fence.shown]


def has_reader_code(markdown: str) -> bool:
    """Does the page show the source of a block it executes?"""
    return any(fence.shown for fence in fences(markdown))


def block(markdown: str, block_id: str) -> Fence:
    """The exec block with ``id=block_id``."""
    for fence in exec_blocks(markdown):
        if fence.block_id == block_id:
            return fence
    raise LookupError(f"no exec block with id={block_id!r}")
