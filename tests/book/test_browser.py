"""The reader's experience, in a real browser: every page in the light and dark palettes and on a phone.

The built book is served on 127.0.0.1 and opened in Chromium (Playwright).
Every page, in every mode, must load without a console error, a failed
request or a request to another host; show its math typeset by KaTeX and
its figures drawn; use the palette the reader's system asks for; and, on a
390-pixel-wide phone, not scroll sideways. In both palettes, and on the phone,
axe-core (every rule it runs by default) finds no serious or critical
accessibility violation, and every figure has a text alternative. The copy buttons copy
exactly the code tests/book/test_copy_paste.py runs, and the search box finds the cross-entropy chapter first.

The pages are visited once per mode (booksite.browser, ``check_pages``) and
each test below reads its page's report; the guard tests at the end break a
copy of the site and show that the checks see it.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import sync_playwright  # noqa: E402

from booksite import browser as _browser  # noqa: E402
from booksite import widgets as _widgets  # noqa: E402
from booksite.browser import MOBILE_WIDTH, MODES, check_pages, page_paths, page_paths_from_docs, serve  # noqa: E402
from booksite.codeblocks import block_html, code_blocks  # noqa: E402

PAGES = page_paths_from_docs()
PALETTES = ["light", "dark"]
ACCESSIBILITY_MODES = [*PALETTES, "mobile"]  # both palettes, and the phone's narrow layout


def page_id(path: str) -> str:
    return path.rstrip("/") or "home"


@pytest.fixture(scope="module")
def base_url(site):
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**_browser.launch_options())
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def reports(browser, base_url):
    """Every page checked in every mode: {mode: {path: Report}} (copy buttons in light)."""
    return {
        mode: check_pages(browser, base_url, PAGES, mode, axe=mode in ACCESSIBILITY_MODES, copies=mode == "light")
        for mode in MODES
    }


def test_every_page_of_the_site_is_checked(site):
    """The pages below come from docs/; the built site has exactly those (and its 404 page)."""
    assert page_paths(site) == PAGES
    assert (site / "404.html").is_file()


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_page_renders_cleanly(reports, path, mode):
    """No console error, failed or off-site request, raw TeX, missing figure, wrong palette or sideways scroll."""
    problems = reports[mode][path].rendering
    assert problems == [], f"{path or 'home'} in {mode} mode:\n" + "\n".join(problems)


@pytest.mark.parametrize("mode", ACCESSIBILITY_MODES)
@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_page_is_accessible(reports, path, mode):
    """axe-core finds no serious or critical violation; every figure has a text alternative."""
    problems = reports[mode][path].accessibility
    assert problems == [], f"{path or 'home'} in {mode} mode:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_copy_button_copies_what_the_copy_paste_test_runs(reports, site, path):
    """tests/test_copy_paste.py reads code blocks from the HTML; the real button copies the same text."""
    from_html = [block.text for block in code_blocks((site / path / "index.html").read_text(encoding="utf-8"))]
    copied = reports["light"][path].copies
    assert copied is not None, reports["light"][path].rendering
    assert copied == from_html


def test_search_lists_the_cross_entropy_chapter_first(browser, base_url):
    context = browser.new_context(**MODES["light"])
    try:
        page = _browser.open_page(context, base_url).page
        results = search(page, "cross entropy")
    finally:
        context.close()
    assert results, "no search result"
    assert results[0]["path"] == "chapters/cross-entropy/", results[:3]


def search(page, query: str) -> list[dict]:
    """Type ``query`` into the search box the way a reader does; return the results, best first."""
    box = page.locator(".md-search__input")
    box.click()
    box.press_sequentially(query, delay=10)
    page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
    items = page.locator(".md-search-result__item").evaluate_all(
        """items => items.map(item => {
             const link = item.querySelector("a");
             const url = new URL(link.href);
             return {path: url.pathname, text: item.innerText};
           })"""
    )
    for item in items:
        item["path"] = item["path"].lstrip("/")
    return items


def test_search_previews_show_no_raw_tex(site):
    """What a search result shows under a page's title comes from the search index: no TeX there either."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    raw = [
        f"{doc['location']}: ...{doc['text'][max(match.start() - 30, 0) : match.start() + 50]!r}..."
        for doc in index["docs"]
        if (match := RAW_TEX.search(doc["text"]))
    ]
    assert raw == [], f"{len(raw)} search entries show raw TeX, e.g.\n" + "\n".join(raw[:5])


RAW_TEX = re.compile(r"\\\(|\\\[|\$\$")


# The guards: a broken copy of the site, and what the checks say about it -----------------

