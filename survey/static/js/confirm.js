// Organizer pages: a button with data-confirm asks before it does something that cannot be
// undone ("{serial}" in the question is the card number typed in the same form). Without
// JavaScript those buttons sit behind a disclosure or a page of their own.
// A button with data-working (a step that takes a moment: creating cards, drawing their PDF)
// shows that text and is disabled once pressed, so that it cannot be sent twice; without
// JavaScript the server refuses the same form a second time.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-confirm]");
    if (!button) return;
    var question = button.getAttribute("data-confirm");
    var serial = button.form && button.form.elements.serial;
    if (serial) {
      if (!serial.value.trim()) return; // the server asks for the number
      question = question.replace("{serial}", serial.value.trim());
    }
    if (!window.confirm(question)) event.preventDefault();
  });
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (!button || !button.hasAttribute("data-working")) return;
    if (button.classList.contains("working")) {
      event.preventDefault();
      return;
    }
    button.classList.add("working");
    button.setAttribute("aria-busy", "true");
    button.textContent = button.getAttribute("data-working");
    window.setTimeout(function () { button.disabled = true; }, 0);
  });
})();
