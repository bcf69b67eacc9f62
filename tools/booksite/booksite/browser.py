"""The built site in a real browser: a local server, Chromium, the three reading modes, the page checks.

Shared by ``tests/book/test_browser.py`` and ``scripts/screenshots.py``. Every check returns a
list of problems (strings), empty when the page is fine, so that a test can assert on it and a guard test
can show that a broken copy of the site makes it non-empty.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from booksite import ROOT
from booksite.widgets import phone_problems

DOCS = ROOT / "docs"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

# Debian's Chromium where it exists (these machines); Playwright's own browser
# elsewhere (on GitHub Actions after `playwright install chromium`).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

DESKTOP = {"width": 1280, "height": 900}
MOBILE_WIDTH = 390
# One browser context per mode. "dark" asks for the dark palette the way a
# reader's system does (prefers-color-scheme), which mkdocs.yml maps to slate.
MODES: dict[str, dict] = {
    "light": {"viewport": DESKTOP, "color_scheme": "light"},
    "dark": {"viewport": DESKTOP, "color_scheme": "dark"},
    "mobile": {
        "viewport": {"width": MOBILE_WIDTH, "height": 844},
        "color_scheme": "light",
        "is_mobile": True,
        "has_touch": True,
    },
}
SCHEME = {"light": "default", "dark": "slate", "mobile": "default"}


def launch_options() -> dict:
    """Keyword arguments for ``playwright.chromium.launch``."""
    if CHROMIUM.exists():
        return {"headless": True, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}
    return {"headless": True}


def page_paths_from_docs(docs: Path = DOCS) -> list[str]:
    """The URL path of every page, from the Markdown sources: 'chapters/mse.md' -> 'chapters/mse/'."""
    paths = []
    for md in sorted(docs.rglob("*.md")):
        rel = md.relative_to(docs).with_suffix("")
        if rel.name in ("index", "README"):
            rel = rel.parent
        paths.append("" if str(rel) == "." else f"{rel.as_posix()}/")
    return sorted(paths)


def page_paths(site: Path) -> list[str]:
    """The URL path of every page in a built site: each index.html except the 404 page."""
    paths = []
    for html in site.rglob("index.html"):
        rel = html.parent.relative_to(site)
        if rel.parts and rel.parts[0] in ("assets", "search"):
            continue
        paths.append("" if str(rel) == "." else f"{rel.as_posix()}/")
    return sorted(paths)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A browser that leaves a page drops its connections: not worth a traceback."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(site: Path):
    """Serve ``site`` on a free port of 127.0.0.1 in a thread; yield its base URL (ending in '/')."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name=f"serve {site}", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# Visiting a page ----------------------------------------------------------------------


@dataclass
class Visit:
    """One page load: everything the page logged and requested."""

    page: object
    url: str
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    facts: dict | None = None


class Tab:
    """A browser tab that records the traffic of the page it shows, one ``Visit`` per page load.

    Reusing a tab from page to page saves opening one per page. Before each
    load the tab goes to about:blank, so that nothing from the previous page
    (a request cut short by leaving it) is put down to the next one, and its
    session storage is cleared, so that every page loads as it would in a
    fresh tab (the theme caches things there).
    """

    def __init__(self, context):
        self.page = context.new_page()
        self.visit: Visit | None = None
        page = self.page
        page.on("request", lambda request: self._log("requests", request.url))
        page.on("requestfailed", lambda request: self._log("failed", f"{request.url} ({request.failure})"))
        page.on(
            "response",
            lambda response: response.status >= 400 and self._log("failed", f"{response.url} (HTTP {response.status})"),
        )
        page.on("console", lambda message: message.type == "error" and self._log("console_errors", message.text))
        page.on("pageerror", lambda error: self._log("console_errors", f"uncaught: {error}"))

    def _log(self, kind: str, text: str) -> None:
        if self.visit is not None:
            getattr(self.visit, kind).append(text)

    def open(self, url: str, *, wait_until: str = "load", timeout_ms: int = 30_000) -> Visit:
        if self.visit is not None:
            self.visit = None
            with contextlib.suppress(Exception):
                self.page.evaluate("() => sessionStorage.clear()")
            self.page.goto("about:blank")
        self.visit = Visit(self.page, url)
        self.page.goto(url, wait_until=wait_until, timeout=timeout_ms)
        return self.visit


