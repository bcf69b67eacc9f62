"""Every chapter, core and practice, ends with exercises whose numerical answers are checked.

An Exercises section is a ``## Exercises`` heading near the end of the page (only the
References may follow), holding three to five exercises. Each exercise is a question
(numbered in bold, ``**1. Title.**``, written in the prose or printed by an exec block) and
one collapsible answer, ``??? success "Answer"``. An answer that states a number must
compute it: it holds an exec block, and the built page shows that block's "Checked when this
page was built" line (from ``check`` or ``check_code``) inside the answer. An answer without
code is an explanation and contains no digits at all, so no number can be typed into one.

The guards at the end feed the same checks pages that break each rule once.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from booksite import ROOT

DOCS = ROOT / "docs"
SECTIONS = ("Chapters", "In practice")

HEADING = re.compile(r"^## (.+?)\s*(?:\{[^}]*\})?$", re.M)
ANSWER = re.compile(r'^(?P<kind>\?\?\?|!!!)\+? success "Answer"\n(?P<body>(?:[ \t]*\n|    .*\n?)*)', re.M)
NUMBER = re.compile(r"\*\*(\d+)\. ")
EXEC = re.compile(r'^ *```+ *python\b[^\n]*\bexec="true"', re.M)
DIGIT = re.compile(r"[0-9]")
CHECKED = re.compile(r'<p class="lb-checked"[^>]*>.*?</p>', re.S)
DETAILS = re.compile(r'<details class="success"[^>]*>(.*?)</details>', re.S)


def chapter_pages() -> list[str]:
    """The pages of the Chapters and In practice sections of the nav, in nav order."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = yaml.safe_load(config[config.index("\nnav:") :])["nav"]
    pages = []
    for entry in nav:
        for title, children in entry.items():
            if title in SECTIONS:
                pages += [path for child in children for path in child.values()]
    return pages


PAGES = chapter_pages()


def exercises_section(markdown: str) -> tuple[str | None, list[str]]:
    """The text of the Exercises section (None without one), and the ## headings after it."""
    headings = list(HEADING.finditer(markdown))
    titles = [h.group(1) for h in headings]
    if "Exercises" not in titles:
        return None, []
    k = titles.index("Exercises")
    end = headings[k + 1].start() if k + 1 < len(headings) else len(markdown)
    return markdown[headings[k].end() : end], titles[k + 1 :]


def answers(section: str) -> list[tuple[str, str]]:
    """(kind, body) of each answer block in a section: kind is '???' (collapsible) or '!!!'."""
    return [(m.group("kind"), m.group("body")) for m in ANSWER.finditer(section)]


def source_problems(markdown: str) -> list[str]:
    """What is wrong with a page's Exercises section, as written in Markdown."""
    section, after = exercises_section(markdown)
    if section is None:
        return ["no ## Exercises section"]
    problems = []
    if markdown.count("\n## Exercises") != 1:
        problems.append("more than one ## Exercises section")
    if after not in ([], ["References"]):
        problems.append(f"the Exercises section must come last (before References), but {after} follow it")
    found = answers(section)
    if not 3 <= len(found) <= 5:
        problems.append(f"{len(found)} exercises; a chapter has three to five")
    numbers = [int(n) for n in NUMBER.findall(ANSWER.sub("", section))]
    if numbers != list(range(1, len(found) + 1)):
        problems.append(f"questions numbered {numbers}, expected 1 to {len(found)}, one per answer")
    for i, (kind, body) in enumerate(found, 1):
        if kind != "???":
            problems.append(f'answer {i} is not collapsible (use ??? success "Answer")')
        if not EXEC.search(body) and DIGIT.search(body):
            digit = DIGIT.search(body).group()
            problems.append(f"answer {i} states a number without computing it: {digit!r} in {body.strip()[:80]!r}")
    return problems


