// culturecoop member app: the export field in the page's language (the browser's own button and its
// "no file chosen" speak the browser's language), and the dashed box that takes a file dropped on
// it (a file dropped anywhere else on the page would make the browser open it and leave the app).
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
  var box = document.querySelector("form.drop");
  // Outside the box, a dropped file is refused rather than opened by the browser.
  ["dragover", "drop"].forEach(function (type) {
    window.addEventListener(type, function (event) {
      if (hasFiles(event) && !(box && box.contains(event.target))) {
        event.preventDefault();
        if (event.dataTransfer) { event.dataTransfer.dropEffect = "none"; }
      }
    });
  });
  if (!box) { return; }
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
    box.submit();  // the file dropped is the one to read: as « Lire cet export » would
  });
})();
