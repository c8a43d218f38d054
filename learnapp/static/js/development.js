// Member development pages: "select all" boxes for batch filings and batch acceptance.
(function () {
  "use strict";
  document.querySelectorAll(".js-check-all").forEach(function (box) {
    box.addEventListener("change", function () {
      var name = box.getAttribute("data-target");
      document.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (other) {
        other.checked = box.checked;
      });
    });
  });
})();
