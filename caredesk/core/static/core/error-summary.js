// GOV.UK error summary: when a page opens with a form's errors, move focus to the
// summary so that a screen reader reads it first; a link in it moves focus to its field.
// Without JavaScript the summary's autofocus attribute does the first part.
(function () {
  "use strict";

  function focusSummary(root) {
    var summary = root.querySelector(".error-summary");
    if (summary && !summary.contains(document.activeElement)) {
      summary.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusSummary(document);
  });

  // A form re-drawn by htmx with its errors.
  document.addEventListener("htmx:afterSwap", function (event) {
    focusSummary(event.target);
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest(".error-summary a[href^='#']");
    if (!link) {
      return;
    }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) {
      return;
    }
    event.preventDefault();
    var legend = field.closest("fieldset");
    var label = document.querySelector("label[for='" + field.id + "']");
    (legend || label || field).scrollIntoView();
    field.focus({ preventScroll: true });
  });
})();
