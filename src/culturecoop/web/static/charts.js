// Plotly charts from the figures the server built (data and layout, in the reader's language).
// No inline script (CSP): each figure travels in a <script type="application/json"> block.
(function () {
  "use strict";
  var lang = document.body.getAttribute("data-lang") || "fr";

  function wrap(text, width) {
    var lines = [], line = "";
    String(text).split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > width) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    if (line) { lines.push(line); }
    return lines.join("<br>");
  }

  function render(el) {
    var blob = document.getElementById("chart-" + el.getAttribute("data-chart"));
    if (!blob || typeof Plotly === "undefined") { return; }
    var figure = JSON.parse(blob.textContent);
    var narrow = el.clientWidth < 560;
    if (narrow && figure.layout.title) {  // Plotly does not wrap titles: break them for a phone
      figure.layout.title.text = wrap(figure.layout.title.text, Math.max(24, Math.floor(el.clientWidth / 8)));
      figure.layout.margin.t += 18 * (figure.layout.title.text.split("<br>").length - 1);
    }
    Plotly.newPlot(el, figure.data, figure.layout, {
      locale: lang === "fr" ? "fr" : "en", responsive: true, displaylogo: false,
      displayModeBar: narrow ? false : "hover",
      // Sharing sends the chart to Plotly's cloud: never, the dashboard works offline.
      modeBarButtonsToRemove: ["select2d", "lasso2d", "toggleSpikelines", "sendChartToCloud"]
    });
  }

  document.querySelectorAll(".chart[data-chart]").forEach(render);
})();
