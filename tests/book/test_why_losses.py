"""The chapters on likelihood, training curves and metrics fail the build when lossbook is wrong.

As ``test_site.py`` does for the MSE chapter: each new chapter is built on its own
(``book_copy(tmp, page)``) against a copy of lossbook whose losses return 1 % too much, and the
build must fail on one of that chapter's worked-example checks, naming the page and the block.
"""

from __future__ import annotations

import pytest

from booksite.sitebuild import book_copy, mkdocs_build

# Each new chapter and the id prefix of its exec blocks.
NEW_PAGES = {
    "chapters/likelihood.md": "likelihood-",
    "chapters/training-curves.md": "curves-",
    "chapters/metrics.md": "metrics-",
}
LOSSES = {
    "regression": ["mse", "mae", "rmse", "huber", "poisson_nll", "gaussian_nll"],
    "classification": ["binary_cross_entropy", "binary_cross_entropy_with_logits", "softmax_cross_entropy"],
    "information": ["cross_entropy", "entropy", "kl_divergence", "information_content"],
}

# Appended to each lossbook module of the copy: its losses 1% off.
ONE_PERCENT_OFF = """

def _one_percent_off(exact_function):
    def perturbed(*args, **kwargs):
        return exact_function(*args, **kwargs) * 1.01

    return perturbed


for _name in {names!r}:
    globals()[_name] = _one_percent_off(globals()[_name])
"""


@pytest.mark.parametrize("page", NEW_PAGES)
def test_new_chapter_fails_the_build_when_lossbook_is_one_percent_off(tmp_path, page):
    config = book_copy(tmp_path, page)
    for module, names in LOSSES.items():
        path = tmp_path / "lossbook" / f"{module}.py"
        path.write_text(path.read_text(encoding="utf-8") + ONE_PERCENT_OFF.format(names=names), encoding="utf-8")
    result = mkdocs_build(config, tmp_path / "site")
    assert result.returncode != 0
    assert f"docs/{page}, block '{NEW_PAGES[page]}" in result.stderr, result.stderr[-3000:]
    assert "raised WorkedExampleError" in result.stderr and "disagrees with lossbook." in result.stderr
