// After a failed submit, move the focus to the summary of what is wrong, so a keyboard or
// screen-reader user starts there (each item links to its field).
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector(".error-summary");
  if (summary) {
    summary.setAttribute("tabindex", "-1");
    summary.focus();
  }
});
