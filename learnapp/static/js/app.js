// Site-wide behaviour without inline scripts (the Content-Security-Policy forbids them).
(function () {
  "use strict";
  var toggle = document.querySelector(".nav-toggle");
  var nav = document.getElementById("site-nav");
  if (toggle && nav) {
    toggle.addEventListener("click", function () {
      var open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  // The administration entries (a <details>): listed open in the phone's menu; on a PC a drop-down
  // that Escape or a click elsewhere folds again.
  var adminMenu = document.querySelector(".admin-menu");
  if (adminMenu) {
    var phone = window.matchMedia("(max-width: 899px)");
    if (phone.matches) { adminMenu.open = true; }
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && adminMenu.open && !phone.matches) {
        adminMenu.open = false;
        adminMenu.querySelector("summary").focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (adminMenu.open && !phone.matches && !adminMenu.contains(event.target)) { adminMenu.open = false; }
    });
  }
  // Buttons with data-confirm ask before their form is sent.
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-confirm]");
    if (target && !window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  // Forms with data-once disable their submit buttons after the first submit (double clicks).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-once")) {
      if (form.dataset.sent) { event.preventDefault(); return; }
      form.dataset.sent = "1";
    }
  });
  // Tables shown as cards on a phone (.cards, see app.css): each cell is labelled with its
  // column's heading, so a card says what each figure is.
  Array.prototype.forEach.call(document.querySelectorAll("table.cards"), function (table) {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.replace(/\s+/g, " ").trim();
    });
    Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (row) {
      Array.prototype.forEach.call(row.cells, function (cell, i) {
        if (heads[i] && !cell.hasAttribute("colspan") && !cell.classList.contains("card-title") &&
            !cell.classList.contains("card-pick") &&
            !cell.hasAttribute("data-label")) {
          cell.setAttribute("data-label", heads[i]);
        }
      });
    });
  });
  // Shared helper: the CSRF token for fetch() calls.
  window.learnapp = window.learnapp || {};
  window.learnapp.csrfToken = function () {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  };
})();
