// The reception board refreshes itself every 15 seconds (htmx polls it). Not while focus
// is inside it: the button someone is about to press does not move under them. A change
// is announced politely, without moving focus.
(function () {
  "use strict";
  var BOARD = "reception-board";
  var before = null;
  document.documentElement.classList.add("js");

  document.addEventListener("htmx:beforeRequest", function (event) {
    var board = document.getElementById(BOARD);
    if (!board || event.detail.elt !== board) {
      return;
    }
    if (board.contains(document.activeElement)) {
      event.preventDefault();
      return;
    }
    before = board.getAttribute("data-signature");
  });

  document.addEventListener("htmx:afterSettle", function () {
    var board = document.getElementById(BOARD);
    if (!board || before === null) {
      return;
    }
    var announce = document.getElementById("board-announce");
    if (announce && board.getAttribute("data-signature") !== before) {
      announce.textContent = "Who is waiting has changed.";
    }
    before = null;
  });
})();
