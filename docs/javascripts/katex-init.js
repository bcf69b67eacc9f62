// Typeset the math that pymdownx.arithmatex leaves as \( \) and \[ \] in
// span/div.arithmatex, on first load and after every instant navigation.
document$.subscribe(() => {
  for (const element of document.querySelectorAll(".arithmatex")) {
    renderMathInElement(element, {
      delimiters: [
        { left: "\\[", right: "\\]", display: true },
        { left: "\\(", right: "\\)", display: false },
      ],
      throwOnError: true,
    });
  }
  focusScrollableRegions();
  document.fonts.ready.then(focusScrollableRegions);  // the math fonts change its width
  nameSearchDialog();
});

// Wide display math scrolls sideways inside its block (lossbook.css), and so do
// the theme's wide tables. A keyboard user can only scroll a region that can take
// focus, so each one that overflows gets tabindex="0" (axe
// scrollable-region-focusable), as the theme does for its code blocks.
// Re-evaluated when the window is resized.
function focusScrollableRegions() {
  const regions = ".md-content div.arithmatex, .md-content .md-typeset__scrollwrap";
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
