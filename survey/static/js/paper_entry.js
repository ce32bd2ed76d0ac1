// Paper ballot entry with the keyboard alone: type the counting number, Enter; then one key per
// line (the keys shown in the legend: 1/2/3… a level, 0 or space blank, x invalid), which moves to
// the next line; Enter saves. Arrow up/down move between lines. Without JavaScript the same
// form works with the radio buttons and the save button. A line with typed fields (scores)
// moves to them after its key; Enter in a typed field moves to the next field or line.
(function () {
  "use strict";
  var form = document.getElementById("paper-entry");
  if (!form) return;
  var number = form.elements.number;
  var rows = Array.prototype.slice.call(form.querySelectorAll(".entry-row"));
  var save = document.getElementById("entry-save");

  function radios(row) {
    return Array.prototype.slice.call(row.querySelectorAll("input[type=radio]"));
  }

  // score fields (appraisal) and write-in fields (nomination): typed, Enter moves on
  function texts(row) {
    return Array.prototype.slice.call(row.querySelectorAll("input[type=text]"));
  }

  function focusRow(index) {
    if (index >= rows.length) { save.focus(); return; }
    if (index < 0) { number.focus(); return; }
    var inputs = radios(rows[index]);
    if (!inputs.length) { texts(rows[index])[0].focus(); return; }
    var checked = inputs.filter(function (r) { return r.checked; })[0];
    (checked || inputs[0]).focus();
  }

  function rowOf(element) {
    var row = element.closest && element.closest(".entry-row");
    return row ? rows.indexOf(row) : -1;
  }

  form.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target === number) {
      if (event.key === "Enter") {
        event.preventDefault();
        if (number.value.trim()) focusRow(0);
      }
      return;
    }
    var index = rowOf(target);
    if (index >= 0 && target.type === "text") {
      if (event.key === "ArrowDown") { event.preventDefault(); focusRow(index + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); focusRow(index - 1); }
      else if (event.key === "Enter") {
        event.preventDefault();
        var fields = texts(rows[index]);
        var next = fields[fields.indexOf(target) + 1];
        if (next) next.focus(); else focusRow(index + 1);
      }
      return;
    }
    if (event.key === "Enter") {
      if (target.tagName === "BUTTON") return; // the button submits by itself
      event.preventDefault();
      if (form.requestSubmit) form.requestSubmit(save); else save.click();
      return;
    }
    if (index < 0) return;
    if (event.key === "ArrowDown") { event.preventDefault(); focusRow(index + 1); return; }
    if (event.key === "ArrowUp" || event.key === "Backspace") {
      event.preventDefault();
      focusRow(index - 1);
      return;
    }
    var key = event.key === " " ? "0" : event.key.toLowerCase();
    var choice = radios(rows[index]).filter(function (r) { return r.dataset.key === key; })[0];
    if (!choice) return;
    event.preventDefault();
    choice.checked = true;
    choice.dispatchEvent(new Event("change", { bubbles: true }));
    // a level with scores to type (appraisal): on to the scores; otherwise the next line
    var fields = texts(rows[index]);
    var rated = choice.value !== "blank" && choice.value !== "invalid";
    if (fields.length && rated) fields[0].focus(); else focusRow(index + 1);
  });
})();
