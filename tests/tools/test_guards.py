"""Nothing wrong ships: each way a page once slipped through, injected into a small site.

Every case must fail the build, naming the page file and the block id, within a bounded
time (the builds run with a 2-second block time limit and a subprocess timeout). The
failures that are found while a page renders are all in one build (one page each); the
fence problems stop the build before anything runs, so they get a build each.
"""

from __future__ import annotations

import re
import time
from types import SimpleNamespace

import pytest

from booksite.plugin import BookPlugin, BuildState, PageRun
from booksite.sitebuild import mkdocs_build, small_site

LIMIT = 2  # seconds per block in these builds


def page(name: str, *blocks: str) -> str:
    """A page whose blocks (code strings) run in its session, ids name-1, name-2, ..."""
    fenced = [
        f'```python exec="true" id="{name}-{i}" session="{name}"\n{code.strip()}\n```\n'
        for i, code in enumerate(blocks, 1)
    ]
    return f"# {name}\n\n" + "\n".join(fenced)


# page -> (its blocks, what the log must say about its first block)
RUNTIME_CASES = {
    "hang": (["while True:\n    pass"], f"ran longer than the time limit of {LIMIT} s"),
    "sleep": (["import time\ntime.sleep(3600)"], f"ran longer than the time limit of {LIMIT} s"),
    "numpy-warning": (
        ["import numpy as np\nprint(np.log(np.array([-1.0])))"],
        "emitted a warning: RuntimeWarning: invalid value encountered in log",
    ),
    "user-warning": (["import warnings\nwarnings.warn('careful')"], "emitted a warning: UserWarning: careful"),
    "raises": (["raise RuntimeError('kaboom')"], "raised RuntimeError: kaboom"),
    "sys-exit": (["import sys\nsys.exit(3)"], "called sys.exit(3)"),
    "os-exit": (["import os\nos._exit(0)"], "called os._exit(0)"),
    "stdout": (["import sys\nsys.stdout.write('behind the capture')"], "wrote to the real stdout behind the capture"),
    "fd-stderr": (["import os\nos.write(2, b'below Python')"], "wrote to the real stderr behind the capture"),
    "surrogate": (["print('caf\\udce9')"], "printed text that is not valid UTF-8 (surrogates not allowed"),
    "nan-figure": (
        [
            "import matplotlib.pyplot as plt\nfrom booksite.page import figure\n"
            "fig, ax = plt.subplots()\nax.plot([0, 1, 2], [1.0, float('nan'), 3.0], label='curve')\n"
            "print(figure(fig, alt='A curve rising from 1 to 3'))"
        ],
        "raised ValueError: figure 'A curve rising from 1 to 3': line 'curve' has 1 non-finite value(s)",
    ),
    "loose-check": (
        ["from booksite.page import check\nprint(check('one', 1.0, 1.0 + 1e-10, function='lossbook.mse', rtol=1e-9))"],
        "raised ValueError: check: worked example 'one' uses rtol=1e-09 instead of 1e-12; say why",
    ),
    # A failing worked example, then blocks that use its names: one failure, no NameError cascade.
    "cascade": (
        ["total = 1 / 0", "print(total)", "print(total + 1)"],
        "raised ZeroDivisionError: division by zero",
    ),
}


