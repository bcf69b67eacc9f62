"""Every page with reader code offers it as a notebook and a script, and both run top to bottom.

A page has reader code when one of its executed blocks shows its source
(``exec="true"`` with ``source="..."``, see CONTRIBUTING.md); this is read from
the Markdown here, not from the booksite plugin, which writes the downloads. Next
to such a page's index.html there must be ``<stem>.ipynb`` and ``<stem>.py``
(``chapters/mse/`` -> ``mse``), linked from the page (``.lb-downloads``), whose
code is the page's Python as its copy buttons give it. Every notebook is run
by nbclient on an IPython kernel of this Python (sys.executable), every script
by sys.executable, each in an empty directory; all must succeed. Runs go two
at a time (the machines have two cores).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path

import pytest

from booksite.browser import DOCS, page_paths_from_docs
from booksite.codeblocks import python_blocks
from booksite.fences import has_reader_code


def _source(path: str) -> Path:
    stem = path.rstrip("/") or "index"
    candidates = [DOCS / f"{stem}.md", DOCS / stem / "index.md"]
    return next(candidate for candidate in candidates if candidate.is_file())


ALL_PAGES = page_paths_from_docs()
READER_PAGES = [path for path in ALL_PAGES if has_reader_code(_source(path).read_text(encoding="utf-8"))]


def stem(path: str) -> str:
    """The download name of a page: 'chapters/mse/' -> 'mse', the home page -> 'index'."""
    return path.rstrip("/").rsplit("/", 1)[-1] or "index"


def page_id(path: str) -> str:
    return path.rstrip("/") or "home"


# The links and files ------------------------------------------------------------------------


class _DownloadLinks(HTMLParser):
    """The links inside the page's ``.lb-downloads`` paragraph(s): [(href, has a download attribute)]."""

    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, bool]] = []
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if self._depth:
            self._depth += tag not in ("br", "img", "wbr")
            if tag == "a" and attributes.get("href"):
                self.links.append((attributes["href"], "download" in attributes))
        elif "lb-downloads" in (attributes.get("class") or "").split():
            self._depth = 1

    def handle_endtag(self, tag):
        if self._depth:
            self._depth -= 1


def download_links(html: str) -> list[tuple[str, bool]]:
    parser = _DownloadLinks()
    parser.feed(html)
    return parser.links


def download_problems(page_dir: Path, name: str) -> list[str]:
    """What is missing or wrong in a page folder's offer of its code as ``name``.ipynb and ``name``.py."""
    problems = []
    html = (page_dir / "index.html").read_text(encoding="utf-8")
    links = download_links(html)
    hrefs = {href for href, _ in links}
    for wanted in (f"{name}.ipynb", f"{name}.py"):
        if not (page_dir / wanted).is_file():
            problems.append(f"{wanted} is missing next to index.html")
        if wanted not in hrefs:
            problems.append(f"the page does not link {wanted} from .lb-downloads (links: {sorted(hrefs)})")
    for href, download in links:
        if not (page_dir / href).is_file():
            problems.append(f".lb-downloads links {href}, which does not exist")
        if not download:
            problems.append(f"the link to {href} has no download attribute")
    if problems:
        return problems
    # The notebook and the script hold the page's code, in page order, as its copy buttons give it
    # (up to the number of blank lines between statements).
    notebook = json.loads((page_dir / f"{name}.ipynb").read_text(encoding="utf-8"))
    cells = ["".join(cell["source"]).rstrip() for cell in notebook["cells"] if cell["cell_type"] == "code"]
    shown = iter(_blank_lines_once(block.text) for block in python_blocks(html))
    for number, cell in enumerate(cells, 1):
        if not any(_blank_lines_once(cell) == text for text in shown):
            problems.append(f"code cell {number} of {name}.ipynb is not a Python block of the page, in page order")
    script = (page_dir / f"{name}.py").read_text(encoding="utf-8")
    in_script = [part.strip("\n") for part in script.split("# %%\n")[1:]]
    if [part.rstrip() for part in in_script] != cells:
        problems.append(f"{name}.py does not hold the same code as {name}.ipynb")
    if not cells:
        problems.append(f"{name}.ipynb has no code cell")
    return problems


def _blank_lines_once(code: str) -> str:
    """Code with every run of blank lines made one blank line.

    The page shows a block with a ``--8<--`` snippet followed by blank lines with one
    blank line more than booksite.downloads puts in the notebook; that changes nothing
    when the code runs, so it is not held against the notebook here.
    """
    return re.sub(r"\n(?:[ \t]*\n)+", "\n\n", code)


def test_some_pages_have_reader_code():
    assert "chapters/mse/" in READER_PAGES


@pytest.mark.parametrize("path", READER_PAGES, ids=page_id)
def test_page_offers_its_code_as_a_notebook_and_a_script(site, path):
    assert download_problems(site / path, stem(path)) == []


@pytest.mark.parametrize("path", [p for p in ALL_PAGES if p not in READER_PAGES], ids=page_id)
def test_page_without_reader_code_offers_no_download(site, path):
    assert download_links((site / path / "index.html").read_text(encoding="utf-8")) == []


# Running them -------------------------------------------------------------------------------


