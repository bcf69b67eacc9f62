"""make verify (booksite.verify): the built book passes; sites that must not ship are refused."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest
import yaml

from booksite import ROOT, manifest
from booksite.sitebuild import mkdocs_build, small_site
from booksite.verify import problems

PAGES = {
    "index.md": "# Home\n\nThe loss is $L = 1$.\n\n"
    '```python exec="true" id="home-check" session="index"\n'
    "from booksite.page import check\n"
    "print(check('one', 2.0, 2.0, function='lossbook.regression.mse'))\n```\n",
    "code.md": "# Code\n\n"
    '```python exec="true" source="above" result="text" id="code-shown" session="code"\nprint(1 + 1)\n```\n\n'
    '```python exec="true" html="true" id="code-figure" session="code"\n'
    "import matplotlib.pyplot as plt\nfrom booksite.page import figure\n"
    "fig, ax = plt.subplots()\nax.plot([0, 1], [0, 1])\nprint(figure(fig, alt='A line from 0 to 1'))\n```\n",
}


def verify(site, docs) -> subprocess.CompletedProcess:
    """make verify's command on a site and its sources."""
    return subprocess.run(
        [sys.executable, "-m", "booksite.verify", str(site), "--docs", str(docs)],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A small site that carries a check, reader code (downloads), a figure and math, built once."""
    tmp = tmp_path_factory.mktemp("verify")
    config = small_site(tmp, PAGES)
    text = config.read_text().replace(
        "markdown_extensions:\n", "markdown_extensions:\n  - pymdownx.arithmatex:\n      generic: true\n"
    )
    config.write_text(
        text
        + "extra_javascript:\n  - assets/katex/katex.min.js\n  - assets/katex/contrib/auto-render.min.js\n"
        + "extra_css:\n  - assets/katex/katex.min.css\n"
    )
    result = mkdocs_build(config, tmp / "site", timeout=300)
    assert result.returncode == 0, result.stderr
    return tmp


def test_the_book_passes(site):
    result = verify(site, ROOT / "docs")
    assert result.returncode == 0, result.stderr
    assert "every exec block ran" in result.stdout


def test_a_good_small_site_passes(small):
    assert problems(small / "site", small / "docs") == []


def test_refuses_an_empty_site(tmp_path):
    (tmp_path / "site").mkdir()
    result = verify(tmp_path / "site", ROOT / "docs")
    assert result.returncode == 1 and "not a built site: no index.html" in result.stderr


def test_refuses_a_site_built_with_the_plugins_removed(small, tmp_path):
    """As an engine that ignores MkDocs plugins would build it: pages, no blocks run, no manifest."""
    config = yaml.safe_load((small / "mkdocs.yml").read_text())
    config["plugins"] = []
    plain = small / "mkdocs.plain.yml"
    plain.write_text(yaml.safe_dump(config))
    result = mkdocs_build(plain, tmp_path / "site", timeout=300)
    assert result.returncode == 0, result.stderr  # MkDocs itself sees nothing wrong
    refused = verify(tmp_path / "site", small / "docs")
    assert refused.returncode == 1
    assert "has no booksite-manifest.json: it was not built by the booksite plugin" in refused.stderr


def test_refuses_a_page_whose_block_output_was_deleted(small, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(small / "site", site)
    page = site / "code" / "index.html"
    html = page.read_text(encoding="utf-8")
    block = manifest.outputs(html)["code-figure"]
    page.write_text(html.replace(block, ""), encoding="utf-8")
    found = problems(site, small / "docs")
    assert (
        "docs/code.md, block 'code-figure': its output in the page is not what the build wrote (edited or deleted)"
        in found
    )
    assert "docs/code.md, block 'code-figure': shows 0 figure(s); its code draws 1" in found
    # Remove the markers too: the block's output is missing altogether.
    page.write_text(
        re.sub(r"<!--booksite:block code-figure-->.*?<!--/booksite:block code-figure-->", "", html, flags=re.S)
    )
    assert problems(site, small / "docs") == [
        "docs/code.md, block 'code-figure': its output is missing from code/index.html"
    ]
    result = verify(site, small / "docs")
    assert result.returncode == 1 and "code-figure" in result.stderr


def test_refuses_a_block_that_never_ran_or_a_missing_download_or_math(small, tmp_path):
    site, docs = tmp_path / "site", tmp_path / "docs"
    shutil.copytree(small / "site", site)
    shutil.copytree(small / "docs", docs)
    with (docs / "index.md").open("a") as page:
        page.write('\n```python exec="true" id="home-new" session="index"\nprint(2)\n```\n')
    (site / "code" / "code.ipynb").unlink()
    home = site / "index.html"
    home.write_text(home.read_text(encoding="utf-8").replace('class="arithmatex"', 'class="plain"'))
    found = problems(site, docs)
    assert "docs/index.md, block 'home-new': never ran (not in the manifest)" in found
    assert "docs/code.md: shows code but does not offer code.ipynb (missing file or link)" in found
    assert "docs/index.md: has math in its source but none marked for KaTeX in the page" in found
