"""The printed book (``make pdf``, ``python -m booksite.pdf``): one PDF, every page in order, math typeset.

The test build of the site is printed once by the script, the way ``make
pdf`` runs it, and the PDF is read back with pypdf: its bookmarks and its
text hold every page title of the nav in the nav's order, after a title page
and a table of contents; no TeX source is left in its text; and it holds no
raster image (the figures are inline SVG, printed as vectors).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest

pypdf = pytest.importorskip("pypdf")
pytest.importorskip("playwright")

from booksite import ROOT  # noqa: E402

# TeX that KaTeX would have typeset: delimiters and the commands the pages use.
RAW_TEX = re.compile(
    r"\\\(|\\\)|\\\[|\\\]|\$\$|\\(?:frac|tfrac|sum|log|ln|hat|mathrm|text|operatorname|begin|end|left|right"
    r"|cdot|times|varepsilon|delta|ell|mid|approx|le|ge|partial)\b"
)


def nav_sources() -> list[str]:
    """The Markdown files of the nav of mkdocs.yml, in order (read as text: every 'title: file.md' or '- file.md')."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = text[text.index("\nnav:") :]
    return re.findall(r"^\s*- (?:[^:\n]+: )?([\w/.-]+\.md)\s*$", nav, flags=re.M)


def page_title(site: Path, source: str) -> str:
    """The <h1> of a built page."""
    url = source.removesuffix(".md").removesuffix("index").rstrip("/")
    html = (site / url / "index.html").read_text(encoding="utf-8")
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
    return unescape(re.sub(r"<[^>]+>", "", h1)).replace("¶", "").strip()


@pytest.fixture(scope="module")
def pdf(site, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pdf") / "lossbook.pdf"
    result = subprocess.run(
        [sys.executable, "-m", "booksite.pdf", str(site), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="module")
def reader(pdf):
    return pypdf.PdfReader(pdf)


@pytest.fixture(scope="module")
def text(reader) -> str:
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def outline_titles(outline) -> list[str]:
    titles = []
    for item in outline:
        if isinstance(item, list):
            titles += outline_titles(item)
        else:
            titles.append(item.title.strip())
    return titles


def in_order(wanted: list[str], found: list[str]) -> list[str]:
    """The entries of ``wanted`` not found in ``found`` in that order (after the previous one)."""
    missing, at = [], 0
    for title in wanted:
        try:
            at = found.index(title, at) + 1
        except ValueError:
            missing.append(title)
    return missing


def test_every_nav_page_is_bookmarked_in_nav_order(site, reader):
    sources = nav_sources()
    assert len(sources) == len(list((ROOT / "docs").rglob("*.md"))) >= 20  # the nav holds every page
    titles = [page_title(site, source) for source in sources]
    bookmarks = outline_titles(reader.outline)
    assert bookmarks[:2] == ["lossbook", "Contents"]  # the title page, then the table of contents
    assert in_order(titles, bookmarks[2:]) == []


def test_every_page_title_is_in_the_text_in_order(site, text, reader):
    titles = [page_title(site, source) for source in nav_sources()]
    body = " ".join(text.split())
    # After the table of contents (which lists them all), each page's title opens its page, in nav order.
    contents_end = body.index(titles[-1]) + len(titles[-1])
    positions = []
    for title in titles:
        at = body.find(title, positions[-1] + 1 if positions else contents_end)
        positions.append(at)
    assert -1 not in positions, [t for t, p in zip(titles, positions) if p == -1]
    assert len(reader.pages) > 2 * len(titles)


def test_no_raw_tex_is_left(text):
    hits = [text[max(m.start() - 40, 0) : m.end() + 40] for m in RAW_TEX.finditer(text)]
    assert hits == [], f"{len(hits)} places, e.g. {hits[:5]}"


def test_figures_are_vectors(reader):
    images = sum(len(page.images) for page in reader.pages)
    assert images == 0


def test_guard_raw_tex_and_missing_pages_are_seen():
    sample = "The loss is \\frac{1}{n} and $$x$$ here."
    assert RAW_TEX.findall(sample) == ["\\frac", "$$", "$$"]
    assert in_order(["a", "b", "c"], ["a", "c", "b"]) == ["c"]
    assert in_order(["a", "b"], ["x", "a", "y", "b"]) == []


def test_guard_the_script_refuses_to_print_raw_tex_or_a_page_wider_than_paper(site, tmp_path):
    """Raw TeX, a table past the right edge and list markers past the left edge are each refused."""
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    page = copy / "chapters" / "mse" / "index.html"
    html = page.read_text(encoding="utf-8")
    html = html.replace(
        "</article>",
        "<p>The loss $$y$$ left raw.</p><table><tr><td>"
        + "<div style='width: 1200px'>wide</div></td></tr></table>"
        + "<ol start='100000'><li>a number too wide for the indent</li></ol></article>",
        1,
    )
    page.write_text(html, encoding="utf-8")
    out = tmp_path / "book.pdf"
    result = subprocess.run(
        [sys.executable, "-m", "booksite.pdf", str(copy), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 1 and not out.exists(), result.stdout + result.stderr
    assert "raw TeX in the page's text" in result.stderr
    assert "table in page-chapters-mse:" in result.stderr and "past the edge" in result.stderr
    assert "list marker of ol in page-chapters-mse:" in result.stderr and "past the left edge" in result.stderr
