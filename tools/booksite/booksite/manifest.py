"""The build manifest: every exec block the build ran, and what it left in the page.

The plugin wraps each block's output in two HTML comments (invisible, ignored by the
search index) and, once the pages are written, records a digest of what lies between
them. :mod:`booksite.verify` recomputes those digests from the built files.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

NAME = "booksite-manifest.json"
VERSION = 1


def open_marker(block_id: str) -> str:
    return f"<!--booksite:block {block_id}-->"


def close_marker(block_id: str) -> str:
    return f"<!--/booksite:block {block_id}-->"


_BLOCK = re.compile(r"<!--booksite:block (?P<id>[^>]*?)-->(?P<html>.*?)<!--/booksite:block (?P=id)-->", re.S)


def outputs(html: str) -> dict[str, str]:
    """{block id: the HTML between its markers} for one written page."""
    return {match["id"]: match["html"] for match in _BLOCK.finditer(html)}


def digest(html: str) -> str:
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


def write(site: Path, pages: dict[str, dict]) -> Path:
    """Write the manifest of a build whose pages are in ``site``; add each block's output digest."""
    for entry in pages.values():
        page = site / entry["html"]
        found = outputs(page.read_text(encoding="utf-8")) if page.is_file() else {}
        for block in entry["blocks"]:
            if block["outcome"] == "ok" and block["id"] in found:
                block["digest"] = digest(found[block["id"]])
    path = site / NAME
    doc = {"booksite": VERSION, "pages": dict(sorted(pages.items()))}
    path.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def read(site: Path) -> dict:
    return json.loads((site / NAME).read_text(encoding="utf-8"))
