"""The interactive figures in a real browser, and what figures look like on a phone.

Used by ``tests/book/test_browser.py`` and :mod:`booksite.browser` (the phone
checks). ``widget_readings`` moves every slider of every widget on a page to each
position the build recorded lossbook's values at (docs/javascripts/widgets.js reads
the same JSON), and returns what the widget computed and showed there;
``widget_problems`` compares that with lossbook's values. ``figure_text_sizes``
measures, in CSS pixels, the text of every figure as the browser draws it. Every
check returns a list of problems (strings), empty when the page is fine.
"""

from __future__ import annotations

import re

from booksite.page import SMALLEST_TEXT_PX

RTOL = 1e-12  # the JavaScript losses against lossbook's values

# Runs in the page: for each widget, each recorded position: set the sliders the
# way a reader's input does (value, then an "input" event), then read back the
# slider values, the widget's numbers (root.lbValues) and the text it shows.
_READ_WIDGETS_JS = r"""
() => [...document.querySelectorAll(".lb-widget")].map(root => {
  const spec = JSON.parse(root.querySelector(".lb-widget-data").textContent);
  const readings = spec.checks.map(check => {
    const set = {};
    for (const [name, value] of Object.entries(check.set)) {
      const input = root.querySelector(`input[name="${name}"]`);
      input.value = String(value);
      input.dispatchEvent(new Event("input", {bubbles: true}));
      set[name] = Number(input.value);
    }
    const shown = [...root.querySelectorAll(".lb-widget-readout output")].map(out => ({
      key: out.dataset.key, index: out.dataset.index === undefined ? null : Number(out.dataset.index),
      digits: Number(out.dataset.digits), text: out.textContent,
    }));
    return {set, values: root.lbValues ?? null, shown};
  });
  return {id: root.id, started: !root.hidden, checks: spec.checks, readings};
})
"""


def widget_readings(page) -> list[dict]:
    """Every widget of the page at every recorded position (moves the sliders)."""
    return page.evaluate(_READ_WIDGETS_JS)


def _same(ours, theirs) -> bool:
    if theirs is None or ours is None:
        return ours is None and theirs is None
    if isinstance(theirs, list):
        return isinstance(ours, list) and len(ours) == len(theirs) and all(map(_same, ours, theirs))
    return ours == theirs or abs(ours - theirs) <= RTOL * abs(theirs)


def _shows(text: str, value, digits: int) -> bool:
    """``text`` is ``value`` at ``digits`` decimals: that many decimals, and within half a unit of the last."""
    if value is None:
        return text == "none"
    if not re.fullmatch(rf"-?\d+\.\d{{{digits}}}", text):
        return False
    return abs(float(text) - value) <= 0.5 * 10.0**-digits * (1 + 1e-9) + RTOL * abs(value)


def widget_problems(widgets: list[dict]) -> list[str]:
    """Where a widget's numbers differ from lossbook's by more than 1e-12, or its text does not show them."""
    problems = []
    for widget in widgets:
        name = widget["id"]
        if not widget["started"]:
            problems.append(f"{name}: the widget did not start (still hidden)")
            continue
        if not widget["checks"]:
            problems.append(f"{name}: no recorded positions to check")
        for check, reading in zip(widget["checks"], widget["readings"]):
            where = f"{name} at {check['set']}"
            if reading["set"] != check["set"]:
                problems.append(f"{where}: the sliders took {reading['set']}")
                continue
            values = reading["values"] or {}
            for key, expected in check["values"].items():
                if not _same(values.get(key), expected):
                    problems.append(f"{where}: {key} is {values.get(key)!r}, lossbook says {expected!r}")
            for out in reading["shown"]:
                if out["key"] not in check["values"]:
                    continue
                expected = check["values"][out["key"]]
                if out["index"] is not None:
                    expected = expected[out["index"]]
                if not _shows(out["text"], expected, out["digits"]):
                    problems.append(
                        f"{where}: shows {out['key']}{'' if out['index'] is None else [out['index']]} "
                        f"as {out['text']!r}, lossbook says {expected!r}"
                    )
    return problems


# Runs in the page: each widget's first slider, focused and moved with the keyboard.
_KEYBOARD_JS = r"""
() => [...document.querySelectorAll(".lb-widget")].map(root => {
  const input = root.querySelector("input[type=range]");
  const label = input && input.labels.length ? input.labels[0].textContent.trim() : "";
  return {id: root.id, inputId: input ? input.id : null, label, before: input ? input.value : null,
          shown: JSON.stringify(root.lbValues)};
})
"""


