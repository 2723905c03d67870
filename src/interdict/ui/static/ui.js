// interdict web UI: our own small script (no build step, nothing vendored). Every page works without it;
// it only adds live updates to pages that ask for them with data- attributes:
//
//   <div data-poll="/ui/files/jobs/ID/status" data-poll-ms="500">...</div>
//       GETs the URL every poll-ms milliseconds and replaces the element's inner HTML with the answer
//       (an HTML fragment rendered by the server, escaped there); stops when the answer carries
//       the header X-Poll-Done: 1 or the fragment holds an element with data-poll-done.
//       Pages also carry <meta http-equiv="refresh"> inside <noscript> for browsers without script.
//   <button data-confirm="Really?">  asks before submitting its form.
(function () {
  "use strict";

  function poll(element) {
    var url = element.getAttribute("data-poll");
    var every = parseInt(element.getAttribute("data-poll-ms") || "750", 10);
    function tick() {
      fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "ui.js" } })
        .then(function (response) {
          var done = response.headers.get("X-Poll-Done") === "1";
          return response.text().then(function (text) { return { ok: response.ok, done: done, text: text }; });
        })
        .then(function (answer) {
          if (!answer.ok) { element.setAttribute("data-poll-error", "1"); return; }
          element.innerHTML = answer.text;
          if (answer.done || element.querySelector("[data-poll-done]")) {
            element.removeAttribute("data-poll");
            var focus = element.querySelector("[data-focus]");
            if (focus) { focus.focus(); }
            return;
          }
          window.setTimeout(tick, every);
        })
        .catch(function () { window.setTimeout(tick, every * 4); });
    }
    window.setTimeout(tick, every);
  }

  function confirmations() {
    document.querySelectorAll("[data-confirm]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        if (!window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-poll]").forEach(poll);
    confirmations();
    // With the script running, the no-script refresh is not needed.
    document.querySelectorAll("meta[data-noscript-refresh]").forEach(function (meta) { meta.remove(); });
  });
})();