BREAKAGES = {
    # what is added to the page -> what the report must then say
    '<script src="http://remote.invalid/tracker.js"></script>': "request to another host: http://remote.invalid/tracker.js",
    "<script>console.error('guard: broken script')</script>": "console error: guard: broken script",
    '<img src="missing-guard.png">': "HTTP 404",
    r"<p>The loss is \(x^2\) and $$y$$ left raw.</p>": "raw TeX in the page's text",
    '<div class="arithmatex">x^2</div>': "math not rendered by KaTeX",
    '<div style="width: 1200px">a line wider than a phone</div>': "px wide in a 390 px viewport",
}


# A code block with annotations, to compare the copy button and booksite.codeblocks on them.
ANNOTATED = block_html("a = 1  # (1)\nb = 2  # see (2)!\nc = 3  # (3)") + "<ol><li>one</li><li>two</li></ol>"


@pytest.fixture(scope="module")
def broken_site(site, tmp_path_factory):
    """A copy of the site whose MSE chapter has every breakage above, and a hidden figure without alt text."""
    copy = tmp_path_factory.mktemp("broken") / "site"
    shutil.copytree(site, copy)
    page = copy / "chapters" / "mse" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert html.count('class="lb-svg"') >= 1 and "</article>" in html
    html = html.replace("</article>", "".join(BREAKAGES) + ANNOTATED + "</article>", 1)
    html = re.sub(r'<title id="lb-fig-[^"]*">[^<]*</title>', "", html, count=1)  # the figure's alt text
    html = html.replace('class="lb-svg"', 'class="lb-svg" style="display: none"', 1)
    page.write_text(html, encoding="utf-8")
    return copy


def test_guard_the_moderate_findings_the_book_fixed_are_reported_when_they_return(browser, site, tmp_path):
    """Without a11y.js's two fixes the theme's duplicate landmarks and empty corner headers come back."""
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    script = copy / "javascripts" / "a11y.js"
    fixes = script.read_text(encoding="utf-8")
    for call in ("  nameNavigationSections();\n", "  nameTableHeaders();\n"):
        assert call in fixes
        fixes = fixes.replace(call, "", 1)
    script.write_text(fixes, encoding="utf-8")
    with serve(copy) as url:
        report = check_pages(browser, url, ["chapters/mae/"], "light", axe=True)["chapters/mae/"]
    said = "\n".join(report.accessibility)
    assert "axe moderate landmark-unique" in said, said
    assert "empty-table-header" in said, said  # axe rates it minor


@pytest.mark.parametrize("mode", ["light", "mobile"])
def test_guard_checks_see_a_broken_page(browser, broken_site, mode):
    with serve(broken_site) as url:
        report = check_pages(browser, url, ["chapters/mse/"], mode, axe=mode == "light", copies=True)["chapters/mse/"]
    said = "\n".join(report.rendering + report.accessibility)
    for expected in BREAKAGES.values():
        if "390 px" in expected and mode != "mobile":
            continue
        assert expected in said, f"{expected!r} not reported; the report says:\n{said}"
    assert "figure 1" in said and "is not visible" in said
    assert "aria-labelledby" in said and "points at a missing id" in said
    if mode == "light":
        assert "axe critical image-alt" in said  # the <img> without alt
    if mode == "mobile":
        assert "sticking out: div" in said
    # The copy button and the HTML reading of tests/test_copy_paste.py agree, annotations included.
    html = (broken_site / "chapters" / "mse" / "index.html").read_text(encoding="utf-8")
    assert report.copies == [block.text for block in code_blocks(html)]
    assert report.copies[-1] == "a = 1  # \nb = 2  \nc = 3  # (3)"


def test_guard_desktop_figure_check_sees_a_figure_wider_than_its_column():
    figs = [{"index": 0, "alt": "fits", "width": 688.0, "column": 688.0}]
    figs += [{"index": 1, "alt": "two panels", "width": 853.0, "column": 688.0}]
    (problem,) = _browser.desktop_figure_problems(figs)
    assert problem.startswith("figure 2 ('two panels') is 853 px wide in a 688 px column")


def test_guard_palette_check_sees_the_wrong_palette():
    facts = {"scheme": "default"}
    assert _browser.scheme_problems(facts, "dark") and not _browser.scheme_problems(facts, "light")
    assert MOBILE_WIDTH == MODES["mobile"]["viewport"]["width"] == 390


# Interactive figures (docs/javascripts/widgets.js, checked against lossbook) -------------

WIDGET_PAGES = [
    "chapters/cross-entropy/",
    "chapters/mae/",
    "practice/huber/",
    "practice/label-smoothing/",
    "practice/logits/",
]
WIDGET_ID = re.compile(r'<div class="lb-widget" id="([^"]+)"')