def html_problems(html: str, computed: list[bool]) -> list[str]:
    """What is wrong with the built Exercises section, given which answers hold code."""
    start = html.find('<h2 id="exercises"')
    if start < 0:
        return ["no Exercises heading in the built page"]
    end = html.find("<h2", start + 1)
    shown = DETAILS.findall(html[start : end if end > 0 else len(html)])
    if len(shown) != len(computed):
        return [f"{len(shown)} collapsible answers built, {len(computed)} written"]
    problems = []
    for i, (body, has_code) in enumerate(zip(shown, computed), 1):
        checked = CHECKED.findall(body)
        text = re.sub(r"<[^>]+>", " ", CHECKED.sub("", body))
        if has_code and not checked:
            problems.append(f"answer {i} runs code but shows no checked line")
        if DIGIT.search(text) and not checked:
            problems.append(f"answer {i} shows a number that no check vouches for")
    return problems


def test_the_chapter_sections_list_the_chapters():
    assert "chapters/likelihood.md" in PAGES and "practice/huber.md" in PAGES
    on_disk = sorted(p.relative_to(DOCS).as_posix() for d in ("chapters", "practice") for p in (DOCS / d).glob("*.md"))
    assert sorted(PAGES) == on_disk


@pytest.mark.parametrize("page", PAGES)
def test_chapter_has_an_exercises_section_as_written(page):
    assert source_problems((DOCS / page).read_text(encoding="utf-8")) == []


def test_every_chapter_has_exercises_and_each_numerical_answer_is_checked(site: Path):
    sections, problems, checked_answers = 0, {}, 0
    for page in PAGES:
        markdown = (DOCS / page).read_text(encoding="utf-8")
        section, _ = exercises_section(markdown)
        if section is None:
            continue
        sections += 1
        computed = [bool(EXEC.search(body)) for _, body in answers(section)]
        checked_answers += sum(computed)
        html = (site / page.removesuffix(".md") / "index.html").read_text(encoding="utf-8")
        found = html_problems(html, computed)
        if found:
            problems[page] = found
    assert problems == {}
    assert sections == len(PAGES)
    assert checked_answers >= 2 * len(PAGES)  # at least two computed answers a chapter, on average


# Guards: each rule fails on a page that breaks it ----------------------------------------------

GOOD = """# Page

Text.

## Exercises

**1. By hand.** Compute.

??? success "Answer"

    ```python exec="true" id="g-1" session="g"
    print(check(...))
    ```

**2. By hand.** Compute again.

??? success "Answer"

    ```python exec="true" id="g-2" session="g"
    print(check(...))
    ```

**3. Explain.** Why?

??? success "Answer"

    Because of the reasons.

## References

- A book.
"""


def test_guard_a_good_section_passes():
    assert source_problems(GOOD) == []


@pytest.mark.parametrize(
    "change, expected",
    [
        (("Because of the reasons.", "Because it is 0.25."), "states a number without computing it"),
        (('??? success "Answer"\n\n    Because', '!!! success "Answer"\n\n    Because'), "not collapsible"),
        (('**3. Explain.** Why?\n\n??? success "Answer"\n\n    Because of the reasons.\n', ""), "2 exercises"),
        (("## References", "## After\n\nMore.\n\n## References"), "must come last"),
        (("## Exercises", "## Practice"), "no ## Exercises section"),
        (("**2. By hand.**", "**4. By hand.**"), "numbered"),
    ],
    ids=["typed number", "not collapsible", "too few", "not last", "missing", "numbering"],
)
def test_guard_a_broken_section_fails(change, expected):
    old, new = change
    assert GOOD.count(old) == 1
    problems = source_problems(GOOD.replace(old, new))
    assert any(expected in p for p in problems), problems


BUILT = (
    '<h2 id="exercises">Exercises</h2><p><strong>1. By hand.</strong></p>'
    '<details class="success"><summary>Answer</summary><p>It is 3.</p>'
    '<p class="lb-checked">Checked when this page was built: 1e-12.</p></details>'
    '<details class="success"><summary>Answer</summary><p>Because.</p></details>'
    '<h2 id="references">References</h2>'
)


def test_guard_built_answers():
    assert html_problems(BUILT, [True, False]) == []
    unchecked = BUILT.replace('<p class="lb-checked">Checked when this page was built: 1e-12.</p>', "")
    assert any("no checked line" in p for p in html_problems(unchecked, [True, False]))
    assert any("no check vouches" in p for p in html_problems(unchecked, [False, False]))
    assert any("collapsible answers built" in p for p in html_problems(BUILT, [True]))