@pytest.fixture(scope="module")
def runtime_build(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("guards")
    pages = {"index.md": "# Home\n"} | {
        f"{name}.md": page(name, *blocks) for name, (blocks, _) in RUNTIME_CASES.items()
    }
    config = small_site(tmp, pages, plugin_options=f"timeout: {LIMIT}")
    start = time.perf_counter()
    result = mkdocs_build(config, tmp / "site", timeout=300)
    return result, time.perf_counter() - start


@pytest.mark.parametrize("name", list(RUNTIME_CASES))
def test_a_failing_block_fails_the_build_naming_page_and_block(runtime_build, name):
    result, _ = runtime_build
    assert result.returncode != 0
    expected = RUNTIME_CASES[name][1]
    assert f"docs/{name}.md, block '{name}-1': {expected}" in result.stderr, result.stderr[-3000:]


def test_the_build_ends_with_one_summary_of_every_failure_in_bounded_time(runtime_build):
    result, seconds = runtime_build
    summary = result.stderr[result.stderr.index("exec block(s) failed") - 4 :]
    assert f"{len(RUNTIME_CASES)} exec block(s) failed; the site must not ship" in summary
    assert all(f"docs/{name}.md, block '{name}-1'" in summary for name in RUNTIME_CASES)
    # Two blocks hit the 2 s limit; everything else is quick. Far from any hang.
    assert seconds < 120


def test_after_a_failure_the_rest_of_the_page_is_skipped_with_one_line(runtime_build):
    result, _ = runtime_build
    assert (
        "docs/cascade.md: skipped the 2 block(s) after 'cascade-1', which fails: cascade-2, cascade-3" in result.stderr
    )
    assert "NameError" not in result.stderr
    assert "cascade-2'" not in result.stderr.replace("cascade-2, cascade-3", "")


def test_a_control_page_in_the_same_machinery_builds(tmp_path):
    """The same guards pass a page that does nothing wrong, including one that expects its warning."""
    good = page(
        "good",
        "import numpy as np\nwith np.errstate(divide='ignore'):\n    print(np.log(np.array([0.0])))",
        "import warnings\nwith warnings.catch_warnings():\n    warnings.simplefilter('ignore')\n"
        "    warnings.warn('expected')\nprint('fine')",
    )
    config = small_site(tmp_path, {"index.md": "# Home\n", "good.md": good}, plugin_options=f"timeout: {LIMIT}")
    result = mkdocs_build(config, tmp_path / "site", timeout=120)
    assert result.returncode == 0, result.stderr
    assert "[-inf]" in (tmp_path / "site" / "good" / "index.html").read_text(encoding="utf-8")


FENCE_CASES = {
    "outdented": (
        '# P\n\n!!! note\n\n    ```python exec="true" id="outdented-1" session="outdented"\nprint(1)\n    ```\n',
        "line 5: line 6 is indented less than its fence",
    ),
    "unclosed": (
        '# P\n\nText.\n\n```python exec="true" id="unclosed-1" session="unclosed"\nprint(1)\n',
        "line 5: the fence",
    ),
    "malformed": (
        '# P\n\n```python exec=true id="malformed-1" session="malformed"\nprint(1)\n```\n',
        "line 3: malformed",
    ),
}


@pytest.mark.parametrize("name", list(FENCE_CASES))
def test_a_bad_fence_stops_the_build_naming_page_and_line(tmp_path, name):
    text, expected = FENCE_CASES[name]
    result = mkdocs_build(
        small_site(tmp_path, {"index.md": "# Home\n", f"{name}.md": text}), tmp_path / "site", timeout=120
    )
    assert result.returncode != 0
    assert re.search(rf"docs/{name}\.md {re.escape(expected)}", result.stderr), result.stderr[-2000:]


def test_a_block_the_parser_found_but_markdown_never_ran_is_a_failure():
    """Superfences runs every fence the parser finds (in HTML, comments, lists); should one ever not run,
    the page's render ends with the blocks that never ran named as a failure."""
    plugin = BookPlugin()
    plugin.load_config({})  # the defaults: blocks execute
    plugin.state = BuildState(pages={"p.md": {"blocks": [{"id": "ran", "outcome": "ok"}]}})
    plugin.page = PageRun("docs/p.md", "p.md", "p/index.html", ["ran", "lost"])
    page = SimpleNamespace(file=SimpleNamespace(src_uri="p.md", dest_uri="p/index.html"))
    plugin.on_page_content("<h1>P</h1>", page=page)
    assert plugin.state.failures == ["docs/p.md: exec block(s) 'lost' never ran: Markdown did not read them as fences"]


def test_a_table_refuses_a_bare_pipe_that_would_cut_its_math():
    from booksite.page import table

    with pytest.raises(ValueError, match=r"contains '\|'"):
        table(["loss"], [["$|e| - 1$"]])
    good = table(["loss", "divergence"], [["$\\lvert e \\rvert - 1$", "$D(p \\,\\|\\, q)$"]])
    assert good.splitlines()[2] == "| $\\lvert e \\rvert - 1$ | $D(p \\,\\|\\, q)$ |"
