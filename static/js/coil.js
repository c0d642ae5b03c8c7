// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Move focus to a form's error summary so that screen-reader users hear it first.
    var summary = document.getElementById("form-errors");
    if (summary) { summary.focus(); }
    var link = document.getElementById("new-link");
    if (link) { link.select(); }
  });
})();
