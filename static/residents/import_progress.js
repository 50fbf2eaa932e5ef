// The registry import's status page: polls the import's progress while a Celery task works on
// it, moves the bar, and reloads the page once the task is done (the page then shows the
// problems, the confirm button or the result). No inline script: the CSP allows none.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) return;
  var bar = box.querySelector("progress");
  var rows = box.querySelector(".rows");
  var template = rows.textContent;
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (!data.in_progress) { window.location.reload(); return; }
        bar.max = Math.max(data.rows_total, 1);
        bar.value = data.rows_done;
        // Numbers only: the text around them stays the translated template.
        var numbers = template.match(/\d+/g) || [];
        var text = template;
        if (numbers.length >= 2) {
          var i = 0;
          text = template.replace(/\d+/g, function () { return String(i++ === 0 ? data.rows_done : data.rows_total); });
        }
        rows.textContent = text;
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
