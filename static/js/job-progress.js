// The page of a background job (an export's or an import's job page): polls the job's status as
// JSON and moves the progress bar until the job has ended. The page's job section names its
// parts by a prefix (data-job="export" finds #export-progress, #export-rows, #export-state and,
// if there is one, #export-download) and says what happens at the end: show the download link,
// or, with data-on-finish="reload", load the page again to show the outcome. No inline script
// (the Content Security Policy allows only files from this site). The texts come from the
// server, already translated; only state changes go to the aria-live region.
(function () {
  "use strict";
  var box = document.querySelector("[data-job]");
  if (!box || box.dataset.finished === "true") {
    return;
  }
  var prefix = box.dataset.job;
  var url = box.dataset.statusUrl;
  var bar = document.getElementById(prefix + "-progress");
  var rows = document.getElementById(prefix + "-rows");
  var state = document.getElementById(prefix + "-state");
  var download = document.getElementById(prefix + "-download");
  var reload = box.dataset.onFinish === "reload";
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
    if (download && status.download_url) {
      download.hidden = false;
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
        if (!status.finished) {
          window.setTimeout(poll, delay);
        } else if (reload) {
          window.location.reload();
        }
      })
      .catch(function () {
        delay = Math.min(delay * 2, 30000);
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);
})();
