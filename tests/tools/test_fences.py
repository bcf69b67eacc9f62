"""The one parser of fences (booksite.fences): what it finds, and what it refuses."""

from __future__ import annotations

import json

import pytest

from booksite import ROOT
from booksite.fences import block, exec_blocks, fences, problems, reader_code
from booksite.search import plain_search_index

PAGE = """\
# Page

```python exec="true" id="a" session="page"
x = 1
```

=== "Tab"

    ```python exec="true" source="above" id="b" session="page"
    print(x)
    ```

````markdown
```python exec="true" id="not-a-block" session="page"
```
````
"""


def test_finds_exec_blocks_nested_and_skips_fences_inside_other_fences():
    found = fences(PAGE)
    assert [fence.language for fence in found] == ["python", "python", "markdown"]
    assert [fence.block_id for fence in exec_blocks(PAGE)] == ["a", "b"]
    assert block(PAGE, "b").body == "print(x)" and block(PAGE, "b").line == 9
    assert problems(PAGE, "page.md") == []


def test_reader_code_is_the_shown_blocks_in_order():
    assert reader_code(PAGE, ROOT) == ["print(x)"]


def test_refuses_unclosed_malformed_and_misfiled_fences():
    unclosed = '# P\n\n```python exec="true" id="u" session="page"\nprint(1)\n'
    assert "line 3: the fence ```python" in problems(unclosed, "page.md")[0]
    assert "never closed" in problems(unclosed, "page.md")[0]
    malformed = '```python exec=true id="m" session="page"\nprint(1)\n```\n'
    assert "line 1: malformed fence options" in problems(malformed, "page.md")[0]
    twice = '```python exec="1" id="t" session="page"\n```\n\n```py exec="1" id="t" session="page"\n```\n'
    assert problems(twice, "page.md") == ["line 4: exec block id 't' is already used on line 1"]
    elsewhere = '```python exec="1" id="e" session="other"\n```\n'
    assert 'must run in session="page"' in problems(elsewhere, "page.md")[0]
    bash = '```bash exec="1" id="s" session="page"\nls\n```\n'
    assert "exec is only for python blocks, not 'bash'" in problems(bash, "page.md")[0]


def test_every_page_of_the_book_parses_without_problems():
    pages = sorted((ROOT / "docs").rglob("*.md"))
    assert len(pages) >= 20
    for page in pages:
        src = page.relative_to(ROOT / "docs").as_posix()
        assert problems(page.read_text(encoding="utf-8"), src) == [], src


def test_the_search_index_rewrite_names_the_page_whose_text_is_not_utf8(tmp_path):
    """The guard stops a block printing a lone surrogate; the index rewrite names the page for anything else."""
    (tmp_path / "search").mkdir()
    index = {
        "docs": [
            {"location": "ok/", "title": "Fine", "text": "$x$"},
            {"location": "bad/", "title": "B", "text": "caf\udce9"},
        ]
    }
    (tmp_path / "search" / "search_index.json").write_text(json.dumps(index), encoding="utf-8")
    with pytest.raises(ValueError, match=r"search index: the text of page 'bad/' is not valid UTF-8"):
        plain_search_index(tmp_path)
