/*
 * The QuickBooks page keeps itself current.
 * The status endpoint is asked every 2 seconds while a run is queued or running, and less and less often otherwise
 * (up to every 30 seconds). Its answer is rendered into the elements the server rendered (data-qbo="…"): the status
 * text, the progress bar, the counts, the per-list table, the download link and the log. When a run is queued,
 * starts or ends (the answer's "version" changes), the page's own HTML is fetched once and its Realtime Sync Status,
 * Recent syncs (list and chart), Last preview, buttons (Sync Now's and the Synchronize <list> ones) and first-sync
 * hint replace the ones shown. Text is only ever set as text; the sections come from the server's templates, parsed
 * inertly.
 */
"use strict";
(function () {
  var POLL_MS = 2000;
  var IDLE_FIRST_MS = 5000;
  var IDLE_MAX_MS = 30000;
  var RETRY_MS = 5000;
  // The parts of the page that follow the runs, in page order.
  var SECTIONS = [
    "qbo-run-actions", "qbo-scoped-actions", "qbo-preview-first", "qbo-live", "qbo-preview-results", "qbo-runs"
  ];

  function part(block, name) {
    return block.querySelector('[data-qbo="' + name + '"]');
  }

  function showText(node, text) {
    if (!node) { return; }
    node.textContent = text || "";
    node.hidden = !text;
  }

  function element(tag, text, attributes) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    return node;
  }

  function renderEntities(container, table) {
    if (!container) { return; }
    container.replaceChildren();
    if (!table || !table.rows || !table.rows.length) { return; }
    var head = element("tr");
    head.appendChild(element("th", "List", {scope: "col"}));
    table.columns.forEach(function (column) {
      head.appendChild(element("th", column.label, {scope: "col", "class": "qbo-number"}));
    });
    var body = element("tbody");
    table.rows.forEach(function (row) {
      var line = element("tr", null, {"data-entity": row.entity});
      line.appendChild(element("th", row.label, {scope: "row"}));
      row.cells.forEach(function (count) { line.appendChild(element("td", count, {"class": "qbo-number"})); });
      body.appendChild(line);
    });
    var thead = element("thead");
    thead.appendChild(head);
    var result = element("table", null, {"class": "qbo-entities"});
    result.appendChild(thead);
    result.appendChild(body);
    container.appendChild(result);
  }

  function renderDownload(container, block, run) {
    if (!container) { return; }
    container.replaceChildren();
    var href = null;
    var text = null;
    if (run.is_preview && !run.active) {
      href = block.dataset.previewUrl + "?run=" + run.id;
      text = "Download preview";
    } else if (!run.is_preview && run.problems) {
      href = block.dataset.errorsUrl + "?run=" + run.id;
      text = "Download the " + run.problems + " failed or skipped record" + (run.problems === 1 ? "" : "s");
    }
    if (href) {
      container.appendChild(element("a", text, {"class": "button", id: "qbo-run-download", href: href}));
    }
  }

  function renderEntries(body, entries) {
    if (!body) { return; }
    body.replaceChildren();
    entries.forEach(function (entry) {
      var row = element("tr", null, {"class": "qbo-entry qbo-entry--" + entry.action});
      [entry.time, entry.action_label, entry.entity_label, entry.record || "—", entry.qbo_id || "—", entry.message]
        .forEach(function (value) { row.appendChild(element("td", value)); });
      body.appendChild(row);
    });
  }

  function render(block, data) {
    var run = data.run;
    if (!run) { return; }
    block.className = "qbo-status-block qbo-status-block--" + run.status;
    block.dataset.runStatus = run.status;
    part(block, "label").textContent = run.label;
    part(block, "meta").textContent = run.meta;
    part(block, "waiting").hidden = run.status !== "queued";
    part(block, "progress").hidden = !run.active;
    var bar = part(block, "bar");
    bar.value = run.progress.percent;
    bar.textContent = run.progress.percent + "%";
    part(block, "progress-text").textContent = run.progress_text;
    showText(part(block, "counts"), run.counts_text);
    showText(part(block, "summary"), run.summary);
    showText(part(block, "error"), run.error_summary);
    renderEntities(part(block, "entities"), run.entities);
    renderDownload(part(block, "downloads"), block, run);
    var log = part(block, "log");
    log.hidden = !run.entries.length;
    part(block, "log-summary").textContent = run.entries_text;
    renderEntries(part(block, "entries"), run.entries);
  }

  function refreshSections(pageUrl) {
    return fetch(pageUrl, {credentials: "same-origin", cache: "no-store", headers: {"Accept": "text/html"}})
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        SECTIONS.forEach(function (id, index) {
          var current = document.getElementById(id);
          var replacement = fresh.getElementById(id);
          if (current && replacement) {
            current.replaceWith(document.importNode(replacement, true));
          } else if (current) {
            current.remove();
          } else if (replacement) {
            // Placed before the next section that is on the page (the Last preview appears after a preview).
            var next = SECTIONS.slice(index + 1).map(function (other) { return document.getElementById(other); })
              .filter(Boolean)[0];
            if (next) { next.before(document.importNode(replacement, true)); }
          }
        });
      });
  }

  function follow(section) {
    var url = section.dataset.liveUrl;
    var pageUrl = section.dataset.pageUrl;
    var version = section.dataset.version;
    var idle = IDLE_FIRST_MS;

    function later(ms) { window.setTimeout(poll, ms); }

    function poll() {
      fetch(url, {credentials: "same-origin", cache: "no-store", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
        .then(function (data) {
          var block = document.getElementById("qbo-status");
          if (block && data.run && block.dataset.runId === String(data.run.id)) {
            render(block, data);
            block.dataset.poll = data.poll ? "1" : "0";
          }
          var next = data.poll ? POLL_MS : idle;
          idle = data.poll ? IDLE_FIRST_MS : Math.min(idle * 2, IDLE_MAX_MS);
          if (data.version === version) { return later(next); }
          version = data.version;
          return refreshSections(pageUrl).then(function () { later(data.poll ? POLL_MS : IDLE_FIRST_MS); });
        })
        .catch(function (status) {
          // Signed out or no longer allowed: asking again will not help. Anything else may pass: try again later.
          if (!(status >= 400 && status < 500)) { later(RETRY_MS); }
        });
    }
    later(section.querySelector("[data-poll='1']") ? POLL_MS : IDLE_FIRST_MS);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var section = document.getElementById("qbo-live");
    if (section && section.dataset.liveUrl) { follow(section); }
  });
})();
