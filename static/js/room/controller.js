// The live room page's controller (docs/realtime.md): joins the room, and after a reconnect
// rejoins with ``after`` the newest message it has; shows the connection's state; keeps the
// list in id order as messages arrive (live, caught up, or loaded earlier); marks what the
// viewer has read; and wires the composer, search, the archive button and the socket's events.
// The server renders the newest page first (the room reads without JavaScript); the first join
// replaces it with the live list.
import { config, T, me, roomId, els, state, request } from "./state.js";
import { fmt, h, plain, status } from "./dom.js";
import { authorName, isGone, parseTime, shortTime, timeElement, renderMessage, swap, refreshReplies, rerenderAll } from "./render.js";
import { createOutbox, refusal } from "./outbox.js";
import { renderPresence, onPresenceEvent, onTypingEvent, typingStopped, clearTyping, noteTyping, stopTyping } from "./presence.js";
import { wireMessageActions, cancelReply } from "./actions.js";

let outbox = null;
let joinSeq = 0;
let pendingEvents = []; // events that arrived before the first join answered
let lastReadSent = 0;
let loadingEarlier = null;
let readTimer = null;

function setConnection(name) {
  if (!els.conn) { return; }
  els.conn.setAttribute("data-state", name);
  els.connText.textContent = T[name] || "";
}

// ---------------------------------------------------------------- the list
function atBottom() {
  return els.scroll.scrollHeight - els.scroll.scrollTop - els.scroll.clientHeight < 80;
}

function scrollToBottom() {
  els.scroll.scrollTop = els.scroll.scrollHeight;
  els.jump.hidden = true;
}

function updateChrome() {
  els.earlier.hidden = !state.more;
  els.start.hidden = state.more || state.messages.size === 0;
  els.empty.hidden = state.messages.size > 0 || outbox.size > 0;
}

// Put ``m`` in the list in id order (or update it in place); returns true for a new message.
function upsert(incoming) {
  const existing = state.messages.get(incoming.id);
  const m = Object.assign({}, existing || {}, incoming);
  if (existing && (incoming.html === null || incoming.html === undefined) && config.staff && existing.html) {
    m.html = existing.html; // live events carry the students' view; staff keep the text
    m.body = existing.body;
  }
  if (existing && !Array.isArray(incoming.mine) && Array.isArray(existing.mine)) { m.mine = existing.mine; }
  state.messages.set(m.id, m);
  const li = renderMessage(m);
  const old = document.getElementById("message-" + m.id);
  if (old) {
    swap(old, li, m);
  } else {
    let after = null;
    for (let node = els.list.lastElementChild; node; node = node.previousElementSibling) {
      if (node.hasAttribute("data-id") && Number(node.getAttribute("data-id")) < m.id) { after = node; break; }
    }
    if (after) { after.after(li); } else { els.list.prepend(li); }
    refreshReplies(m.id);
  }
  if (state.oldestId === null || m.id < state.oldestId) { state.oldestId = m.id; }
  if (m.id > state.newestId) { state.newestId = m.id; }
  if (m.author && m.author.id === me.id && m.client_id) { outbox.settle(m.client_id); }
  return !existing;
}

function announce(m) {
  if (!m.body) { return; }
  els.announcer.appendChild(h("p", { text: fmt(T.announce, { name: authorName(m), text: plain(m.body, 200) }) }));
  while (els.announcer.children.length > 3) { els.announcer.firstElementChild.remove(); }
}

