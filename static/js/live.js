// One Socket.IO connection per page, shared by the navigation badge (rooms-nav.js) and the
// room page (room.js): window.coilLive.socket() creates it on first use, window.coilSocket is it.
(function () {
  "use strict";
  var socket = null;
  var pausedOffline = false;
  var offlineTimer = null;

  function resume() {
    if (!pausedOffline || !navigator.onLine) { return; }
    pausedOffline = false;
    clearInterval(offlineTimer);
    offlineTimer = null;
    socket.connect();
  }

  function create() {
    if (socket) { return socket; }
    if (typeof window.io !== "function") { return null; }
    socket = window.io({ reconnectionDelay: 500, reconnectionDelayMax: 5000 });
    window.coilSocket = socket;
    // Browsers keep an open WebSocket when they go offline and notice the loss only at the next
    // heartbeat; follow the browser's own verdict at once so that pending sends show as such.
    window.addEventListener("offline", function () {
      if (!socket.connected && !socket.active) { return; }
      pausedOffline = true;
      socket.disconnect();
      // "online" is not fired reliably everywhere: look again every few seconds as well.
      offlineTimer = setInterval(resume, 3000);
    });
    window.addEventListener("online", resume);
    return socket;
  }

  window.coilLive = {
    socket: function () { return window.coilSocket || create(); },
    /** True while the connection was closed because the browser is offline. */
    pausedOffline: function () { return pausedOffline; }
  };
})();
