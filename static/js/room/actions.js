// What one can do with a message: reply, react (the emoji picker), edit, delete, and a
// lecturer's remove; following a reply quote to its original; and the keyboard inside each
// message's actions toolbar (WAI-ARIA Authoring Practices "Toolbar": the toolbar is one tab
// stop, Left/Right move between its buttons, wrapping, Home/End jump to the first/last).
import { config, T, els, state, request } from "./state.js";
import { fmt, h, plain, status } from "./dom.js";
import { authorName, isMine, setMine, renderMessage, roveTo } from "./render.js";
import { refusal } from "./outbox.js";

let hooks = { upsert: null, jumpTo: null };

function closePickers(except) {
  els.list.querySelectorAll(".reaction-picker:not([hidden])").forEach((picker) => {
    if (picker === except) { return; }
    picker.hidden = true;
    const toggle = picker.closest("li").querySelector('[data-action="picker"]');
    if (toggle) { toggle.setAttribute("aria-expanded", "false"); }
  });
}

function react(m, emoji, button) {
  const on = !isMine(m, emoji);
  request("react", { message: m.id, emoji: emoji, on: on }, (error, ack) => {
    if (error) { status(error); return; }
    setMine(m, emoji, on && (ack.reactions[emoji] || 0) > 0);
    const fromPicker = button && button.getAttribute("data-from-picker");
    hooks.upsert({ id: m.id, reactions: ack.reactions });
    if (fromPicker) {
      const li = document.getElementById("message-" + m.id);
      closePickers(null);
      const toggle = li && li.querySelector('[data-action="picker"]');
      if (toggle) { toggle.focus(); }
    }
  });
}

function startReply(m) {
  state.replyTo = m.id;
  els.replyText.textContent = "";
  els.replyText.appendChild(h("strong", { text: fmt(T.replyingTo, { name: authorName(m) }) }));
  els.replyText.appendChild(document.createTextNode(" " + plain(m.body, 140)));
  els.replyBox.hidden = false;
  els.body.focus();
}

export function cancelReply() {
  state.replyTo = null;
  if (els.replyBox) { els.replyBox.hidden = true; }
}

function stopEditing(li, m) {
  state.editingId = null;
  const fresh = renderMessage(m);
  li.replaceWith(fresh);
  const edit = fresh.querySelector('[data-action="edit"]');
  if (edit) { edit.focus(); } else { fresh.focus(); }
}

function startEdit(li, m) {
  if (state.editingId !== null) {
    const other = document.getElementById("message-" + state.editingId);
    const previous = state.messages.get(state.editingId);
    if (other && previous) { stopEditing(other, previous); }
  }
  state.editingId = m.id;
  const fieldId = "edit-" + m.id;
  const area = h("textarea", { id: fieldId, rows: "3", maxlength: String(config.maxChars) });
  area.value = m.body || "";
  const editor = h("form", { className: "message-editor", novalidate: true }, [
    h("label", { for: fieldId, className: "visually-hidden", text: T.editLabel }),
    area,
    h("div", { className: "actions" }, [
      h("button", { type: "submit", className: "primary", text: T.save }),
      h("button", { type: "button", "data-action": "cancel-edit", text: T.cancel })
    ])
  ]);
  function save(event) {
    if (event) { event.preventDefault(); }
    const text = area.value;
    if (!text.trim() || text === m.body) { stopEditing(document.getElementById("message-" + m.id), state.messages.get(m.id)); return; }
    const refused = refusal(text);
    if (refused) { status(refused.message); area.focus(); return; }
    request("edit", { message: m.id, body: text }, (error, ack) => {
      if (error) { status(error); return; }
      state.editingId = null;
      hooks.upsert(ack.message);
      const current = document.getElementById("message-" + m.id);
      const edit = current && current.querySelector('[data-action="edit"]');
      if (edit) { edit.focus(); }
      status(T.saved);
    });
  }
  editor.addEventListener("submit", save);
  area.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { save(event); }
    else if (event.key === "Escape") { event.preventDefault(); stopEditing(document.getElementById("message-" + m.id), state.messages.get(m.id)); }
  });
  const body = li.querySelector(".message-body");
  if (body) { body.replaceWith(editor); } else { li.appendChild(editor); }
  area.focus();
  area.setSelectionRange(area.value.length, area.value.length);
}

function moderate(action, m, question) {
  if (!window.confirm(question)) { return; }
  request(action, { message: m.id }, (error, ack) => {
    if (error) { status(error); return; }
    hooks.upsert(ack.message);
  });
}

function onClick(event) {
  const button = event.target.closest("[data-action]");
  if (!button || !els.list.contains(button)) { return; }
  const li = button.closest("li.message");
  const m = li && state.messages.get(Number(li.getAttribute("data-id")));
  const action = button.getAttribute("data-action");
  if (action === "goto") {
    event.preventDefault();
    hooks.jumpTo(Number(button.getAttribute("data-target")));
    return;
  }
  if (!m) { return; }
  if (action === "reply") { startReply(m); }
  else if (action === "picker") {
    const picker = document.getElementById("picker-" + m.id);
    const open = picker.hidden;
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
}

// Arrow keys, Home and End inside a message's toolbar; true when the key was used.
function moveInToolbar(event) {
  if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) { return false; }
  const toolbar = event.target.closest('[role="toolbar"]');
  if (!toolbar) { return false; }
  const items = Array.from(toolbar.querySelectorAll("button:not([disabled])"));
  const index = items.indexOf(event.target);
  if (index === -1) { return false; }
  const rtl = getComputedStyle(toolbar).direction === "rtl";
  let key = event.key;
  if (rtl && key === "ArrowRight") { key = "ArrowLeft"; }
  else if (rtl && key === "ArrowLeft") { key = "ArrowRight"; }
  let next;
  if (key === "ArrowRight") { next = items[(index + 1) % items.length]; }
  else if (key === "ArrowLeft") { next = items[(index - 1 + items.length) % items.length]; }
  else if (key === "Home") { next = items[0]; }
  else if (key === "End") { next = items[items.length - 1]; }
  else { return false; }
  event.preventDefault(); // and the scrolling region does not scroll
  roveTo(toolbar, next);
  next.focus();
  return true;
}

function onKeydown(event) {
  if (moveInToolbar(event)) { return; }
  if (event.key !== "Escape") { return; }
  const picker = event.target.closest(".reaction-picker");
  if (picker) {
    closePickers(null);
    const toggle = picker.closest("li").querySelector('[data-action="picker"]');
    if (toggle) { toggle.focus(); }
  }
}

// However a toolbar button got focus (a click, a script after an edit), Tab comes back to it.
function onFocusin(event) {
  const toolbar = event.target.closest && event.target.closest('[role="toolbar"]');
  if (toolbar && event.target.tagName === "BUTTON") { roveTo(toolbar, event.target); }
}

/**
 * Listen for message actions in the list. ``upsert(message)`` puts a changed message in the
 * list; ``jumpTo(id)`` shows a message, loading earlier pages if needed (both controller.js).
 */
export function wireMessageActions(given) {
  hooks = given;
  els.list.addEventListener("click", onClick);
  els.list.addEventListener("keydown", onKeydown);
  els.list.addEventListener("focusin", onFocusin);
}
