/* The wall screen (大屏): draws the data put in the page (json_script), then fetches it again
   every data-refresh-ms without reloading. Every redraw replaces the rows it drew before
   (replaceChildren), so a screen left up for days does not grow. Text only, never HTML. */
(function () {
  "use strict";
  var root = document.getElementById("wall");
  if (!root) { return; }
  var dash = root.dataset.dash;

  function pick(data, path) {
    return path.split(".").reduce(function (obj, key) { return obj == null ? obj : obj[key]; }, data);
  }

  function show(value, format) {
    if (value === null || value === undefined) { return dash; }
    if (format === "percent") { return (value * 100).toFixed(1) + "%"; }
    return String(value);
  }

  function draw(data) {
    root.querySelectorAll("[data-key]").forEach(function (el) {
      el.textContent = show(pick(data, el.dataset.key), el.dataset.format);
    });
    root.querySelectorAll("tbody[data-list]").forEach(function (body) {
      var fields = body.dataset.fields.split(" ");
      var rows = (data[body.dataset.list] || []).map(function (item) {
        var tr = document.createElement("tr");
        if (item.colour) { tr.className = "colour-" + item.colour; }
        tr.dataset.id = item.id;
        fields.forEach(function (field) {
          var parts = field.split(":");
          var td = document.createElement("td");
          var value = item[parts[0]];
          if (typeof value === "number" || parts[1]) { td.className = "num"; }
          td.textContent = show(value, parts[1]);
          tr.appendChild(td);
        });
        return tr;
      });
      body.replaceChildren.apply(body, rows);
    });
    root.dataset.refreshed = String((Number(root.dataset.refreshed) || 0) + 1);
  }

  function refresh() {
    fetch(root.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { draw(data); } })
      .catch(function () { /* the next round tries again */ });
  }

  draw(JSON.parse(document.getElementById("wall-data").textContent));
  setInterval(refresh, Number(root.dataset.refreshMs) || 30000);
})();
