// Who is here and who is typing: the presence list beside the room, the "… is typing" line
// under it, and telling the others (throttled) while the viewer types in the composer.
import { T, me, roomId, els, state } from "./state.js";
import { fmt, h } from "./dom.js";

const TYPING_EVERY = 2000; // send "typing" at most this often while typing
const TYPING_IDLE = 5000; // a pause this long counts as having stopped
const TYPING_SHOWN = 6000; // forget someone's "started" after this long without news

// ---------------------------------------------------------------- presence
export function renderPresence(users) {
  els.presence.textContent = "";
  users.forEach((user) => {
    const li = h("li", {}, [user.name]);
    if (user.id === me.id) { li.appendChild(h("span", { className: "muted", text: " (" + T.you + ")" })); }
    els.presence.appendChild(li);
  });
  els.presenceCount.textContent = "(" + users.length + ")";
}

export function onPresenceEvent(event) {
  if (event && event.room_id === roomId) { renderPresence(event.users || []); }
}

// ---------------------------------------------------------------- others typing
const typers = new Map(); // user id -> {name, timer}

function renderTyping() {
  const names = Array.from(typers.values()).map((t) => t.name);
  let text = "";
  if (names.length === 1) { text = fmt(T.typingOne, { name: names[0] }); }
  else if (names.length === 2) { text = fmt(T.typingTwo, { first: names[0], second: names[1] }); }
  else if (names.length > 2) { text = T.typingMany; }
  els.typing.textContent = text;
}

export function typingStopped(userId) {
  const typer = typers.get(userId);
  if (!typer) { return; }
  clearTimeout(typer.timer);
  typers.delete(userId);
  renderTyping();
}

export function onTypingEvent(event) {
  if (!event || event.room_id !== roomId || !event.user || event.user.id === me.id) { return; }
  typingStopped(event.user.id);
  if (event.op === "started") {
    const timer = setTimeout(() => { typingStopped(event.user.id); }, TYPING_SHOWN);
    typers.set(event.user.id, { name: event.user.name, timer: timer });
    renderTyping();
  }
}

/** Forget everyone's typing (the connection dropped: no "stopped" will come). */
export function clearTyping() {
  typers.forEach((t) => { clearTimeout(t.timer); });
  typers.clear();
  renderTyping();
}

// ---------------------------------------------------------------- the viewer typing
let typingSentAt = 0;
let typingActive = false;
let typingIdle = null;

export function stopTyping() {
  clearTimeout(typingIdle);
  typingIdle = null;
  if (!typingActive) { return; }
  typingActive = false;
  typingSentAt = 0;
  if (state.socket.connected && state.joined) { state.socket.emit("typing", { room: roomId, typing: false }); }
}

/** The composer's text changed: say "typing" now and then, "stopped" after a pause or when empty. */
export function noteTyping() {
  if (!els.body.value.trim()) { stopTyping(); return; }
  const now = Date.now();
  if (now - typingSentAt >= TYPING_EVERY && state.socket.connected && state.joined) {
    typingSentAt = now;
    typingActive = true;
    state.socket.emit("typing", { room: roomId, typing: true });
  }
  clearTimeout(typingIdle);
  typingIdle = setTimeout(stopTyping, TYPING_IDLE);
}