def kernel_manager(kernel_dir: Path):
    """An IPython kernel running this very Python (sys.executable), whatever kernels Jupyter knows."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    spec = kernel_dir / "kernels" / "lossbook-test"
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "lossbook tests",
                "language": "python",
            }
        )
    )
    specs = KernelSpecManager(kernel_dirs=[str(kernel_dir / "kernels")], ensure_native_kernel=False)
    return AsyncKernelManager(kernel_name="lossbook-test", kernel_spec_manager=specs)


def run_notebook(notebook: Path, workdir: Path, timeout: int = 120) -> str | None:
    """Execute a notebook top to bottom in ``workdir``; None if it ran, else what went wrong."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(notebook, as_version=4)
    nbformat.validate(nb)
    client = NotebookClient(
        nb, km=kernel_manager(workdir / ".kernel"), timeout=timeout, resources={"metadata": {"path": str(workdir)}}
    )
    try:
        client.execute()
    except CellExecutionError as error:
        return str(error)[-3000:]
    return None


def run_script(script: Path, workdir: Path, timeout: int = 120) -> str | None:
    """Run a script with this Python in ``workdir``; None if it ran, else its error output."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env["MPLBACKEND"] = "Agg"
    result = subprocess.run(
        [sys.executable, str(script)], cwd=workdir, env=env, capture_output=True, text=True, timeout=timeout
    )
    return None if result.returncode == 0 else (result.stdout + result.stderr)[-3000:]


def _run_in_tmp(job) -> str | None:
    runner, path = job
    with tempfile.TemporaryDirectory(prefix="lossbook-run-") as workdir:
        try:
            return runner(path, Path(workdir))
        except Exception as error:  # noqa: BLE001 (a kernel that dies, a timeout: the page's failure)
            return f"{type(error).__name__}: {error}"


@pytest.fixture(scope="module", autouse=True)
def _collect_kernel_sockets():
    """nbclient leaves its zmq sockets to the garbage collector: collect them here, with their
    ResourceWarning silenced, so they cannot surface in whichever test module runs next
    (the lossbook tests turn every warning into an error)."""
    yield
    import gc
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


@pytest.fixture(scope="module")
def runs(site) -> dict[tuple[str, str], str | None]:
    """{(page, 'notebook' | 'script'): None if it ran, else what went wrong}, two at a time."""
    jobs = {}
    for path in READER_PAGES:
        folder = site / path
        jobs[(path, "notebook")] = (run_notebook, folder / f"{stem(path)}.ipynb")
        jobs[(path, "script")] = (run_script, folder / f"{stem(path)}.py")
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(jobs, pool.map(_run_in_tmp, jobs.values())))


@pytest.mark.parametrize("kind", ["notebook", "script"])
@pytest.mark.parametrize("path", READER_PAGES, ids=page_id)
def test_download_runs_top_to_bottom(runs, path, kind):
    assert runs[(path, kind)] is None, f"the {kind} of {path} fails:\n{runs[(path, kind)]}"


# The guards -----------------------------------------------------------------------------------


def test_guard_a_failing_cell_or_line_fails(site, tmp_path):
    name = stem("chapters/mse/")
    notebook = json.loads((site / "chapters" / "mse" / f"{name}.ipynb").read_text(encoding="utf-8"))
    notebook["cells"].append(
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "guard",
            "metadata": {},
            "outputs": [],
            "source": ["raise RuntimeError('guard: this cell fails')"],
        }
    )
    broken = tmp_path / "broken.ipynb"
    broken.write_text(json.dumps(notebook), encoding="utf-8")
    (tmp_path / "nb").mkdir()
    error = run_notebook(broken, tmp_path / "nb")
    assert error is not None and "guard: this cell fails" in error
    script = tmp_path / "broken.py"
    script.write_text((site / "chapters" / "mse" / f"{name}.py").read_text(encoding="utf-8") + "\n1 / 0\n")
    error = run_script(script, tmp_path)
    assert error is not None and "ZeroDivisionError" in error


def test_guard_missing_links_files_and_stray_cells_are_reported(site, tmp_path):
    import shutil

    page = tmp_path / "mse"
    shutil.copytree(site / "chapters" / "mse", page)
    assert download_problems(page, "mse") == []
    html = (page / "index.html").read_text(encoding="utf-8")
    (page / "index.html").write_text(
        re.sub(r'<p class="lb-downloads"[^>]*>.*?</p>', "", html, flags=re.S), encoding="utf-8"
    )
    (page / "mse.py").unlink()
    notebook = json.loads((page / "mse.ipynb").read_text(encoding="utf-8"))
    notebook["cells"][-1]["source"] = ["print('not on the page')"]
    (page / "mse.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    problems = "\n".join(download_problems(page, "mse"))
    assert "mse.py is missing" in problems and "does not link mse.ipynb" in problems
    (page / "index.html").write_text(html, encoding="utf-8")
    (page / "mse.py").write_text("# %%\nprint('not on the page')\n", encoding="utf-8")
    problems = "\n".join(download_problems(page, "mse"))
    assert "is not a Python block of the page" in problems and "mse.py does not hold the same code" in problems
