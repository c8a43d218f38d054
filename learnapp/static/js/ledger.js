// Ledger pages: "tick everyone" boxes, a count of ticked people, the live check-in count and QR code.
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

  // The check-in screen's QR code names a signed link that expires: load a fresh one every
  // data-refresh-seconds (and at once when the screen is shown again).
  var qr = document.querySelector(".js-checkin-qr");
  if (qr) {
    var base = qr.getAttribute("src").split("?")[0];
    var seconds = parseInt(qr.getAttribute("data-refresh-seconds"), 10) || 30;
    var renew = function () {
      if (document.hidden) { return; }
      qr.setAttribute("src", base + "?t=" + String(Date.now()));
    };
    window.setInterval(renew, seconds * 1000);
    document.addEventListener("visibilitychange", renew);
  }
})();
