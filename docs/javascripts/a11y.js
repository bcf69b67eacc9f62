// Accessibility fixes for the theme and for our own wide blocks, applied on
// first load and after every instant navigation.
document$.subscribe(() => {
  focusScrollableRegions();
  document.fonts.ready.then(focusScrollableRegions);  // the math fonts change widths
  nameSearchDialog();
  nameNavigationSections();
  unmarkCodeButtonBars();
  nameTableHeaders();
});

// Wide display math scrolls sideways inside its block (lossbook.css), and so do
// the theme's wide tables and code blocks, and figures on a phone. A keyboard user can only scroll a
// region that can take focus, so each one that overflows gets tabindex="0" (axe
// scrollable-region-focusable). The theme does this for code blocks only on
// devices that hover, so on a phone they are done here too. Re-evaluated when
// the window is resized.
function focusScrollableRegions() {
  const regions = ".md-content div.arithmatex, .md-content .md-typeset__scrollwrap, .md-content pre > code, " +
    ".md-content .lb-figure";
  for (const region of document.querySelectorAll(regions)) {
    if (region.scrollWidth > region.clientWidth) {
      region.setAttribute("tabindex", "0");
    } else if (region.getAttribute("tabindex") === "0") {
      region.removeAttribute("tabindex");
    }
  }
}
let resizeTimer;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(focusScrollableRegions, 150);
});

// The theme's search overlay is a role="dialog" without an accessible name
// (axe aria-dialog-name): name it after its input.
function nameSearchDialog() {
  const dialog = document.querySelector(".md-search[role=dialog]");
  if (dialog && !dialog.hasAttribute("aria-label") && !dialog.hasAttribute("aria-labelledby")) {
    dialog.setAttribute("aria-label", "Search");
  }
}

// A navigation section whose title is its index page (navigation.indexes) is
// labelled by an empty <label>: its nav landmark has no name, like others
// (axe landmark-unique). Name it after its index page's link.
function nameNavigationSections() {
  for (const nav of document.querySelectorAll("nav.md-nav[aria-labelledby]")) {
    const label = document.getElementById(nav.getAttribute("aria-labelledby"));
    const link = nav.parentElement && nav.parentElement.querySelector(":scope > .md-nav__container > .md-nav__link, :scope > .md-nav__link");
    if (label && !label.textContent.trim() && link && link.textContent.trim()) {
      nav.removeAttribute("aria-labelledby");
      nav.setAttribute("aria-label", link.textContent.trim());
    }
  }
}

// The theme puts each code block's copy button in a <nav>: a landmark per code
// block, all without a name (axe landmark-unique). They are button bars, not
// navigation: no landmark.
function unmarkCodeButtonBars() {
  for (const nav of document.querySelectorAll("nav.md-code__nav")) nav.setAttribute("role", "none");
}

// Table headers (axe empty-table-header): an empty corner cell is not a header,
// so it becomes a plain cell; a header that is only math gets its text for
// screen readers once, as plain text (KaTeX's MathML is not read as text there).
function nameTableHeaders() {
  for (const th of document.querySelectorAll(".md-typeset th")) {
    if (!th.textContent.trim()) {
      const td = document.createElement("td");
      for (const attribute of th.attributes) td.setAttribute(attribute.name, attribute.value);
      th.replaceWith(td);
    } else if (!th.querySelector(".lb-sr-only") && textOutsideMath(th) === "") {
      const words = [...th.querySelectorAll(".katex-mathml semantics")].map(s => s.firstElementChild.textContent).join(" ");
      th.querySelectorAll(".katex-mathml").forEach(math => math.setAttribute("aria-hidden", "true"));
      const text = document.createElement("span");
      text.className = "lb-sr-only";
      text.textContent = words;
      th.classList.add("lb-math-header"); // positioned, so the hidden text stays in the table's scroll box
      th.append(text);
    }
  }
}

function textOutsideMath(element) {
  const copy = element.cloneNode(true);
  copy.querySelectorAll(".katex").forEach(math => math.remove());
  return copy.textContent.trim();
}
