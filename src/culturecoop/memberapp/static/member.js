// culturecoop member app: the export field in the page's language (the browser's own button and its
// "no file chosen" speak the browser's language), and the dashed boxes that take a file dropped on
// them (a file dropped anywhere else on the page would make the browser open it and leave the app).
// No inline script (CSP).
(function () {
  "use strict";
  document.querySelectorAll(".file-pick input[type=file]").forEach(function (input) {
    var name = input.parentNode.querySelector(".file-name");
    var none = name.textContent;
    input.addEventListener("change", function () {
      name.textContent = input.files && input.files.length ? input.files[0].name : none;
    });
  });
  // A form that deletes asks first, in the page's words.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
  function hasFiles(event) {
    return event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types || [], "Files") >= 0;
  }
  var boxes = Array.prototype.slice.call(document.querySelectorAll("form.drop"));
  // Outside a box, a dropped file is refused rather than opened by the browser.
  ["dragover", "drop"].forEach(function (type) {
    window.addEventListener(type, function (event) {
      if (hasFiles(event) && !boxes.some(function (box) { return box.contains(event.target); })) {
        event.preventDefault();
        if (event.dataTransfer) { event.dataTransfer.dropEffect = "none"; }
      }
    });
  });
  // Each box (the export; a list from the cooperative) reads the file dropped on it.
  boxes.forEach(function (box) {
    var input = box.querySelector("input[type=file]");
    box.addEventListener("dragover", function (event) {
      if (!hasFiles(event)) { return; }
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
      box.classList.add("dragging");
    });
    box.addEventListener("dragleave", function () { box.classList.remove("dragging"); });
    box.addEventListener("drop", function (event) {
      if (!hasFiles(event)) { return; }
      event.preventDefault();
      box.classList.remove("dragging");
      if (!event.dataTransfer.files.length) { return; }
      input.files = event.dataTransfer.files;
      input.dispatchEvent(new Event("change"));
      box.submit();  // the file dropped is the one to read: as the box's button would
    });
  });
})();
