// The projector's turnout: fetch the same page every 5 seconds and swap in the new figures,
// without reloading (no flash on the screen, no focus lost). Without JavaScript the page's
// <noscript> refresh does the same job.
(function () {
  "use strict";
  var box = document.getElementById("turnout");
  if (!box || !window.fetch) return;
  var status = document.getElementById("turnout-offline");
  function update() {
    fetch(window.location.href, { cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("turnout");
        if (!fresh) throw new Error("signed out"); // the login page came back
        if (fresh.innerHTML !== box.innerHTML) box.innerHTML = fresh.innerHTML;
        if (status) status.hidden = true;
      })
      .catch(function () { if (status) status.hidden = false; })
      .then(function () { setTimeout(update, 5000); });
  }
  setTimeout(update, 5000);
})();
