// culturecoop dashboard: sortable tables, the tab menu on phones, the period form, printing,
// the forms that need the page's CSRF token, and file fields in the page's language. No inline script (CSP).
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

  function toggleMenu(button, open) {
    var nav = button.closest("nav.tabs");
    if (open === undefined) { open = !nav.classList.contains("open"); }
    nav.classList.toggle("open", open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  // Escape closes the tab menu of a phone and gives the focus back to its button.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var nav = document.querySelector("nav.tabs.open");
    if (!nav) { return; }
    var button = nav.querySelector(".tab-toggle");
    toggleMenu(button, false);
    button.focus();
  });

  // The period form: the custom dates are shown only for "custom dates".
  function showCustomDates(select) {
    var custom = select.value === "custom";
    select.form.querySelectorAll(".custom-date").forEach(function (label) {
      label.hidden = !custom;
      label.querySelectorAll("input").forEach(function (input) { input.disabled = !custom; });
    });
  }
  document.querySelectorAll("form.period select.preset").forEach(function (select) {
    showCustomDates(select);
    select.addEventListener("change", function () { showCustomDates(select); });
  });

  // Forms inside kept page bodies carry no token: the page's own token fills them.
  var csrf = document.querySelector('meta[name="csrf-token"]');
  document.querySelectorAll("input[data-csrf]").forEach(function (input) {
    input.value = csrf ? csrf.getAttribute("content") : "";
  });

  // File fields in the page's language: the chosen file's name replaces "no file chosen".
  document.querySelectorAll(".file-pick input[type=file]").forEach(function (input) {
    var name = input.parentNode.querySelector(".file-name");
    var none = name.textContent;
    input.addEventListener("change", function () {
      name.textContent = input.files && input.files.length ? input.files[0].name : none;
    });
  });

  // « Faites glisser le tableau → » only above a table wider than its frame, said again when the width
  // changes (a phone turned) or a folded table opens.
  function markScrollCues() {
    document.querySelectorAll(".scroll-cue").forEach(function (cue) {
      var wrap = cue.nextElementSibling;
      if (!wrap || !wrap.classList.contains("table-wrap") || !wrap.clientWidth) { return; }
      cue.classList.toggle("fits", wrap.scrollWidth <= wrap.clientWidth + 1);
    });
  }
  markScrollCues();
  window.addEventListener("resize", markScrollCues);
  document.addEventListener("toggle", markScrollCues, true);

  document.addEventListener("click", function (event) {
    var target = event.target.closest("button");
    if (!target) { return; }
    if (target.classList.contains("sort")) { sortTable(target); }
    if (target.classList.contains("tab-toggle")) { toggleMenu(target); }
    if (target.hasAttribute("data-print")) { window.print(); }
  });
})();
