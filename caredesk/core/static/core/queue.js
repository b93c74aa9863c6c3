// A queue refreshes itself every minute (htmx polls its list, hx-trigger="every 60s").
// Not while the officer has rows ticked or focus inside the list: what they are working
// on does not move under them. A change is announced politely, without moving focus.
(function () {
  "use strict";
  var LIST = "queue-list";
  var before = null;
  document.documentElement.classList.add("js"); // shows "This list updates every minute"

  function list() {
    return document.getElementById(LIST);
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var region = list();
    if (!region || event.detail.elt !== region) {
      return;
    }
    var ticked = document.querySelector('input[form="reassign-form"]:checked');
    if (ticked || region.contains(document.activeElement)) {
      event.preventDefault();
      return;
    }
    before = region.getAttribute("data-signature");
  });

  document.addEventListener("htmx:afterSettle", function () {
    var region = list();
    if (!region || before === null) {
      return;
    }
    var now = region.getAttribute("data-signature");
    var time = document.getElementById("queue-updated-time");
    var announce = document.getElementById("queue-announce");
    if (announce && now !== before) {
      announce.textContent =
        "The list has changed. Last updated " + (time ? time.textContent : "just now") + ".";
    }
    before = null;
  });
})();
