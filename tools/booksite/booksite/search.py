"""The search index with plain text where the pages have TeX (search previews cannot run KaTeX)."""

from __future__ import annotations

import json
import re
from pathlib import Path

MATH_SPAN = re.compile(r"\\\((.*?)\\\)|\\\[(.*?)\\\]", re.S)
TEX_WORDS = {
    "sum": "Σ", "log": "log", "ln": "ln", "exp": "exp", "cdot": "·", "times": "×", "infty": "∞",
    "ge": "≥", "geq": "≥", "le": "≤", "leq": "≤", "approx": "≈", "neq": "≠", "to": "→", "mid": "|",
    "varepsilon": "ε", "epsilon": "ε", "delta": "δ", "beta": "β", "lambda": "λ", "eta": "η",
    "sigma": "σ", "theta": "θ", "partial": "∂", "in": "∈", "Vert": "‖", "lVert": "‖", "rVert": "‖",
}  # fmt: skip


def tex_to_text(tex: str) -> str:
    """A plain-text reading of a TeX formula, for search previews."""
    text = re.sub(r"\\hat\s*\{?(\w)\}?", "\\1\u0302", tex)  # \hat y -> ŷ
    text = re.sub(r"\\frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}", r"(\1)/(\2)", text)
    text = re.sub(r"\\([A-Za-z]+)", lambda m: TEX_WORDS.get(m.group(1), ""), text)
    text = re.sub(r"\\[,;:! ]|[{}]|\\(?=[^A-Za-z])", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def plain_search_index(site: Path) -> None:
    """Replace the TeX source left in the search index by a plain-text reading of it."""
    path = site / "search" / "search_index.json"
    if not path.is_file():
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    for doc in index["docs"]:
        for key in ("text", "title"):
            doc[key] = MATH_SPAN.sub(lambda m: tex_to_text(m.group(1) or m.group(2)), doc[key])
            try:
                doc[key].encode("utf-8")
            except UnicodeEncodeError as error:  # the blocks' output is checked; anything else, named here
                raise ValueError(
                    f"search index: the {key} of page {doc.get('location')!r} is not valid UTF-8 "
                    f"({error.reason} at {doc[key][max(error.start - 20, 0) : error.start + 1]!r})"
                ) from None
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
