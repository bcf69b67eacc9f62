"""The MkDocs plugin that keeps the book's promise: every block ran, and nothing wrong ships.

Registered in mkdocs.yml as ``plugins: - booksite`` (next to ``markdown-exec``). Per build it

- refuses a page whose fences are unclosed or malformed, or whose exec blocks lack an
  id, repeat one, or run in another page's session (:func:`booksite.fences.problems`);
- runs every Python exec block itself, under :func:`booksite.guard.run` (time limit,
  warnings, exits, stray output, invalid UTF-8), in one session per page; after a
  page's first failing block, skips the rest of that page, and fails the build at
  the end naming every failing page file and block id;
- imports ``lossbook`` (and whatever else lives under the watched paths) afresh at
  every build, so ``mkdocs serve`` never shows numbers from a stale module;
- offers each page's reader code as a notebook and a script, copies KaTeX from
  node_modules, writes plain text for TeX in the search index;
- writes ``booksite-manifest.json``: every exec block it ran, with its outcome, the
  checks it passed, its figures and a digest of its output as written in the page
  (``make verify`` / :mod:`booksite.verify` checks a built site against it).

The plugin's state lives on the instance (:class:`BuildState`, :class:`PageRun`).
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from textwrap import indent

from markdown_exec import base_format
from markupsafe import Markup, escape
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority

from booksite import downloads, fences, guard, manifest, search
from booksite.figures import PLACEHOLDER, FigureProcess

log = logging.getLogger("mkdocs.plugins.booksite")

KATEX_FILES = ["katex.min.css", "katex.min.js", "contrib/auto-render.min.js", "fonts"]
# Modules of the machinery itself that the pages import: imported afresh at every build too.
PAGE_MODULES = ("booksite.page", "booksite.emulate", "booksite.pages")
CHECKED = re.compile(r'<p class="lb-checked" data-lb-check="([^"]+)" data-lb-rtol="([^"]+)"')
FIGURE = re.compile(rf'<svg\b[^>]*\bclass="lb-svg"|{PLACEHOLDER.pattern}')  # drawn in place, or aside


class BookPluginConfig(Config):
    timeout = config_options.Type((int, float), default=60)
    """Seconds a block may run before the build fails naming it."""
    node_modules = config_options.Type(str, default="node_modules")
    """Where npm installed KaTeX, relative to mkdocs.yml."""
    watch = config_options.ListOfItems(config_options.Type(str), default=["lossbook", "snippets"])
    """Paths (relative to mkdocs.yml) whose Python modules are imported afresh at every build and
    that ``mkdocs serve`` watches, besides the docs and this package."""
    execute = config_options.Type(bool, default=True)
    """False only for scripts/bench_docs.py's plain build (markdown-exec removed): nothing runs,
    and the manifest lists no block, so ``make verify`` refuses the site."""
    package = config_options.Type(str, default="lossbook")
    """The package whose ``__version__`` the copyright line names."""
    draw_aside = config_options.Type(bool, default=True)
    """Draw the figures in a second process while the blocks run (:mod:`booksite.figures`);
    false draws each figure in its block."""


@dataclass
class PageRun:
    """The page being rendered: its blocks, its session, its first failure."""

    label: str  # the page file as an author finds it: docs/chapters/mse.md
    src_uri: str
    dest_uri: str
    blocks: list[str]  # exec block ids, in page order
    session: dict = field(default_factory=dict)
    failed: str | None = None
    started: float = field(default_factory=time.perf_counter)


@dataclass
class BuildState:
    """What one build gathers: downloads, the manifest's records, failures, timings."""

    downloads: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # dest_uri -> (title, cells)
    pages: dict[str, dict] = field(default_factory=dict)  # src_uri -> manifest entry
    failures: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # page, and page#block -> render time


