// "Insert a snippet" (documents/snippet_picker.html): with JavaScript, the snippet's
// filled-in text goes where the cursor is in the draft, without sending the form.
// Without it, the Insert button sends the form and the page comes back with the text.
(function () {
  "use strict";
  document.querySelectorAll(".snippet-picker").forEach(function (picker) {
    var button = picker.querySelector("button");
    var select = picker.querySelector("select");
    var status = picker.querySelector(".snippet-picker__status");
    var draft = document.getElementById(picker.dataset.snippetTarget);
    if (!button || !select || !draft || !window.fetch) {
      return;
    }
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var url = picker.dataset.snippetUrl + "?snippet=" + encodeURIComponent(select.value);
      fetch(url, { credentials: "same-origin" })
        .then(function (response) {
          return response.text().then(function (text) {
            return { ok: response.ok, text: text };
          });
        })
        .then(function (answer) {
          if (!answer.ok) {
            status.textContent = answer.text;
            return;
          }
          var start = draft.selectionStart;
          var end = draft.selectionEnd;
          var before = draft.value.slice(0, start);
          var after = draft.value.slice(end);
          var gap = before && !/\n$/.test(before) ? "\n\n" : "";
          draft.value = before + gap + answer.text + after;
          var cursor = (before + gap + answer.text).length;
          draft.focus();
          draft.setSelectionRange(cursor, cursor);
          draft.dispatchEvent(new Event("input", { bubbles: true }));
          status.textContent = "Snippet inserted.";
        })
        .catch(function () {
          status.textContent = "The snippet could not be fetched. Try again.";
        });
    });
  });
})();
