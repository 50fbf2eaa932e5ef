/* GridGov's charts: the one place that draws with Apache ECharts (static/vendor/echarts/,
   vendored by scripts/vendor_echarts.sh). Pages never script inline: they put the data in a
   data- attribute (or json_script) and load this file after the library.

   <div class="chart-canvas" data-chart-line='{"labels": [...], "series": [{"name", "data"}], "min", "max"}'>
   <div class="chart-canvas" data-chart-bars='{"labels": [...], "series": [{"name", "data", "kind"?}]}'>
   or data-chart-line="<id>" / data-chart-bars="<id>": the id of a json_script element with the data.
   A null value leaves a gap in a line. */
(function () {
  "use strict";
  var PALETTE = ["#b3261e", "#1565c0", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#e8a09b", "#90b4e0"];

  function instance(el, dark) {
    return window.echarts.getInstanceByDom(el) || window.echarts.init(el, dark ? "dark" : null, { renderer: "svg" });
  }

  function base(labels, options) {
    return {
      animation: false,
      backgroundColor: "transparent",
      color: options.colours || PALETTE,
      tooltip: { trigger: "axis" },
      legend: { top: 0, show: options.legend !== false },
      grid: { left: 48, right: 16, top: 32, bottom: 28 },
      xAxis: { type: "category", data: labels },
      yAxis: { type: "value", min: options.min, max: options.max, minInterval: 1 }
    };
  }

  function line(el, labels, series, options) {
    if (!window.echarts || !el) { return null; }
    options = options || {};
    var chart = instance(el, options.dark);
    var option = base(labels, options);
    option.series = series.map(function (s) {
      return { name: s.name, type: "line", data: s.data, connectNulls: false, showSymbol: labels.length <= 12,
               lineStyle: s.dashed ? { type: "dashed" } : undefined };
    });
    chart.setOption(option, true);
    return chart;
  }

  function bars(el, labels, series, options) {
    if (!window.echarts || !el) { return null; }
    options = options || {};
    var chart = instance(el, options.dark);
    var option = base(labels, options);
    option.series = series.map(function (s) {
      // kind "level": a constant drawn as a dashed line across the bars (a budget, a target).
      if (s.kind === "level") {
        return { name: s.name, type: "line", data: s.data, showSymbol: false, lineStyle: { type: "dashed" } };
      }
      return { name: s.name, type: "bar", data: s.data };
    });
    chart.setOption(option, true);
    return chart;
  }

  function drawAll(root) {
    (root || document).querySelectorAll("[data-chart-line], [data-chart-bars]").forEach(function (el) {
      var isLine = el.hasAttribute("data-chart-line");
      var value = (isLine ? el.dataset.chartLine : el.dataset.chartBars).trim();
      // Either the data itself, or the id of a json_script element holding it.
      var source = value.charAt(0) === "{" ? value : document.getElementById(value).textContent;
      var spec = JSON.parse(source);
      (isLine ? line : bars)(el, spec.labels, spec.series, spec);
    });
  }

  window.addEventListener("resize", function () {
    document.querySelectorAll(".chart-canvas, .chart").forEach(function (el) {
      var chart = window.echarts && window.echarts.getInstanceByDom(el);
      if (chart) { chart.resize(); }
    });
  });

  window.GridGovCharts = { line: line, bars: bars, drawAll: drawAll };
  drawAll(document);
})();
