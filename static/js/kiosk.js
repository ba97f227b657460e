/* 大屏: draws the street's (or the district's) figures, then fetches them again every
   data-refresh-seconds and updates the page in place. One chart instance per element for the page's life (setOption
   replaces its option), one timer at a time (the next fetch is scheduled only when the last
   one is done), DOM nodes replaced, never added up. A failed fetch keeps the last figures and
   shows the "update failed" marker; a 404 means the link was revoked: the page reloads into it.
   A district's table of streets shows a page of them at a time, turned every
   data-page-seconds. */
(function () {
  "use strict";
  var root = document.getElementById("kiosk");
  if (!root) { return; }
  var GREEN = "#43a047", AMBER = "#f9a825", RED = "#e53935";
  var PALETTE = ["#ef5350", "#f2c94c", "#4fc3f7", "#81c784", "#ba68c8", "#90a4ae"];
  var STATUS_COLOURS = { green: GREEN, amber: AMBER, red: RED, grey: "#3a4466" };
  var STATUS_INDEX = ["grey", "green", "amber", "red"];
  var intervalMs = Math.max(1, parseInt(root.dataset.refreshSeconds, 10) || 60) * 1000;
  var pageMs = Math.max(1, parseInt(root.dataset.pageSeconds, 10) || 10) * 1000;
  var stale = document.getElementById("kiosk-stale");
  var charts = {};
  var timer = null;
  var shown = null;  // the figures on the screen, drawn again to a new size

  function json(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : {};
  }
  var L = Object.assign(json("chart-labels"), json("kiosk-labels"));
  function t(key, fallback) { return L[key] || fallback; }

  function lookup(figures, path) {
    return path.split(".").reduce(function (value, key) {
      return value === null || value === undefined ? null : value[key];
    }, figures);
  }

  function format(value) {
    if (value === null || value === undefined) { return "—"; }
    if (typeof value === "number") {
      return value.toLocaleString(document.documentElement.lang, { maximumFractionDigits: 1 });
    }
    return String(value);
  }

  var TEXT = { color: "#cfd3dc", fontSize: 15 };
  function base(option) {
    return Object.assign({
      backgroundColor: "transparent", animation: false,
      textStyle: { fontFamily: "sans-serif", fontSize: 15 },
      grid: { left: 12, right: 20, top: 44, bottom: 12, containLabel: true },
      legend: { top: 0, textStyle: TEXT },
      tooltip: { show: false }
    }, option);
  }
  function categoryAxis(names) {
    return { type: "category", data: names,
             axisLabel: { color: TEXT.color, fontSize: 14, interval: 0, rotate: names.length > 6 ? 30 : 0 } };
  }
  function valueAxis(name) {
    return { type: "value", name: name, minInterval: 1, nameTextStyle: TEXT,
             axisLabel: { color: TEXT.color }, splitLine: { lineStyle: { color: "#24305a" } } };
  }

  function pluck(rows, key) {
    return rows.map(function (row) { return row[key]; });
  }

  // A district's streets along the bottom of its four charts, in the same order in each. A
  // district has up to ~25 streets: when their names do not fit side by side, each is written
  // top to bottom, the way Chinese signs are, without the suffix every street's name shares,
  // in a size that fits the width of one bar.
  var STREET_SUFFIX = /(街道)?(党工委)?$/;
  var AXES_WIDTH = 110;  // the value axes' labels and the grid's margins, roughly
  function streetAxis(rows, width) {
    var names = pluck(rows, "street");
    var slot = (width - AXES_WIDTH) / Math.max(1, names.length);
    var longest = Math.max.apply(null, names.map(function (name) { return name.length; }));
    var axisLabel = { color: TEXT.color, fontSize: 14, interval: 0 };
    if (longest * axisLabel.fontSize * 1.1 > slot) {
      axisLabel.fontSize = Math.max(10, Math.min(15, Math.floor(slot * 0.75)));
      axisLabel.lineHeight = axisLabel.fontSize + 1;
      axisLabel.formatter = function (name) {
        return name.replace(STREET_SUFFIX, "").split("").join("\n");
      };
    }
    return { type: "category", data: names, axisLabel: axisLabel };
  }

  var BUILDERS = {
    heatmap: function (figures) {
      var heat = figures.compliance && figures.compliance.heat_map;
      if (!heat) { return null; }
      return base({
        grid: { left: 12, right: 12, top: 30, bottom: 40, containLabel: true },
        legend: { show: false },
        xAxis: { type: "category", data: heat.months, position: "top",
                 axisLabel: Object.assign({ interval: 0 }, TEXT) },
        yAxis: { type: "category", data: heat.communities, inverse: true, axisLabel: TEXT },
        visualMap: {
          type: "piecewise", orient: "horizontal", bottom: 0, left: "center", dimension: 2,
          textStyle: TEXT,
          pieces: STATUS_INDEX.map(function (status, index) {
            return { value: index, label: heat.statuses[status], color: STATUS_COLOURS[status] };
          })
        },
        series: [{
          name: t("meetings", "三会一课"), type: "heatmap",
          itemStyle: { borderColor: "#121a33", borderWidth: 2 },
          data: heat.cells.map(function (cell) {
            return [cell[0], cell[1], STATUS_INDEX.indexOf(cell[2])];
          })
        }]
      });
    },
    members: function (figures) {
      if (!figures.members) { return null; }
      var chart = figures.members.chart;
      return base({
        color: PALETTE, xAxis: categoryAxis(chart.communities), yAxis: valueAxis(t("people", "人")),
        series: chart.series.map(function (s) {
          return { name: s.name, type: "bar", stack: "total", data: s.data };
        })
      });
    },
    activities: function (figures) {
      if (!figures.activities) { return null; }
      var chart = figures.activities.chart;
      return base({
        color: [PALETTE[0], PALETTE[1]],
        xAxis: categoryAxis(chart.months),
        yAxis: [valueAxis(t("times", "次")),
                Object.assign(valueAxis(t("hour_unit", "小时")), { splitLine: { show: false } })],
        series: [
          { name: t("activities", "活动次数"), type: "bar", data: chart.activities },
          { name: t("hours", "志愿服务时长（小时）"), type: "line", yAxisIndex: 1, data: chart.hours }
        ]
      });
    },
    inspections: function (figures) {
      if (!figures.inspections) { return null; }
      var chart = figures.inspections.chart;
      return base({
        color: [GREEN, RED],
        xAxis: categoryAxis(chart.communities), yAxis: valueAxis(t("times", "次")),
        series: [
          { name: t("passed", "合格"), type: "bar", stack: "total", data: chart.passed },
          { name: t("failed", "不合格"), type: "bar", stack: "total", data: chart.failed }
        ]
      });
    },
    ranking: function (figures) {
      var ranking = figures.ranking;
      if (!ranking) { return null; }
      var n = ranking.scores.length;
      return base({
        legend: { show: false },
        xAxis: Object.assign(valueAxis(t("score", "得分")), { max: 100 }),
        yAxis: { type: "category", inverse: true, data: ranking.communities, axisLabel: TEXT },
        series: [{
          name: t("score", "得分"), type: "bar",
          label: { show: true, position: "right", color: "#fff", fontSize: 15 },
          data: ranking.scores.map(function (score, index) {
            var colour = index < n / 3 ? GREEN : (index < 2 * n / 3 ? AMBER : RED);
            return { value: score, itemStyle: { color: colour } };
          })
        }]
      });
    },
    // A district's screen: its streets side by side (figures.streets, one row per street).
    street_compliance: function (figures, width) {
      var rows = figures.streets;
      if (!rows) { return null; }
      return base({
        color: [GREEN, AMBER, RED, STATUS_COLOURS.grey],
        xAxis: streetAxis(rows, width),
        yAxis: valueAxis(""),  // the card's title says what is counted
        series: ["green", "amber", "red", "grey"].map(function (status) {
          return { name: t("status_" + status, status), type: "bar", stack: "total",
                   data: pluck(rows, status) };
        })
      });
    },
    street_members: function (figures, width) {
      var rows = figures.streets;
      if (!rows) { return null; }
      return base({
        color: PALETTE, xAxis: streetAxis(rows, width),
        yAxis: valueAxis(t("people", "人")),
        series: [
          { name: t("full", "正式党员"), type: "bar", stack: "total", data: pluck(rows, "full") },
          { name: t("probationary", "预备党员"), type: "bar", stack: "total",
            data: pluck(rows, "probationary") }
        ]
      });
    },
    street_activities: function (figures, width) {
      var rows = figures.streets;
      if (!rows) { return null; }
      return base({
        color: [PALETTE[0], PALETTE[1]],
        xAxis: streetAxis(rows, width),
        yAxis: [valueAxis(t("times", "次")),
                Object.assign(valueAxis(t("hour_unit", "小时")), { splitLine: { show: false } })],
        series: [
          { name: t("activities", "活动次数"), type: "bar", data: pluck(rows, "activities") },
          { name: t("hours", "志愿服务时长（小时）"), type: "line", yAxisIndex: 1,
            data: pluck(rows, "hours") }
        ]
      });
    },
    street_inspections: function (figures, width) {
      var rows = figures.streets;
      if (!rows) { return null; }
      return base({
        color: [GREEN, RED],
        xAxis: streetAxis(rows, width), yAxis: valueAxis(t("times", "次")),
        series: [
          { name: t("passed", "合格"), type: "bar", stack: "total", data: pluck(rows, "passed") },
          { name: t("failed", "不合格"), type: "bar", stack: "total", data: pluck(rows, "failed") }
        ]
      });
    },
    branches: function (figures) {
      if (!figures.branches) { return null; }
      var rows = figures.branches.per_community;
      return base({
        color: [PALETTE[1]], legend: { show: false },
        xAxis: categoryAxis(rows.map(function (row) { return row.community; })),
        yAxis: valueAxis(t("branches", "党支部")),
        series: [{ name: t("branches", "党支部"), type: "bar",
                   label: { show: true, position: "top", color: "#fff" },
                   data: rows.map(function (row) { return row.n; }) }]
      });
    }
  };

  function drawContributions(figures) {
    var list = document.getElementById("kiosk-contributions");
    if (!list) { return; }
    var kinds = figures.contributions ? figures.contributions.kinds : [];
    list.replaceChildren.apply(list, kinds.map(function (kind) {
      var item = document.createElement("li");
      var label = document.createElement("span");
      label.textContent = kind.label;
      var amount = document.createElement("span");
      var figure = document.createElement("span");
      figure.className = "amount";
      figure.textContent = format(kind.total);
      var unit = document.createElement("span");
      unit.className = "unit";
      unit.textContent = kind.unit;
      amount.append(figure, unit);
      item.append(label, amount);
      return item;
    }));
  }

  // The district's table of streets: the same cells in the same order, replaced on each draw.
  var STREET_CELLS = ["street", "communities", "branches", "members", "red_branches",
                      "wishes_done"];
  var streetTable = document.getElementById("kiosk-streets");
  function drawStreets(figures) {
    if (!streetTable) { return; }
    var body = streetTable.tBodies[0];
    body.replaceChildren.apply(body, (figures.streets || []).map(function (row) {
      var line = document.createElement("tr");
      line.append.apply(line, STREET_CELLS.map(function (key) {
        var cell = document.createElement(key === "street" ? "th" : "td");
        cell.textContent = format(row[key]);
        return cell;
      }));
      return line;
    }));
    paginateStreets();
  }

  // A kiosk has no mouse to scroll with: the table shows as many streets as its card holds and
  // the pages take turns every data-page-seconds. The page shown is kept across refreshes (a
  // district that lost streets only brings it back to its new last page). Every row stays in
  // the table, the ones of other pages hidden, so a page turn adds and removes nothing.
  var streetPage = 0, streetPages = 1, streetsPerPage = 1;
  var pageMarker = document.getElementById("kiosk-streets-page");
  function paginateStreets() {
    var rows = Array.prototype.slice.call(streetTable.tBodies[0].rows);
    rows.forEach(function (row) { row.hidden = false; });
    if (rows.length) {
      var room = streetTable.parentElement.getBoundingClientRect().height -
                 streetTable.tHead.getBoundingClientRect().height;
      streetsPerPage = Math.max(1, Math.floor(room / rows[0].getBoundingClientRect().height));
    }
    streetPages = Math.max(1, Math.ceil(rows.length / streetsPerPage));
    streetPage = Math.min(streetPage, streetPages - 1);
    showStreetPage();
  }
  function showStreetPage() {
    Array.prototype.forEach.call(streetTable.tBodies[0].rows, function (row, index) {
      row.hidden = Math.floor(index / streetsPerPage) !== streetPage;
    });
    pageMarker.hidden = streetPages < 2;
    pageMarker.textContent = t("page", "第 %(page)s/%(pages)s 页")
      .replace("%(page)s", streetPage + 1).replace("%(pages)s", streetPages);
  }
  function turnStreetPage() {
    streetPage = (streetPage + 1) % streetPages;
    showStreetPage();
  }

  function draw(figures) {
    root.querySelectorAll("[data-figure]").forEach(function (element) {
      element.textContent = format(lookup(figures, element.dataset.figure));
    });
    root.querySelectorAll("[data-needs]").forEach(function (element) {
      element.hidden = !lookup(figures, element.dataset.needs);
    });
    root.querySelectorAll("[data-needs-not]").forEach(function (element) {
      element.hidden = !!lookup(figures, element.dataset.needsNot);
    });
    drawContributions(figures);
    drawStreets(figures);
    drawCharts(figures);
    shown = figures;
  }

  function drawCharts(figures) {
    if (typeof echarts === "undefined") { return; }
    root.querySelectorAll("[data-kiosk-chart]").forEach(function (element) {
      var key = element.dataset.kioskChart;
      var option = BUILDERS[key](figures, element.clientWidth);
      if (!option || element.offsetParent === null) { return; }
      if (!charts[key]) {
        charts[key] = echarts.init(element, "dark", {
          renderer: "svg", locale: document.documentElement.lang.indexOf("zh") === 0 ? "ZH" : "EN" });
      }
      charts[key].setOption(option, { notMerge: true });
      element.dataset.ready = "1";
    });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(refresh, intervalMs);
  }

  function refresh() {
    var controller = new AbortController();
    var abort = setTimeout(function () { controller.abort(); }, Math.min(intervalMs, 30000));
    fetch(root.dataset.figuresUrl, { headers: { Accept: "application/json" }, cache: "no-store",
                                     signal: controller.signal })
      .then(function (response) {
        if (response.status === 404) { window.location.reload(); }
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (figures) {
        draw(figures);
        stale.hidden = true;
        root.dataset.refreshes = String(parseInt(root.dataset.refreshes, 10) + 1);
      }, function () {
        stale.hidden = false;  // the last figures stay on the screen
      })
      .then(function () {
        clearTimeout(abort);
        schedule();
      });
  }

  var clock = document.getElementById("kiosk-clock");
  function tick() {
    clock.textContent = new Date().toLocaleString(document.documentElement.lang, {
      year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
      weekday: "short" });
  }

  draw(json("kiosk-figures"));
  tick();
  setInterval(tick, 15000);
  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (key) { charts[key].resize(); });
    drawCharts(shown);  // the street axis' labels depend on the width
    if (streetTable) { paginateStreets(); }
  });
  if (streetTable) { setInterval(turnStreetPage, pageMs); }
  schedule();
}());
