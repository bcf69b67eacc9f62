"""MkDocs hooks: make the book helpers importable, police exec blocks, ship KaTeX.

Registered in mkdocs.yml under ``hooks:``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import textwrap
import time
from pathlib import Path

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

# MkDocs restores sys.path once the hooks are loaded, so the modules the pages'
# exec blocks import (`from book import ...`, `from emulate import ...`) are
# imported here, and the pages find them in sys.modules.
import book  # noqa: E402
import emulate  # noqa: E402, F401

from lossbook import __version__  # noqa: E402

KATEX = ROOT / "node_modules" / "katex" / "dist"
KATEX_FILES = ["katex.min.css", "katex.min.js", "contrib/auto-render.min.js", "fonts"]
EXEC_FENCE = re.compile(r"^ *(`{3,}|~{3,}) *(python|py|pycon)\b([^\n]*\bexec=\"(?:1|on|true|yes)\"[^\n]*)$", re.M)
OPTION = re.compile(r'\b(id|session)="([^"]*)"')

SNIPPET_LINE = re.compile(r'^(?P<indent> *)--8<-- "(?P<path>[^"]+)" *$', re.M)
READER_BLOCK = re.compile(
    r"^(?P<indent> *)(?P<fence>`{3,}|~{3,}) *(?:python|py)\b(?P<options>[^\n]*)\n(?P<body>.*?)^(?P=indent)(?P=fence) *$",
    re.M | re.S,
)

_seen_ids: dict[str, str] = {}
_downloads: dict[str, tuple[str, list[str]]] = {}  # page dest dir -> (title, code cells)
_render_seconds: dict[str, float] = {}  # page -> time to render it (its blocks run then)


def session_name(src_uri: str) -> str:
    """The markdown-exec session a page must use: its path without '.md'."""
    return src_uri.removesuffix(".md")


def on_config(config, **kwargs):
    config["copyright"] = f"{config['copyright'] or ''} lossbook {__version__}.".strip()
    return config


def on_pre_build(config, **kwargs):
    _seen_ids.clear()
    _downloads.clear()
    _render_seconds.clear()
    book.reset_figures()


def expand_snippets(markdown: str) -> str:
    """Inline the files named by pymdownx.snippets lines, as the Markdown build will."""
    def include(match: re.Match) -> str:
        # pymdownx.snippets inserts the file's lines (str.splitlines), each with the line's indentation.
        lines = (ROOT / match.group("path")).read_text(encoding="utf-8").splitlines()
        return "\n".join(match.group("indent") + line if line.strip() else line for line in lines)

    return SNIPPET_LINE.sub(include, markdown)


def reader_code(markdown: str) -> list[str]:
    """The code a reader sees on a page: executed blocks shown with source=, in page order."""
    cells = []
    for match in READER_BLOCK.finditer(expand_snippets(markdown)):
        options = match.group("options")
        if re.search(r'\bexec="(?:1|on|true|yes)"', options) and re.search(r'\bsource="[^"]+"', options):
            cells.append(textwrap.dedent(match.group("body")).rstrip("\n"))
    return cells


def on_page_markdown(markdown, page, config, files, **kwargs):
    """Record the page being rendered and refuse exec blocks without id= or with a foreign session."""
    src = page.file.src_uri
    book.CURRENT_PAGE = src
    _render_seconds[src] = time.perf_counter()
    for match in EXEC_FENCE.finditer(markdown):
        line = markdown.count("\n", 0, match.start()) + 1
        options = dict(OPTION.findall(match.group(3)))
        where = f"{page.file.src_path}:{line}"
        if not options.get("id"):
            raise PluginError(f"{where}: exec block has no id=\"...\"; every executed block needs one")
        block_id = options["id"]
        if block_id in _seen_ids:
            raise PluginError(f"{where}: exec block id {block_id!r} is already used in {_seen_ids[block_id]}")
        _seen_ids[block_id] = where
        if options.get("session") != session_name(src):
            raise PluginError(
                f"{where}: exec block {block_id!r} must run in session=\"{session_name(src)}\" "
                f"(sessions are named after their page), not {options.get('session')!r}"
            )
    cells = reader_code(markdown)
    if cells:
        _downloads[page.file.dest_uri] = (page.title or session_name(src), cells)
    return markdown


def _stem(dest_uri: str) -> str:
    """The download file name of a page: chapters/mse/index.html -> mse."""
    parts = Path(dest_uri).parent.parts
    return parts[-1] if parts else "index"


def on_page_content(html, page, **kwargs):
    """Offer the page's code as a notebook and a script, above the content."""
    _render_seconds[page.file.src_uri] = time.perf_counter() - _render_seconds[page.file.src_uri]
    if page.file.dest_uri not in _downloads:
        return html
    stem = _stem(page.file.dest_uri)
    links = (
        f'<p class="lb-downloads" data-search-exclude>Run this page\'s code yourself: '
        f'<a href="{stem}.ipynb" download>Jupyter notebook</a> · '
        f'<a href="{stem}.py" download>Python script</a></p>'
    )
    head, h1, rest = html.partition("</h1>")
    return head + h1 + links + rest if h1 else links + html


