// Ledger pages: "tick everyone" boxes, a count of ticked people, the live check-in count.
(function () {
  "use strict";
  // A checkbox with class js-check-all ticks every checkbox named by its data-target.
  document.querySelectorAll(".js-check-all").forEach(function (master) {
    var name = master.getAttribute("data-target");
    var form = master.closest("form") || document;
    var boxes = function () { return form.querySelectorAll('input[type=checkbox][name="' + name + '"]'); };
    var counter = form.querySelector(".js-tick-count");
    var update = function () {
      if (!counter) { return; }
      var n = 0;
      boxes().forEach(function (b) { if (b.checked) { n += 1; } });
      counter.textContent = (counter.getAttribute("data-template") || "{n}").replace("{n}", String(n));
    };
    master.addEventListener("change", function () {
      boxes().forEach(function (b) { b.checked = master.checked; });
      update();
    });
    form.addEventListener("change", function (event) {
      if (event.target.name === name) { update(); }
    });
    update();
  });

  // The check-in screen refreshes how many have checked in, every 10 seconds while visible.
  var count = document.querySelector(".js-present-count");
  if (count && window.fetch) {
    var url = count.getAttribute("data-url");
    var refresh = function () {
      if (document.hidden) { return; }
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data) { count.textContent = String(data.present); } })
        .catch(function () { /* offline for a moment: try again at the next tick */ });
    };
    window.setInterval(refresh, 10000);
  }
})();
