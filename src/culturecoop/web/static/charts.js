// Plotly charts from the figures the server built (data and layout, in the reader's language).
// No inline script (CSP): each figure travels in a <script type="application/json"> block.
(function () {
  "use strict";
  var lang = document.body.getAttribute("data-lang") || "fr";

  function render(el) {
    var blob = document.getElementById("chart-" + el.getAttribute("data-chart"));
    if (!blob || typeof Plotly === "undefined") { return; }
    var figure = JSON.parse(blob.textContent);
    Plotly.newPlot(el, figure.data, figure.layout, {
      locale: lang === "fr" ? "fr" : "en", responsive: true, displaylogo: false,
      modeBarButtonsToRemove: ["select2d", "lasso2d", "toggleSpikelines"]
    });
  }

  document.querySelectorAll(".chart[data-chart]").forEach(render);
})();
