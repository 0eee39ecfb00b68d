/* Small progressive enhancements; every page works without them. */
(function () {
  "use strict";

  // Escape in an inline task editor cancels it, like its Cancel button.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var editor = event.target.closest && event.target.closest("[data-row-editor]");
    if (!editor) return;
    var cancel = editor.querySelector("[data-row-cancel]");
    if (cancel) {
      event.preventDefault();
      cancel.click();
    }
  });

  // The inline editor's note is the reason when the chosen status needs one: say so.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("[data-status-select]")) return;
    var editor = select.closest("[data-row-editor]");
    var hint = editor && editor.querySelector("[data-note-label]");
    if (!hint) return;
    var labels = {
      blocked: "What blocks it (required)",
      not_applicable: "Why it does not apply (required)"
    };
    hint.textContent = labels[select.value] || "Note";
  });

  // "Select all on this page" of the remediation list: it stays hidden without script, where
  // each row is checked by hand; shown on load and each time htmx redraws the results.
  function revealSelectAll() {
    var all = document.getElementById("select-all");
    if (all) all.hidden = false;
  }
  document.addEventListener("change", function (event) {
    if (event.target.id !== "select-all") return;
    document.querySelectorAll("input[data-row-select]").forEach(function (box) {
      box.checked = event.target.checked;
    });
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", revealSelectAll);
  } else {
    revealSelectAll();
  }
  document.addEventListener("htmx:afterSettle", revealSelectAll);
})();
