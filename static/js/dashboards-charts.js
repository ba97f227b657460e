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

  /* Words come from the page (portal_format.chart_labels, in the page's language). */
  var labelsElement = document.getElementById("chart-labels");
  var L = labelsElement ? JSON.parse(labelsElement.textContent) : {};
  function t(key, fallback) { return L[key] || fallback; }

  var STATUS_COLOURS = { green: GREEN, amber: AMBER, red: RED, grey: "#e0e0e0" };
  var STATUS_INDEX = ["grey", "green", "amber", "red"];

  var BUILDERS = {
    /* Communities × months of 三会一课: each cell a status, a click opens the community's month. */
    "heatmap": function (data, element, chart) {
      element.style.height = Math.max(260, 90 + data.communities.length * 30) + "px";
      chart.resize();
      chart.on("click", function (params) {
        var community = data.community_urls[params.value[1]];
        if (community) { window.location.href = community + "?" + data.month_queries[params.value[0]]; }
      });
      return {
        tooltip: {
          trigger: "item",
          formatter: function (params) {
            return data.communities[params.value[1]] + " " + data.months[params.value[0]] + t("colon", "：") +
              data.statuses[STATUS_INDEX[params.value[2]]];
          }
        },
        grid: { left: 12, right: 24, top: 40, bottom: 24, containLabel: true },
        legend: { show: false },
        xAxis: { type: "category", data: data.months, position: "top", splitArea: { show: true },
                 axisLabel: { fontSize: 15 } },
        yAxis: { type: "category", data: data.communities, inverse: true, splitArea: { show: true },
                 axisLabel: { fontSize: 15 } },
        visualMap: {
          type: "piecewise", show: true, orient: "horizontal", bottom: 0, left: "center",
          dimension: 2, textStyle: { fontSize: 14 },
          pieces: STATUS_INDEX.map(function (status, index) {
            return { value: index, label: data.statuses[status], color: STATUS_COLOURS[status] };
          })
        },
        series: [{
          name: t("meetings", "三会一课"), type: "heatmap", cursor: "pointer",
          itemStyle: { borderColor: "#fff", borderWidth: 2 },
          data: data.cells.map(function (cell) {
            return [cell[0], cell[1], STATUS_INDEX.indexOf(cell[2])];
          })
        }]
      };
    },
    "activities": function (data) {
      return {
        color: [PALETTE[0], PALETTE[1]],
        xAxis: categoryAxis(data.months),
        yAxis: [{ type: "value", name: t("times", "次"), minInterval: 1 },
                { type: "value", name: t("hour_unit", "小时") }],
        series: [
          { name: t("activities", "活动次数"), type: "bar", data: data.activities },
          { name: t("hours", "志愿服务时长（小时）"), type: "line", yAxisIndex: 1, data: data.hours }
        ]
      };
    },
    "stacked-bar": function (data) {
      return {
        color: PALETTE,
        xAxis: categoryAxis(data.communities),
        yAxis: { type: "value", name: t("people", "人"), minInterval: 1 },
        series: data.series.map(function (s) {
          return { name: s.name, type: "bar", stack: "total", data: s.data };
        })
      };
    },
    "pass-fail": function (data) {
      return {
        color: [GREEN, RED],
        xAxis: categoryAxis(data.communities),
        yAxis: { type: "value", name: t("times", "次"), minInterval: 1 },
        series: [
          { name: t("passed", "合格"), type: "bar", stack: "total", data: data.passed },
          { name: t("failed", "不合格"), type: "bar", stack: "total", data: data.failed }
        ]
      };
    },
    "ranking": function (data) {
      var n = data.scores.length;
      return {
        legend: { show: false },
        xAxis: { type: "value", name: t("score", "得分"), nameLocation: "middle", nameGap: 28, max: 100 },
        yAxis: { type: "category", inverse: true, data: data.communities, axisLabel: { fontSize: 15 } },
        series: [{
          name: t("score", "得分"), type: "bar", label: { show: true, position: "right", fontSize: 15 },
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
      var chart = echarts.init(element, null, {
        renderer: "svg", locale: document.documentElement.lang.indexOf("zh") === 0 ? "ZH" : "EN" });
      chart.setOption(Object.assign({}, BASE, build(JSON.parse(source.textContent), element, chart)));
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
