"""lossbook as a package: one version, a wheel that installs and runs outside the checkout."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
import venv
from pathlib import Path

import lossbook
from booksite import ROOT
from booksite.fences import reader_code


def test_version_is_defined_once_and_matches_the_metadata():
    assert lossbook.__version__ == importlib.metadata.version("lossbook")
    assert (
        "dynamic" in (ROOT / "pyproject.toml").read_text()
        and "lossbook._version.__version__" in (ROOT / "pyproject.toml").read_text()
    )


def _run(command: list[str], cwd: Path) -> str:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_wheel_installs_in_a_fresh_environment_and_runs_a_page_snippet(tmp_path):
    dist = tmp_path / "dist"
    _run([sys.executable, "-m", "build", "--wheel", "--sdist", "--outdir", str(dist), str(ROOT)], cwd=tmp_path)
    wheels = list(dist.glob("lossbook-*.whl"))
    assert len(wheels) == 1 and len(list(dist.glob("lossbook-*.tar.gz"))) == 1
    env_dir = tmp_path / "env"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "--quiet", str(wheels[0])], cwd=tmp_path)
    where = _run([str(python), "-c", "import lossbook; print(lossbook.__file__, lossbook.__version__)"], cwd=tmp_path)
    location, version = where.split()
    assert not Path(location).is_relative_to(ROOT) and version == lossbook.__version__
    snippet = reader_code((ROOT / "docs" / "chapters" / "mse.md").read_text(encoding="utf-8"), ROOT)[-1]
    installed = _run([str(python), "-c", snippet], cwd=tmp_path)
    here = _run([sys.executable, "-c", snippet], cwd=tmp_path)
    assert installed == here and "MSE before training" in installed
