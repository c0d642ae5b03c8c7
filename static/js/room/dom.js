// Small DOM helpers for the room page: building elements, filling "{name}" placeholders in the
// page's strings, shortening text for quotes, and the composer's status line.
import { els } from "./state.js";

export function fmt(template, values) {
  return String(template).replace(/\{(\w+)\}/g, (whole, key) =>
    Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole);
}

export function h(tag, attrs, children) {
  const node = document.createElement(tag);
  Object.keys(attrs || {}).forEach((key) => {
    const value = attrs[key];
    if (value === null || value === undefined || value === false) { return; }
    if (key === "text") { node.textContent = value; }
    else if (key === "html") { node.innerHTML = value; } // only ever the server's sanitised html
    else if (key === "className") { node.className = value; }
    else { node.setAttribute(key, value === true ? "" : value); }
  });
  (children || []).forEach((child) => {
    if (child === null || child === undefined) { return; }
    node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  });
  return node;
}

export function plain(text, limit) {
  const flat = String(text || "").replace(/\s+/g, " ").trim();
  return flat.length > limit ? flat.slice(0, limit - 1) + "…" : flat;
}

let statusTimer = null;
/** Say ``text`` in the composer's status line (a live region); it clears after ten seconds. */
export function status(text) {
  const target = els.status || els.connText;
  if (!target) { return; }
  clearTimeout(statusTimer);
  target.textContent = text || "";
  if (text && els.status) {
    statusTimer = setTimeout(() => { els.status.textContent = ""; }, 10000);
  }
}
