// The dashboard's charts: each figure's table drawn as bars with ECharts (vendored under static/vendor;
// no CDN). The tables stay on the page: they are what screen readers read and what works without script.
(function () {
  "use strict";
  var source = document.getElementById("stats-data");
  if (!source || !window.echarts) return;
  var charts = JSON.parse(source.textContent);
  var drawn = [];
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var figure = charts[element.getAttribute("data-chart")];
    if (!figure) return;
    var labels = figure.rows.map(function (row) { return String(row[0]); });
    var series = figure.columns.slice(1).map(function (name, index) {
      return { name: name, type: "bar", data: figure.rows.map(function (row) { return row[index + 1]; }) };
    });
    // Labels side by side when they fit the width each bar gets (a CJK character is about 12 px);
    // otherwise slanted. Either way cut to their room with "…": the table and the tooltip give them whole.
    var room = Math.max(element.clientWidth - 48, 120) / Math.max(labels.length, 1);
    var longest = labels.reduce(function (most, label) { return Math.max(most, label.length); }, 0);
    var slanted = longest * 12 > room - 6;
    var axisLabel = { interval: 0, rotate: slanted ? 40 : 0, width: slanted ? 96 : room - 6, overflow: "truncate" };
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption({
      aria: { enabled: true },
      animation: false,
      grid: { left: 8, right: 16, top: series.length > 1 ? 32 : 12, bottom: 8, containLabel: true },
      legend: series.length > 1 ? { top: 0 } : undefined,
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: labels, axisLabel: axisLabel },
      yAxis: { type: "value", minInterval: 1 },
      series: series
    });
    drawn.push(chart);
  });
  window.addEventListener("resize", function () { drawn.forEach(function (chart) { chart.resize(); }); });
})();
