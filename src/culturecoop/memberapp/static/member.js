// culturecoop member app: the export field in the page's language (the browser's own button and its
// "no file chosen" speak the browser's language). No inline script (CSP).
(function () {
  "use strict";
  document.querySelectorAll(".file-pick input[type=file]").forEach(function (input) {
    var name = input.parentNode.querySelector(".file-name");
    var none = name.textContent;
    input.addEventListener("change", function () {
      name.textContent = input.files && input.files.length ? input.files[0].name : none;
    });
  });
})();
