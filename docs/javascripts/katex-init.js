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
});
