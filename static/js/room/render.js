// Building a message's DOM: the same shape as templates/chat/_message.html plus what the live
// page adds (reactions as toggle buttons, one actions toolbar, the reaction picker, the "New
// messages" marker), times in the viewer's zone, pending outbox entries, and swapping a
// message's element without losing keyboard focus or an open edit box.
import { config, T, me, els, state } from "./state.js";
import { fmt, h, plain } from "./dom.js";

// ---------------------------------------------------------------- times
let formats = null;
function zoned(options) {
  try {
    return new Intl.DateTimeFormat(config.locale, Object.assign({ timeZone: config.timeZone }, options));
  } catch (e) {
    return new Intl.DateTimeFormat(config.locale, options);
  }
}
function format() {
  if (!formats) {
    formats = {
      time: zoned({ hour: "2-digit", minute: "2-digit" }),
      day: zoned({ day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }),
      year: zoned({ day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" }),
      full: zoned({ dateStyle: "full", timeStyle: "short" }),
      dayKey: zoned({ year: "numeric", month: "2-digit", day: "2-digit" })
    };
  }
  return formats;
}

export function parseTime(iso) {
  return new Date(String(iso).replace(/(\.\d{3})\d+/, "$1"));
}

export function shortTime(date) {
  const f = format();
  const now = new Date();
  if (f.dayKey.format(date) === f.dayKey.format(now)) { return f.time.format(date); }
  if (date.getFullYear() === now.getFullYear()) { return f.day.format(date); }
  return f.year.format(date);
}

/** A <time> showing ``iso`` briefly in the viewer's zone, in full as its title. */
export function timeElement(iso, date, text) {
  return h("time", { datetime: iso, title: format().full.format(date), text: text });
}

export function authorName(m) {
  return m.author ? m.author.name : T.formerParticipant;
}

export function isGone(m) { return m.deleted || m.removed; }

// ---------------------------------------------------------------- own reactions
// Which reactions are the viewer's own: the server says so in ``mine`` where it can; live
// events do not, so the page remembers its own (per person, the newest 500) in localStorage.
let reacted = null;
function reactedSet() {
  if (!reacted) {
    try { reacted = new Set(JSON.parse(localStorage.getItem("coil.reacted." + me.id) || "[]")); }
    catch (e) { reacted = new Set(); }
  }
  return reacted;
}

export function isMine(m, emoji) {
  if (Array.isArray(m.mine)) { return m.mine.indexOf(emoji) !== -1; }
  return reactedSet().has(m.id + ":" + emoji);
}

export function setMine(m, emoji, on) {
  if (Array.isArray(m.mine)) {
    m.mine = m.mine.filter((e) => e !== emoji);
    if (on) { m.mine.push(emoji); }
  }
  const set = reactedSet();
  if (on) { set.add(m.id + ":" + emoji); } else { set.delete(m.id + ":" + emoji); }
  try { localStorage.setItem("coil.reacted." + me.id, JSON.stringify(Array.from(set).slice(-500))); } catch (e) { /* ignore */ }
}

// ---------------------------------------------------------------- messages
function replyQuote(m) {
  if (!m.reply_to_id) { return null; }
  const original = state.messages.get(m.reply_to_id);
  let children;
  if (original && original.body) {
    children = [h("span", { className: "reply-author", text: fmt(T.inReplyTo, { name: authorName(original) }) }), " ", plain(original.body, 140)];
  } else {
    children = [T.inReplyToEarlier];
  }
  return h("blockquote", { className: "reply-quote" }, [
    h("a", { href: "#message-" + m.reply_to_id, "data-action": "goto", "data-target": String(m.reply_to_id) }, children)
  ]);
}

function emojiName(emoji) {
  return (T.emojiNames && T.emojiNames[emoji]) || emoji;
}

function reactionButtons(m) {
  const group = h("div", { className: "reactions", role: "group", "aria-label": T.reactions });
  Object.keys(m.reactions || {}).forEach((emoji) => {
    const count = m.reactions[emoji];
    if (!count) { return; }
    group.appendChild(h("button", {
      type: "button",
      className: "reaction" + (isMine(m, emoji) ? " own" : ""),
      "data-action": "react",
      "data-emoji": emoji,
      "aria-pressed": isMine(m, emoji) ? "true" : "false",
      "aria-label": fmt(T.reactionState, { emoji: emoji, name: emojiName(emoji), count: count }),
      disabled: !state.canPost || isGone(m)
    }, [h("span", { "aria-hidden": "true", text: emoji }), " ", h("span", { className: "count", "aria-hidden": "true", text: String(count) })]));
  });
  return group.children.length ? group : null;
}

function actionButton(action, label, extra) {
  return h("button", Object.assign({ type: "button", className: "link-button", "data-action": action, tabindex: "-1", text: label }, extra || {}));
}

/**
 * Make ``button`` the one tab stop of its toolbar (WAI-ARIA roving tabindex): Tab enters and
 * leaves a message's actions in one step; the arrow keys move inside (actions.js).
 */
export function roveTo(toolbar, button) {
  toolbar.querySelectorAll("button").forEach((b) => { b.tabIndex = b === button ? 0 : -1; });
}

// One toolbar per message rather than a tab stop per button: a keyboard user passes a message
// with one Tab, and its name says whose message the actions are for.
function actionsToolbar(m, own, gone, when) {
  const buttons = [];
  if (state.canPost && !gone) {
    buttons.push(actionButton("reply", T.reply));
    buttons.push(actionButton("picker", T.react, { "aria-expanded": "false", "aria-controls": "picker-" + m.id }));
    if (own) {
      buttons.push(actionButton("edit", T.edit));
      buttons.push(actionButton("delete", T.delete));
    }
  }
  if (state.canModerate && !m.removed) { buttons.push(actionButton("remove", T.remove)); }
  if (!buttons.length) { return null; }
  buttons[0].tabIndex = 0;
  const context = fmt(T.actionsFor, { name: authorName(m), time: when });
  return h("div", { className: "message-actions", role: "toolbar", "aria-label": T.messageActions + " — " + context }, buttons);
}

function reactionPicker(m) {
  const picker = h("div", { className: "reaction-picker", id: "picker-" + m.id, role: "group", "aria-label": T.react, hidden: true });
  config.reactions.forEach((emoji) => {
    const name = emojiName(emoji);
    picker.appendChild(h("button", {
      type: "button", "data-action": "react", "data-emoji": emoji, "data-from-picker": "1",
      "aria-pressed": isMine(m, emoji) ? "true" : "false", "aria-label": name, title: name, text: emoji
    }));
  });
  return picker;
}

export function renderMessage(m) {
  const own = m.author && m.author.id === me.id;
  const date = parseTime(m.created_at);
  const when = shortTime(date);
  const gone = isGone(m);
  const li = h("li", {
    className: "message" + (own ? " mine" : "") + (gone ? " gone" : ""),
    id: "message-" + m.id,
    "data-id": String(m.id),
    tabindex: "-1"
  });
  // The unread marker lives inside the first unread message, so that every item of the list
  // is a message (a list may hold only <li>, and a separator item would be a non-message).
  if (state.firstUnreadId === m.id) {
    li.appendChild(h("p", { className: "new-divider" }, [h("span", { text: T.newMessages })]));
  }
  const meta = h("p", { className: "message-meta" }, [
    h("span", { className: "message-author", text: authorName(m) }),
    " ",
    timeElement(m.created_at, date, when)
  ]);
  if (m.edited && !gone) { meta.appendChild(h("span", { className: "message-flag", text: T.edited })); }
  li.appendChild(meta);
  const quote = replyQuote(m);
  if (quote) { li.appendChild(quote); }
  if (m.html !== null && m.html !== undefined) {
    if (m.removed) { li.appendChild(h("p", { className: "message-gone", text: T.removedStaff })); }
    else if (m.deleted) { li.appendChild(h("p", { className: "message-gone", text: T.deletedStaff })); }
    li.appendChild(h("div", { className: "message-body", html: m.html }));
  } else {
    li.appendChild(h("p", { className: "message-gone", text: m.removed ? T.removed : T.deleted }));
  }
  if (!gone) {
    const reactions = reactionButtons(m);
    if (reactions) { li.appendChild(reactions); }
  }
  const toolbar = actionsToolbar(m, own, gone, when);
  if (toolbar) { li.appendChild(toolbar); }
  if (state.canPost && !gone) { li.appendChild(reactionPicker(m)); }
  return li;
}

/** An outbox entry as a pending (or failed) message; ``retryable`` false offers only Discard. */
export function renderPending(entry, retryable) {
  const li = h("li", { className: "message mine pending" + (entry.failed ? " failed" : ""), id: "pending-" + entry.client_id, "data-client": entry.client_id });
  const meta = h("p", { className: "message-meta" }, [h("span", { className: "message-author", text: me.name }), " "]);
  if (entry.failed) {
    meta.appendChild(h("span", { className: "send-state", text: fmt(T.notSent, { reason: entry.failed.message || "" }) }));
  } else {
    meta.appendChild(h("span", { className: "send-state", text: T.sending }));
  }
  li.appendChild(meta);
  li.appendChild(h("p", { className: "message-body pending-body", text: entry.body }));
  if (entry.failed) {
    li.appendChild(h("div", { className: "message-actions always" }, [
      retryable ? h("button", { type: "button", className: "link-button", "data-action": "retry", text: T.retry }) : null,
      h("button", { type: "button", className: "link-button", "data-action": "discard", text: T.discard })
    ]));
  }
  return li;
}

// Replace a message's element, keeping keyboard focus, the toolbar's tab stop and an open edit
// box where they were.
export function swap(oldLi, newLi, m) {
  const active = document.activeElement;
  let focusKey = null;
  if (active && oldLi.contains(active)) {
    focusKey = active === oldLi ? "self" : [active.getAttribute("data-action"), active.getAttribute("data-emoji"), active.getAttribute("data-from-picker")];
  }
  if (state.editingId === m.id) {
    const editor = oldLi.querySelector(".message-editor");
    const body = newLi.querySelector(".message-body");
    if (editor && body) { body.replaceWith(editor); }
  }
  const picker = oldLi.querySelector(".reaction-picker");
  const newPicker = newLi.querySelector(".reaction-picker");
  if (picker && newPicker && !picker.hidden) {
    newPicker.hidden = false;
    const toggle = newLi.querySelector('[data-action="picker"]');
    if (toggle) { toggle.setAttribute("aria-expanded", "true"); }
  }
  const stop = oldLi.querySelector('[role="toolbar"] [tabindex="0"]');
  const toolbar = newLi.querySelector('[role="toolbar"]');
  if (stop && toolbar) {
    const same = toolbar.querySelector('[data-action="' + stop.getAttribute("data-action") + '"]');
    if (same) { roveTo(toolbar, same); }
  }
  oldLi.replaceWith(newLi);
  if (focusKey === "self") { newLi.focus(); }
  else if (focusKey) {
    const candidates = newLi.querySelectorAll("[data-action]");
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[i];
      if (c.getAttribute("data-action") === focusKey[0] && c.getAttribute("data-emoji") === focusKey[1] && c.getAttribute("data-from-picker") === focusKey[2]) { c.focus(); return; }
    }
    if (active && !document.body.contains(active)) { newLi.focus(); }
  }
}

/** Re-render the messages that quote message ``id`` (it arrived or changed). */
export function refreshReplies(id) {
  els.list.querySelectorAll('[data-target="' + id + '"]').forEach((link) => {
    const li = link.closest("li.message");
    const m = li && state.messages.get(Number(li.getAttribute("data-id")));
    if (m) { swap(li, renderMessage(m), m); }
  });
}

/** Re-render every message (the viewer's rights changed, e.g. the room was archived). */
export function rerenderAll() {
  state.messages.forEach((m) => {
    const old = document.getElementById("message-" + m.id);
    if (old) { swap(old, renderMessage(m), m); }
  });
}
