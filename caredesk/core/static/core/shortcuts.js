// Keyboard shortcuts of the desk (listed at /staff/shortcuts/ and under "?").
// Single keys, so (WCAG 2.1.4) each person can turn them off, and none fires while
// typing (in an input, textarea, select or editable region) or with Ctrl, Alt or Cmd.
(function () {
  "use strict";
  var script = document.currentScript;
  var places = {
    search: script.getAttribute("data-search"),
    log: script.getAttribute("data-log"),
  };
  var selected = -1;

  function typing(target) {
    if (!target || !target.tagName) {
      return false;
    }
    var name = target.tagName.toLowerCase();
    return name === "input" || name === "textarea" || name === "select" || target.isContentEditable;
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-queue-row]"));
  }

  function move(step) {
    var all = rows();
    if (!all.length) {
      return false;
    }
    var current = all.findIndex(function (row) {
      return row.contains(document.activeElement);
    });
    if (current === -1) {
      current = selected;
    }
    var next = Math.min(Math.max(current + step, 0), all.length - 1);
    if (current === -1) {
      next = step > 0 ? 0 : all.length - 1;
    }
    all.forEach(function (row) {
      row.classList.remove("is-selected");
    });
    selected = next;
    all[next].classList.add("is-selected");
    var link = all[next].querySelector("[data-queue-link]");
    if (link) {
      link.focus();
    }
    return true;
  }

  function openAction(ending) {
    var form = document.querySelector('form[action$="' + ending + '"]');
    if (!form) {
      return false;
    }
    var details = form.closest("details");
    if (details) {
      details.open = true;
    }
    var field = form.querySelector("select, input:not([type=hidden]), textarea");
    if (field) {
      field.focus();
    }
    return true;
  }

  function assignToMe() {
    var row = rows()[selected];
    var button = row ? row.querySelector("[data-assign-to-me]") : null;
    if (!button) {
      var all = document.querySelectorAll("[data-assign-to-me]");
      button = all.length === 1 ? all[0] : null;
    }
    if (button) {
      button.click();
      return true;
    }
    return false;
  }

  function help() {
    var dialog = document.getElementById("shortcuts-dialog");
    if (dialog && typeof dialog.showModal === "function" && !dialog.open) {
      dialog.showModal();
      return true;
    }
    return false;
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-close-dialog]")) {
      var dialog = event.target.closest("dialog");
      if (dialog) {
        dialog.close();
      }
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    if (typing(event.target) || document.querySelector("dialog[open]")) {
      return;
    }
    // "?" needs Shift on most keyboards: Shift is allowed for it alone.
    if (event.shiftKey && event.key !== "?") {
      return;
    }
    var done = false;
    switch (event.key) {
      case "j":
        done = move(1);
        break;
      case "k":
        done = move(-1);
        break;
      case "/":
        var box = document.querySelector("input[type=search]");
        if (box) {
          box.focus();
          done = true;
        } else if (places.search) {
          window.location.assign(places.search);
          done = true;
        }
        break;
      case "c":
        done = openAction("/contact/");
        if (!done && places.log) {
          window.location.assign(places.log);
          done = true;
        }
        break;
      case "r":
        done = openAction("/respond/");
        break;
      case "a":
        done = assignToMe();
        break;
      case "?":
        done = help();
        break;
    }
    if (done) {
      event.preventDefault();
    }
  });
})();
