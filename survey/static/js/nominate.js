// The nomination ballot: for each position, "agrees + names written in / seats" as the voter
// marks, and a warning when the line names more people than the seats (it is not refused:
// such a line is stored as invalid for that position, as on paper).
(function () {
  "use strict";

  var ballot = document.getElementById("ballot-form");
  if (!ballot) return;
  var sections = ballot.querySelectorAll("section.nomination-position");

  function update(section) {
    var id = section.id.slice(1);
    var seats = parseInt(section.getAttribute("data-seats"), 10);
    var n = section.querySelectorAll("input[type=radio][value=agree]:checked").length;
    section.querySelectorAll("input[type=text]").forEach(function (input) {
      if (input.value.trim()) n += 1;
    });
    var count = document.getElementById("count-" + id);
    count.textContent = count.getAttribute("data-template")
      .replace("{n}", n).replace("{seats}", seats);
    document.getElementById("over-" + id).hidden = n <= seats;
  }

  sections.forEach(function (section) {
    section.addEventListener("change", function () { update(section); });
    section.addEventListener("input", function () { update(section); });
  });
})();
