// A team space updates live: when a teammate moves a task or saves a document, the server sends
// "space_changed" (docs/realtime.md) after the change is stored, and this page fetches itself
// again and swaps in the changed part ([data-space-part="tasks" | "documents" | "files"]).
// Forms being filled in are outside those parts and are never replaced. Without a connection
// the page still works; it shows what was there when it was loaded.
(function () {
  "use strict";
  var status = document.getElementById("space-live");
  if (!status || !window.coilLive) { return; }
  var socket = window.coilLive.socket();
  if (!socket) { return; }
  var spaceId = Number(status.getAttribute("data-space-id"));
  var pending = {};
  var fetching = false;

  function swap(fresh, part) {
    var old = document.querySelector('[data-space-part="' + part + '"]');
    var next = fresh.querySelector('[data-space-part="' + part + '"]');
    if (!old || !next) { return; }
    // Keep keyboard focus: on the same control if it has an id and still exists, else on the
    // part's heading, so a keyboard user is not thrown back to the top of the page.
    var focused = old.contains(document.activeElement) ? document.activeElement : null;
    old.replaceWith(document.importNode(next, true));
    if (focused) {
      var again = focused.id ? document.getElementById(focused.id) : null;
      var heading = document.getElementById(part === "tasks" ? "board" : part);
      if (!again && heading) { heading.setAttribute("tabindex", "-1"); }
      var target = again || heading;
      if (target) { target.focus(); }
    }
    status.textContent = status.getAttribute("data-" + part) || "";
  }

  function refresh() {
    if (fetching) { return; }
    var parts = Object.keys(pending);
    if (!parts.length) { return; }
    pending = {};
    fetching = true;
    fetch(window.location.pathname, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html");
        parts.forEach(function (part) { swap(fresh, part); });
      })
      .catch(function () { /* offline: the next change or a reload brings the page up to date */ })
      .then(function () {
        fetching = false;
        refresh(); // changes that arrived during the fetch
      });
  }

  // After a reconnection, events sent meanwhile were missed: bring every part up to date.
  var connectedBefore = false;
  socket.on("connect", function () {
    if (connectedBefore) { pending = { tasks: true, documents: true, files: true }; refresh(); }
    connectedBefore = true;
  });

  socket.on("space_changed", function (event) {
    if (!event || event.space_id !== spaceId) { return; }
    pending[event.part] = true;
    refresh();
  });
})();
