"""The atlas index (docs/atlas/index.md): every framework loss, its lossbook call, its page and its test.

The list of framework losses comes from the probe record (``losses`` in docs/data/probes.json,
written by ``make probes``); the mapping from docs/data/atlas.toml. Neither is typed on the page.
"""

from __future__ import annotations

import re

import tomllib

from booksite import ROOT
from booksite.page import probed, table

LIBRARIES = ("torch.nn", "keras.losses", "optax.losses")
TOP_LEVEL_DEF = re.compile(r"^def (\w+)\(", re.M)


def inventory() -> dict[str, list[str] | None]:
    """{library: the loss names the probe found, or None when the library was not installed}."""
    return probed("losses")


def entries() -> dict[tuple[str, str], dict]:
    """{(library, loss name): its atlas.toml entry}."""
    atlas = tomllib.loads((ROOT / "docs" / "data" / "atlas.toml").read_text(encoding="utf-8"))["loss"]
    return {(e["library"], e["name"]): e for e in atlas}


def test_functions(path: str) -> set[str]:
    """The top-level functions of the test file ``path`` (empty when there is no such file).

    Read from the ``def`` lines rather than an AST: pytest collects top-level functions only, and
    parsing a dozen large test files would cost the build a quarter of a second.
    """
    file = ROOT / path
    return set(TOP_LEVEL_DEF.findall(file.read_text(encoding="utf-8"))) if file.is_file() else set()


def has_test(reference: str, defined: dict[str, set[str]] | None = None) -> bool:
    """Whether ``path::function`` names a function that exists (the build reads it; the test suite runs it).

    ``defined`` keeps each file's function names between calls, so a table parses each test file once.
    """
    path, _, name = reference.partition("::")
    defined = {} if defined is None else defined
    if path not in defined:
        defined[path] = test_functions(path)
    return name in defined[path]


def names(library: str, record: dict, mapping: dict) -> tuple[list[str], list[str]]:
    """(the probe's names, the mapped names the probe's rule leaves out: a Module that is not a _Loss)."""
    found = record[library] or []
    extra = sorted(name for lib, name in mapping if lib == library and name not in found)
    return found, extra


def counts_markdown(record: dict, mapping: dict) -> str:
    """One bullet per library: how many of its losses are mapped to a lossbook call."""
    lines = []
    for library in LIBRARIES:
        if record[library] is None:
            lines.append(
                f"- `{library}`: not installed when the probes ran, so not listed; no {library} loss is mapped yet."
            )
            continue
        found, extra = names(library, record, mapping)
        everything = found + extra
        mapped = [n for n in everything if (library, n) in mapping and "missing" not in mapping[library, n]]
        missing = [n for n in everything if "missing" in mapping.get((library, n), {})]
        added = (
            f" ({', '.join(f'`{n}`' for n in extra)} added to the probe's list: not a subclass of `_Loss`, "
            "but a loss all the same)"
            if extra
            else ""
        )
        absent = f"; {len(missing)} not in lossbook, each with the reason in the table" if missing else ""
        lines.append(
            f"- `{library}`: {len(mapped)} of {len(everything)} losses mapped to a lossbook call{added}{absent}."
        )
    return "\n".join(lines)


def page_link(target: str) -> str:
    """A link from docs/atlas/index.md to ``page.md#anchor`` (a path below docs/)."""
    page, _, anchor = target.partition("#")
    if not (ROOT / "docs" / page).is_file():
        return "page to come"
    relative = page.removeprefix("atlas/") if page.startswith("atlas/") else f"../{page}"
    title = "this page" if page == "atlas/index.md" else page.removesuffix(".md")
    return f"[{title}]({relative}{'#' + anchor if anchor else ''})"


def tested(entry: dict, defined: dict[str, set[str]] | None = None) -> str:
    """What proves the entry: the named hypothesis test when it exists, and always tests/book/test_atlas.py.

    The file is named without its folder, like the hypothesis test without its file: the page's text names
    the folder, and the short cell keeps the table inside the text column.
    """
    proof = "`test_atlas.py` (one input)"
    if "test" in entry and has_test(entry["test"], defined):
        proof = f"`{entry['test'].split('::')[1]}` (hypothesis), {proof}"
    return proof


def library_table(library: str, record: dict, mapping: dict) -> str:
    """The library's heading and its table; a loss without an entry raises (the test suite says the same)."""
    found, extra = names(library, record, mapping)
    rows, defined = [], {}
    for name in found + extra:
        entry = mapping.get((library, name))
        if entry is None:
            raise AssertionError(f"{library}.{name} has no atlas entry in docs/data/atlas.toml")
        if "missing" in entry:  # an explicit, reasoned absence: no call, no page, nothing to test
            rows.append([f"`{name}`", f"not in lossbook: {entry['missing']}", "none", "none"])
            continue
        note = f" ({entry['note']})" if "note" in entry else ""
        rows.append([f"`{name}`", f"`{entry['lossbook']}`{note}", page_link(entry["page"]), tested(entry, defined)])
    body = table(["loss", "lossbook", "page", "equality tested by"], rows, align="llll")
    # The class lets the long calls and test names wrap (docs/stylesheets/lossbook.css), so the four columns fit.
    return f'\n### {library}\n\n<div class="lb-atlas-table" markdown>\n\n{body}\n\n</div>\n'
