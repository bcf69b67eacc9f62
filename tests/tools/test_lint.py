"""Ruff reads the pages' exec blocks too (booksite.lint): problems are located by page and block."""

from __future__ import annotations

from booksite.lint import check, fix

PAGE = """\
# Page

```python exec="true" id="page-data" session="page"
import numpy as np

values = np.array([1.0, 2.0])
```

```python exec="true" source="above" id="page-shown" session="page"
import os

print(values.sum())
```
"""


def test_a_clean_page_has_no_problem_and_an_earlier_blocks_names_are_defined(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "page.md").write_text(PAGE.replace("import os\n\n", ""), encoding="utf-8")
    assert check(tmp_path / "docs") == []


def test_lint_and_format_problems_name_page_block_and_line(tmp_path):
    (tmp_path / "docs").mkdir()
    page = tmp_path / "docs" / "page.md"
    page.write_text(PAGE.replace("values.sum()", "values.sum( )"), encoding="utf-8")
    found = check(tmp_path / "docs")
    assert "docs/page.md block 'page-shown' line 1: F401 [*] `os` imported but unused" in found
    assert "docs/page.md block 'page-shown': not formatted as ruff formats it (make format)" in found
    assert fix(tmp_path / "docs") == 1
    assert "print(values.sum())" in page.read_text(encoding="utf-8")
    assert check(tmp_path / "docs") == ["docs/page.md block 'page-shown' line 1: F401 [*] `os` imported but unused"]