def open_page(context, url: str, *, wait_until: str = "load") -> Visit:
    """Open ``url`` in a new tab of ``context``, recording its traffic."""
    return Tab(context).open(url, wait_until=wait_until)


def traffic_problems(visit: Visit, base_url: str) -> list[str]:
    """Console errors, failed requests and requests to any host but the local server."""
    host = urlsplit(base_url).netloc
    problems = [f"console error: {text}" for text in visit.console_errors]
    problems += [f"failed request: {text}" for text in visit.failed]
    for url in visit.requests:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            continue
        if parts.netloc != host:
            problems.append(f"request to another host: {url}")
    return problems


# What the page shows --------------------------------------------------------------------

# Runs in the page: the colour scheme, raw TeX outside code, unrendered math,
# and what sticks out of the page at the current width.
_FACTS_JS = r"""
() => {
  const skip = "pre, code, script, style, noscript, textarea, .katex-mathml";
  const tex = /\\\(|\\\[|\$\$|\\(?:frac|sum|begin|operatorname|hat|mathrm|text|log)\b/;
  const rawTex = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest(skip)) continue;
    if (tex.test(node.textContent)) rawTex.push(node.textContent.trim().slice(0, 120));
  }
  const math = [...document.querySelectorAll(".arithmatex")];
  const unrendered = math.filter(el => !el.querySelector(".katex")).map(el => el.textContent.trim().slice(0, 120));
  const width = document.documentElement.clientWidth;
  const describe = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\s+/).join(".") : "");
  const scrolls = el => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX;
      if (o === "auto" || o === "scroll" || o === "hidden" || o === "clip") return true;
    }
    return false;
  };
  const wide = [];
  if (document.documentElement.scrollWidth > width) {
    for (const el of document.body.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if (r.right > width + 1 && r.width > 0 && !scrolls(el))
        wide.push(`${describe(el)} (right edge ${Math.round(r.right)} px)`);
      if (wide.length >= 8) break;
    }
  }
  return {
    scheme: document.body.getAttribute("data-md-color-scheme"),
    rawTex, mathCount: math.length, unrendered,
    scrollWidth: document.documentElement.scrollWidth, clientWidth: width, wide,
  };
}
"""


def page_facts(page) -> dict:
    return page.evaluate(_FACTS_JS)


def math_problems(facts: dict) -> list[str]:
    problems = [f"raw TeX in the page's text: {text!r}" for text in facts["rawTex"]]
    problems += [f"math not rendered by KaTeX: {text!r}" for text in facts["unrendered"]]
    return problems


def scheme_problems(facts: dict, mode: str) -> list[str]:
    if facts["scheme"] != SCHEME[mode]:
        return [f"body data-md-color-scheme is {facts['scheme']!r}, expected {SCHEME[mode]!r} in {mode} mode"]
    return []


def overflow_problems(facts: dict, viewport_width: int) -> list[str]:
    """The page must not scroll sideways; elements that scroll inside themselves are fine."""
    if facts["scrollWidth"] <= viewport_width:
        return []
    return [
        f"the page is {facts['scrollWidth']} px wide in a {viewport_width} px viewport; "
        f"sticking out: {', '.join(facts['wide']) or '(no single element found)'}"
    ]


# Defines window.__lbReveal(element): open the <details> around an element and
# select the content tabs it sits in, so that a reader could see it.
_REVEAL_JS = r"""
() => {
  window.__lbReveal = element => {
    for (let d = element.closest("details"); d; d = d.parentElement.closest("details")) d.open = true;
    for (let block = element.closest(".tabbed-block"); block; block = block.parentElement.closest(".tabbed-block")) {
      const set = block.closest(".tabbed-set");
      const blocks = [...set.querySelector(".tabbed-content").children];
      const inputs = [...set.children].filter(el => el.tagName === "INPUT");
      const input = inputs[blocks.indexOf(block)];
      if (input) input.checked = true;
    }
  };
}
"""


