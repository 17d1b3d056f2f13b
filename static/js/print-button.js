// A page that prints as a document (e.g. the closing documentation) offers a print button. It
// is hidden without script; the browser's own print command works either way.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
});
