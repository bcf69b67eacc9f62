"""The probe record (docs/data/probes.json) says what the installed libraries do.

The pages render what they say about PyTorch, Keras, scikit-learn and SciPy from
that record; these tests rerun the probes (``scripts/probes.py --check``) so that
a library upgrade that changes a behaviour fails here instead of leaving the
book wrong, and show that the check notices a single changed value.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from booksite import ROOT
from booksite.sitebuild import mkdocs_build, small_site

RECORD = ROOT / "docs" / "data" / "probes.json"


def run_probes(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "KERAS_BACKEND": "torch"}
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "probes.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_committed_record_matches_the_installed_libraries():
    result = run_probes("--check")
    assert result.returncode == 0, result.stderr


def test_one_changed_value_in_the_record_fails_the_check(tmp_path):
    record = json.loads(RECORD.read_text(encoding="utf-8"))
    record["clipping"]["keras"]["epsilon"] = 1e-8
    changed = tmp_path / "probes.json"
    changed.write_text(json.dumps(record), encoding="utf-8")
    result = run_probes("--check", "--record", str(changed))
    assert result.returncode == 1
    assert "clipping.keras.epsilon: 1e-08 -> 1e-07" in result.stderr


def test_record_holds_the_versions_and_the_loss_inventory_the_atlas_reads():
    record = json.loads(RECORD.read_text(encoding="utf-8"))
    assert set(record["versions"]) >= {"torch", "keras", "scikit-learn", "scipy"}
    assert set(record["losses"]) == {"torch.nn", "keras.losses", "optax.losses"}
    for library in ("torch.nn", "keras.losses"):
        names = record["losses"][library]
        assert names == sorted(names) and names
    assert {"Loss", "LossFunctionWrapper"}.isdisjoint(record["losses"]["keras.losses"])
    assert {"MSELoss", "CrossEntropyLoss", "KLDivLoss"} <= set(record["losses"]["torch.nn"])
    # optax is in the test extra (pyproject.toml), so the record lists its losses, not null
    optax_losses = record["losses"]["optax.losses"]
    assert optax_losses == sorted(optax_losses) and {"softmax_cross_entropy", "ntxent"} <= set(optax_losses)
    assert record["versions"]["optax"] and record["versions"]["jax"]


def test_the_docs_build_reads_the_record_without_importing_torch_or_keras():
    code = (
        "import sys\n"
        "from booksite.page import probed\n"
        "assert probed('clipping.keras.epsilon') == 1e-07\n"
        "assert 'torch' not in sys.modules and 'keras' not in sys.modules, 'the record reader imported a library'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


BLOCK_FRAMEWORKS = """
import sys


class NoFrameworks:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("torch", "keras", "sklearn"):
            raise ImportError(f"the docs build imported {name}")
        return None


sys.meta_path.insert(0, NoFrameworks())
"""


def test_the_whole_book_builds_with_torch_keras_and_sklearn_unimportable(tmp_path):
    result = mkdocs_build(ROOT / "mkdocs.yml", tmp_path / "site", prelude=BLOCK_FRAMEWORKS)
    assert result.returncode == 0, result.stderr[-3000:]


def test_prose_that_disagrees_with_the_record_fails_the_build(tmp_path):
    page = (
        "# Claims\n\n"
        '```python exec="true" id="claims" session="index"\n'
        "from booksite.page import expect_probed\n\n"
        'expect_probed({"clipping.keras.epsilon": 1e-08})\n'
        "```\n"
    )
    result = mkdocs_build(small_site(tmp_path, {"index.md": page}), tmp_path / "site")
    assert result.returncode != 0
    assert (
        "the prose says clipping.keras.epsilon = 1e-08, but the probe record has clipping.keras.epsilon = 1e-07"
        in result.stderr
    )
