/* Dashboard charts: every element with data-chart reads its figures from the json_script
   element named by data-source (CSP forbids inline scripts). Colours mean the same as the
   status classes: green fine, amber watch it, red act now. */
(function () {
  "use strict";
  var GREEN = "#2e7d32", AMBER = "#f9a825", RED = "#c62828";
  var PALETTE = ["#b71c1c", "#f2c94c", "#546e7a", "#8d6e63", "#90a4ae", "#5c6bc0"];
  var BASE = {
    textStyle: { fontSize: 16, fontFamily: "sans-serif" },
    grid: { left: 12, right: 24, top: 48, bottom: 24, containLabel: true },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0, textStyle: { fontSize: 15 } },
    animation: false
  };

  function categoryAxis(names) {
    return { type: "category", data: names, axisLabel: { fontSize: 14, interval: 0, rotate: names.length > 6 ? 30 : 0 } };
  }

  var BUILDERS = {
    "stacked-bar": function (data) {
      return {
        color: PALETTE,
        xAxis: categoryAxis(data.communities),
        yAxis: { type: "value", name: "人", minInterval: 1 },
        series: data.series.map(function (s) {
          return { name: s.name, type: "bar", stack: "total", data: s.data };
        })
      };
    },
    "pass-fail": function (data) {
      return {
        color: [GREEN, RED],
        xAxis: categoryAxis(data.communities),
        yAxis: { type: "value", name: "次", minInterval: 1 },
        series: [
          { name: "合格", type: "bar", stack: "total", data: data.passed },
          { name: "不合格", type: "bar", stack: "total", data: data.failed }
        ]
      };
    },
    "ranking": function (data) {
      var n = data.scores.length;
      return {
        legend: { show: false },
        xAxis: { type: "value", name: "得分", nameLocation: "middle", nameGap: 28, max: 100 },
        yAxis: { type: "category", inverse: true, data: data.communities, axisLabel: { fontSize: 15 } },
        series: [{
          name: "得分", type: "bar", label: { show: true, position: "right", fontSize: 15 },
          data: data.scores.map(function (score, index) {
            var colour = index < n / 3 ? GREEN : (index < 2 * n / 3 ? AMBER : RED);
            return { value: score, itemStyle: { color: colour } };
          })
        }]
      };
    }
  };

  function init() {
    if (typeof echarts === "undefined") { return; }
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var source = document.getElementById(element.dataset.source);
      var build = BUILDERS[element.dataset.chart];
      if (!source || !build) { return; }
      var chart = echarts.init(element, null, { renderer: "svg", locale: "ZH" });
      chart.setOption(Object.assign({}, BASE, build(JSON.parse(source.textContent))));
      element.dataset.ready = "1";
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
