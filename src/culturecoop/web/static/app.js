// culturecoop dashboard: sortable tables and CSV downloads. No inline script (CSP).
(function () {
  "use strict";

  function cellValue(td) {
    var v = td.getAttribute("data-v");
    if (v !== null && v !== "" && !isNaN(Number(v))) { return Number(v); }
    if (v !== null && v !== "") { return v; }
    return td.textContent.trim();
  }

  function sortTable(button) {
    var th = button.closest("th");
    var table = button.closest("table");
    var col = Number(button.getAttribute("data-col"));
    var asc = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a.cells[col]), y = cellValue(b.cells[col]);
      if (typeof x === "number" && typeof y === "number") { return asc ? x - y : y - x; }
      if (typeof x === "number") { return asc ? -1 : 1; }
      if (typeof y === "number") { return asc ? 1 : -1; }
      return asc ? String(x).localeCompare(String(y)) : String(y).localeCompare(String(x));
    });
    rows.forEach(function (r) { tbody.appendChild(r); });
  }

  function csvField(value) {
    if (value === null || value === undefined) { return ""; }
    var s = Array.isArray(value) ? value.join(", ") : String(value);
    return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  function downloadCsv(button) {
    var id = button.getAttribute("data-table");
    var blob = document.getElementById("data-" + id);
    if (!blob) { return; }
    var data = JSON.parse(blob.textContent);
    var lines = [data.columns.map(csvField).join(",")];
    data.rows.forEach(function (row) { lines.push(row.map(csvField).join(",")); });
    var file = new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(file);
    link.download = id + ".csv";
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 0);
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest("button");
    if (!target) { return; }
    if (target.classList.contains("sort")) { sortTable(target); }
    if (target.classList.contains("csv")) { downloadCsv(target); }
  });
})();
