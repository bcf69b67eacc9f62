"""Build MkDocs sites from the tests: the real book, or small throwaway sites."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOOKS = ROOT / "scripts" / "hooks.py"


def mkdocs_build(config: Path, site_dir: Path, *, prelude: str = "") -> subprocess.CompletedProcess:
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
        timeout=600,
    )


def small_site(tmp: Path, pages: dict[str, str], nav: list[str] | None = None) -> Path:
    """Write a minimal strict site using the book's hooks and markdown-exec; return its config."""
    docs = tmp / "docs"
    for name, text in pages.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(textwrap.dedent(text), encoding="utf-8")
    nav_yaml = "".join(f"  - {page}\n" for page in (nav or pages))
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
            hooks:
              - {HOOKS}
            plugins:
              - markdown-exec
            markdown_extensions:
              - pymdownx.superfences
            nav:
            """
        )
        + nav_yaml,
        encoding="utf-8",
    )
    return config


@functools.cache
def built_site() -> Path:
    """The real book, built strictly once per test process and shared by the test modules."""
    site_dir = Path(tempfile.mkdtemp(prefix="lossbook-site-"))
    result = mkdocs_build(ROOT / "mkdocs.yml", site_dir)
    if result.returncode != 0:
        raise AssertionError(f"the strict build of the book failed:\n{result.stderr}")
    return site_dir


def page_block(page: str, block_id: str) -> str:
    """The source of the exec block with ``id=block_id`` on ``docs/<page>``, dedented."""
    import re

    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    pattern = re.compile(
        rf'^(?P<indent> *)(?P<fence>`{{3,}}) *python\b[^\n]*\bid="{re.escape(block_id)}"[^\n]*\n(?P<body>.*?)^(?P=indent)(?P=fence) *$',
        re.M | re.S,
    )
    match = pattern.search(text)
    if match is None:
        raise LookupError(f"no exec block with id={block_id!r} in docs/{page}")
    return textwrap.dedent(match.group("body"))