// Add newer messages (live, or caught up after a reconnect) and keep the view where it was.
function addNewer(list, live) {
  const follow = atBottom();
  let fresh = 0;
  let ownNew = false;
  list.forEach((m) => {
    if (upsert(m)) {
      fresh += 1;
      const fromOther = !(m.author && m.author.id === me.id);
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

function loadEarlier(announceIt) {
  if (loadingEarlier) { return loadingEarlier; }
  if (!state.more || !state.joined || state.oldestId === null) { return Promise.resolve(false); }
  loadingEarlier = new Promise((resolve) => {
    request("history", { room: roomId, before: state.oldestId, limit: config.page }, (error, ack) => {
      loadingEarlier = null;
      if (error) { status(error); resolve(false); return; }
      const height = els.scroll.scrollHeight;
      const top = els.scroll.scrollTop;
      const fragment = document.createDocumentFragment();
      ack.messages.forEach((m) => {
        if (state.messages.has(m.id)) { return; }
        state.messages.set(m.id, m);
        fragment.appendChild(renderMessage(m));
        if (state.oldestId === null || m.id < state.oldestId) { state.oldestId = m.id; }
      });
      els.list.prepend(fragment);
      ack.messages.forEach((m) => { refreshReplies(m.id); });
      state.more = !!ack.more;
      updateChrome();
      els.scroll.scrollTop = top + (els.scroll.scrollHeight - height);
      if (announceIt) { status(state.more ? T.loadedEarlier : T.start); }
      resolve(true);
    });
  });
  return loadingEarlier;
}

function jumpTo(id, tries) {
  const target = document.getElementById("message-" + id);
  if (target) {
    target.scrollIntoView({ block: "center" });
    target.classList.add("highlight");
    setTimeout(() => { target.classList.remove("highlight"); }, 2500);
    target.focus({ preventScroll: true });
    return;
  }
  if (state.more && (tries || 0) < 40 && (state.oldestId === null || id < state.oldestId)) {
    loadEarlier(false).then((ok) => { if (ok) { jumpTo(id, (tries || 0) + 1); } else { status(T.notLoaded); } });
  } else {
    status(T.notLoaded);
  }
}

// ---------------------------------------------------------------- the room's rights
function setArchived(value) {
  const changed = value !== state.archived;
  state.archived = value;
  if (state.archived) { state.canPost = false; }
  els.archivedNote.hidden = !state.archived;
  if (els.archive) { els.archive.hidden = state.archived || !state.canModerate; }
  if (els.body) {
    els.body.disabled = state.archived || !state.canPost;
    els.send.disabled = state.archived || !state.canPost;
  }
  if (changed) { rerenderAll(); }
}

function applyRoom(room) {
  if (!room) { return; }
  state.canPost = !!room.can_post;
  state.canModerate = !!room.can_moderate;
  window.coilRoom.canModerate = state.canModerate;
  setArchived(!!room.archived);
}

// ---------------------------------------------------------------- joining
// The oldest of the newest ``unread`` messages by others: where "New messages" starts.
function firstUnread(list, unread) {
  let first = null;
  let seen = 0;
  for (let i = list.length - 1; i >= 0 && seen < unread; i--) {
    if (!(list[i].author && list[i].author.id === me.id) && !isGone(list[i])) { seen += 1; first = list[i]; }
  }
  return first ? first.id : null;
}

function firstJoin(ack) {
  els.list.textContent = ""; // the server-rendered page is replaced by the live one
  state.messages.clear();
  state.oldestId = null;
  state.firstUnreadId = firstUnread(ack.messages, ack.unread || 0);
  ack.messages.forEach((m) => { upsert(m); });
  state.more = !!ack.more;
  const early = pendingEvents;
  pendingEvents = [];
  early.forEach(onMessageEvent);
  updateChrome();
  const marked = state.firstUnreadId === null ? null : document.getElementById("message-" + state.firstUnreadId);
  if (marked && els.scroll.scrollHeight - marked.offsetTop > els.scroll.clientHeight) {
    els.scroll.scrollTop = marked.offsetTop - 16; // more unread than fit: start at the first
  } else {
    scrollToBottom();
  }
}

function join(afterOverride) {
  const seq = ++joinSeq;
  const rejoin = state.everJoined;
  const payload = { room: roomId };
  if (afterOverride !== undefined) { payload.after = afterOverride; }
  else if (rejoin) { payload.after = state.newestId; }
  else { payload.limit = config.page; }
  request("join", payload, (error, ack, timedOut) => {
    if (seq !== joinSeq) { return; }
    if (error) {
      if (timedOut && state.socket.connected) { setTimeout(() => { if (seq === joinSeq) { join(); } }, 2000); }
      status(error);
      if (!timedOut) { setConnection("connectFailed"); }
      return;
    }
    applyRoom(ack.room);
    state.joined = true;
    state.everJoined = true;
    if (!rejoin) { firstJoin(ack); } else { addNewer(ack.messages, false); }
    renderPresence(ack.presence || []);
    if (rejoin && ack.more) { join(state.newestId); return; } // a long absence: fetch the rest
    setConnection(rejoin ? "reconnected" : "connected");
    outbox.pump();
    markReadSoon();
    if (rejoin) { setTimeout(refreshRecent, 500); }
    document.dispatchEvent(new CustomEvent("coil:room-joined", { detail: { roomId: roomId, ack: ack } }));
  });
}

// After a reconnect: bring edits, deletions and reactions of the newest messages up to date,
// and fill any message that slipped between the catch-up query and the subscription.
function refreshRecent() {
  if (!state.joined) { return; }
  request("history", { room: roomId, limit: config.page }, (error, ack) => {
    if (error) { return; }
    const newer = ack.messages.filter((m) => state.oldestId === null || m.id >= state.oldestId);
    newer.forEach((m) => {
      if (state.messages.has(m.id)) { upsert(m); }
    });
    addNewer(newer.filter((m) => !state.messages.has(m.id)), false);
  });
}

// ---------------------------------------------------------------- live events
function onMessageEvent(event) {
  if (!event || event.room_id !== roomId) { return; }
  if (!state.everJoined) { pendingEvents.push(event); return; }
  if (event.op === "created") {
    typingStopped(event.author ? event.author.id : null);
    addNewer([event], true);
  } else if (event.op === "reacted") {
    if (state.messages.has(event.id)) { upsert({ id: event.id, reactions: event.reactions }); }
  } else if (state.messages.has(event.id)) { // updated, deleted, removed
    upsert(event);
  }
}

function wireSocket(socket) {
  socket.on("message", onMessageEvent);
  socket.on("presence", onPresenceEvent);
  socket.on("typing", onTypingEvent);
  socket.on("room", (event) => {
    if (event && event.op === "archived" && event.id === roomId) { setArchived(true); status(T.archived); }
  });
  socket.on("connect", () => {
    state.joined = false;
    setConnection(state.everJoined ? "reconnecting" : "connecting");
    join();
  });
  socket.on("disconnect", () => {
    state.joined = false;
    outbox.connectionLost();
    joinSeq += 1;
    setConnection("reconnecting");
    clearTyping();
  });
  socket.on("connect_error", () => {
    setConnection(socket.active ? "reconnecting" : "connectFailed");
  });
}

// ---------------------------------------------------------------- reading
function newestVisibleId() {
  const box = els.scroll.getBoundingClientRect();
  for (let node = els.list.lastElementChild; node; node = node.previousElementSibling) {
    if (!node.hasAttribute("data-id")) { continue; }
    const rect = node.getBoundingClientRect();
    if (rect.bottom <= box.top) { break; }
    if (rect.top < box.bottom - 8) { return Number(node.getAttribute("data-id")); }
  }
  return 0;
}

function markRead() {
  readTimer = null;
  if (!state.joined || document.visibilityState !== "visible") { return; }
  const id = newestVisibleId();
  if (id <= lastReadSent) { return; }
  lastReadSent = id;
  request("read", { room: roomId, message: id }, (error) => {
    if (error && lastReadSent === id) { lastReadSent = 0; }
  });
}

function markReadSoon() {
  if (!readTimer) { readTimer = setTimeout(markRead, 400); }
}

function wireScrolling() {
  document.addEventListener("visibilitychange", markReadSoon);
  window.addEventListener("focus", markReadSoon);
  els.scroll.addEventListener("scroll", () => {
    if (atBottom()) { els.jump.hidden = true; }
    if (els.scroll.scrollTop < 150 && state.more) { loadEarlier(false); }
    markReadSoon();
  });
  els.earlier.addEventListener("click", () => { loadEarlier(true); });
  els.jump.addEventListener("click", () => {
    scrollToBottom();
    const last = els.list.lastElementChild;
    if (last) { last.focus({ preventScroll: true }); }
  });
}

// ---------------------------------------------------------------- composer, archive, search
function wireComposer() {
  if (!els.composer) { return; }
  els.body.disabled = !state.canPost || state.archived;
  els.send.disabled = !state.canPost || state.archived;
  els.composer.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!state.canPost || state.archived) { return; }
    const text = els.body.value;
    if (!text.trim()) { els.body.focus(); return; }
    // Refused here, before the outbox: the text stays in the box to be shortened.
    const refused = refusal(text);
    if (refused) {
      els.body.setAttribute("aria-invalid", "true");
      status(refused.message);
      els.body.focus();
      return;
    }
    stopTyping();
    if (!outbox.queue(text, state.replyTo)) { return; }
    updateChrome();
    scrollToBottom();
    els.body.value = "";
    cancelReply();
    els.body.focus();
  });
  els.body.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.altKey && !event.isComposing) {
      event.preventDefault();
      els.composer.requestSubmit();
    } else if (event.key === "Escape" && state.replyTo !== null) {
      cancelReply();
    }
  });
  els.body.addEventListener("input", () => {
    els.body.removeAttribute("aria-invalid");
    noteTyping();
  });
  els.body.addEventListener("blur", stopTyping);
  els.replyCancel.addEventListener("click", () => { cancelReply(); els.body.focus(); });
}

