// Accessibility fixes for the theme and for our own wide blocks, applied on
// first load and after every instant navigation.
document$.subscribe(() => {
  focusScrollableRegions();
  document.fonts.ready.then(focusScrollableRegions);  // the math fonts change widths
  nameSearchDialog();
});

// Wide display math scrolls sideways inside its block (lossbook.css), and so do
// the theme's wide tables and code blocks. A keyboard user can only scroll a
// region that can take focus, so each one that overflows gets tabindex="0" (axe
// scrollable-region-focusable). The theme does this for code blocks only on
// devices that hover, so on a phone they are done here too. Re-evaluated when
// the window is resized.
function focusScrollableRegions() {
  const regions = ".md-content div.arithmatex, .md-content .md-typeset__scrollwrap, .md-content pre > code";
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
