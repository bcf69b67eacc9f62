"""The whole book as one PDF, printed by the Chromium the browser tests use.

    .venv/bin/python -m booksite.pdf [SITE_DIR] [--out FILE]     (make pdf)

Without SITE_DIR the site is built first (``mkdocs build --strict``) into a
temporary directory; the PDF goes to FILE (default: SITE_DIR/lossbook.pdf, or
lossbook.pdf). The pages of the built site are put, in the order of the nav in
mkdocs.yml, into one print document: a title page, a table of contents, then
every page, each starting on a new sheet, their links turned into links inside
the PDF. Chromium typesets the math (KaTeX, from the site's own files), draws
the figures (inline SVG, so vectors in the PDF), and prints it with bookmarks.
Before printing, the document is checked the way the browser tests check a
page: no raw TeX, all math typeset, nothing wider than the printed page
(code wraps instead), and nothing, list markers included, left of it. Exits 1, writing nothing, when a check fails.
"""

from __future__ import annotations

import argparse
import html
import io
import posixpath
import re
import sys
import tempfile
from pathlib import Path

import yaml

from booksite import ROOT
from booksite import browser as _browser
from booksite.sitebuild import mkdocs_build
from lossbook import __version__

PRINT_URL = "lossbook-print.html"  # served at the site's root, so the site's relative asset paths work
ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.S)
STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)"')

