// Thought reports: the draft is saved while the person types (every few seconds, on leaving a
// field and when the page is hidden), so a reload or a closed tab never loses the text. What was
// typed since the last confirmed save is also kept in this tab's sessionStorage (gone with the tab,
// so nothing stays behind on a shared computer) and put back if the page is reloaded before the
// server confirmed it.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave-url]");
  if (!form) { return; }
  var url = form.getAttribute("data-autosave-url");
  var body = form.querySelector("[data-autosave]");
  var title = form.querySelector("[name=title]");
  var quarter = form.querySelector("[name=quarter]");
  var status = form.querySelector("[data-autosave-status]");
  var INTERVAL_MS = 3000;
  // The quarter whose draft this page holds (the select may already show another one).
  var draftQuarter = quarter ? quarter.value : "";
  var storageKey = "learnapp.report-draft." + form.getAttribute("data-autosave-key");
  var inFlight = false;
  var again = false;
  var submitting = false;

  function snapshot() {
    return JSON.stringify({ quarter: draftQuarter, title: title ? title.value : "", body: body.value });
  }

  function show(text) { if (status) { status.textContent = text; } }

  function remember(value) {
    try {
      if (value === null) { window.sessionStorage.removeItem(storageKey); }
      else { window.sessionStorage.setItem(storageKey, value); }
    } catch (e) { /* storage disabled: the server's copy still works */ }
  }

  // Typed but unconfirmed before a reload: put it back (and save it).
  try {
    var kept = window.sessionStorage.getItem(storageKey);
    if (kept) {
      var data = JSON.parse(kept);
      if (data.quarter === draftQuarter) {
        body.value = data.body;
        if (title) { title.value = data.title; }
      }
    }
  } catch (e) { /* nothing kept */ }
  var saved = kept ? "" : snapshot();

  function save(keepalive) {
    var current = snapshot();
    if (submitting || current === saved) { return; }
    if (inFlight && !keepalive) { again = true; return; }
    inFlight = true;
    fetch(url, {
      method: "POST", credentials: "same-origin", keepalive: !!keepalive,
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": window.learnapp.csrfToken() },
      body: current
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      inFlight = false;
      if (result.ok && result.data.ok) {
        saved = current;
        if (snapshot() === current) { remember(null); }
        show(status.getAttribute("data-saved-text").replace("{time}", result.data.saved_at));
      } else {
        var reasons = (result.data.reasons || []).map(function (r) { return r.message; }).join(" ");
        show(reasons || status.getAttribute("data-failed-text"));
      }
      if (again) { again = false; save(false); }
    }).catch(function () {
      inFlight = false;
      show(status.getAttribute("data-failed-text"));
    });
  }

  function typed() { remember(snapshot()); }

  body.addEventListener("input", typed);
  if (title) { title.addEventListener("input", typed); }
  window.setInterval(function () { save(false); }, INTERVAL_MS);
  body.addEventListener("blur", function () { save(false); });
  if (title) { title.addEventListener("blur", function () { save(false); }); }
  if (quarter) {
    // Another quarter: open its own draft (the text typed so far is saved under the old one first).
    quarter.addEventListener("change", function () {
      save(true);
      submitting = true;
      var target = new URL(window.location.href);
      target.searchParams.set("quarter", quarter.value);
      window.location.assign(target.toString());
    });
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { save(true); }
  });
  window.addEventListener("pagehide", function () { save(true); });
  form.addEventListener("submit", function () { submitting = true; remember(null); });
  if (!saved) { save(false); }
})();
