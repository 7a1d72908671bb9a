/*
 * The QuickBooks page's Realtime Sync Status.
 * While the run shown is queued or running (data-poll="1"), ask the status endpoint every 2 seconds and render its
 * answer into the same elements the server rendered (data-qbo="…"): the status text, the progress bar, the counts,
 * the per-list table, the download link and the log. Stop once the run is over. Text is only ever set as text.
 */
"use strict";
(function () {
  var POLL_MS = 2000;
  var RETRY_MS = 5000;

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
    part(block, "reload").hidden = run.active;
  }

  function follow(block) {
    var url = block.dataset.statusUrl;
    function poll() {
      fetch(url, {credentials: "same-origin", cache: "no-store", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
        .then(function (data) {
          render(block, data);
          block.dataset.poll = data.poll ? "1" : "0";
          if (data.poll) { window.setTimeout(poll, POLL_MS); }
        })
        .catch(function (status) {
          // Signed out or no longer allowed: asking again will not help. Anything else may pass: try again later.
          if (!(status >= 400 && status < 500)) { window.setTimeout(poll, RETRY_MS); }
        });
    }
    window.setTimeout(poll, POLL_MS);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-status-url]").forEach(function (block) {
      if (block.dataset.poll === "1") { follow(block); }
    });
  });
})();