PRINT_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm; }
html { font-size: 100%; }
body { margin: 0; }
.md-typeset { font-size: 10.5pt; line-height: 1.5; }
.lb-title-page { break-after: page; text-align: center; padding-top: 30vh; }
.lb-title-page h1 { font-size: 3em; margin: 0 0 0.3em; }
.lb-title-page .lb-subtitle { font-size: 1.3em; }
.lb-toc { break-after: page; }
.md-typeset .lb-toc ol { list-style: none; margin-left: 0; padding-left: 0; }
.md-typeset .lb-toc ol ol { padding-left: 1.5em; }
.md-typeset .lb-toc li { margin-left: 0; }
.lb-toc a { display: inline-block; max-width: 85%; }
.lb-toc-page { float: right; font-variant-numeric: tabular-nums; }
.lb-part-title { break-before: page; font-size: 2.2em; margin-top: 30vh; text-align: center; }
.lb-print-page { break-before: page; }
.md-typeset .headerlink, .lb-downloads, .lb-pdf-link, .md-clipboard, .md-code__nav, .lb-widget {
  display: none !important;
}
/* Code wraps at the page edge instead of being cut. */
.md-typeset pre > code { white-space: pre-wrap; overflow-wrap: anywhere; overflow: visible; }
.md-typeset pre { break-inside: auto; }
/* Tables and math print whole: no scroll boxes on paper. */
.md-typeset__scrollwrap, .md-typeset__table, .md-typeset div.arithmatex { overflow: visible !important; }
.md-typeset table:not([class]) { display: table; font-size: 0.8em; }
.md-typeset table:not([class]) code { white-space: normal; overflow-wrap: anywhere; word-break: normal; }
.md-typeset .lb-figure { overflow: visible; break-inside: avoid; }
.lb-figure .lb-svg { min-width: 0; max-height: 95mm; }
/* Every content tab is printed, each under its own label. */
.md-typeset .tabbed-labels { display: none; }
.md-typeset .tabbed-content { display: block; }
.md-typeset .tabbed-set > .tabbed-content > .tabbed-block { display: block !important; }
.md-typeset .tabbed-block::before {
  content: attr(data-lb-label); display: block; font-weight: 700; font-size: 0.85em; margin-top: 0.8em;
}
details { break-inside: auto; }
a { color: inherit; }
"""

# Runs in the print document: typeset the math, open every <details>, label the content tabs.
PREPARE_JS = r"""
async () => {
  for (const element of document.querySelectorAll(".arithmatex")) {
    renderMathInElement(element, {delimiters: [{left: "\\[", right: "\\]", display: true},
                                               {left: "\\(", right: "\\)", display: false}], throwOnError: true});
  }
  for (const d of document.querySelectorAll("details")) d.open = true;
  for (const set of document.querySelectorAll(".tabbed-set")) {
    const labels = [...set.querySelectorAll(":scope > .tabbed-labels > label")];
    [...set.querySelectorAll(":scope > .tabbed-content > .tabbed-block")].forEach((block, i) => {
      block.dataset.lbLabel = labels[i] ? labels[i].textContent.trim() : "";
    });
  }
  await document.fonts.ready;
}
"""

# Runs in the print document at the printed width: what would be cut at the page's edges. The printable
# area starts at x = 0 (whatever lies left of it is cut) and ends at the article's right edge. A list's
# markers sit outside its items, where no element box shows them: a probe list next to each list (same
# tag, class and start, one item "x" numbered like its last item) measures the widest marker as how far
# the "x" moves when its marker is put inside.
WIDE_JS = r"""
() => {
  const width = document.querySelector("article").getBoundingClientRect().right + 1;
  const out = [];
  const where = el => `${el.tagName.toLowerCase()} in ${el.closest("section").id}`;
  const wide = "article pre, article table, article .katex-display, article svg, article img";
  for (const el of document.querySelectorAll(wide)) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > width) out.push(`${where(el)}: ` +
      `${Math.round(r.right - width)} px past the edge: ${el.textContent.trim().slice(0, 60)}`);
    if (r.width > 0 && r.left < 0) out.push(`${where(el)}: ` +
      `${Math.round(-r.left)} px past the left edge: ${el.textContent.trim().slice(0, 60)}`);
  }
  const marked = li => {
    const s = getComputedStyle(li);
    return s.display === "list-item" && s.listStylePosition === "outside" && s.listStyleType !== "none";
  };
  const lists = [...document.querySelectorAll("article ol, article ul")].filter(list => {
    const first = list.querySelector(":scope > li");
    return first && marked(first);
  });
  const probes = lists.map(list => {
    const probe = list.cloneNode(false), item = document.createElement("li");
    if (list.tagName === "OL") item.value = list.start + list.querySelectorAll(":scope > li").length - 1;
    item.textContent = "x";
    probe.append(item);
    list.after(probe);
    return item;
  });
  const textLeft = item => {
    const range = document.createRange();
    range.selectNodeContents(item.firstChild);
    return range.getBoundingClientRect().left;
  };
  const outside = probes.map(textLeft);
  for (const item of probes) item.style.listStylePosition = "inside";
  probes.forEach((item, k) => {
    const left = item.getBoundingClientRect().left - (textLeft(item) - outside[k]);
    if (left < 0) out.push(`list marker of ${where(lists[k])}: ${Math.round(-left)} px past the left edge: ` +
      lists[k].textContent.trim().slice(0, 60));
  });
  for (const item of probes) item.parentElement.remove();
  return out;
}
"""


def nav_pages(config: Path = ROOT / "mkdocs.yml") -> list[tuple[str | None, str]]:
    """The book's pages in nav order, as (section title or None, source path)."""
    nav = yaml.load(config.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)["nav"]
    pages: list[tuple[str | None, str]] = []

    def walk(items, section):
        for item in items:
            if isinstance(item, str):
                pages.append((section, item))
                continue
            ((title, value),) = item.items()
            if isinstance(value, list):
                walk(value, title)
            else:
                pages.append((section, value))

    walk(nav, None)
    return pages


def url_of(source: str) -> str:
    """'chapters/mse.md' -> 'chapters/mse/'; 'index.md' -> ''; 'reference/index.md' -> 'reference/'."""
    path = source.removesuffix(".md")
    path = path.removesuffix("index").rstrip("/")
    return f"{path}/" if path else ""


def anchor_of(url: str) -> str:
    return "page-" + (url.strip("/").replace("/", "-") or "home")


