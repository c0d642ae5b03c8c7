// The live room page: joins the room over Socket.IO (docs/realtime.md), renders its messages,
// sends through an outbox that survives reconnects and reloads, and keeps presence, typing,
// reactions, edits and read markers up to date. Plain JS, no framework; every string shown
// comes from the page (#room-strings), so it speaks the viewer's language.
(function () {
  "use strict";
  var configEl = document.getElementById("room-config");
  var stringsEl = document.getElementById("room-strings");
  if (!configEl || !stringsEl || !window.coilLive) { return; }
  var config = JSON.parse(configEl.textContent);
  var T = JSON.parse(stringsEl.textContent);
  var socket = window.coilLive.socket();
  var roomId = config.room;
  var me = config.me;
  var ACK_TIMEOUT = 10000;
  var TYPING_EVERY = 2000; // send "typing" at most this often while typing
  var TYPING_IDLE = 5000; // a pause this long counts as having stopped
  var RETRYABLE = { busy: true, rate_limited: true, server_error: true };

  function $(id) { return document.getElementById(id); }
  var els = {
    page: $("room-page"),
    scroll: $("room-scroll"),
    list: $("messages"),
    outbox: $("outbox"),
    earlier: $("load-earlier"),
    start: $("room-start"),
    empty: $("room-empty"),
    jump: $("jump-latest"),
    typing: $("typing"),
    announcer: $("room-announcer"),
    composer: $("composer"),
    body: $("composer-body"),
    send: $("composer-send"),
    status: $("composer-status"),
    replyBox: $("reply-preview"),
    replyText: $("reply-preview-text"),
    replyCancel: $("reply-cancel"),
    conn: $("connection-status"),
    connText: $("connection-text"),
    archive: $("archive-room"),
    archivedNote: $("archived-note"),
    presence: $("presence"),
    presenceCount: $("presence-count"),
    search: $("room-search"),
    searchQ: $("room-search-q"),
    searchStatus: $("search-status"),
    results: $("search-results")
  };

  // ---------------------------------------------------------------- state
  var messages = new Map(); // id -> message payload, for the messages in the list
  var oldestId = null;
  var newestId = 0;
  var more = false;
  var joined = false; // joined on the current connection
  var everJoined = false;
  var joinSeq = 0;
  var pendingEvents = []; // events that arrived before the first join answered
  var canPost = !!config.canPost;
  var canModerate = !!config.canModerate;
  var archived = !!config.archived;
  var replyTo = null;
  var editingId = null;
  var lastReadSent = 0;
  var loadingEarlier = null;
  var typers = new Map(); // user id -> {name, timer}
  var storageKey = "coil.outbox." + me.id + "." + roomId;
  var reactedKey = "coil.reacted." + me.id;
  var outbox = loadOutbox();
  var forgotten = new Set(); // client ids sent or discarded here: never write them back
  var inFlight = null;
  var attemptSeq = 0;
  var retryTimer = null;

  window.coilRoom = { socket: socket, roomId: roomId, me: me, canModerate: canModerate };

  // ---------------------------------------------------------------- helpers
  function fmt(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  }

  function h(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) { return; }
      if (key === "text") { node.textContent = value; }
      else if (key === "html") { node.innerHTML = value; } // only ever the server's sanitised html
      else if (key === "className") { node.className = value; }
      else { node.setAttribute(key, value === true ? "" : value); }
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) { return; }
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function zoned(options) {
    try {
      return new Intl.DateTimeFormat(config.locale, Object.assign({ timeZone: config.timeZone }, options));
    } catch (e) {
      return new Intl.DateTimeFormat(config.locale, options);
    }
  }
  var timeFormat = zoned({ hour: "2-digit", minute: "2-digit" });
  var dayFormat = zoned({ day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  var yearFormat = zoned({ day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" });
  var fullFormat = zoned({ dateStyle: "full", timeStyle: "short" });
  var dayKey = zoned({ year: "numeric", month: "2-digit", day: "2-digit" });

  function parseTime(iso) {
    return new Date(String(iso).replace(/(\.\d{3})\d+/, "$1"));
  }

  function shortTime(date) {
    var now = new Date();
    if (dayKey.format(date) === dayKey.format(now)) { return timeFormat.format(date); }
    if (date.getFullYear() === now.getFullYear()) { return dayFormat.format(date); }
    return yearFormat.format(date);
  }

  function authorName(m) {
    return m.author ? m.author.name : T.formerParticipant;
  }

  function plain(text, limit) {
    var flat = String(text || "").replace(/\s+/g, " ").trim();
    return flat.length > limit ? flat.slice(0, limit - 1) + "…" : flat;
  }

  var statusTimer = null;
  function status(text) {
    var target = els.status || els.connText;
    if (!target) { return; }
    clearTimeout(statusTimer);
    target.textContent = text || "";
    if (text && els.status) {
      statusTimer = setTimeout(function () { els.status.textContent = ""; }, 10000);
    }
  }

  function failure(err, ack) {
    if (err) { return T.noAnswer; }
    return ack && ack.error && ack.error.message ? ack.error.message : T.noAnswer;
  }

  function request(event, payload, done) {
    socket.timeout(ACK_TIMEOUT).emit(event, payload, function (err, ack) {
      if (!err && ack && ack.ok) { done(null, ack); }
      else { done(failure(err, ack), ack || null, !!err); }
    });
  }

  function setConnection(state) {
    if (!els.conn) { return; }
    els.conn.setAttribute("data-state", state);
    els.connText.textContent = T[state] || "";
  }

  // ---------------------------------------------------------------- storage
  function readStored() {
    try {
      var stored = JSON.parse(localStorage.getItem(storageKey) || "[]");
      return Array.isArray(stored) ? stored.filter(function (e) { return e && e.client_id && typeof e.body === "string"; }) : [];
    } catch (e) { return []; }
  }

  function loadOutbox() {
    return readStored().map(function (e) {
      return { client_id: e.client_id, body: e.body, reply_to: e.reply_to || null, created: e.created || Date.now(), failed: e.failed || null };
    });
  }

  // Other tabs of the same room keep their own outbox in the same key: merge, never clobber.
  function saveOutbox() {
    var mine = new Set(outbox.map(function (e) { return e.client_id; }));
    var theirs = readStored().filter(function (e) { return !mine.has(e.client_id) && !forgotten.has(e.client_id); });
    var all = theirs.concat(outbox.map(function (e) {
      return { client_id: e.client_id, body: e.body, reply_to: e.reply_to, created: e.created, failed: e.failed };
    }));
    try {
      if (all.length) { localStorage.setItem(storageKey, JSON.stringify(all)); }
      else { localStorage.removeItem(storageKey); }
    } catch (e) { /* private mode or full: the in-memory outbox still resends */ }
  }

  var reacted = (function () {
    try { return new Set(JSON.parse(localStorage.getItem(reactedKey) || "[]")); } catch (e) { return new Set(); }
  })();
  function saveReacted() {
    try { localStorage.setItem(reactedKey, JSON.stringify(Array.from(reacted).slice(-500))); } catch (e) { /* ignore */ }
  }
  function isMine(m, emoji) {
    if (Array.isArray(m.mine)) { return m.mine.indexOf(emoji) !== -1; }
    return reacted.has(m.id + ":" + emoji);
  }
  function setMine(m, emoji, on) {
    if (Array.isArray(m.mine)) {
      m.mine = m.mine.filter(function (e) { return e !== emoji; });
      if (on) { m.mine.push(emoji); }
    }
    if (on) { reacted.add(m.id + ":" + emoji); } else { reacted.delete(m.id + ":" + emoji); }
    saveReacted();
  }

  // ---------------------------------------------------------------- rendering
  function isGone(m) { return m.deleted || m.removed; }

  function replyQuote(m) {
    if (!m.reply_to_id) { return null; }
    var original = messages.get(m.reply_to_id);
    var children;
    if (original && original.body) {
      children = [h("span", { className: "reply-author", text: fmt(T.inReplyTo, { name: authorName(original) }) }), " ", plain(original.body, 140)];
    } else {
      children = [T.inReplyToEarlier];
    }
    return h("blockquote", { className: "reply-quote" }, [
      h("a", { href: "#message-" + m.reply_to_id, "data-action": "goto", "data-target": String(m.reply_to_id) }, children)
    ]);
  }

  function reactionButtons(m) {
    var group = h("div", { className: "reactions", role: "group", "aria-label": T.reactions });
    Object.keys(m.reactions || {}).forEach(function (emoji) {
      var count = m.reactions[emoji];
      if (!count) { return; }
      var name = (T.emojiNames && T.emojiNames[emoji]) || emoji;
      group.appendChild(h("button", {
        type: "button",
        className: "reaction" + (isMine(m, emoji) ? " own" : ""),
        "data-action": "react",
        "data-emoji": emoji,
        "aria-pressed": isMine(m, emoji) ? "true" : "false",
        "aria-label": fmt(T.reactionState, { emoji: emoji, name: name, count: count }),
        disabled: !canPost || isGone(m)
      }, [h("span", { "aria-hidden": "true", text: emoji }), " ", h("span", { className: "count", "aria-hidden": "true", text: String(count) })]));
    });
    return group.children.length ? group : null;
  }

  function actionButton(action, label, context, extra) {
    var attrs = Object.assign({ type: "button", className: "link-button", "data-action": action }, extra || {});
    return h("button", attrs, [label, h("span", { className: "visually-hidden", text: " — " + context })]);
  }

  function renderMessage(m) {
    var own = m.author && m.author.id === me.id;
    var date = parseTime(m.created_at);
    var when = shortTime(date);
    var gone = isGone(m);
    var li = h("li", {
      className: "message" + (own ? " mine" : "") + (gone ? " gone" : ""),
      id: "message-" + m.id,
      "data-id": String(m.id),
      tabindex: "-1"
    });
    var meta = h("p", { className: "message-meta" }, [
      h("span", { className: "message-author", text: authorName(m) }),
      " ",
      h("time", { datetime: m.created_at, title: fullFormat.format(date), text: when })
    ]);
    if (m.edited && !gone) { meta.appendChild(h("span", { className: "message-flag", text: T.edited })); }
    li.appendChild(meta);
    var quote = replyQuote(m);
    if (quote) { li.appendChild(quote); }
    if (m.html !== null && m.html !== undefined) {
      if (m.removed) { li.appendChild(h("p", { className: "message-gone", text: T.removedStaff })); }
      else if (m.deleted) { li.appendChild(h("p", { className: "message-gone", text: T.deletedStaff })); }
      li.appendChild(h("div", { className: "message-body", html: m.html }));
    } else {
      li.appendChild(h("p", { className: "message-gone", text: m.removed ? T.removed : T.deleted }));
    }
    if (!gone) {
      var reactions = reactionButtons(m);
      if (reactions) { li.appendChild(reactions); }
    }
    var context = fmt(T.actionsFor, { name: authorName(m), time: when });
    var actions = h("div", { className: "message-actions", role: "group", "aria-label": T.messageActions });
    if (canPost && !gone) {
      actions.appendChild(actionButton("reply", T.reply, context));
      actions.appendChild(actionButton("picker", T.react, context, { "aria-expanded": "false", "aria-controls": "picker-" + m.id }));
      if (own) {
        actions.appendChild(actionButton("edit", T.edit, context));
        actions.appendChild(actionButton("delete", T.delete, context));
      }
    }
    if (canModerate && !m.removed) { actions.appendChild(actionButton("remove", T.remove, context)); }
    if (actions.children.length) { li.appendChild(actions); }
    if (canPost && !gone) {
      var picker = h("div", { className: "reaction-picker", id: "picker-" + m.id, role: "group", "aria-label": T.react, hidden: true });
      config.reactions.forEach(function (emoji) {
        var name = (T.emojiNames && T.emojiNames[emoji]) || emoji;
        picker.appendChild(h("button", {
          type: "button", "data-action": "react", "data-emoji": emoji, "data-from-picker": "1",
          "aria-pressed": isMine(m, emoji) ? "true" : "false", "aria-label": name, title: name, text: emoji
        }));
      });
      li.appendChild(picker);
    }
    return li;
  }

  function renderPending(entry) {
    var li = h("li", { className: "message mine pending" + (entry.failed ? " failed" : ""), id: "pending-" + entry.client_id, "data-client": entry.client_id });
    var meta = h("p", { className: "message-meta" }, [h("span", { className: "message-author", text: me.name }), " "]);
    if (entry.failed) {
      meta.appendChild(h("span", { className: "send-state", text: fmt(T.notSent, { reason: entry.failed.message || "" }) }));
    } else {
      meta.appendChild(h("span", { className: "send-state", text: T.sending }));
    }
    li.appendChild(meta);
    li.appendChild(h("p", { className: "message-body pending-body", text: entry.body }));
    if (entry.failed) {
      li.appendChild(h("div", { className: "message-actions always" }, [
        h("button", { type: "button", className: "link-button", "data-action": "retry", text: T.retry }),
        h("button", { type: "button", className: "link-button", "data-action": "discard", text: T.discard })
      ]));
    }
    var old = document.getElementById("pending-" + entry.client_id);
    if (old) { old.replaceWith(li); } else { els.outbox.appendChild(li); }
  }

  function renderOutbox() {
    els.outbox.textContent = "";
    outbox.forEach(renderPending);
  }

  // Replace a message's element, keeping keyboard focus and an open edit box where they were.
  function swap(oldLi, newLi, m) {
    var active = document.activeElement;
    var focusKey = null;
    if (active && oldLi.contains(active)) {
      focusKey = active === oldLi ? "self" : [active.getAttribute("data-action"), active.getAttribute("data-emoji"), active.getAttribute("data-from-picker")];
    }
    if (editingId === m.id) {
      var editor = oldLi.querySelector(".message-editor");
      var body = newLi.querySelector(".message-body");
      if (editor && body) { body.replaceWith(editor); }
    }
    var picker = oldLi.querySelector(".reaction-picker");
    var newPicker = newLi.querySelector(".reaction-picker");
    if (picker && newPicker && !picker.hidden) {
      newPicker.hidden = false;
      var toggle = newLi.querySelector('[data-action="picker"]');
      if (toggle) { toggle.setAttribute("aria-expanded", "true"); }
    }
    oldLi.replaceWith(newLi);
    if (focusKey === "self") { newLi.focus(); }
    else if (focusKey) {
      var candidates = newLi.querySelectorAll("[data-action]");
      for (var i = 0; i < candidates.length; i++) {
        var c = candidates[i];
        if (c.getAttribute("data-action") === focusKey[0] && c.getAttribute("data-emoji") === focusKey[1] && c.getAttribute("data-from-picker") === focusKey[2]) { c.focus(); return; }
      }
      if (active && !document.body.contains(active)) { newLi.focus(); }
    }
  }

  function refreshReplies(id) {
    els.list.querySelectorAll('[data-target="' + id + '"]').forEach(function (link) {
      var li = link.closest("li.message");
      var m = li && messages.get(Number(li.getAttribute("data-id")));
      if (m) { swap(li, renderMessage(m), m); }
    });
  }

  function atBottom() {
    return els.scroll.scrollHeight - els.scroll.scrollTop - els.scroll.clientHeight < 80;
  }

  function scrollToBottom() {
    els.scroll.scrollTop = els.scroll.scrollHeight;
    els.jump.hidden = true;
  }

  function updateChrome() {
    els.earlier.hidden = !more;
    els.start.hidden = more || messages.size === 0;
    els.empty.hidden = messages.size > 0 || outbox.length > 0;
  }

  // Put ``m`` in the list in id order (or update it in place); returns true for a new message.
  function upsert(incoming) {
    var existing = messages.get(incoming.id);
    var m = Object.assign({}, existing || {}, incoming);
    if (existing && (incoming.html === null || incoming.html === undefined) && config.staff && existing.html) {
      m.html = existing.html; // live events carry the students' view; staff keep the text
      m.body = existing.body;
    }
    if (existing && !Array.isArray(incoming.mine) && Array.isArray(existing.mine)) { m.mine = existing.mine; }
    messages.set(m.id, m);
    var li = renderMessage(m);
    var old = document.getElementById("message-" + m.id);
    if (old) {
      swap(old, li, m);
    } else {
      var after = null;
      for (var node = els.list.lastElementChild; node; node = node.previousElementSibling) {
        if (node.hasAttribute("data-id") && Number(node.getAttribute("data-id")) < m.id) { after = node; break; }
      }
      if (after) { after.after(li); } else { els.list.prepend(li); }
      refreshReplies(m.id);
    }
    if (oldestId === null || m.id < oldestId) { oldestId = m.id; }
    if (m.id > newestId) { newestId = m.id; }
    if (m.author && m.author.id === me.id && m.client_id) { settle(m.client_id); }
    return !existing;
  }

  function announce(m) {
    if (!m.body) { return; }
    els.announcer.appendChild(h("p", { text: fmt(T.announce, { name: authorName(m), text: plain(m.body, 200) }) }));
    while (els.announcer.children.length > 3) { els.announcer.firstElementChild.remove(); }
  }

  // Add newer messages (live, or caught up after a reconnect) and keep the view where it was.
  function addNewer(list, live) {
    var follow = atBottom();
    var fresh = 0;
    var ownNew = false;
    list.forEach(function (m) {
      if (upsert(m)) {
        fresh += 1;
        var fromOther = !(m.author && m.author.id === me.id);
        if (!fromOther) { ownNew = true; }
        if (live && fromOther) { announce(m); }
      }
    });
    updateChrome();
    if (fresh) {
      if (follow || ownNew) { scrollToBottom(); } else { els.jump.hidden = false; }
    }
    markReadSoon();
  }

  // ---------------------------------------------------------------- outbox
  function settle(clientId) {
    var index = outbox.findIndex(function (e) { return e.client_id === clientId; });
    if (index === -1) { return; }
    outbox.splice(index, 1);
    forgotten.add(clientId);
    saveOutbox();
    var li = document.getElementById("pending-" + clientId);
    if (li) { li.remove(); }
  }

  function confirmSent(m) {
    settle(m.client_id);
    addNewer([m], false);
  }

  function scheduleRetry(entry, delay) {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(pump, delay);
  }

  // Send the oldest unsent message; one at a time, so that they are stored in the order written.
  function pump() {
    if (inFlight || !joined || !socket.connected) { return; }
    var entry = outbox.find(function (e) { return !e.failed; });
    if (!entry) { return; }
    inFlight = entry.client_id;
    var attempt = ++attemptSeq;
    var payload = { room: roomId, client_id: entry.client_id, body: entry.body };
    if (entry.reply_to) { payload.reply_to = entry.reply_to; }
    socket.timeout(ACK_TIMEOUT).emit("send", payload, function (err, ack) {
      if (!err && ack && ack.ok) {
        if (inFlight === entry.client_id) { inFlight = null; }
        entry.tries = 0;
        confirmSent(ack.message);
        pump();
        return;
      }
      if (attempt !== attemptSeq) { return; } // a reconnect started this send over already
      inFlight = null;
      entry.tries = (entry.tries || 0) + 1;
      var delay = Math.min(30000, 1000 * Math.pow(2, Math.min(entry.tries - 1, 5)));
      if (err) { // no answer in time: the same client id again, the server keeps one copy
        scheduleRetry(entry, socket.connected ? 0 : delay);
        return;
      }
      var code = ack && ack.error ? ack.error.code : "server_error";
      if (RETRYABLE[code]) {
        status(failure(null, ack));
        scheduleRetry(entry, delay);
        return;
      }
      entry.failed = { code: code, message: failure(null, ack) };
      saveOutbox();
      renderPending(entry);
      status(entry.failed.message);
      if (code === "archived") { setArchived(true); }
      pump();
    });
  }

  function queue(body) {
    var entry = {
      client_id: window.crypto && crypto.randomUUID ? crypto.randomUUID() : "c" + Date.now() + "-" + Math.random().toString(36).slice(2),
      body: body,
      reply_to: replyTo,
      created: Date.now(),
      failed: null
    };
    outbox.push(entry);
    saveOutbox();
    renderPending(entry);
    updateChrome();
    scrollToBottom();
    pump();
  }

  // ---------------------------------------------------------------- joining
  function applyRoom(room) {
    if (!room) { return; }
    canPost = !!room.can_post;
    canModerate = !!room.can_moderate;
    window.coilRoom.canModerate = canModerate;
    setArchived(!!room.archived);
  }

  function setArchived(value) {
    var changed = value !== archived;
    archived = value;
    if (archived) { canPost = false; }
    els.archivedNote.hidden = !archived;
    if (els.archive) { els.archive.hidden = archived || !canModerate; }
    if (els.body) {
      els.body.disabled = archived || !canPost;
      els.send.disabled = archived || !canPost;
    }
    if (changed) { rerenderAll(); }
  }

  function rerenderAll() {
    messages.forEach(function (m) {
      var old = document.getElementById("message-" + m.id);
      if (old) { swap(old, renderMessage(m), m); }
    });
  }

  function placeUnreadDivider(list, unread) {
    var old = els.list.querySelector(".new-divider");
    if (old) { old.remove(); }
    if (!unread) { return null; }
    var first = null;
    var seen = 0;
    for (var i = list.length - 1; i >= 0 && seen < unread; i--) {
      if (!(list[i].author && list[i].author.id === me.id) && !isGone(list[i])) { seen += 1; first = list[i]; }
    }
    if (!first) { return null; }
    var target = document.getElementById("message-" + first.id);
    if (!target) { return null; }
    var divider = h("li", { className: "new-divider", role: "separator" }, [h("span", { text: T.newMessages })]);
    target.before(divider);
    return divider;
  }

  function firstJoin(ack) {
    els.list.textContent = ""; // the server-rendered page is replaced by the live one
    messages.clear();
    oldestId = null;
    ack.messages.forEach(function (m) { upsert(m); });
    more = !!ack.more;
    var early = pendingEvents;
    pendingEvents = [];
    early.forEach(onMessageEvent);
    updateChrome();
    var divider = placeUnreadDivider(ack.messages, ack.unread || 0);
    if (divider && els.scroll.scrollHeight - divider.offsetTop > els.scroll.clientHeight) {
      els.scroll.scrollTop = divider.offsetTop - 16; // more unread than fit: start at the first
    } else {
      scrollToBottom();
    }
  }

  function join(afterOverride) {
    var seq = ++joinSeq;
    var rejoin = everJoined;
    var payload = { room: roomId };
    if (afterOverride !== undefined) { payload.after = afterOverride; }
    else if (rejoin) { payload.after = newestId; }
    else { payload.limit = config.page; }
    request("join", payload, function (error, ack, timedOut) {
      if (seq !== joinSeq) { return; }
      if (error) {
        if (timedOut && socket.connected) { setTimeout(function () { if (seq === joinSeq) { join(); } }, 2000); }
        status(error);
        if (!timedOut) { setConnection("connectFailed"); }
        return;
      }
      applyRoom(ack.room);
      joined = true;
      everJoined = true;
      if (!rejoin) { firstJoin(ack); } else { addNewer(ack.messages, false); }
      renderPresence(ack.presence || []);
      if (rejoin && ack.more) { join(newestId); return; } // a long absence: fetch the rest
      setConnection(rejoin ? "reconnected" : "connected");
      pump();
      markReadSoon();
      if (rejoin) { setTimeout(refreshRecent, 500); }
      document.dispatchEvent(new CustomEvent("coil:room-joined", { detail: { roomId: roomId, ack: ack } }));
    });
  }

  // After a reconnect: bring edits, deletions and reactions of the newest messages up to date,
  // and fill any message that slipped between the catch-up query and the subscription.
  function refreshRecent() {
    if (!joined) { return; }
    request("history", { room: roomId, limit: config.page }, function (error, ack) {
      if (error) { return; }
      var newer = ack.messages.filter(function (m) { return oldestId === null || m.id >= oldestId; });
      newer.forEach(function (m) {
        if (messages.has(m.id)) { upsert(m); }
      });
      addNewer(newer.filter(function (m) { return !messages.has(m.id); }), false);
    });
  }

  function loadEarlier(announceIt) {
    if (loadingEarlier) { return loadingEarlier; }
    if (!more || !joined || oldestId === null) { return Promise.resolve(false); }
    loadingEarlier = new Promise(function (resolve) {
      request("history", { room: roomId, before: oldestId, limit: config.page }, function (error, ack) {
        loadingEarlier = null;
        if (error) { status(error); resolve(false); return; }
        var height = els.scroll.scrollHeight;
        var top = els.scroll.scrollTop;
        var fragment = document.createDocumentFragment();
        ack.messages.forEach(function (m) {
          if (messages.has(m.id)) { return; }
          messages.set(m.id, m);
          fragment.appendChild(renderMessage(m));
          if (oldestId === null || m.id < oldestId) { oldestId = m.id; }
        });
        els.list.prepend(fragment);
        ack.messages.forEach(function (m) { refreshReplies(m.id); });
        more = !!ack.more;
        updateChrome();
        els.scroll.scrollTop = top + (els.scroll.scrollHeight - height);
        if (announceIt) { status(more ? T.loadedEarlier : T.start); }
        resolve(true);
      });
    });
    return loadingEarlier;
  }

  // ---------------------------------------------------------------- live events
  function onMessageEvent(event) {
    if (!event || event.room_id !== roomId) { return; }
    if (!everJoined) { pendingEvents.push(event); return; }
    if (event.op === "created") {
      typingStopped(event.author ? event.author.id : null);
      addNewer([event], true);
    } else if (event.op === "reacted") {
      var m = messages.get(event.id);
      if (m) { upsert({ id: event.id, reactions: event.reactions }); }
    } else if (messages.has(event.id)) { // updated, deleted, removed
      upsert(event);
    }
  }

  function renderPresence(users) {
    els.presence.textContent = "";
    users.forEach(function (user) {
      var li = h("li", {}, [user.name]);
      if (user.id === me.id) { li.appendChild(h("span", { className: "muted", text: " (" + T.you + ")" })); }
      els.presence.appendChild(li);
    });
    els.presenceCount.textContent = "(" + users.length + ")";
  }

  function renderTyping() {
    var names = Array.from(typers.values()).map(function (t) { return t.name; });
    var text = "";
    if (names.length === 1) { text = fmt(T.typingOne, { name: names[0] }); }
    else if (names.length === 2) { text = fmt(T.typingTwo, { first: names[0], second: names[1] }); }
    else if (names.length > 2) { text = T.typingMany; }
    els.typing.textContent = text;
  }

  function typingStopped(userId) {
    var typer = typers.get(userId);
    if (!typer) { return; }
    clearTimeout(typer.timer);
    typers.delete(userId);
    renderTyping();
  }

  socket.on("message", onMessageEvent);
  socket.on("presence", function (event) {
    if (event && event.room_id === roomId) { renderPresence(event.users || []); }
  });
  socket.on("typing", function (event) {
    if (!event || event.room_id !== roomId || !event.user || event.user.id === me.id) { return; }
    typingStopped(event.user.id);
    if (event.op === "started") {
      var timer = setTimeout(function () { typingStopped(event.user.id); }, 6000);
      typers.set(event.user.id, { name: event.user.name, timer: timer });
      renderTyping();
    }
  });
  socket.on("room", function (event) {
    if (event && event.op === "archived" && event.id === roomId) { setArchived(true); status(T.archived); }
  });

  socket.on("connect", function () {
    joined = false;
    setConnection(everJoined ? "reconnecting" : "connecting");
    join();
  });
  socket.on("disconnect", function () {
    joined = false;
    inFlight = null;
    attemptSeq += 1; // answers to sends of the old connection no longer steer the outbox
    joinSeq += 1;
    setConnection("reconnecting");
    typers.forEach(function (t) { clearTimeout(t.timer); });
    typers.clear();
    renderTyping();
  });
  socket.on("connect_error", function () {
    setConnection(socket.active ? "reconnecting" : "connectFailed");
  });

  // ---------------------------------------------------------------- reading
  var readTimer = null;
  function newestVisibleId() {
    var box = els.scroll.getBoundingClientRect();
    for (var node = els.list.lastElementChild; node; node = node.previousElementSibling) {
      if (!node.hasAttribute("data-id")) { continue; }
      var rect = node.getBoundingClientRect();
      if (rect.bottom <= box.top) { break; }
      if (rect.top < box.bottom - 8) { return Number(node.getAttribute("data-id")); }
    }
    return 0;
  }
  function markRead() {
    readTimer = null;
    if (!joined || document.visibilityState !== "visible") { return; }
    var id = newestVisibleId();
    if (id <= lastReadSent) { return; }
    lastReadSent = id;
    request("read", { room: roomId, message: id }, function (error) {
      if (error && lastReadSent === id) { lastReadSent = 0; }
    });
  }
  function markReadSoon() {
    if (!readTimer) { readTimer = setTimeout(markRead, 400); }
  }
  document.addEventListener("visibilitychange", markReadSoon);
  window.addEventListener("focus", markReadSoon);

  els.scroll.addEventListener("scroll", function () {
    if (atBottom()) { els.jump.hidden = true; }
    if (els.scroll.scrollTop < 150 && more) { loadEarlier(false); }
    markReadSoon();
  });
  els.earlier.addEventListener("click", function () { loadEarlier(true); });
  els.jump.addEventListener("click", function () {
    scrollToBottom();
    var last = els.list.lastElementChild;
    if (last) { last.focus({ preventScroll: true }); }
  });

  function jumpTo(id, tries) {
    var target = document.getElementById("message-" + id);
    if (target) {
      target.scrollIntoView({ block: "center" });
      target.classList.add("highlight");
      setTimeout(function () { target.classList.remove("highlight"); }, 2500);
      target.focus({ preventScroll: true });
      return;
    }
    if (more && (tries || 0) < 40 && (oldestId === null || id < oldestId)) {
      loadEarlier(false).then(function (ok) { if (ok) { jumpTo(id, (tries || 0) + 1); } else { status(T.notLoaded); } });
    } else {
      status(T.notLoaded);
    }
  }

  // ---------------------------------------------------------------- message actions
  function closePickers(except) {
    els.list.querySelectorAll(".reaction-picker:not([hidden])").forEach(function (picker) {
      if (picker === except) { return; }
      picker.hidden = true;
      var toggle = picker.closest("li").querySelector('[data-action="picker"]');
      if (toggle) { toggle.setAttribute("aria-expanded", "false"); }
    });
  }

  function react(m, emoji, button) {
    var on = !isMine(m, emoji);
    request("react", { message: m.id, emoji: emoji, on: on }, function (error, ack) {
      if (error) { status(error); return; }
      setMine(m, emoji, on && (ack.reactions[emoji] || 0) > 0);
      var fromPicker = button && button.getAttribute("data-from-picker");
      upsert({ id: m.id, reactions: ack.reactions });
      if (fromPicker) {
        var li = document.getElementById("message-" + m.id);
        closePickers(null);
        var toggle = li && li.querySelector('[data-action="picker"]');
        if (toggle) { toggle.focus(); }
      }
    });
  }

  function startReply(m) {
    replyTo = m.id;
    els.replyText.textContent = "";
    els.replyText.appendChild(h("strong", { text: fmt(T.replyingTo, { name: authorName(m) }) }));
    els.replyText.appendChild(document.createTextNode(" " + plain(m.body, 140)));
    els.replyBox.hidden = false;
    els.body.focus();
  }

  function cancelReply() {
    replyTo = null;
    if (els.replyBox) { els.replyBox.hidden = true; }
  }

  function stopEditing(li, m) {
    editingId = null;
    var fresh = renderMessage(m);
    li.replaceWith(fresh);
    var edit = fresh.querySelector('[data-action="edit"]');
    if (edit) { edit.focus(); } else { fresh.focus(); }
  }

  function startEdit(li, m) {
    if (editingId !== null) {
      var other = document.getElementById("message-" + editingId);
      var previous = messages.get(editingId);
      if (other && previous) { stopEditing(other, previous); }
    }
    editingId = m.id;
    var fieldId = "edit-" + m.id;
    var area = h("textarea", { id: fieldId, rows: "3", maxlength: String(config.maxChars) });
    area.value = m.body || "";
    var editor = h("form", { className: "message-editor", novalidate: true }, [
      h("label", { for: fieldId, className: "visually-hidden", text: T.editLabel }),
      area,
      h("div", { className: "actions" }, [
        h("button", { type: "submit", className: "primary", text: T.save }),
        h("button", { type: "button", "data-action": "cancel-edit", text: T.cancel })
      ])
    ]);
    function save(event) {
      if (event) { event.preventDefault(); }
      var text = area.value;
      if (!text.trim() || text === m.body) { stopEditing(document.getElementById("message-" + m.id), messages.get(m.id)); return; }
      request("edit", { message: m.id, body: text }, function (error, ack) {
        if (error) { status(error); return; }
        editingId = null;
        upsert(ack.message);
        var current = document.getElementById("message-" + m.id);
        var edit = current && current.querySelector('[data-action="edit"]');
        if (edit) { edit.focus(); }
        status(T.saved);
      });
    }
    editor.addEventListener("submit", save);
    area.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { save(event); }
      else if (event.key === "Escape") { event.preventDefault(); stopEditing(document.getElementById("message-" + m.id), messages.get(m.id)); }
    });
    var body = li.querySelector(".message-body");
    if (body) { body.replaceWith(editor); } else { li.appendChild(editor); }
    area.focus();
    area.setSelectionRange(area.value.length, area.value.length);
  }

  function moderate(action, m, question) {
    if (!window.confirm(question)) { return; }
    request(action, { message: m.id }, function (error, ack) {
      if (error) { status(error); return; }
      upsert(ack.message);
    });
  }

  els.list.addEventListener("click", function (event) {
    var button = event.target.closest("[data-action]");
    if (!button || !els.list.contains(button)) { return; }
    var li = button.closest("li.message");
    var m = li && messages.get(Number(li.getAttribute("data-id")));
    var action = button.getAttribute("data-action");
    if (action === "goto") {
      event.preventDefault();
      jumpTo(Number(button.getAttribute("data-target")));
      return;
    }
    if (!m) { return; }
    if (action === "reply") { startReply(m); }
    else if (action === "picker") {
      var picker = document.getElementById("picker-" + m.id);
      var open = picker.hidden;
      closePickers(picker);
      picker.hidden = !open;
      button.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) { picker.querySelector("button").focus(); }
    }
    else if (action === "react") { react(m, button.getAttribute("data-emoji"), button); }
    else if (action === "edit") { startEdit(li, m); }
    else if (action === "cancel-edit") { stopEditing(li, m); }
    else if (action === "delete") { moderate("delete", m, T.confirmDelete); }
    else if (action === "remove") { moderate("remove", m, T.confirmRemove); }
  });
  els.list.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var picker = event.target.closest(".reaction-picker");
    if (picker) {
      closePickers(null);
      var toggle = picker.closest("li").querySelector('[data-action="picker"]');
      if (toggle) { toggle.focus(); }
    }
  });

  els.outbox.addEventListener("click", function (event) {
    var button = event.target.closest("[data-action]");
    if (!button) { return; }
    var clientId = button.closest("li").getAttribute("data-client");
    var entry = outbox.find(function (e) { return e.client_id === clientId; });
    if (!entry) { return; }
    if (button.getAttribute("data-action") === "retry") {
      entry.failed = null;
      entry.tries = 0;
      saveOutbox();
      renderPending(entry);
      pump();
    } else {
      settle(clientId);
      updateChrome();
      if (els.body && !els.body.value) { els.body.value = entry.body; }
      if (els.body) { els.body.focus(); }
    }
  });

  // ---------------------------------------------------------------- composer
  var typingSentAt = 0;
  var typingActive = false;
  var typingIdle = null;
  function stopTyping() {
    clearTimeout(typingIdle);
    typingIdle = null;
    if (!typingActive) { return; }
    typingActive = false;
    typingSentAt = 0;
    if (socket.connected && joined) { socket.emit("typing", { room: roomId, typing: false }); }
  }
  function noteTyping() {
    if (!els.body.value.trim()) { stopTyping(); return; }
    var now = Date.now();
    if (now - typingSentAt >= TYPING_EVERY && socket.connected && joined) {
      typingSentAt = now;
      typingActive = true;
      socket.emit("typing", { room: roomId, typing: true });
    }
    clearTimeout(typingIdle);
    typingIdle = setTimeout(stopTyping, TYPING_IDLE);
  }

  if (els.composer) {
    els.body.disabled = !canPost || archived;
    els.send.disabled = !canPost || archived;
    els.composer.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!canPost || archived) { return; }
      var text = els.body.value;
      if (!text.trim()) { els.body.focus(); return; }
      if (text.length > config.maxChars) { return; }
      stopTyping();
      queue(text);
      els.body.value = "";
      cancelReply();
      els.body.focus();
    });
    els.body.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.altKey && !event.isComposing) {
        event.preventDefault();
        els.composer.requestSubmit();
      } else if (event.key === "Escape" && replyTo !== null) {
        cancelReply();
      }
    });
    els.body.addEventListener("input", noteTyping);
    els.body.addEventListener("blur", stopTyping);
    els.replyCancel.addEventListener("click", function () { cancelReply(); els.body.focus(); });
  }

  if (els.archive) {
    els.archive.hidden = archived || !canModerate;
    els.archive.addEventListener("click", function () {
      if (!window.confirm(T.confirmArchive)) { return; }
      request("archive", { room: roomId }, function (error, ack) {
        if (error) { status(error); return; }
        applyRoom(ack.room);
        status(T.archived);
      });
    });
  }

  // ---------------------------------------------------------------- search
  if (els.search) {
    els.search.addEventListener("submit", function (event) {
      event.preventDefault();
      var q = els.searchQ.value.trim();
      els.results.textContent = "";
      if (!q) { els.searchStatus.textContent = ""; return; }
      els.searchStatus.textContent = T.searching;
      request("search", { room: roomId, q: q }, function (error, ack) {
        if (error) { els.searchStatus.textContent = error; return; }
        var n = ack.messages.length;
        els.searchStatus.textContent = n === 0 ? T.foundNone : n === 1 ? T.foundOne : fmt(T.foundOther, { count: n });
        ack.messages.forEach(function (m) {
          var date = parseTime(m.created_at);
          els.results.appendChild(h("li", { className: "search-result" }, [
            h("p", { className: "message-meta" }, [
              h("span", { className: "message-author", text: authorName(m) }), " ",
              h("time", { datetime: m.created_at, title: fullFormat.format(date), text: shortTime(date) })
            ]),
            h("div", { className: "message-body", html: m.html || "" }),
            h("button", { type: "button", className: "link-button", "data-jump": String(m.id), text: T.showInConversation })
          ]));
        });
      });
    });
    els.results.addEventListener("click", function (event) {
      var button = event.target.closest("[data-jump]");
      if (button) { jumpTo(Number(button.getAttribute("data-jump"))); }
    });
  }

  // ---------------------------------------------------------------- start
  renderOutbox();
  updateChrome();
  scrollToBottom();
  setConnection(socket.connected ? "connected" : "connecting");
  if (socket.connected) { join(); }
})();
