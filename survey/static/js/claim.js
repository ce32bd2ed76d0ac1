// The card's code rides in the URL fragment (/v#CODE), which the browser never sends to the
// server. Move it into the form, drop it from the address bar and history, and submit.
// A phone often reopens the same tab for the next scan: a new fragment on a page already at
// /v is no page load, so the hashchange event does the same.
(function () {
  function claim() {
    var code = decodeURIComponent((window.location.hash || "").slice(1)).trim();
    if (!code) return;
    history.replaceState(null, "", window.location.pathname);
    var form = document.getElementById("claim-form");
    var field = document.getElementById("code");
    if (!form || !field) return;
    field.value = code;
    var wait = document.getElementById("claim-wait");
    if (wait) wait.hidden = false;
    form.submit();
  }
  claim();
  window.addEventListener("hashchange", claim);
})();
