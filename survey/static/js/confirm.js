// Organizer pages: a button with data-confirm asks before it does something that cannot be
// undone ("{serial}" in the question is the card number typed in the same form). Without
// JavaScript those buttons sit behind a disclosure or a page of their own.
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
})();