function wireArchive() {
  if (!els.archive) { return; }
  els.archive.hidden = state.archived || !state.canModerate;
  els.archive.addEventListener("click", () => {
    if (!window.confirm(T.confirmArchive)) { return; }
    request("archive", { room: roomId }, (error, ack) => {
      if (error) { status(error); return; }
      applyRoom(ack.room);
      status(T.archived);
    });
  });
}

function wireSearch() {
  if (!els.search) { return; }
  els.search.addEventListener("submit", (event) => {
    event.preventDefault();
    const q = els.searchQ.value.trim();
    els.results.textContent = "";
    if (!q) { els.searchStatus.textContent = ""; return; }
    els.searchStatus.textContent = T.searching;
    request("search", { room: roomId, q: q }, (error, ack) => {
      if (error) { els.searchStatus.textContent = error; return; }
      const n = ack.messages.length;
      els.searchStatus.textContent = n === 0 ? T.foundNone : n === 1 ? T.foundOne : fmt(T.foundOther, { count: n });
      ack.messages.forEach((m) => {
        const date = parseTime(m.created_at);
        els.results.appendChild(h("li", { className: "search-result" }, [
          h("p", { className: "message-meta" }, [
            h("span", { className: "message-author", text: authorName(m) }), " ",
            timeElement(m.created_at, date, shortTime(date))
          ]),
          h("div", { className: "message-body", html: m.html || "" }),
          h("button", { type: "button", className: "link-button", "data-jump": String(m.id), text: T.showInConversation })
        ]));
      });
    });
  });
  els.results.addEventListener("click", (event) => {
    const button = event.target.closest("[data-jump]");
    if (button) { jumpTo(Number(button.getAttribute("data-jump"))); }
  });
}

// ---------------------------------------------------------------- start
export function start() {
  const socket = window.coilLive.socket();
  if (!socket) { return; }
  state.socket = socket;
  // For the scripts beside this one (dialogue.js); canModerate follows the room's rights.
  window.coilRoom = { socket: socket, roomId: roomId, me: me, canModerate: state.canModerate };
  outbox = createOutbox({
    onSent: (m) => { addNewer([m], false); },
    onRefused: (code) => { if (code === "archived") { setArchived(true); } },
    onDiscard: (entry) => {
      updateChrome();
      if (els.body && !els.body.value) { els.body.value = entry.body; }
      if (els.body) { els.body.focus(); }
    }
  });
  wireSocket(socket);
  wireScrolling();
  wireMessageActions({ upsert: upsert, jumpTo: jumpTo });
  wireComposer();
  wireArchive();
  wireSearch();
  outbox.render();
  updateChrome();
  scrollToBottom();
  setConnection(socket.connected ? "connected" : "connecting");
  if (socket.connected) { join(); }
}
