// The visit page: keep the settlement panel live (the worker settles in the background), and send the
// prescription form once (a double click must not post twice; the server is idempotent anyway).
(function () {
  "use strict";
  var form = document.getElementById("rx-form");
  if (form) {
    form.addEventListener("submit", function () {
      var button = document.getElementById("rx-submit");
      window.setTimeout(function () { button.disabled = true; button.textContent = "正在提交……"; }, 0);
    });
  }
  var box = document.getElementById("clinic-status");
  if (!box) { return; }
  var delay = 1500;
  function finished() {
    var panel = document.getElementById("settle-panel");
    return panel && panel.getAttribute("data-final") === "1";
  }
  function poll() {
    if (finished()) { return; }
    fetch(box.getAttribute("data-url"), { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) { box.innerHTML = html; delay = 1500; })
      .catch(function () { delay = Math.min(delay * 2, 30000); })
      .then(function () { window.setTimeout(poll, delay); });
  }
  window.setTimeout(poll, delay);
})();
