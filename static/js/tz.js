// Tell the server the browser's time zone before the page shows any time.
// Loaded without defer from <head>, before the body exists. When the server rendered the page
// in UTC for want of a zone (data-unknown on the meta tag: a first visit, not logged in), the page is
// fetched again as soon as the cookie is stored, at most once per tab, so that even the first
// page a visitor sees shows their own time. Without JavaScript, cookies or Intl: UTC, as before.
(function () {
  "use strict";
  try {
    var meta = document.querySelector('meta[name="coil-tz-cookie"]');
    var name = meta && meta.getAttribute("content");
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!name || !zone) { return; }
    var pair = name + "=" + encodeURIComponent(zone);
    var stored = function () { return document.cookie.split("; ").indexOf(pair) !== -1; };
    if (!stored()) {
      document.cookie = pair + "; path=/; max-age=31536000; samesite=lax";
    }
    if (meta.hasAttribute("data-unknown") && zone !== "UTC" && stored() &&
        !window.sessionStorage.getItem("coil-tz-reloaded")) {
      window.sessionStorage.setItem("coil-tz-reloaded", "1");
      window.location.replace(window.location.href);
    }
  } catch (e) { /* the server falls back to UTC */ }
})();
