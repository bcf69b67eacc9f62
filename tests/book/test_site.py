"""The site: strict build, the worked-example guarantee, self-containment, reproducibility."""

from __future__ import annotations

import filecmp
import re
import subprocess
import sys
from pathlib import Path

import pytest

from booksite import ROOT
from booksite.sitebuild import MSE_ONE_PERCENT_OFF, book_copy, mkdocs_build, small_site

WRONG_EXAMPLE = """\
# A wrong worked example

The mean squared error of the truth [1, 2] against the prediction [1, 4]:
this page forgets to divide by n, so its hand computation says 4, while
`lossbook.mse` says 2. The build must refuse it.

```python exec="true" id="wrong-mse" session="wrong"
from fractions import Fraction

import numpy as np

from booksite.page import check
from lossbook import mse

truth, guess = [Fraction(1), Fraction(2)], [Fraction(1), Fraction(4)]
by_hand = sum((g - t) ** 2 for g, t in zip(guess, truth))  # the mistake: no division by n
print(check("sum instead of mean", by_hand, mse(np.array([1.0, 2.0]), np.array([1.0, 4.0])),
            function="lossbook.regression.mse"))
```
"""


# The worked-example guarantee ----------------------------------------------------------


def test_wrong_worked_example_fails_the_build_and_names_page_example_and_values(tmp_path):
    result = mkdocs_build(small_site(tmp_path, {"wrong.md": WRONG_EXAMPLE}), tmp_path / "site")
    assert result.returncode != 0
    log = result.stderr
    assert "docs/wrong.md, block 'wrong-mse': raised WorkedExampleError: worked example 'sum instead of mean'" in log
    assert "4 (= 4.0)" in log and "lossbook.regression.mse = 2.0" in log


def test_real_docs_fail_when_a_lossbook_loss_is_one_percent_off(tmp_path):
    """The book, built against a lossbook whose mse is 1% off (a copy of the package, changed)."""
    config = book_copy(tmp_path)
    regression = tmp_path / "lossbook" / "regression.py"
    regression.write_text(regression.read_text(encoding="utf-8") + MSE_ONE_PERCENT_OFF, encoding="utf-8")
    result = mkdocs_build(config, tmp_path / "site")
    assert result.returncode != 0
    assert "disagrees with lossbook.regression.mse" in result.stderr
    assert "docs/chapters/mse.md, block 'mse-" in result.stderr


GRADIENTS_ONE_PERCENT_OFF = """

def _one_percent_off(f):
    def off(*args, **kwargs):
        return f(*args, **kwargs) * 1.01

    return off


for _name in [n for n in dir() if not n.startswith("_") and (n.endswith("_grad") or n == "nll")]:
    globals()[_name] = _one_percent_off(globals()[_name])
"""

# The first check on each page that the perturbation must break (its first check of a gradient or of nll).
GRADIENT_PAGES = {
    "chapters/mse.md": "lossbook.regression.mse_grad",
    "chapters/mae.md": "lossbook.regression.mae_grad",
    "chapters/entropy.md": "lossbook.information.entropy_grad",
    "chapters/cross-entropy.md": "lossbook.information.cross_entropy_grad",
    "practice/kl-divergence.md": "lossbook.information.kl_divergence_grad",
    "practice/huber.md": "lossbook.regression.huber_grad",
    "practice/logits.md": "lossbook.classification.softmax_cross_entropy_grad",
    "practice/binary-cross-entropy.md": "lossbook.classification.binary_cross_entropy_grad",
    "practice/backpropagation.md": "lossbook.classification.softmax_cross_entropy_grad",
    "practice/imbalanced-and-padded.md": "lossbook.classification.nll",
}


