"""Each page's code as a Jupyter notebook and a Python script, offered under its title."""

from __future__ import annotations

import json
from pathlib import Path


def stem(dest_uri: str) -> str:
    """The download file name of a page: chapters/mse/index.html -> mse (the home page: index)."""
    parts = Path(dest_uri).parent.parts
    return parts[-1] if parts else "index"


def links_html(dest_uri: str) -> str:
    """The paragraph that offers the downloads, put under the page's title."""
    name = stem(dest_uri)
    return (
        f'<p class="lb-downloads" data-search-exclude>Run this page\'s code yourself: '
        f'<a href="{name}.ipynb" download>Jupyter notebook</a> · '
        f'<a href="{name}.py" download>Python script</a></p>'
    )


def with_links(html: str, dest_uri: str) -> str:
    """The page's HTML with the downloads paragraph after its first heading."""
    head, h1, rest = html.partition("</h1>")
    links = links_html(dest_uri)
    return head + h1 + links + rest if h1 else links + html


def notebook(title: str, cells: list[str]) -> str:
    """A Jupyter notebook (nbformat 4) holding a title cell and the given code cells."""

    def lines(text: str) -> list[str]:
        return text.splitlines(keepends=True)

    intro = f"# {title}\n\nThe code of this lossbook page, in the order it appears."
    doc = {
        "cells": [{"cell_type": "markdown", "id": "title", "metadata": {}, "source": lines(intro)}]
        + [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": f"cell-{i}",
                "metadata": {},
                "outputs": [],
                "source": lines(code),
            }
            for i, code in enumerate(cells, 1)
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def script(title: str, cells: list[str]) -> str:
    """The same cells as a plain Python script with '# %%' cell markers."""
    body = "\n\n".join(f"# %%\n{code}" for code in cells)
    return f'"""{title}: the code of this lossbook page, in the order it appears."""\n\n{body}\n'


def write(site: Path, dest_uri: str, title: str, cells: list[str]) -> None:
    """Write a page's notebook and script next to its index.html."""
    folder = (site / dest_uri).parent
    (folder / f"{stem(dest_uri)}.ipynb").write_text(notebook(title, cells), encoding="utf-8")
    (folder / f"{stem(dest_uri)}.py").write_text(script(title, cells), encoding="utf-8")
