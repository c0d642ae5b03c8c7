// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Tell the server the browser's time zone, so visitors without a profile zone see local times.
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    var name = document.body.dataset.tzCookie;
    if (zone && name && document.cookie.indexOf(name + "=" + encodeURIComponent(zone)) === -1) {
      document.cookie = name + "=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax";
    }
  } catch (e) { /* old browser: the server falls back to UTC */ }
  document.addEventListener("DOMContentLoaded", function () {
    // Move focus to a form's error summary so that screen-reader users hear it first.
    var summary = document.getElementById("form-errors");
    if (summary) { summary.focus(); }
    var link = document.getElementById("new-link");
    if (link) { link.select(); }
  });
})();