def _relink(article: str, url: str, known: set[str]) -> str:
    """Make a page's ids unique in the book, and its links to pages of the book links inside the document."""
    prefix = anchor_of(url)

    def ident(match: re.Match) -> str:
        return f'{match.group(1)}="{prefix}--{match.group(2)}"'

    article = re.sub(r'\b(id|for|aria-labelledby|name)="([^"]+)"', ident, article)
    article = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}--{m.group(1)})", article)  # SVG clip paths

    def link(match: re.Match) -> str:
        target = html.unescape(match.group(1))
        if re.match(r"[a-z]+:", target):
            return match.group(0)
        path, _, fragment = target.partition("#")
        if not path:
            return f'href="#{prefix}--{fragment}"'
        resolved = posixpath.normpath(posixpath.join(url or ".", path)).lstrip("./")
        resolved = "" if resolved in ("", ".") else resolved.rstrip("/") + "/"
        if resolved not in known:  # a download or a file of the site: leave it to the web site
            return match.group(0)
        return f'href="#{anchor_of(resolved)}--{fragment}"' if fragment else f'href="#{anchor_of(resolved)}"'

    return re.sub(r'href="([^"]*)"', link, article)


def _page_number(target: str) -> str:
    """Where the table of contents shows a page number (filled in after a first printing)."""
    return f'<span class="lb-toc-page" data-for="{target}"></span>'


def print_document(site: Path) -> tuple[str, list[str]]:
    """The book as one HTML document (title page, contents, every page in nav order) and its page titles."""
    pages = nav_pages()
    urls = [url_of(source) for _, source in pages]
    known = set(urls)
    head = (site / "index.html").read_text(encoding="utf-8")
    styles = "".join(f'<link rel="stylesheet" href="{href}">' for href in STYLESHEET.findall(head))
    titles, bodies, toc, section = [], [], [], None
    for (part, _), url in zip(pages, urls):
        text = (site / url / "index.html").read_text(encoding="utf-8")
        article = ARTICLE.search(text).group(1)
        title = html.unescape(re.sub(r"<[^>]+>", "", re.search(r"<h1[^>]*>(.*?)</h1>", article, re.S).group(1))).strip()
        titles.append(title.rstrip("¶").strip())
        if part != section:
            if section is not None:
                toc.append("</ol></li>")
            if part is not None:
                part_id = "part-" + re.sub(r"\W+", "-", part.lower()).strip("-")
                bodies.append(f'<h1 class="lb-part-title" id="{part_id}">{html.escape(part)}</h1>')
                toc.append(f'<li><a href="#{part_id}">{html.escape(part)}</a>{_page_number(part_id)}<ol>')
            section = part
        toc.append(f'<li><a href="#{anchor_of(url)}">{html.escape(titles[-1])}</a>{_page_number(anchor_of(url))}</li>')
        bodies.append(f'<section class="lb-print-page" id="{anchor_of(url)}">{_relink(article, url, known)}</section>')
    if section is not None:
        toc.append("</ol></li>")
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    # dir="ltr" as on the site's <body>: the theme's indents (of list items, so their markers) ask for it.
    document = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(config["site_name"])}</title>{styles}
