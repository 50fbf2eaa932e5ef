/* The dashboard: trends drawn from the json_script data, and a ranking row that opens the
   same page one level down when clicked anywhere (its first cell is also a plain link). */
(function () {
  "use strict";
  var data = document.getElementById("dashboard-trends");
  var box = document.querySelector(".charts");
  if (data && box) {
    var trends = JSON.parse(data.textContent);
    var words = box.dataset;
    ["daily", "monthly"].forEach(function (key) {
      var t = trends[key];
      window.GridGovCharts.line(box.querySelector('[data-chart="' + key + '"]'), t.labels, [
        { name: words.received, data: t.received },
        { name: words.closed, data: t.closed },
        { name: words.received + " (" + words.lastYear + ")", data: t.received_last_year, dashed: true },
        { name: words.closed + " (" + words.lastYear + ")", data: t.closed_last_year, dashed: true }
      ], { colours: ["#b3261e", "#1565c0", "#e8a09b", "#90b4e0"] });
    });
  }
  document.querySelectorAll("tr[data-href]").forEach(function (row) {
    row.addEventListener("click", function (event) {
      if (event.target.closest("a")) { return; }
      window.location.href = row.dataset.href;
    });
  });
})();