def test_real_docs_fail_on_every_gradient_page_when_the_gradients_are_one_percent_off(tmp_path):
    """One build of the book against a lossbook whose every f_grad (and nll) is 1% off: each page that
    derives a gradient fails at its check, naming the page, the block and the function."""
    config = book_copy(tmp_path)
    for module in ("regression", "information", "classification"):
        path = tmp_path / "lossbook" / f"{module}.py"
        path.write_text(path.read_text(encoding="utf-8") + GRADIENTS_ONE_PERCENT_OFF, encoding="utf-8")
    result = mkdocs_build(config, tmp_path / "site")
    assert result.returncode != 0
    for page, function in GRADIENT_PAGES.items():
        failure = (
            rf"docs/{re.escape(page)}, block '[\w-]+': raised WorkedExampleError: worked example '[^']*': "
            rf"the step-by-step value [^']*? disagrees with {re.escape(function)} = "
        )
        assert re.search(failure, result.stderr), (page, function)


# Bad input to the build ----------------------------------------------------------------


BAD_SITES = {
    "raising block": (
        {
            "index.md": '# Home\n\n```python exec="true" id="boom" session="index"\n'
            "raise RuntimeError('kaboom')\n```\n"
        },
        None,
        ["boom", "kaboom"],
    ),
    "missing page": ({"index.md": "# Home\n"}, ["index.md", "ghost.md"], ["ghost.md"]),
    "broken anchor": (
        {"index.md": "# Home\n\nSee [there](other.md#nowhere).\n", "other.md": "# Other\n"},
        None,
        ["index.md", "nowhere"],
    ),
    "broken link": ({"index.md": "# Home\n\nSee [there](absent.md).\n"}, None, ["index.md", "absent.md"]),
    "exec block without id": (
        {"index.md": '# Home\n\n```python exec="true" session="index"\nprint(1)\n```\n'},
        None,
        ["docs/index.md line 3", "no id="],
    ),
    "exec block in another page's session": (
        {"index.md": '# Home\n\n```python exec="true" id="x" session="other"\nprint(1)\n```\n'},
        None,
        ["docs/index.md line 3", 'session="index"'],
    ),
}


@pytest.mark.parametrize("case", list(BAD_SITES))
def test_bad_site_fails_strict_build_naming_the_file(tmp_path, case):
    pages, nav, expected = BAD_SITES[case]
    config = small_site(tmp_path, pages, nav)
    result = mkdocs_build(config, tmp_path / "site")
    assert result.returncode != 0, result.stderr
    for text in expected:
        assert text in result.stderr


def test_a_good_small_site_builds(tmp_path):
    """The control for the cases above: the same machinery builds a correct site."""
    pages = {
        "index.md": "# Home\n\nSee [there](other.md#other).\n\n"
        '```python exec="true" id="ok" session="index"\nprint(\'fine\')\n```\n',
        "other.md": "# Other\n",
    }
    result = mkdocs_build(small_site(tmp_path, pages), tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert "fine" in (tmp_path / "site" / "index.html").read_text()


# Self-contained -----------------------------------------------------------------------

HTML_LOADS = re.compile(
    r"<(?:script|img|iframe|source|audio|video|embed|track)\b[^>]*\bsrc=[\"']([^\"']+)"
    r"|<link\b[^>]*\bhref=[\"']([^\"']+)"
    r"|<object\b[^>]*\bdata=[\"']([^\"']+)",
    re.I,
)
CSS_URL = re.compile(r"url\(\s*[\"']?([^\"')]+)")
REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.I)
# <link> targets that browsers do not fetch.
NOT_FETCHED_RELS = {"canonical", "alternate", "author", "license", "me", "next", "prev"}


def _remote_loads_in_html(text: str) -> list[str]:
    found = []
    for match in HTML_LOADS.finditer(text):
        url = next(group for group in match.groups() if group)
        tag = match.group(0)
        rel = re.search(r"\brel=[\"']([^\"']+)", tag)
        if tag.lower().startswith("<link") and rel and set(rel.group(1).lower().split()) <= NOT_FETCHED_RELS:
            continue
        if REMOTE.match(url):
            found.append(url)
    return found