def keyboard_problems(page) -> list[str]:
    """Each widget's first slider has a label, takes focus with Tab, and moves (and redraws) with the arrow keys."""
    problems = []
    for widget in page.evaluate(_KEYBOARD_JS):
        name = widget["id"]
        if widget["inputId"] is None or not widget["label"]:
            problems.append(f"{name}: no labelled slider")
            continue
        slider = page.locator(f"#{widget['inputId']}")
        slider.focus()
        key = (
            "ArrowLeft"
            if page.evaluate(
                f"() => {{ const i = document.getElementById('{widget['inputId']}'); "
                "return Number(i.value) >= Number(i.max); }"
            )
            else "ArrowRight"
        )
        page.keyboard.press(key)
        after = page.evaluate(
            f"() => [document.activeElement.id, document.getElementById('{widget['inputId']}').value,"
            f" JSON.stringify(document.getElementById('{name}').lbValues)]"
        )
        if after[0] != widget["inputId"]:
            problems.append(f"{name}: the slider did not keep the focus")
        if after[1] == widget["before"]:
            problems.append(f"{name}: {key} did not move the slider {widget['label']!r}")
        if after[2] == widget["shown"]:
            problems.append(f"{name}: moving {widget['label']!r} with the keyboard did not recompute the widget")
    return problems


# Runs in the page: the smallest text of every figure (static SVG figures and
# widgets), in CSS pixels as drawn: the font size times the scale from the
# text's own coordinates to the screen. Figures in closed <details> or
# unselected tabs are revealed first (window.__lbReveal, booksite.browser).
_FIGURE_TEXT_JS = r"""
() => [...document.querySelectorAll("svg.lb-svg, svg.lb-widget-svg")].map((svg, index) => {
  if (window.__lbReveal) window.__lbReveal(svg);
  let smallest = Infinity, sample = "";
  for (const text of svg.querySelectorAll("text, tspan")) {
    if (!text.textContent.trim() || text.getBBox().width === 0) continue;
    const m = text.getScreenCTM();
    const px = parseFloat(getComputedStyle(text).fontSize) * Math.hypot(m.a, m.b);
    if (px < smallest) { smallest = px; sample = text.textContent.trim().slice(0, 40); }
  }
  const label = svg.getAttribute("aria-label") ||
    (svg.querySelector("title") ? svg.querySelector("title").textContent : "");
  return {index, label: label.slice(0, 60), smallest: smallest === Infinity ? null : smallest, sample,
          width: svg.getBoundingClientRect().width};
})
"""


def figure_text_sizes(page) -> list[dict]:
    return page.evaluate(_FIGURE_TEXT_JS)


def figure_text_problems(sizes: list[dict]) -> list[str]:
    return [
        f"figure {s['index'] + 1} ({s['label']!r}): text {s['sample']!r} drawn at {s['smallest']:.1f} px "
        f"(under {SMALLEST_TEXT_PX} px) in a {s['width']:.0f} px wide figure"
        for s in sizes
        if s["smallest"] is not None and s["smallest"] < SMALLEST_TEXT_PX - 1e-6
    ]


# Runs in the page: math in table cells against the cell's own text size.
_TABLE_MATH_JS = r"""
() => [...document.querySelectorAll(".md-typeset td .katex, .md-typeset th .katex")].map(k => {
  const cell = k.closest("td, th");
  const size = el => parseFloat(getComputedStyle(el).fontSize);
  return {math: k.querySelector("annotation") ? k.querySelector("annotation").textContent.slice(0, 40) : "",
          cell: size(cell), katex: size(k)};
})
"""


def table_math_problems(page) -> list[str]:
    """Math in a table cell is set at least as large as the cell's text."""
    return [
        f"math {m['math']!r} in a table cell at {m['katex']:.1f} px, the cell's text at {m['cell']:.1f} px"
        for m in page.evaluate(_TABLE_MATH_JS)
        if m["katex"] < m["cell"] - 0.01
    ]


def phone_problems(page) -> list[str]:
    """Figure text under 10 px, and table math smaller than its cell's text (run at the phone's width)."""
    return figure_text_problems(figure_text_sizes(page)) + table_math_problems(page)
