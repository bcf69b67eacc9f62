"""Copy and paste: the Python a page shows runs, as the copy button gives it, in a fresh Python.

For every page, each code block is taken from the built HTML exactly as the
theme's copy button copies it (booksite.codeblocks; tests/book/test_browser.py
checks that against the real button), the Python ones are kept (not console
sessions, program output or API signatures), and they run in page order,
concatenated, in a new Python process started in an empty directory, with
only lossbook installed as a reader would have it.

A block that needs another library (it imports something beyond numpy,
lossbook and the standard library: torch, sklearn, scipy, keras...) must be
one of the files in snippets/frameworks/, which tests/test_framework_snippets.py
runs and checks; such a block is left out of the page's run. Any other block
importing a foreign library is a defect: a reader pasting it would need a
library the page does not say it needs, and nothing checks that it works.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from booksite import ROOT
from booksite.browser import page_paths_from_docs
from booksite.codeblocks import CodeBlock, block_html, foreign_imports, python_blocks

PAGES = page_paths_from_docs()
FRAMEWORKS = ROOT / "snippets" / "frameworks"


def framework_snippets() -> dict[str, str]:
    """The checked framework snippets, by text (as a copy button would give them: end trimmed)."""
    if not FRAMEWORKS.is_dir():
        return {}
    return {path.read_text(encoding="utf-8").rstrip(): path.name for path in sorted(FRAMEWORKS.glob("*.py"))}


def split_blocks(blocks: list[CodeBlock], snippets: dict[str, str]) -> tuple[list[str], list[str]]:
    """(code to run, in order; a description of each unmarked block that needs another library)."""
    run, unmarked = [], []
    for index, block in enumerate(blocks, 1):
        foreign = foreign_imports(block.text)
        if not foreign:
            run.append(block.text)
        elif block.text not in snippets:
            first_line = block.text.splitlines()[0] if block.text else ""
            unmarked.append(
                f"Python block {index} imports {', '.join(sorted(foreign))} but is not one of "
                f"snippets/frameworks/*.py: {first_line!r}"
            )
    return run, unmarked


def run_as_a_reader(code: list[str], workdir: Path, timeout: int = 120) -> subprocess.CompletedProcess:
    """Run the blocks, concatenated, as a script in a fresh Python process started in ``workdir``."""
    script = workdir / "pasted.py"
    script.write_text("\n\n".join(code) + "\n", encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env["MPLBACKEND"] = "Agg"
    return subprocess.run(
        [sys.executable, script.name], cwd=workdir, env=env, capture_output=True, text=True, timeout=timeout
    )


# Pages that show no Python block: the changelog, and the API reference whose examples
# are `>>>` sessions run by pytest --doctest-modules instead.
WITHOUT_PYTHON = {
    "changelog/",
    "reference/classification/",
    "reference/information/",
    "reference/margin/",
    "reference/regression/",
    "reference/segmentation/",
    "reference/sequence/",
    "reference/similarity/",
}


@pytest.mark.parametrize("path", PAGES, ids=lambda path: path.rstrip("/") or "home")
def test_pasting_a_pages_python_into_a_fresh_python_works(site, tmp_path, path):
    html = (site / path / "index.html").read_text(encoding="utf-8")
    blocks = python_blocks(html)
    if not blocks:
        assert path in WITHOUT_PYTHON, f"{path or 'home'} shows no Python block"
        return
    assert path not in WITHOUT_PYTHON, f"{path} now shows Python: take it off WITHOUT_PYTHON"
    run, unmarked = split_blocks(blocks, framework_snippets())
    assert unmarked == [], f"{path or 'home'}:\n" + "\n".join(unmarked)
    if run:
        result = run_as_a_reader(run, tmp_path)
        assert result.returncode == 0, (
            f"{path or 'home'}: the page's {len(run)} Python blocks, pasted in order into a fresh Python, fail:\n"
            f"{result.stderr[-3000:]}"
        )


# The guards ---------------------------------------------------------------------------------


def test_guard_the_parser_reads_blocks_as_the_copy_button_copies_them():
    code = 'import numpy as np\nx = np.array([1.0, 2.5])  # the "data" & more\nprint(f"{x.sum():.2f}")'
    html = block_html(code) + '<div class="highlight"><pre><span></span><code>3.50\n</code></pre></div>'
    blocks = python_blocks(html)
    assert [block.text for block in blocks] == [code]  # the output block (no Python tokens) is left out
    # Annotations: a following <ol> turns "(1)" into a hidden marker, "(1)!" takes the whole comment.
    annotated = block_html("a = 1  # (1)\nb = 2  # see (2)!\nc = 3  # (3)") + "<ol><li>one</li><li>two</li></ol>"
    assert python_blocks(annotated)[0].text == "a = 1  # \nb = 2  \nc = 3  # (3)"


def test_guard_a_failing_snippet_fails(site, tmp_path):
    html = (site / "chapters" / "mse" / "index.html").read_text(encoding="utf-8")
    broken = html.replace("</article>", block_html("print(undefined_name)") + "</article>", 1)
    run, unmarked = split_blocks(python_blocks(broken), framework_snippets())
    assert unmarked == []
    result = run_as_a_reader(run, tmp_path)
    assert result.returncode != 0 and "NameError: name 'undefined_name' is not defined" in result.stderr


def test_guard_an_unmarked_block_needing_another_library_fails(site):
    html = (site / "chapters" / "mse" / "index.html").read_text(encoding="utf-8")
    foreign = "import torch\n\nprint(torch.tensor([1.0]).sum())"
    broken = html.replace("</article>", block_html(foreign) + "</article>", 1)
    run, unmarked = split_blocks(python_blocks(broken), framework_snippets())
    assert len(unmarked) == 1 and "imports torch" in unmarked[0]
    assert foreign not in run
    # The same library, in a block that is one of the checked framework snippets: accepted, not run here.
    torch_snippet = FRAMEWORKS / "torch_mse.py"
    if torch_snippet.is_file():
        marked = html.replace("</article>", block_html(torch_snippet.read_text(encoding="utf-8")) + "</article>", 1)
        run, unmarked = split_blocks(python_blocks(marked), framework_snippets())
        assert unmarked == [] and all("torch" not in code for code in run)


def test_foreign_imports():
    assert foreign_imports("import numpy as np\nfrom fractions import Fraction\nimport math, os.path") == set()
    assert foreign_imports("from lossbook.information import entropy") == set()
    assert foreign_imports("import torch.nn.functional as F\nfrom sklearn.metrics import log_loss") == {
        "torch",
        "sklearn",
    }
    assert foreign_imports("def f():\n    import scipy.special\n") == {"scipy"}
