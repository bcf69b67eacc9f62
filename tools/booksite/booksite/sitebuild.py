"""Build MkDocs sites for the tests and the tools: the real book, or small throwaway sites."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import yaml

from booksite import ROOT


def mkdocs_build(
    config: Path, site_dir: Path, *, prelude: str = "", timeout: float = 600
) -> subprocess.CompletedProcess:
    """Run ``mkdocs build --strict`` (never quiet) in a fresh process.

    ``prelude`` is Python run in that process before MkDocs starts, for
    example to perturb a lossbook function.
    """
    code = f"{prelude}\nimport sys\nfrom mkdocs.__main__ import cli\nsys.exit(cli())"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-c", code, "build", "--strict", "-f", str(config), "-d", str(site_dir)],
        cwd=config.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def small_site(tmp: Path, pages: dict[str, str], nav: list[str] | None = None, *, plugin_options: str = "") -> Path:
    """Write a minimal strict site using the booksite plugin and markdown-exec; return its config.

    ``plugin_options`` is YAML for the plugin's options, such as ``"timeout: 2"``.
    """
    docs = tmp / "docs"
    for name, text in pages.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(textwrap.dedent(text), encoding="utf-8")
    nav_yaml = "".join(f"  - {page}\n" for page in (nav or pages))
    options = "".join(f"\n                  {line}" for line in plugin_options.splitlines())
    config = tmp / "mkdocs.yml"
    config.write_text(
        textwrap.dedent(
            f"""\
            site_name: fixture
            strict: true
            validation:
              links:
                not_found: warn
                anchors: warn
                unrecognized_links: warn
              nav:
                not_found: warn
            plugins:
              - markdown-exec
              - booksite:
                  node_modules: {ROOT / "node_modules"}{options}
            markdown_extensions:
              - pymdownx.superfences
            nav:
            """
        )
        + nav_yaml,
        encoding="utf-8",
    )
    return config


def built_site(site_dir: Path) -> Path:
    """The real book, built strictly into ``site_dir`` (the tests' session-wide ``site`` fixture)."""
    result = mkdocs_build(ROOT / "mkdocs.yml", site_dir)
    if result.returncode != 0:
        raise AssertionError(f"the strict build of the book failed:\n{result.stderr}")
    return site_dir


# Appended to lossbook/regression.py in a copy of the book: mse 1% off.
MSE_ONE_PERCENT_OFF = """

_exact_mse = mse


def mse(*args, **kwargs):  # noqa: F811 (1% off, on purpose)
    return _exact_mse(*args, **kwargs) * 1.01
"""


def book_copy(tmp: Path, page: str | None = None) -> Path:
    """A copy of the book in ``tmp``: its mkdocs.yml, docs, snippets and lossbook package; return its config.

    A build or server started in ``tmp`` (the working directory comes first on the import path)
    imports the copy's lossbook, which a test may then change. With ``page`` (``"chapters/mse.md"``),
    only that page, not strict (the other pages' links are missing).
    """
    for folder in ("snippets", "lossbook"):
        shutil.copytree(ROOT / folder, tmp / folder, ignore=shutil.ignore_patterns("__pycache__"))
    for included in ROOT.glob("*.md"):  # the changelog page includes CHANGELOG.md
        shutil.copyfile(included, tmp / included.name)
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    if page is None:
        shutil.copytree(ROOT / "docs", tmp / "docs")
    else:
        (tmp / "docs" / page).parent.mkdir(parents=True)
        shutil.copyfile(ROOT / "docs" / page, tmp / "docs" / page)
        for folder in ("stylesheets", "javascripts"):
            shutil.copytree(ROOT / "docs" / folder, tmp / "docs" / folder)
        config.update(strict=False, nav=[page])
    config["plugins"] = [
        {"booksite": {**(p["booksite"] or {}), "node_modules": str(ROOT / "node_modules")}}
        if isinstance(p, dict) and "booksite" in p
        else p
        for p in config["plugins"]
    ]
    (tmp / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return tmp / "mkdocs.yml"
