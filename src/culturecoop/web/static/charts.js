// Plotly charts from the figures the server built (data and layout, in the reader's language).
// No inline script (CSP): each figure travels in a <script type="application/json"> block.
// Each chart is an image named by its title; its figures are in a table a keyboard and a screen
// reader reach: the section's own table, or one built here from the figure.
(function () {
  "use strict";
  var lang = document.body.getAttribute("data-lang") || "fr";
  var numbers = new Intl.NumberFormat(lang === "fr" ? "fr-CA" : "en-CA", { maximumFractionDigits: 2 });

  function wrap(text, width) {
    var lines = [], line = "";
    String(text).split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > width) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    if (line) { lines.push(line); }
    return lines.join("<br>");
  }

  function plain(text) { return String(text).replace(/<br>/g, " "); }

  // The category labels of axis "x" or "y": a category axis, or the labels of bars.
  function categories(figure, letter) {
    var axis = figure.layout[letter + "axis"] || {};
    var values = [];
    figure.data.forEach(function (trace) {
      var labelled = axis.type === "category" || (trace.type === "bar" && (letter === "y") === (trace.orientation === "h"));
      if (!labelled || !trace[letter]) { return; }
      trace[letter].forEach(function (v) { if (typeof v === "string" && values.indexOf(v) < 0) { values.push(v); } });
    });
    return values;
  }

  // Long labels and axis titles break over lines on a phone, so that the plot keeps its width
  // and no title runs off the chart's edge.
  function fitNarrow(figure, width) {
    var layout = figure.layout;
    if (layout.title) {  // Plotly does not wrap titles
      layout.title.text = wrap(layout.title.text, Math.max(24, Math.floor(width / 8)));
      layout.margin.t += 18 * (layout.title.text.split("<br>").length - 1);
    }
    // A note above the plot (« comme le reste ») gets its own line under the title, not over it.
    if ((layout.annotations || []).some(function (a) { return a.yref === "paper" && a.y >= 1 && a.yanchor === "bottom"; })) {
      layout.margin.t += 16;
      layout.height = (layout.height || 340) + 16;
    }
    figure.data.forEach(function (trace) {
      // A heatmap names every column: Plotly drops every other label when they crowd (9 of 18 genres
      // at 390 px), so the labels stand upright, cut to 12 characters (the table beneath has them whole).
      if (trace.type !== "heatmap" || !trace.x || trace.x.length <= 8) { return; }
      var axis = layout.xaxis = Object.assign({}, layout.xaxis);
      var labels = trace.x.map(String);
      var shown = labels.map(function (label) { return label.length > 12 ? label.slice(0, 11) + "…" : label; });
      axis.tickmode = "array";
      axis.tickvals = labels;
      axis.ticktext = shown;
      axis.tickangle = -90;
      axis.tickfont = Object.assign({}, axis.tickfont, { size: 10 });
      axis.automargin = true;
    });
    figure.data.forEach(function (trace) {  // a heatmap's colour scale goes under it, not beside it
      if (trace.type !== "heatmap" || !trace.colorbar) { return; }
      trace.colorbar = Object.assign({}, trace.colorbar, {
        orientation: "h", x: 0.5, xanchor: "center", yref: "container", y: 0.02, yanchor: "bottom",
        len: 0.8, thickness: 10, title: Object.assign({}, trace.colorbar.title, { side: "bottom" })
      });
      layout.margin.b += 70;
      layout.height = (layout.height || 340) + 70;
    });
    ["x", "y"].forEach(function (letter) {
      var axis = layout[letter + "axis"];
      if (!axis) { return; }
      var labels = categories(figure, letter);
      var room = letter === "y" ? Math.max(12, Math.floor(width * 0.4 / 6.5))  // labels keep 40 % of the width at most
        : Math.max(6, Math.floor(width * 0.75 / Math.max(1, labels.length) / 6.5));
      // Many columns stay on one line each: Plotly turns them, and lines would overlap.
      var fits = letter === "y" || labels.length <= 8;
      if (fits && labels.some(function (label) { return label.length > room; })) {
        axis.tickmode = "array";
        axis.tickvals = labels;
        axis.ticktext = labels.map(function (label) { return wrap(label, room); });
        if (letter === "y") {  // rows tall enough for their labels' lines
          var lines = Math.max.apply(null, axis.ticktext.map(function (t) { return t.split("<br>").length; }));
          layout.height = Math.max(layout.height || 340, labels.length * (13 * lines + 12) + 150);
        }
      }
      if (axis.title && axis.title.text) {
        var length = letter === "x" ? width * 0.6 : (layout.height || 340) - layout.margin.t - layout.margin.b - 80;
        axis.title.text = wrap(axis.title.text, Math.max(12, Math.floor(length / 7)));
      }
    });
  }

  var locale = lang === "fr" ? "fr-CA" : "en-CA";
  var days = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  var months = new Intl.DateTimeFormat(locale, { month: "short", year: "numeric", timeZone: "UTC" });

  // A number as the page writes it: « −3,8 », a minus sign, not a hyphen.
  function minus(text) { return text.replace(/^-/, "\u2212"); }

  function cell(value, axis) {
    if (value === null || value === undefined || value === "") { return "–"; }
    if (typeof value !== "number") { return String(value); }
    axis = axis || {};  // the unit the axis writes on its ticks (« 12 % », « 1,5 × », « 12 $ »)
    return (axis.tickprefix || "") + minus(numbers.format(value)) + (axis.ticksuffix || "");
  }

  // How a series writes its values: as its hover text does (the server's d3 format: ",.1f" for a
  // share, "+,.1f" for points, ",.0f" for tickets, ",.2f" for a lift or an amount), with what stands
  // around the number there (« % », « $ », « × »). One precision per column, the one the chart's
  // hover shows: « 12,5 % » and « 12,0 % », never « 12,47 % » beside « 12 % ».
  function writer(template, letter, axis) {
    var found = new RegExp("%\\{" + letter + "(?:\\[\\d+\\])?(?::([^}]*))?\\}").exec(template || "");
    var spec = found ? found[1] || "" : "";
    var digits = /\.(\d+)f/.exec(spec) || /\.(\d+)f/.exec((axis || {}).tickformat || "");
    if (!found || !digits) { return function (value) { return cell(value, axis); }; }
    var options = { minimumFractionDigits: +digits[1], maximumFractionDigits: +digits[1] };
    if (spec.indexOf("+") >= 0) { options.signDisplay = "exceptZero"; }
    var format = new Intl.NumberFormat(locale, options);
    var before = /[^ :>→]*$/.exec(template.slice(0, found.index))[0];
    var after = /^(?:(?!%\{|<| \(| →).)*/.exec(template.slice(found.index + found[0].length))[0];
    return function (value) {
      if (value === null || value === undefined || value === "") { return "–"; }
      if (typeof value !== "number") { return String(value); }
      return before + minus(format.format(value)) + after;
    };
  }

  // A date axis's values as the page writes days (« 2 sept. 2025 », « 1er sept. 2025 ») or, when
  // every value is a month's first day, months (« déc. 2024 »); never an ISO date.
  function dateWriter(values) {
    var monthly = values.every(function (v) { return /^\d{4}-\d{2}-01/.test(String(v)); });
    return function (value) {
      var when = new Date(String(value).slice(0, 10));
      if (isNaN(when.getTime())) { return cell(value); }
      var text = (monthly ? months : days).format(when);
      return lang === "fr" && !monthly && when.getUTCDate() === 1 ? text.replace(/^1 /, "1er ") : text;
    };
  }

  function keyWriter(figure, letter, trace, keys) {
    var axis = figure.layout[letter + "axis"] || {};
    if (axis.type === "date") { return dateWriter(keys); }
    return writer(trace && trace.hovertemplate, letter, axis);
  }

  // The figure as rows: one per category (or x value), one column per series; a heatmap's rows
  // and columns are its two axes. A band drawn as two lines is one column "low–high" ("–" when
  // either end is missing). Points named one by one (events on their day) are a row each.
  function figureTable(figure) {
    var layout = figure.layout, title = function (axis) { return axis && axis.title ? plain(axis.title.text) : ""; };
    var heat = figure.data.filter(function (t) { return t.type === "heatmap"; })[0];
    if (heat) {
      // A grid coloured by another scale (a lift by its logarithm) carries each cell's own value.
      var grid = heat.customdata || heat.z;
      var write = writer(heat.hovertemplate, heat.customdata ? "customdata" : "z", heat.colorbar);
      return { head: [title(layout.yaxis) + " / " + title(layout.xaxis)].concat(heat.x.map(String)),
               rows: heat.y.map(function (y, i) {
                 return [String(y)].concat(grid[i].map(write));
               }) };
    }
    var series = [], keys = [], byKey = Object.create(null), shown = figure.data.filter(function (t) {
      return t.hoverinfo !== "skip" && t.x && t.y;
    });
    var horizontalFirst = shown[0] && shown[0].orientation === "h";
    var keyLetter = horizontalFirst ? "y" : "x";
    var allKeys = [];
    shown.forEach(function (t) { allKeys = allKeys.concat(t.orientation === "h" ? t.y : t.x); });
    var writeKey = keyWriter(figure, keyLetter, shown[0], allKeys);
    figure.data.forEach(function (trace, i) {
      if (trace.hoverinfo === "skip" || !trace.x || !trace.y) { return; }
      var horizontal = trace.orientation === "h";
      var at = horizontal ? trace.y : trace.x, values = horizontal ? trace.x : trace.y;
      var previous = figure.data[i - 1];
      var high = trace.fill === "tonexty" && previous && previous.hoverinfo === "skip" ? previous.y : null;
      var write = writer(trace.hovertemplate, horizontal ? "x" : "y", horizontal ? layout.xaxis : layout.yaxis);
      var named = trace.mode === "markers" && Array.isArray(trace.text) && trace.text.length === at.length;
      var column = Object.create(null);
      at.forEach(function (key, j) {
        // Two events of one day are two rows, each named: keyed by its day alone, one hid the other.
        var k = named ? String(key) + "\u0000" + trace.text[j] : String(key);
        if (!(k in byKey)) { byKey[k] = writeKey(key) + (named ? " · " + trace.text[j] : ""); keys.push(k); }
        if (high) {
          var missing = [values[j], high[j]].some(function (v) { return v === null || v === undefined; });
          column[k] = missing ? "–" : write(values[j]) + "–" + write(high[j]);
        } else {
          column[k] = write(values[j]);
        }
      });
      series.push({ name: plain(trace.name || title(horizontal ? layout.xaxis : layout.yaxis)), values: column });
    });
    var head = [title(horizontalFirst ? layout.yaxis : layout.xaxis)].concat(series.map(function (s) { return s.name; }));
    var rows = keys.map(function (k) {
      return [byKey[k]].concat(series.map(function (s) { return k in s.values ? s.values[k] : "–"; }));
    }).filter(function (row) { return row.slice(1).some(function (v) { return v !== "–"; }); });
    return { head: head, rows: rows };
  }

  function describe(el, figure) {
    var id = "chart-alt-" + el.getAttribute("data-chart");
    var section = el.closest("section") || el.parentNode;
    var following = Array.prototype.filter.call(section.querySelectorAll("table"), function (table) {
      return el.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING;
    });
    if (following.length) {  // the section's table, under the chart, holds the same figures
      var note = document.createElement("p");
      note.className = "visually-hidden";
      note.id = id;
      note.textContent = el.getAttribute("data-table-note") || "";
      el.insertAdjacentElement("afterend", note);
      el.setAttribute("aria-describedby", id);
      return;
    }
    var data = figureTable(figure);
    if (!data.rows.length) { return; }
    var details = document.createElement("details");
    details.className = "chart-data";
    details.id = id;
    var summary = document.createElement("summary");
    summary.textContent = el.getAttribute("data-table-label") || "";
    details.appendChild(summary);
    var wrapper = document.createElement("div");
    wrapper.className = "table-wrap";
    wrapper.tabIndex = 0;
    wrapper.setAttribute("role", "region");
    wrapper.setAttribute("aria-label", plain(figure.layout.title ? figure.layout.title.text : ""));
    var table = document.createElement("table");
    var caption = document.createElement("caption");
    caption.className = "visually-hidden";
    caption.textContent = wrapper.getAttribute("aria-label");
    table.appendChild(caption);
    var thead = table.createTHead().insertRow();
    data.head.forEach(function (text) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = text;
      thead.appendChild(th);
    });
    var tbody = table.createTBody();
    data.rows.forEach(function (values) {
      var tr = tbody.insertRow();
      values.forEach(function (text, j) {
        var td = document.createElement(j ? "td" : "th");
        if (j) { td.className = "num"; } else { td.scope = "row"; }
        td.textContent = text;
        tr.appendChild(td);
      });
    });
    wrapper.appendChild(table);
    details.appendChild(wrapper);
    el.insertAdjacentElement("afterend", details);
    el.setAttribute("aria-describedby", id);
  }

  // A note on the plot (the forecast's day, "as the rest") near an edge turns to stay inside.
  function keepNotesInside(el) {
    var svg = el.querySelector(".main-svg");
    if (!svg) { return; }
    var frame = svg.getBoundingClientRect(), update = {};
    el.querySelectorAll(".annotation[data-index]").forEach(function (note) {
      var box = note.getBoundingClientRect(), key = "annotations[" + note.getAttribute("data-index") + "].xanchor";
      if (box.right > frame.right + 1) { update[key] = "right"; }
      else if (box.left < frame.left - 1) { update[key] = "left"; }
    });
    if (Object.keys(update).length) { Plotly.relayout(el, update); }
  }

  function render(el) {
    var blob = document.getElementById("chart-" + el.getAttribute("data-chart"));
    if (!blob) { return; }
    var figure = JSON.parse(blob.textContent);
    describe(el, JSON.parse(blob.textContent));
    if (typeof Plotly === "undefined") { return; }
    var narrow = el.clientWidth < 560;
    if (narrow) { fitNarrow(figure, el.clientWidth); }
    Plotly.newPlot(el, figure.data, figure.layout, {
      locale: lang === "fr" ? "fr" : "en", responsive: true, displaylogo: false,
      displayModeBar: narrow ? false : "hover",
      // Sharing sends the chart to Plotly's cloud: never, the dashboard works offline.
      modeBarButtonsToRemove: ["select2d", "lasso2d", "toggleSpikelines", "sendChartToCloud"]
    });
    if (narrow) { keepNotesInside(el); }
  }

  document.querySelectorAll(".chart[data-chart]").forEach(render);
})();
