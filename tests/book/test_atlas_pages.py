"""The atlas pages: the build fails when an atlas loss is perturbed, naming the page and the block."""

from __future__ import annotations

import pytest

from booksite.sitebuild import book_copy, mkdocs_build

PERTURBED = [
    ("regression", "quantile", "atlas/regression.md"),
    ("classification", "sigmoid_focal", "atlas/classification.md"),
    ("segmentation", "tversky", "atlas/segmentation.md"),
]


def one_millionth_off(name: str) -> str:
    """Python appended to a copy of a lossbook module: `name` returns a millionth too much."""
    return (
        f"\n\n_exact_{name} = {name}\n\n\n"
        f"def {name}(*args, **kwargs):  # noqa: F811 (a millionth off, on purpose)\n"
        f"    return _exact_{name}(*args, **kwargs) * (1 + 1e-6)\n"
    )


@pytest.mark.parametrize("module, name, page", PERTURBED, ids=[p[1] for p in PERTURBED])
def test_build_fails_when_an_atlas_loss_is_off_by_a_millionth(tmp_path, module, name, page):
    config = book_copy(tmp_path, page)  # only that page, in a copy of the book whose lossbook we change
    source = tmp_path / "lossbook" / f"{module}.py"
    source.write_text(source.read_text(encoding="utf-8") + one_millionth_off(name), encoding="utf-8")
    result = mkdocs_build(config, tmp_path / "site")
    assert result.returncode != 0
    assert f"disagrees with lossbook.{module}.{name}" in result.stderr
    assert f"docs/{page}, block '" in result.stderr