class BookPlugin(BasePlugin[BookPluginConfig]):
    supports_multiple_instances = False

    def __init__(self):
        self.root: Path | None = None
        self.docs: Path | None = None
        self.state: BuildState | None = None
        self.page: PageRun | None = None
        self.figures: FigureProcess | None = None
        self.page_helpers = None  # booksite.page as this build imported it

    # Configuration ----------------------------------------------------------------------

    @event_priority(-100)  # after markdown-exec has registered its fences
    def on_config(self, config, **kwargs):
        self.root = Path(config.config_file_path).resolve().parent
        self.docs = Path(config.docs_dir).resolve()
        self._forget_modules()
        # Imported here, outside any block's guards: matplotlib may build its font cache and say so.
        self.page_helpers = importlib.import_module("booksite.page")
        version = getattr(importlib.import_module(self.config.package), "__version__", "")
        config.copyright = f"{config.copyright or ''} {self.config.package} {version}.".strip()
        if not self.config.execute:
            return config
        if "markdown-exec" not in config.plugins:
            raise PluginError("booksite: the markdown-exec plugin must be listed under plugins: in mkdocs.yml")
        custom = config.mdx_configs.get("pymdownx.superfences", {}).get("custom_fences", [])
        wrapped = [fence for fence in custom if fence["name"] in fences.EXEC_LANGUAGES]
        if not wrapped:
            raise PluginError("booksite: markdown-exec registered no python fences (pymdownx.superfences missing?)")
        for fence in wrapped:
            fence["format"] = self._format
        return config

    def _watched(self) -> list[Path]:
        return [self.root / path for path in self.config.watch]

    def _forget_modules(self) -> None:
        """Drop from sys.modules what the pages import from this repository, so that it is imported afresh."""
        roots = [*self._watched(), self.docs]
        for name, module in list(sys.modules.items()):
            file = getattr(module, "__file__", None)
            fresh = any(name == m or name.startswith(m + ".") for m in PAGE_MODULES) or (
                file is not None and any(Path(file).resolve().is_relative_to(root) for root in roots)
            )
            if fresh:
                del sys.modules[name]
                parent, _, child = name.rpartition(".")
                if parent in sys.modules and getattr(sys.modules[parent], child, None) is module:
                    delattr(sys.modules[parent], child)

    def on_serve(self, server, config, builder, **kwargs):
        """Watch lossbook/, the snippets and this package besides the docs."""
        for path in [*self._watched(), Path(__file__).parent]:
            if path.exists():
                server.watch(str(path))
        return server

    # Pages --------------------------------------------------------------------------------

    def on_pre_build(self, config, **kwargs):
        self.state = BuildState()
        self._stop_drawing()
        if self.config.execute and self.config.draw_aside:
            self.figures = FigureProcess(self.config.timeout)

    def _stop_drawing(self) -> None:
        if self.figures is not None:
            self.figures.close()
            self.figures = None

    def on_page_markdown(self, markdown, page, config, files, **kwargs):
        """Refuse a page with a bad fence; get its session and downloads ready."""
        src = page.file.src_uri
        label = self._label(page)
        found = fences.problems(markdown, src)
        if found:
            raise PluginError("\n".join(f"{label} {problem}" for problem in found))
        ids = [fence.block_id for fence in fences.exec_blocks(markdown)]
        self.page = PageRun(label, src, page.file.dest_uri, ids)
        self.state.pages[src] = {"file": label, "html": page.file.dest_uri, "blocks": []}
        cells = fences.reader_code(markdown, self.root)
        if cells:
            self.state.downloads[page.file.dest_uri] = (page.title or fences.session_name(src), cells)
        return markdown

    def _label(self, page) -> str:
        path = Path(page.file.abs_src_path).resolve()
        return (path.relative_to(self.root) if path.is_relative_to(self.root) else path).as_posix()

    def _format(self, source, language, css_class, options, md, **kwargs):
        """Run one exec block under the guards (pymdownx.superfences calls this for every exec fence)."""
        page = self.page
        if page is None:
            raise PluginError(f"booksite: an exec block ran outside a page: {source[:80]!r}")
        block_id = options.get("id", "")
        record = {"id": block_id, "outcome": "skipped", "checks": [], "figures": 0}
        self.state.pages[page.src_uri]["blocks"].append(record)
        if page.failed:
            return Markup("")
        start = time.perf_counter()
        printed = []

        def draw_aside(fig, alt):
            return self.figures.submit(fig, alt, f"{page.label}, block {block_id!r}", record)

        def run(code, **_):
            deferred = self.page_helpers.DEFERRED.set(draw_aside if self.figures is not None else None)
            try:
                printed.append(
                    guard.run(
                        code,
                        filename=f"<{page.label} block {block_id}>",
                        session=page.session,
                        timeout=self.config.timeout,
                    )
                )
            finally:
                self.page_helpers.DEFERRED.reset(deferred)
            return printed[-1]

        try:
            html = base_format(language=language, run=run, code=source, md=md, **options)
        except guard.BlockFailure as failure:
            return self._fail(page, block_id, record, failure)
        output = printed[-1] if printed else ""
        self.state.seconds[f"{page.src_uri}#{block_id}"] = time.perf_counter() - start
        record.update(
            outcome="ok",
            checks=[{"function": f, "rtol": float(r)} for f, r in CHECKED.findall(output)],
            figures=len(FIGURE.findall(output)),
        )
        return Markup(f"{manifest.open_marker(block_id)}{html}{manifest.close_marker(block_id)}")

    def _fail(self, page: PageRun, block_id: str, record: dict, failure: guard.BlockFailure) -> Markup:
        """Say which page and block failed, skip the rest of the page (one line), show the failure."""
        page.failed = block_id
        record["outcome"] = "failed"
        message = f"{page.label}, block {block_id!r}: {failure.reason}"
        self.state.failures.append(message)
        log.error(message + (f"\n{indent(failure.detail.rstrip(), '  ')}" if failure.detail else ""))
        rest = page.blocks[page.blocks.index(block_id) + 1 :] if block_id in page.blocks else []
        if rest:
            log.warning(
                f"{page.label}: skipped the {len(rest)} block(s) after {block_id!r}, which fails: {', '.join(rest)}"
            )
        return Markup(
            f'<div class="admonition failure"><p class="admonition-title">Block {escape(block_id)} failed: '
            f"{escape(failure.reason)}</p><pre>{escape(failure.detail)}</pre></div>"
        )

    def on_page_content(self, html, page, **kwargs):
        """Offer the page's code as a notebook and a script, above the content."""
        if self.page is not None and self.page.src_uri == page.file.src_uri:
            self.state.seconds[page.file.src_uri] = time.perf_counter() - self.page.started
            ran = {block["id"] for block in self.state.pages[page.file.src_uri]["blocks"]}
            never = [block_id for block_id in self.page.blocks if block_id not in ran]
            # The parser saw a fence that Markdown did not (should superfences ever skip one).
            if never and self.config.execute:
                listed = ", ".join(map(repr, never))
                message = f"{self.page.label}: exec block(s) {listed} never ran: Markdown did not read them as fences"
                self.state.failures.append(message)
                log.error(message)
            self.page = None
        if page.file.dest_uri in self.state.downloads:
            self.state.pages[page.file.src_uri]["downloads"] = downloads.stem(page.file.dest_uri)
            return downloads.with_links(html, page.file.dest_uri)
        return html

    def on_post_page(self, output, page, config, **kwargs):
        """Put each figure drawn aside in its place; a drawing that failed fails the build, naming the block."""
        if self.figures is None:
            return output
        failures = []
        output = self.figures.fill(output, failures)
        for failure in failures:
            log.error(failure)
        self.state.failures.extend(failures)
        return output

    def on_build_error(self, error, **kwargs):
        self._stop_drawing()

    def on_shutdown(self, **kwargs):
        self._stop_drawing()

    # The site -----------------------------------------------------------------------------

    def on_post_build(self, config, **kwargs):
        """Downloads, KaTeX, the search index, no source maps, the manifest; then fail if any block failed."""
        site = Path(config.site_dir)
        if self.figures is not None:
            self.state.failures.extend(
                f"{p.where}: a figure was drawn but never placed" for p in self.figures.pending.values()
            )
            self._stop_drawing()
        try:
            search.plain_search_index(site)
        except ValueError as error:
            raise PluginError(str(error)) from None
        for dest_uri, (title, cells) in self.state.downloads.items():
            downloads.write(site, dest_uri, title, cells)
        self._copy_katex(site)
        for source_map in site.rglob("*.map"):  # the theme's debugging maps: 1.3 MB no reader downloads
            source_map.unlink()
        manifest.write(site, self.state.pages)
        if os.environ.get("BOOKSITE_TIMES"):  # set by scripts/bench_docs.py; kept out of the site
            Path(os.environ["BOOKSITE_TIMES"]).write_text(json.dumps(self.state.seconds, indent=1))
        if self.state.failures:
            raise PluginError(
                f"{len(self.state.failures)} exec block(s) failed; the site must not ship:\n"
                + "\n".join(f"  {failure}" for failure in self.state.failures)
            )

    def _copy_katex(self, site: Path) -> None:
        katex = self.root / self.config.node_modules / "katex" / "dist"
        if not katex.is_dir():
            raise PluginError(f"{katex} is missing: run `npm ci` (the Makefile does) before building")
        target = site / "assets" / "katex"
        for name in KATEX_FILES:
            source, dest = katex / name, target / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(source, dest, dirs_exist_ok=True)
            else:
                shutil.copyfile(source, dest)
