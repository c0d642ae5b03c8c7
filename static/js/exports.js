// The exports page follows its jobs live: each progress commit arrives as an "export" event on
// the person's own channel and moves the row's progress bar; a change of status (running,
// done, failed, cancelled) reloads the page, which then offers the download or says why.
(function () {
  "use strict";

  function onExport(event) {
    var row = document.querySelector('tr[data-export="' + event.id + '"]');
    if (!row) { return; }
    var bar = row.querySelector("[data-progress]");
    if (event.op === "progress" && bar) {
      if (event.rows_expected) { bar.max = event.rows_expected; }
      bar.value = event.rows_done;
      bar.textContent = event.rows_done + " / " + (event.rows_expected || "?");
      row.querySelector("[data-rows-done]").textContent = event.rows_done;
      return;
    }
    if (event.status !== row.dataset.status) { window.location.reload(); }
  }

  function start() {
    if (!window.coilLive) { return; }
    var socket = window.coilLive.socket();
    if (!socket) { return; }
    socket.on("export", onExport);
    // Events sent before this connection was made (or while it was down) are missed: ask.
    socket.on("connect", catchUp);
  }

  function catchUp() {
    var unfinished = 'tr[data-status="running"], tr[data-status="queued"]';
    document.querySelectorAll(unfinished).forEach(function (row) {
      fetch(row.dataset.statusUrl, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (job) {
          if (!job) { return; }
          job.op = job.status === "running" ? "progress" : job.status;
          onExport(job);
        });
    });
  }

  document.addEventListener("DOMContentLoaded", start);
})();