def _top_level_css(text: str) -> str:
    """The CSS outside any block: browsers honour @import only there."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    depth, out = 0, []
    for char in text:
        depth += char == "{"
        if depth == 0:
            out.append(char)
        depth -= char == "}"
    return "".join(out)


def _remote_loads_in_css(text: str) -> list[str]:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    without_imports = re.sub(r"@import[^;]*;", "", text)
    urls = [url for url in CSS_URL.findall(without_imports) if REMOTE.match(url)]
    imports = re.findall(r"@import\s+(?:url\()?\s*[\"']?([^\"');\s]+)", _top_level_css(text))
    return urls + [url for url in imports if REMOTE.match(url)]


def test_site_loads_nothing_from_another_host(site):
    offenders = []
    for path in site.rglob("*"):
        if path.suffix == ".html":
            offenders += [(path, url) for url in _remote_loads_in_html(path.read_text(encoding="utf-8"))]
        elif path.suffix == ".css":
            offenders += [(path, url) for url in _remote_loads_in_css(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_scanner_catches_remote_fonts_scripts_and_imports():
    """The scanner above would see the usual leaks (theme fonts, CDN math, @import)."""
    html = (
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">'
        '<script src="//cdn.example.org/katex.js"></script><link rel="canonical" href="https://x.org/">'
    )
    assert _remote_loads_in_html(html) == [
        "https://fonts.googleapis.com/css?family=Roboto",
        "//cdn.example.org/katex.js",
    ]
    css = (
        '@import url("https://x.org/a.css"); .a { background: url(https://x.org/b.png) } '
        '.b { @import "https://nested.org/c.css"; }'
    )
    assert _remote_loads_in_css(css) == ["https://x.org/b.png", "https://x.org/a.css"]


def test_math_and_fonts_are_served_by_the_site(site):
    page = (site / "chapters" / "mse" / "index.html").read_text(encoding="utf-8")
    assert 'class="arithmatex"' in page
    for asset in ["assets/katex/katex.min.js", "assets/katex/katex.min.css", "assets/katex/contrib/auto-render.min.js"]:
        assert asset in page and (site / asset).is_file()
    css = (site / "assets/katex/katex.min.css").read_text(encoding="utf-8")
    fonts = set(re.findall(r"url\((fonts/[^)]+)\)", css))
    assert fonts and all((site / "assets/katex" / font).is_file() for font in fonts)
    assert "fonts.googleapis" not in page


# Reproducible -------------------------------------------------------------------------

# mkdocs stamps the build date into the sitemap by design.
DATED_FILES = {"sitemap.xml", "sitemap.xml.gz"}


def test_two_builds_are_byte_identical(site, tmp_path):
    again = tmp_path / "again"
    result = mkdocs_build(ROOT / "mkdocs.yml", again)
    assert result.returncode == 0, result.stderr
    first = {p.relative_to(site) for p in site.rglob("*") if p.is_file()}
    second = {p.relative_to(again) for p in again.rglob("*") if p.is_file()}
    assert first == second
    differing = sorted(str(rel) for rel in first if not filecmp.cmp(site / rel, again / rel, shallow=False))
    assert set(differing) <= DATED_FILES, differing


# Figures ------------------------------------------------------------------------------


def test_figures_are_inline_svg_with_text_alternative(site):
    page = (site / "chapters" / "mse" / "index.html").read_text(encoding="utf-8")
    svgs = re.findall(r"<svg\b[^>]*class=\"lb-svg\"[^>]*>(.{0,600})", page, flags=re.S)
    assert svgs
    for start in svgs:
        assert re.match(r'<title id="lb-fig-[^"]+">[^<]{20,}</title>', start)
    assert "<dc:date>" not in page and "currentColor" in page


# Workflows ---------------------------------------------------------------------------


def test_workflows_pass_actionlint():
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert {p.name for p in workflows} >= {"ci.yml", "docs.yml"}
    result = subprocess.run(
        [str(Path(sys.executable).parent / "actionlint"), *map(str, workflows)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_site_ships_no_source_maps(site):
    assert sorted(path.relative_to(site).as_posix() for path in site.rglob("*.map")) == []