def notebook(title: str, cells: list[str]) -> str:
    """A Jupyter notebook (nbformat 4) holding a title cell and the given code cells."""
    def lines(text: str) -> list[str]:
        return text.splitlines(keepends=True)

    doc = {
        "cells": [{"cell_type": "markdown", "id": "title", "metadata": {},
                   "source": lines(f"# {title}\n\nThe code of this lossbook page, in the order it appears.")}]
        + [{"cell_type": "code", "execution_count": None, "id": f"cell-{i}", "metadata": {},
            "outputs": [], "source": lines(code)} for i, code in enumerate(cells, 1)],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                     "language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def script(title: str, cells: list[str]) -> str:
    """The same cells as a plain Python script with '# %%' cell markers."""
    body = "\n\n".join(f"# %%\n{code}" for code in cells)
    return f'"""{title}: the code of this lossbook page, in the order it appears."""\n\n{body}\n'


MATH_SPAN = re.compile(r"\\\((.*?)\\\)|\\\[(.*?)\\\]", re.S)
TEX_WORDS = {
    "sum": "Σ", "log": "log", "ln": "ln", "exp": "exp", "cdot": "·", "times": "×", "infty": "∞",
    "ge": "≥", "geq": "≥", "le": "≤", "leq": "≤", "approx": "≈", "neq": "≠", "to": "→", "mid": "|",
    "varepsilon": "ε", "epsilon": "ε", "delta": "δ", "beta": "β", "lambda": "λ", "eta": "η",
    "sigma": "σ", "theta": "θ", "partial": "∂", "in": "∈", "Vert": "‖", "lVert": "‖", "rVert": "‖",
}


def tex_to_text(tex: str) -> str:
    """A plain-text reading of a TeX formula, for search previews (which cannot run KaTeX)."""
    text = re.sub(r"\\hat\s*\{?(\w)\}?", "\\1\u0302", tex)  # \hat y -> ŷ
    text = re.sub(r"\\frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}", r"(\1)/(\2)", text)
    text = re.sub(r"\\([A-Za-z]+)", lambda m: TEX_WORDS.get(m.group(1), ""), text)
    text = re.sub(r"\\[,;:! ]|[{}]|\\(?=[^A-Za-z])", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _plain_search_index(site: Path) -> None:
    """Replace the TeX source left in the search index by a plain-text reading of it."""
    path = site / "search" / "search_index.json"
    if not path.is_file():
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    for doc in index["docs"]:
        for key in ("text", "title"):
            doc[key] = MATH_SPAN.sub(lambda m: tex_to_text(m.group(1) or m.group(2)), doc[key])
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def on_post_build(config, **kwargs):
    """Write each page's notebook and script; copy the npm-installed KaTeX files into the site."""
    site = Path(config["site_dir"])
    _plain_search_index(site)
    if os.environ.get("LOSSBOOK_PAGE_TIMES"):  # set by scripts/bench_docs.py
        Path(os.environ["LOSSBOOK_PAGE_TIMES"]).write_text(json.dumps(_render_seconds))
    for dest_uri, (title, cells) in _downloads.items():
        folder = (site / dest_uri).parent
        (folder / f"{_stem(dest_uri)}.ipynb").write_text(notebook(title, cells), encoding="utf-8")
        (folder / f"{_stem(dest_uri)}.py").write_text(script(title, cells), encoding="utf-8")
    if not KATEX.is_dir():
        raise PluginError(f"{KATEX} is missing: run `npm ci` (the Makefile does) before building")
    target = Path(config["site_dir"]) / "assets" / "katex"
    for name in KATEX_FILES:
        source, dest = KATEX / name, target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, dest, dirs_exist_ok=True)
        else:
            shutil.copyfile(source, dest)
