// Plotly charts from the JSON each table carries (the same data the API returns).
(function () {
  "use strict";
  var lang = document.body.getAttribute("data-lang") || "fr";
  var palette = ["#1f5f8b", "#d1495b", "#edae49", "#00798c", "#66a182", "#8e6c8a", "#e07a5f",
                 "#3d405b", "#81b29a", "#f2cc8f", "#6d597a", "#b56576"];

  function render(el) {
    var blob = document.getElementById("data-" + el.getAttribute("data-chart"));
    if (!blob || typeof Plotly === "undefined") { return; }
    var chart = JSON.parse(blob.textContent).chart;
    if (!chart) { return; }
    var traces = chart.series.map(function (s, i) {
      var trace = { x: s.x, y: s.y, name: s.name, marker: { color: palette[i % palette.length] } };
      if (chart.kind === "line") { trace.type = "scatter"; trace.mode = "lines+markers"; }
      else { trace.type = "bar"; }
      return trace;
    });
    var layout = {
      margin: { l: 60, r: 20, t: 30, b: 60 },
      height: 320,
      barmode: "group",
      showlegend: chart.series.length > 1,
      legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom" },
      separators: lang === "fr" ? ", " : ".,",
      xaxis: { title: { text: chart.x_label }, automargin: true },
      yaxis: { title: { text: chart.y_label || "" }, tickformat: chart.percent ? ".0%" : "", automargin: true,
               rangemode: "tozero" },
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)"
    };
    Plotly.newPlot(el, traces, layout, { displaylogo: false, responsive: true,
      modeBarButtonsToRemove: ["select2d", "lasso2d"] });
  }

  document.querySelectorAll(".chart[data-chart]").forEach(render);
})();
