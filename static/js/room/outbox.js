// The outbox: messages written but not yet stored by the server. Kept in memory and in
// localStorage (per person and room), so they survive reconnects and reloads; sent one at a
// time, oldest first, so that they are stored in the order written; resent with the same
// client id until acknowledged (the server keeps one copy per client id, docs/realtime.md).
// A message the server can never accept (too long, malformed) stays as "not sent", never resent.
import { config, T, me, roomId, els, state, ACK_TIMEOUT, failure } from "./state.js";
import { status } from "./dom.js";
import { renderPending } from "./render.js";

// Worth sending again as it is, after a pause.
const RETRYABLE = new Set(["busy", "rate_limited", "server_error"]);
// The same text can never succeed: offer only Discard (which hands the text back to edit).
const PERMANENT = new Set(["too_long", "malformed", "empty"]);

/** The length the server checks: characters (code points) of the trimmed text. */
export function length(body) {
  return Array.from(String(body).trim()).length;
}

/**
 * Why ``body`` cannot be sent (the page's own refusal, in the viewer's language), or null.
 * Refusing here matters: the server would answer too_long, and a body over about 1 MB makes
 * Engine.IO close the connection instead, so that an outbox resending it would loop forever.
 */
export function refusal(body) {
  return length(body) > config.maxChars ? { code: "too_long", message: T.tooLong } : null;
}

function newClientId() {
  return window.crypto && crypto.randomUUID ? crypto.randomUUID() : "c" + Date.now() + "-" + Math.random().toString(36).slice(2);
}

/**
 * The room's outbox, rendered into #outbox. ``onSent(message)`` runs with each stored message
 * (after its entry is gone); ``onRefused(code)`` when the server refused one for good;
 * ``onDiscard(entry)`` when the person discards a failed one.
 */
export function createOutbox({ onSent, onRefused, onDiscard }) {
  const storageKey = "coil.outbox." + me.id + "." + roomId;
  const forgotten = new Set(); // client ids sent or discarded here: never write them back
  let inFlight = null;
  let attemptSeq = 0;
  let retryTimer = null;

  function readStored() {
    try {
      const stored = JSON.parse(localStorage.getItem(storageKey) || "[]");
      return Array.isArray(stored) ? stored.filter((e) => e && e.client_id && typeof e.body === "string") : [];
    } catch (e) { return []; }
  }

  // An entry stored by an older page (or before the limit was lowered) may be too long: it is
  // shown as not sent rather than sent into a refusal (or a closed connection) again and again.
  const entries = readStored().map((e) => ({
    client_id: e.client_id, body: e.body, reply_to: e.reply_to || null, created: e.created || Date.now(),
    failed: e.failed || refusal(e.body)
  }));

  // Other tabs of the same room keep their own outbox in the same key: merge, never clobber.
  function save() {
    const mine = new Set(entries.map((e) => e.client_id));
    const theirs = readStored().filter((e) => !mine.has(e.client_id) && !forgotten.has(e.client_id));
    const all = theirs.concat(entries.map((e) => ({ client_id: e.client_id, body: e.body, reply_to: e.reply_to, created: e.created, failed: e.failed })));
    try {
      if (all.length) { localStorage.setItem(storageKey, JSON.stringify(all)); }
      else { localStorage.removeItem(storageKey); }
    } catch (e) { /* private mode or full: the in-memory outbox still resends */ }
  }

  function renderOne(entry) {
    const li = renderPending(entry, !(entry.failed && PERMANENT.has(entry.failed.code)));
    const old = document.getElementById("pending-" + entry.client_id);
    if (old) { old.replaceWith(li); } else { els.outbox.appendChild(li); }
  }

  function render() {
    els.outbox.textContent = "";
    entries.forEach(renderOne);
  }

  /** Drop the entry of ``clientId`` (stored, or discarded). */
  function settle(clientId) {
    const index = entries.findIndex((e) => e.client_id === clientId);
    if (index === -1) { return; }
    entries.splice(index, 1);
    forgotten.add(clientId);
    save();
    const li = document.getElementById("pending-" + clientId);
    if (li) { li.remove(); }
  }

  function scheduleRetry(delay) {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(pump, delay);
  }

  // Send the oldest unsent message; one at a time, so that they are stored in the order written.
  function pump() {
    if (inFlight || !state.joined || !state.socket.connected) { return; }
    const entry = entries.find((e) => !e.failed);
    if (!entry) { return; }
    inFlight = entry.client_id;
    const attempt = ++attemptSeq;
    const payload = { room: roomId, client_id: entry.client_id, body: entry.body };
    if (entry.reply_to) { payload.reply_to = entry.reply_to; }
    state.socket.timeout(ACK_TIMEOUT).emit("send", payload, (err, ack) => {
      if (!err && ack && ack.ok) {
        if (inFlight === entry.client_id) { inFlight = null; }
        entry.tries = 0;
        settle(ack.message.client_id);
        onSent(ack.message);
        pump();
        return;
      }
      if (attempt !== attemptSeq) { return; } // a reconnect started this send over already
      inFlight = null;
      entry.tries = (entry.tries || 0) + 1;
      const delay = Math.min(30000, 1000 * Math.pow(2, Math.min(entry.tries - 1, 5)));
      if (err) { // no answer in time: the same client id again, the server keeps one copy
        scheduleRetry(state.socket.connected ? 0 : delay);
        return;
      }
      const code = ack && ack.error ? ack.error.code : "server_error";
      if (RETRYABLE.has(code)) {
        status(failure(null, ack));
        scheduleRetry(delay);
        return;
      }
      entry.failed = { code: code, message: failure(null, ack) };
      save();
      renderOne(entry);
      status(entry.failed.message);
      onRefused(code);
      pump();
    });
  }

  /** Put ``body`` in the outbox and send it; false (nothing queued) if it cannot be sent. */
  function queue(body, replyTo) {
    if (refusal(body)) { return false; }
    const entry = { client_id: newClientId(), body: body, reply_to: replyTo, created: Date.now(), failed: null };
    entries.push(entry);
    save();
    renderOne(entry);
    pump();
    return true;
  }

  /** The connection dropped: answers to sends of the old connection no longer steer the outbox. */
  function connectionLost() {
    inFlight = null;
    attemptSeq += 1;
  }

  els.outbox.addEventListener("click", (event) => {
    const button = event.target.closest("[data-action]");
    if (!button) { return; }
    const clientId = button.closest("li").getAttribute("data-client");
    const entry = entries.find((e) => e.client_id === clientId);
    if (!entry) { return; }
    if (button.getAttribute("data-action") === "retry") {
      entry.failed = null;
      entry.tries = 0;
      save();
      renderOne(entry);
      pump();
    } else {
      settle(clientId);
      onDiscard(entry);
    }
  });

  return {
    get size() { return entries.length; },
    queue: queue,
    settle: settle,
    pump: pump,
    render: render,
    connectionLost: connectionLost
  };
}
