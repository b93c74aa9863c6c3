// A panel whose contents htmx fetches when it opens (hx-trigger "toggle once") misses
// its "toggle" if someone opens it before htmx is ready, on a slow connection or a busy
// machine: it would stay empty. Once htmx has started (it listens for DOMContentLoaded
// first, being the earlier deferred script), ask again for every such panel already open.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[hx-trigger*='toggle']").forEach(function (element) {
      var panel = element.closest("details");
      if (panel && panel.open && window.htmx) {
        window.htmx.trigger(panel, "toggle");
      }
    });
  });
})();
