/*
 * The Excel import pages.
 * - The zip field shows only for kinds that need files.
 * - Elements with data-import-progress-url follow a running import: the bar and the status update every second;
 *   with data-reload-when-done, the page reloads to show the preview or the result once the import stops.
 */
"use strict";
(function () {
  function showArchiveRow() {
    const row = document.getElementById("import-archive-row");
    const picked = document.querySelector('#import-kinds input[name="kind"]:checked');
    if (row) {
      row.hidden = !(picked && picked.dataset.needsArchive === "1");
    }
  }

  function follow(element) {
    const url = element.dataset.importProgressUrl;
    const bar = element.querySelector("[data-import-progress-bar]");
    const text = element.querySelector("[data-import-progress-text]");
    const status = element.querySelector("[data-import-status]") || document.querySelector("#import-status [data-import-status]");
    function poll() {
      fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
        .then(function (data) {
          if (bar) { bar.value = data.progress; }
          if (text) { text.textContent = data.text || data.label; }
          if (status) { status.textContent = data.label; }
          if (data.busy) {
            window.setTimeout(poll, 1000);
          } else if (element.dataset.reloadWhenDone) {
            window.location.reload();
          } else if (bar) {
            bar.remove();
          }
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    window.setTimeout(poll, 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll('#import-kinds input[name="kind"]').forEach(function (input) {
      input.addEventListener("change", showArchiveRow);
    });
    showArchiveRow();
    document.querySelectorAll("[data-import-progress-url]").forEach(follow);
  });
})();
