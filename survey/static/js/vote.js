// The ballot and review pages. Both work without this script; it only adds:
// - on the ballot, the "chosen n/N" count as the voter taps;
// - on the review, sending with fetch, so that a lost connection keeps the page (and every
//   answer) and says the ballot was NOT sent; the voter presses "Gửi phiếu" again.
(function () {
  "use strict";

  var ballot = document.getElementById("ballot-form");
  var count = document.getElementById("ballot-count");
  if (ballot && count) {
    var template = count.getAttribute("data-template");
    var total = ballot.querySelectorAll("fieldset.line").length;
    ballot.addEventListener("change", function () {
      var n = ballot.querySelectorAll("input[type=radio]:checked").length;
      count.textContent = template.replace("{n}", n).replace("{total}", total);
    });
  }

  var form = document.getElementById("cast-form");
  var button = document.getElementById("cast-button");
  if (!form || !button || !window.fetch) return;
  var errorBox = document.getElementById("cast-error");
  var label = button.textContent;
  var sending = false;

  function fail(which) {
    sending = false;
    button.disabled = false;
    button.textContent = label;
    errorBox.hidden = false;
    document.getElementById("cast-offline").hidden = which !== "offline";
    document.getElementById("cast-busy").hidden = which !== "busy";
    errorBox.focus();
    errorBox.scrollIntoView({ block: "center" });
  }

  function show(response, html) {
    // The server answered: show its page (the thank-you page, or why the card was refused).
    var page = new DOMParser().parseFromString(html, "text/html");
    document.replaceChild(document.adoptNode(page.documentElement), document.documentElement);
    var thanks = response.redirected && /\/v\/thanks$/.test(response.url);
    history.replaceState(null, "", thanks ? response.url : form.getAttribute("data-restart"));
    window.scrollTo(0, 0);
    var heading = document.querySelector("h1");
    if (heading) heading.focus();
  }

  form.addEventListener("submit", function (event) {
    if (event.submitter !== button) return; // "Sửa lại", "Chọn mức", the language: plain posts
    event.preventDefault();
    if (sending) return;
    sending = true;
    button.disabled = true;
    button.textContent = form.getAttribute("data-sending");
    errorBox.hidden = true;
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller && setTimeout(function () { controller.abort(); }, 30000);
    fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      credentials: "same-origin",
      redirect: "follow",
      signal: controller ? controller.signal : undefined,
    }).then(function (response) {
      clearTimeout(timer);
      if (response.status >= 500) {
        fail("busy"); // nothing was stored (the server's error pages say so): try again
        return;
      }
      return response.text().then(function (html) { show(response, html); });
    }).catch(function () {
      clearTimeout(timer);
      fail("offline");
    });
  });
})();