# Runs in the page: every figure, made visible first (its <details> opened, its
# tab selected), with its size, visibility and text alternative.
_FIGURES_JS = r"""
() => {
  const out = [];
  const figures = [...document.querySelectorAll("svg.lb-svg")];
  figures.forEach((svg, index) => {
    window.__lbReveal(svg);
    svg.scrollIntoView({block: "center"});
    const r = svg.getBoundingClientRect();
    const style = getComputedStyle(svg);
    let alt = (svg.getAttribute("aria-label") || "").trim();
    let altProblem = null;
    const ids = (svg.getAttribute("aria-labelledby") || "").trim().split(/\s+/).filter(Boolean);
    if (ids.length) {
      const labels = ids.map(id => document.getElementById(id));
      if (labels.some(el => !el)) altProblem = `aria-labelledby="${ids.join(" ")}" points at a missing id`;
      else if (labels.some(el => el.tagName.toLowerCase() !== "title"))
        altProblem = "aria-labelledby does not point at a <title>";
      else alt = labels.map(el => el.textContent.trim()).join(" ").trim();
    }
    if (!alt && !altProblem) altProblem = "no text alternative (aria-labelledby -> <title>, or aria-label)";
    out.push({
      index, alt: alt.slice(0, 80), altProblem, width: r.width, height: r.height,
      column: (svg.closest("figure") || svg.parentElement).getBoundingClientRect().width,
      visible: svg.checkVisibility({checkOpacity: true, checkVisibilityCSS: true}) && style.visibility !== "hidden",
      role: svg.getAttribute("role"),
    });
  });
  return out;
}
"""


def figures(page) -> list[dict]:
    """Every figure on the page (mutates the page: opens details and tabs so each can be seen)."""
    page.evaluate(_REVEAL_JS)
    return page.evaluate(_FIGURES_JS)


def figure_problems(figs: list[dict]) -> list[str]:
    return [
        f"figure {f['index'] + 1} ({f['alt']!r}) is not visible: {f['width']:.0f} x {f['height']:.0f} px"
        for f in figs
        if not (f["visible"] and f["width"] > 0 and f["height"] > 0)
    ]


def desktop_figure_problems(figs: list[dict]) -> list[str]:
    """On a desktop, a figure fits its column (its readable width, see booksite.page.readable_width, is no wider)."""
    return [
        f"figure {f['index'] + 1} ({f['alt']!r}) is {f['width']:.0f} px wide in a {f['column']:.0f} px column: "
        "it scrolls sideways on a desktop; make it narrower (figsize) or its smallest text larger"
        for f in figs
        if f["width"] > f["column"] + 1
    ]


def figure_alt_problems(figs: list[dict]) -> list[str]:
    problems = [f"figure {f['index'] + 1}: {f['altProblem']}" for f in figs if f["altProblem"]]
    problems += [f"figure {f['index'] + 1}: role is {f['role']!r}, not 'img'" for f in figs if f["role"] != "img"]
    return problems


# Accessibility ---------------------------------------------------------------------------

SERIOUS = ("serious", "critical")
# Moderate findings the book fixed (docs/javascripts/a11y.js names duplicate landmarks and turns
# empty corner headers into cells): reported like serious ones, so that they stay fixed.
KEPT_FIXED = ("landmark-unique", "empty-table-header")


# Starts axe-core (put in every page of the context by ``check_pages``, before
# the page's own scripts) on the whole page, with every rule it runs by
# default, without waiting for it: window.__lbAxe is a promise of its violations.
_START_AXE_JS = """
() => {
  window.__lbAxe = axe.run(document, {resultTypes: ["violations"]}).then(results => results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), impact: n.impact, summary: n.failureSummary})),
  })));
}
"""


def axe_problems(violations: list[dict]) -> list[str]:
    problems = []
    for v in violations:
        if v["impact"] in SERIOUS or v["id"] in KEPT_FIXED:
            targets = "; ".join(n["target"] for n in v["nodes"][:6])
            more = f" (+{len(v['nodes']) - 6} more)" if len(v["nodes"]) > 6 else ""
            detail = v["nodes"][0]["summary"].replace("\n", " ") if v["nodes"] else ""
            problems.append(f"axe {v['impact']} {v['id']} ({v['help']}): {targets}{more}. {detail}")
    return problems