<style>{PRINT_CSS}</style>
<script src="assets/katex/katex.min.js"></script><script src="assets/katex/contrib/auto-render.min.js"></script>
</head><body dir="ltr" data-md-color-scheme="default" data-md-color-primary="indigo" data-md-color-accent="deep-orange">
<article class="md-content__inner md-typeset">
<section class="lb-title-page" id="title-page"><h1>{html.escape(config["site_name"])}</h1>
<p class="lb-subtitle">{html.escape(config["site_description"])}</p>
<p>lossbook {html.escape(__version__)}. {html.escape(config.get("copyright", ""))}</p></section>
<section class="lb-toc" id="contents"><h1>Contents</h1><ol>{"".join(toc)}</ol></section>
{"".join(bodies)}
</article></body></html>"""
    return document, titles


def write_pdf(site: Path, out: Path) -> list[str]:
    """Print the book to ``out``; return the problems found first (nothing is written if there are any)."""
    from playwright.sync_api import sync_playwright

    document, _ = print_document(site)
    with _browser.serve(site) as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(**_browser.launch_options())
        try:
            page = browser.new_page()
            page.emulate_media(media="print")
            page.set_viewport_size(
                {"width": 672, "height": 1000}
            )  # the printed width: A4 less its margins, 178 mm at 96 px per inch
            page.route(base_url + PRINT_URL, lambda route: route.fulfill(body=document, content_type="text/html"))
            visit = _browser.Visit(page, base_url + PRINT_URL)
            page.on("request", lambda request: visit.requests.append(request.url))
            page.on("console", lambda message: message.type == "error" and visit.console_errors.append(message.text))
            page.on("pageerror", lambda error: visit.console_errors.append(f"uncaught: {error}"))
            page.goto(base_url + PRINT_URL, wait_until="load")
            page.evaluate(PREPARE_JS)
            facts = _browser.page_facts(page)
            problems = _browser.traffic_problems(visit, base_url) + _browser.math_problems(facts)
            problems += page.evaluate(WIDE_JS)
            if problems:
                return problems
            # Print once to learn on which sheet every <h1> lands (the PDF's top-level bookmarks), put
            # those numbers into the table of contents, print again, and check that they still hold.
            numbers = _h1_pages(_print(page))
            targets = page.evaluate(H1_TARGETS_JS)
            if len(numbers) != len(targets):
                return [f"the PDF has {len(numbers)} top-level bookmarks for {len(targets)} <h1> headings"]
            page.evaluate(FILL_TOC_JS, dict(zip(targets, numbers)))
            pdf = _print(page)
            if _h1_pages(pdf) != numbers:
                return ["the page numbers moved when the table of contents was filled in"]
            out.parent.mkdir(parents=True, exist_ok=True)
            _save_compact(pdf, out)
        finally:
            browser.close()
    return []


# Runs in the print document: the id of the section (or part title) of every <h1>, in order.
H1_TARGETS_JS = """
() => [...document.querySelectorAll("h1")].map(h =>
  h.closest("section.lb-print-page, section.lb-toc, section.lb-title-page") ? h.closest("section").id : h.id)
"""

FILL_TOC_JS = """
numbers => {
  for (const span of document.querySelectorAll(".lb-toc-page")) span.textContent = numbers[span.dataset.for];
}
"""


def _print(page) -> bytes:
    return page.pdf(
        format="A4",
        print_background=True,
        outline=True,
        tagged=True,
        prefer_css_page_size=True,
        display_header_footer=True,
        header_template="<span></span>",
        footer_template='<div style="font-size: 8px; width: 100%; text-align: center; color: #555;">'
        'lossbook · <span class="pageNumber"></span> / <span class="totalPages"></span></div>',
    )


def _h1_pages(pdf: bytes) -> list[int]:
    """The sheet (from 1) of each top-level bookmark, that is of each <h1>, in order."""
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [reader.get_destination_page_number(item) + 1 for item in reader.outline if not isinstance(item, list)]


def _save_compact(pdf: bytes, out: Path) -> None:
    """Write the PDF with its objects packed into compressed object streams.

    Chromium writes the tagged PDF's structure (one dictionary per tagged
    element) uncompressed: packing it makes the file about 2.7 times smaller.
    """
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        document.save(
            out,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            compress_streams=True,
            recompress_flate=True,
            deterministic_id=True,
        )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("site", nargs="?", type=Path, help="a built site (default: build one)")
    parser.add_argument("--out", type=Path, help="the PDF (default: SITE/lossbook.pdf, or ./lossbook.pdf)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="lossbook-pdf-") as tmp:
        site = args.site
        if site is None:
            site = Path(tmp) / "site"
            print(f"building the site into {site} ...", file=sys.stderr)
            built = mkdocs_build(ROOT / "mkdocs.yml", site)
            if built.returncode:
                print(built.stdout + built.stderr, file=sys.stderr)
                return 1
        elif not (site / "index.html").is_file():
            print(f"{site} is not a built site (no index.html)", file=sys.stderr)
            return 2
        out = args.out or (site / "lossbook.pdf" if args.site else Path("lossbook.pdf"))
        problems = write_pdf(site, out)
    if problems:
        print("not printed:\n" + "\n".join(problems), file=sys.stderr)
        return 1
    print(f"{out}: {out.stat().st_size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
