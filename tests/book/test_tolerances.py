"""Every tolerance the pages use, listed: one relative tolerance (1e-12) unless justified here.

The pages' code is read (every exec block, through booksite.fences) for the calls that
compare numbers with a tolerance: ``check`` (default ``booksite.page.RTOL``),
``math.isclose``, ``np.isclose``, ``np.allclose``, ``np.testing.assert_allclose``,
including their default tolerances when none is given. The list must equal
``TOLERANCES`` below, where every tolerance other than a relative 1e-12 says why;
``check`` with another ``rtol`` must also say why on the page (``why=``), which
``check`` itself enforces. The build manifest must record the same check tolerances.
"""

from __future__ import annotations

import ast
from pathlib import Path

from booksite import ROOT, manifest
from booksite.fences import exec_blocks
from booksite.page import RTOL

PAGE_MODULES = sorted(path for path in (ROOT / "tools/booksite/booksite/pages").glob("*.py") if path.stem != "__init__")

DEFAULTS = {  # a call's tolerances when it names none
    "check": {"rtol": RTOL},
    "math.isclose": {"rel_tol": 1e-9, "abs_tol": 0.0},
    "np.isclose": {"rtol": 1e-5, "atol": 1e-8},
    "np.allclose": {"rtol": 1e-5, "atol": 1e-8},
    "np.testing.assert_allclose": {"rtol": 1e-7, "atol": 0.0},
}
RELATIVE = {"rtol", "rel_tol"}

# (page, block id, call, {tolerance: value}) -> why that tolerance and not a relative 1e-12.
TOLERANCES: dict[tuple[str, str, str, tuple], str] = {
    (
        "booksite.pages.cross_entropy",
        "",
        "check",
        (("rtol", 1e-9),),
    ): "each gap is a difference of two nearly equal sums, which cancels leading digits (why= at the check)",
    (
        "booksite.pages.cross_entropy",
        "",
        "np.allclose",
        (("atol", 1e-9), ("rtol", 1e-5)),
    ): "an analytic gradient against central finite differences, whose error is about h**2",
    (
        "booksite.pages.cross_entropy",
        "",
        "math.isclose",
        (("abs_tol", 0.0), ("rel_tol", 1e-9)),
    ): "an assertion guarding the page's reasoning (the worst MSE is 2/K), not a worked-example check",
    (
        "booksite.pages.mae",
        "",
        "np.isclose",
        (("atol", 1e-8), ("rtol", 1e-5)),
    ): "locates grid points where two curves cross, on a grid whose step is far above these tolerances",
    (
        "booksite.pages.backpropagation",
        "",
        "check",
        (("rtol", 1e-07),),
    ): "a gradient against central differences of step 1e-6, whose error is about 1e-9 relative (why= on the page)",
    (
        "booksite.pages.gradient_descent",
        "",
        "np.allclose",
        (("atol", 1e-8), ("rtol", 1e-5)),
    ): "a replay of the training loop must land on the same weights: a guard of the page's claim, not a check",
    (
        "practice/huber.md",
        "huber-constant-note",
        "np.isclose",
        (("atol", 1e-9), ("rtol", 0)),
    ): "finds where a numerical minimiser's estimate equals the median, to the minimiser's precision",
    (
        "booksite.pages.four_libraries",
        "",
        "math.isclose",
        (("abs_tol", 0.0), ("rel_tol", 1e-6)),
    ): "the emulated caps against the probe record's values from the real libraries; Keras computes in float32",
    (
        "booksite.pages.binary_cross_entropy",
        "",
        "math.isclose",
        (("abs_tol", 0.0), ("rel_tol", 1e-6)),
    ): "the emulated Keras cap against the probed BinaryCrossentropy, which computes in float32",
    (
        "booksite.pages.kl_divergence",
        "",
        "np.allclose",
        (("atol", 1e-8), ("rtol", 1e-5)),
    ): "skips random steps that barely move q (rounding could tie the two losses): selects pairs, checks nothing",
    (
        "practice/logits.md",
        "logits-gradient-check",
        "np.allclose",
        (("atol", 1e-8), ("rtol", 0)),
    ): "an analytic gradient against central finite differences, whose error is about h**2",
}


def _call_name(node: ast.Call) -> str:
    parts, func = [], node.func
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if isinstance(func, ast.Name):
        parts.append(func.id)
    return ".".join(reversed(parts)).replace("numpy.", "np.")


def standard(tolerances: tuple) -> bool:
    """A relative RTOL and no absolute tolerance."""
    return all(value == (RTOL if name in RELATIVE else 0) for name, value in tolerances)


def _calls(code: str) -> list[tuple[str, tuple]]:
    """(call, its tolerances, defaults included) for every tolerance-taking call in the code."""
    found = []
    for node in ast.walk(ast.parse(code)):
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node)
        name = "math.isclose" if name == "isclose" else name
        if name not in DEFAULTS:
            continue
        values = dict(DEFAULTS[name])
        for keyword in node.keywords:
            if keyword.arg in values:
                values[keyword.arg] = ast.literal_eval(keyword.value)
        found.append((name, tuple(sorted(values.items()))))
    return found


def tolerances_in_use() -> dict[tuple[str, str, str, tuple], int]:
    """{(page or module, block id, call, tolerances): how many calls} over every page's code.

    The pages' exec blocks, and the modules behind them (booksite.pages, block id "").
    """
    found: dict[tuple[str, str, str, tuple], int] = {}
    sources = [
        (md.relative_to(ROOT / "docs").as_posix(), fence.block_id, fence.body)
        for md in sorted((ROOT / "docs").rglob("*.md"))
        for fence in exec_blocks(md.read_text(encoding="utf-8"))
    ]
    sources += [(f"booksite.pages.{path.stem}", "", path.read_text(encoding="utf-8")) for path in PAGE_MODULES]
    for where, block_id, code in sources:
        for name, tolerances in _calls(code):
            key = (where, block_id, name, tolerances)
            found[key] = found.get(key, 0) + 1
    return found


def test_every_tolerance_in_use_is_the_one_rtol_or_listed_with_its_reason():
    in_use = tolerances_in_use()
    assert any(name == "check" for _, _, name, _ in in_use)  # the scan sees the checks
    unlisted = {key for key in in_use if not standard(key[3]) and key not in TOLERANCES}
    assert unlisted == set(), "tolerances other than a relative 1e-12, not listed in TOLERANCES with a reason"
    stale = set(TOLERANCES) - set(in_use)
    assert stale == set(), "listed tolerances no page uses any more"


def test_the_build_recorded_the_same_check_tolerances(site: Path):
    recorded = {
        rtol["rtol"]
        for entry in manifest.read(site)["pages"].values()
        for block in entry["blocks"]
        for rtol in block["checks"]
    }
    in_source = {dict(key[3])["rtol"] for key in tolerances_in_use() if key[2] == "check"}
    assert recorded == in_source and RTOL in recorded