# The copy button --------------------------------------------------------------------------

# Runs in the page: reveal each code block and click its copy button, in page
# order, catching what the theme's clipboard code copies (it selects the text
# in a hidden textarea and runs the "copy" command).
_COPY_ALL_JS = """
() => {
  const copied = [];
  const listener = event => {
    const t = event.target;
    copied.push(t && typeof t.value === "string" ? t.value.substring(t.selectionStart, t.selectionEnd)
                                                 : String(document.getSelection()));
  };
  document.addEventListener("copy", listener, true);
  const texts = [];
  for (const code of document.querySelectorAll(".md-content div.highlight pre > code")) {
    window.__lbReveal(code);
    const button = code.parentElement.querySelector("[data-md-type=copy], .md-clipboard");
    const before = copied.length;
    if (button) button.click();
    texts.push(copied.length > before ? copied[copied.length - 1] : null);
  }
  document.removeEventListener("copy", listener, true);
  return texts;
}
"""


def copy_button_texts(page) -> list[str | None]:
    """What each code block's copy button puts on the clipboard, in page order (None: no button)."""
    page.evaluate(_REVEAL_JS)
    return page.evaluate(_COPY_ALL_JS)


# Every check of a page, for one reading mode ----------------------------------------------


@dataclass
class Report:
    """What was wrong with one page in one mode, by kind (empty lists: nothing)."""

    rendering: list[str] = field(default_factory=list)  # traffic, math, palette, figures, overflow
    accessibility: list[str] = field(default_factory=list)  # axe, figure text alternatives
    copies: list[str | None] | None = None  # what each copy button copied (light mode only)


def check_pages(
    browser, base_url: str, paths: list[str], mode: str, *, axe: bool, copies: bool = False, concurrency: int = 2
) -> dict[str, Report]:
    """Visit ``paths`` in one browser context set up for ``mode``; return a report per path.

    ``concurrency`` tabs load and check pages side by side, so that the
    browser's renderer processes work while Python waits on one of them. A
    page that cannot be checked at all gets the reason in its report.
    """
    context = browser.new_context(**MODES[mode])
    if axe:
        context.add_init_script(path=str(AXE))
    width = MODES[mode]["viewport"]["width"]
    reports: dict[str, Report] = {path: Report() for path in paths}
    try:
        tabs = [Tab(context) for _ in range(min(concurrency, len(paths)) or 1)]
        for start in range(0, len(paths), len(tabs)):
            visits: dict[str, Visit] = {}
            for tab, path in zip(tabs, paths[start : start + len(tabs)]):
                try:  # start every tab loading its page before waiting on any of them
                    visits[path] = tab.open(base_url + path, wait_until="commit")
                except Exception as error:  # noqa: BLE001 (reported as the page's problem)
                    reports[path].rendering.append(f"could not open the page: {error}")
            for path, visit in visits.items():
                try:
                    visit.page.wait_for_load_state("load")
                    visit.facts = page_facts(visit.page)
                    if axe:  # start axe in every tab before collecting any result
                        visit.page.evaluate(_START_AXE_JS)
                except Exception as error:  # noqa: BLE001
                    reports[path].rendering.append(f"could not check the page: {error}")
            for path, visit in visits.items():
                report = reports[path]
                try:
                    if visit.facts is None:
                        continue
                    if axe:
                        report.accessibility += axe_problems(visit.page.evaluate("() => window.__lbAxe"))
                    figs = figures(visit.page)
                    report.accessibility += figure_alt_problems(figs)
                    report.rendering += math_problems(visit.facts) + scheme_problems(visit.facts, mode)
                    report.rendering += figure_problems(figs)
                    report.rendering += overflow_problems(visit.facts, width)
                    if width == MOBILE_WIDTH:  # figure text and table math readable on a phone
                        report.rendering += phone_problems(visit.page)
                    else:
                        report.rendering += desktop_figure_problems(figs)
                    if copies:
                        report.copies = copy_button_texts(visit.page)
                except Exception as error:  # noqa: BLE001
                    report.rendering.append(f"could not check the page: {error}")
                finally:
                    report.rendering += traffic_problems(visit, base_url)
    finally:
        context.close()
    return reports
