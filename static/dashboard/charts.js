/* GridGov's charts: the one place that draws with Apache ECharts (static/vendor/echarts/).
   Data comes from the page (json_script or data- attributes), never from inline script. */
(function () {
  "use strict";
  var PALETTE = ["#b3261e", "#1565c0", "#e8a09b", "#90b4e0", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f"];

  function line(el, labels, series, options) {
    if (!window.echarts || !el) { return null; }
    options = options || {};
    var chart = window.echarts.getInstanceByDom(el) || window.echarts.init(el, options.dark ? "dark" : null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      backgroundColor: "transparent",
      color: options.colours || PALETTE,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 32, bottom: 28 },
      xAxis: { type: "category", data: labels },
      yAxis: { type: "value", min: options.min, max: options.max, minInterval: 1 },
      series: series.map(function (s) {
        return { name: s.name, type: "line", data: s.data, connectNulls: false, showSymbol: labels.length <= 12,
                 lineStyle: s.dashed ? { type: "dashed" } : undefined };
      })
    }, true);
    return chart;
  }

  window.addEventListener("resize", function () {
    document.querySelectorAll(".chart").forEach(function (el) {
      var chart = window.echarts && window.echarts.getInstanceByDom(el);
      if (chart) { chart.resize(); }
    });
  });

  window.GridGovCharts = { line: line };
})();
