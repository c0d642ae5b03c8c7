// Keeps the unread badges of live rooms up to date: the navigation's "Rooms" link and, on the
// rooms pages, each room's badge ([data-room-unread="<room id>"]). The page works without it:
// the server renders the counts as they were when the page was made.
(function () {
  "use strict";
  var link = document.querySelector("[data-rooms-nav]");
  if (!link || !window.coilLive) { return; }
  var socket = window.coilLive.socket();
  if (!socket) { return; }
  var me = Number(link.getAttribute("data-me"));
  var unread = {}; // room id -> unread count, from the server's "rooms" answer and events since
  var known = false;
  var refreshTimer = null;

  function openRoom() {
    return window.coilRoom ? window.coilRoom.roomId : null;
  }

  function showBadge(badge, count) {
    var number = badge.querySelector("[data-count]");
    if (number) { number.textContent = String(count); }
    badge.hidden = count <= 0;
  }

  function render() {
    if (!known) { return; }
    var total = 0;
    Object.keys(unread).forEach(function (id) { total += unread[id]; });
    var badge = link.querySelector("[data-rooms-unread]");
    if (badge) { showBadge(badge, total); }
    document.querySelectorAll("[data-room-unread]").forEach(function (item) {
      var id = item.getAttribute("data-room-unread");
      if (Object.prototype.hasOwnProperty.call(unread, id)) { showBadge(item, unread[id]); }
    });
  }

  function subscribe() {
    socket.timeout(10000).emit("rooms", { subscribe: true }, function (err, ack) {
      if (err || !ack || !ack.ok) { return; }
      unread = {};
      ack.rooms.forEach(function (room) { unread[String(room.id)] = room.unread || 0; });
      if (openRoom() !== null) { unread[String(openRoom())] = 0; }
      known = true;
      render();
    });
  }

  // A deleted or removed message may have been unread: ask again, at most once a second.
  function refreshSoon() {
    if (refreshTimer) { return; }
    refreshTimer = setTimeout(function () {
      refreshTimer = null;
      socket.timeout(10000).emit("rooms", {}, function (err, ack) {
        if (err || !ack || !ack.ok) { return; }
        ack.rooms.forEach(function (room) {
          if (room.id !== openRoom()) { unread[String(room.id)] = room.unread || 0; }
        });
        render();
      });
    }, 1000);
  }

  socket.on("connect", subscribe); // every (re)connection: the server forgot our subscriptions
  if (socket.connected) { subscribe(); }

  socket.on("message", function (event) {
    if (!known || !event || event.room_id === openRoom()) { return; }
    var id = String(event.room_id);
    if (event.op === "created") {
      if (event.author && event.author.id === me) { return; }
      unread[id] = (unread[id] || 0) + 1;
      render();
    } else if (event.op === "deleted" || event.op === "removed") {
      refreshSoon();
    }
  });

  socket.on("unread", function (event) {
    if (!event || typeof event.unread !== "number") { return; }
    unread[String(event.room_id)] = event.room_id === openRoom() ? 0 : event.unread;
    render();
  });

  socket.on("room", function (event) {
    if (event && event.op === "created") { subscribe(); } // follow the new room's messages too
  });
})();