def test_every_page_with_a_widget_is_tested_and_every_widget_has_its_own_name(site):
    found = {path: WIDGET_ID.findall((site / path / "index.html").read_text("utf-8")) for path in PAGES}
    assert [path for path in PAGES if found[path]] == WIDGET_PAGES
    names = [name for ids in found.values() for name in ids]
    assert len(names) == len(set(names)), names  # the name makes the page's ids, and the PDF's


@pytest.fixture(scope="module")
def widget_tab(browser):
    context = browser.new_context(**MODES["light"])
    yield _browser.Tab(context)
    context.close()


@pytest.mark.parametrize("path", WIDGET_PAGES, ids=page_id)
def test_widget_agrees_with_lossbook_at_every_recorded_position(widget_tab, base_url, path):
    """Each slider set to each position the build recorded: values within 1e-12 of lossbook's, and shown as such."""
    visit = widget_tab.open(base_url + path)
    widgets = _widgets.widget_readings(visit.page)
    assert widgets, f"no widget on {path}"
    assert sum(len(w["checks"]) for w in widgets) >= 10
    problems = _widgets.widget_problems(widgets) + _browser.traffic_problems(visit, base_url)
    assert problems == [], f"{path}: {len(problems)} problems, e.g.\n" + "\n".join(problems[:10])


@pytest.mark.parametrize("path", WIDGET_PAGES, ids=page_id)
def test_widget_sliders_are_labelled_and_move_with_the_keyboard(widget_tab, base_url, path):
    visit = widget_tab.open(base_url + path)
    assert _widgets.keyboard_problems(visit.page) == []


def test_without_javascript_the_static_figures_remain(browser, base_url):
    context = browser.new_context(**MODES["light"], java_script_enabled=False)
    try:
        tab = _browser.Tab(context)
        for path in WIDGET_PAGES:
            page = tab.open(base_url + path).page
            shown = page.evaluate("""() => [...document.querySelectorAll(".lb-widget")].map(w => ({
                hidden: w.hidden && w.getBoundingClientRect().height === 0,
                figure: w.previousElementSibling && w.previousElementSibling.matches("figure.lb-figure")
                        && w.previousElementSibling.getBoundingClientRect().height > 100}))""")
            assert shown and all(w["hidden"] and w["figure"] for w in shown), (path, shown)
    finally:
        context.close()


@pytest.fixture(scope="module")
def perturbed_site(site, tmp_path_factory):
    """A copy of the site whose JavaScript MSE is off by one part in a billion, whose MSE chapter's first figure
    lost its readable width, and whose MSE chapter has a table with shrunken math."""
    copy = tmp_path_factory.mktemp("perturbed") / "site"
    shutil.copytree(site, copy)
    losses = copy / "javascripts" / "losses.js"
    js = losses.read_text(encoding="utf-8")
    assert js.count("(p[i] - ti) ** 2") == 1
    losses.write_text(js.replace("(p[i] - ti) ** 2", "(p[i] - ti) ** 2 * (1 + 1e-9)"), encoding="utf-8")
    page = copy / "chapters" / "mse" / "index.html"
    html = page.read_text(encoding="utf-8")
    html = re.sub(r'style="--lb-min-width: \d+px"', "", html, count=1)
    html = html.replace(
        "</article>",
        '<table><tr><td style="font-size: 20px"><span class="katex" '
        'style="font-size: 10px">x</span></td></tr></table></article>',
        1,
    )
    page.write_text(html, encoding="utf-8")
    return copy


def test_guard_widget_check_sees_a_perturbed_loss(browser, perturbed_site):
    with serve(perturbed_site) as url:
        context = browser.new_context(**MODES["light"])
        try:
            widgets = _widgets.widget_readings(_browser.Tab(context).open(url + "chapters/mae/").page)
        finally:
            context.close()
    said = "\n".join(_widgets.widget_problems(widgets))
    assert "mse_of_mse_line is" in said and "mse_of_mae_line is" in said, said[:2000]
    assert "mae_of_mse_line" not in said  # the MAE was left alone


def test_guard_phone_check_sees_small_figure_text_and_table_math(browser, perturbed_site):
    with serve(perturbed_site) as url:
        report = check_pages(browser, url, ["chapters/mse/"], "mobile", axe=False)["chapters/mse/"]
    said = "\n".join(report.rendering)
    assert "figure 1 (" in said and "(under 10 px)" in said, said
    assert "math '' in a table cell at 10.0 px, the cell's text at 20.0 px" in said, said
