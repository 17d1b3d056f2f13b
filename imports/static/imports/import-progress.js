// The import job page (imports/templates/imports/job.html): polls the job's status as JSON and
// moves the progress bar; when the import has ended it reloads the page, which then shows the
// counts or the rejected rows. No inline script (the Content Security Policy allows only files
// from this site). The texts come from the server, already translated; only state changes go
// to the aria-live region.
(function () {
  "use strict";
  var box = document.getElementById("import-job");
  if (!box || box.dataset.finished === "true") {
    return;
  }
  var url = box.dataset.statusUrl;
  var bar = document.getElementById("import-progress");
  var rows = document.getElementById("import-rows");
  var state = document.getElementById("import-state");
  var delay = 1000;
  var lastMessage = state.textContent;

  function show(status) {
    if (status.percent === null || status.percent === undefined) {
      bar.removeAttribute("value");
      bar.textContent = "";
    } else {
      bar.value = status.percent;
      bar.textContent = status.percent + " %";
    }
    rows.textContent = status.progress_text;
    if (status.message !== lastMessage) {
      state.textContent = status.message;
      lastMessage = status.message;
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (status) {
        show(status);
        delay = 1000;
        if (status.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, delay);
        }
      })
      .catch(function () {
        delay = Math.min(delay * 2, 30000);
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);
})();
