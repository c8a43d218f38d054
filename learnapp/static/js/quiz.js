// Taking a quiz: the timer shows the server's deadline; answers autosave as the learner goes.
// Without JavaScript the page still works: its Save and Submit buttons post the form.
(function () {
  "use strict";
  var form = document.getElementById("quiz-form");
  if (!form) { return; }
  var statusEl = document.getElementById("save-status");
  var timerEl = document.getElementById("quiz-timer");
  var timerValue = document.getElementById("quiz-timer-value");
  var announce = document.getElementById("timer-announce");
  var saveUrl = form.getAttribute("data-autosave-url");
  var submitting = false;
  var dirty = false;
  var inFlight = false;
  var retryDelay = 2000;
  var debounce = null;

  function say(key, extra) {
    if (!statusEl) { return; }
    var text = statusEl.getAttribute("data-" + key) || "";
    statusEl.textContent = extra ? text + " " + extra : text;
    statusEl.className = "save-status state-" + key;
  }

  // --- timer: counts down from the seconds the server said were left when the page was made.
  // The browser's own clock is never trusted for the deadline, only for measuring elapsed time.
  var endAt = null;
  if (timerEl) {
    endAt = Date.now() + parseInt(timerEl.getAttribute("data-seconds-left"), 10) * 1000;
  }
  var warned = false;

  function pad(n) { return n < 10 ? "0" + n : String(n); }

  function tick() {
    if (endAt === null) { return; }
    var left = Math.max(0, Math.round((endAt - Date.now()) / 1000));
    var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    timerValue.textContent = (h ? h + ":" + pad(m) : String(m)) + ":" + pad(s);
    if (left <= 300 && !warned) {
      warned = true;
      timerEl.classList.add("warning");
      if (announce) { announce.textContent = timerEl.getAttribute("data-label-warning"); }
    }
    if (left <= 60) { timerEl.classList.add("critical"); }
    if (left === 0 && !submitting) {
      if (announce) { announce.textContent = timerEl.getAttribute("data-label-up"); }
      submitNow();
    }
  }

  function submitNow() {
    // Time is up: post the form as a submission (the server also submits overdue attempts itself).
    submitting = true;
    var action = document.createElement("input");
    action.type = "hidden"; action.name = "action"; action.value = "submit";
    form.appendChild(action);
    HTMLFormElement.prototype.submit.call(form);
  }

  // --- autosave
  function save() {
    if (submitting || inFlight) { return; }
    if (!dirty) { return; }
    dirty = false;
    inFlight = true;
    say("saving");
    fetch(saveUrl, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-CSRFToken": window.learnapp.csrfToken(), "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (result) {
      inFlight = false;
      retryDelay = 2000;
      if (result.data && result.data.redirect) {
        submitting = true;
        window.location.assign(result.data.redirect);
        return;
      }
      if (result.status >= 400) {
        say("error", result.data && result.data.message ? result.data.message : "");
        return;
      }
      if (typeof result.data.seconds_left === "number" && timerEl) {
        endAt = Date.now() + result.data.seconds_left * 1000;  // resynchronise with the server
      }
      say("saved");
      if (dirty) { schedule(300); }
    }).catch(function () {
      // Offline or the server restarting: keep the answers on the page and try again.
      inFlight = false;
      dirty = true;
      say("offline");
      schedule(retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
    });
  }

  function schedule(ms) {
    if (debounce) { window.clearTimeout(debounce); }
    debounce = window.setTimeout(save, ms);
  }

  function markAnswered(fieldset) {
    if (!fieldset) { return; }
    var id = fieldset.getAttribute("data-item");
    var answered = false;
    fieldset.querySelectorAll("input, textarea").forEach(function (el) {
      if ((el.type === "radio" || el.type === "checkbox") && el.checked) { answered = true; }
      if ((el.type === "text" || el.tagName === "TEXTAREA") && el.value.trim()) { answered = true; }
    });
    var link = document.getElementById("nav-" + id);
    if (link) { link.classList.toggle("answered", answered); }
    var count = document.querySelectorAll(".question-index a.answered").length;
    var counter = document.getElementById("answered-count");
    if (counter) { counter.textContent = String(count); }
  }

  form.addEventListener("change", function (event) {
    dirty = true;
    markAnswered(event.target.closest("fieldset"));
    schedule(200);
  });
  form.addEventListener("input", function (event) {
    if (event.target.type === "text" || event.target.tagName === "TEXTAREA") {
      dirty = true;
      markAnswered(event.target.closest("fieldset"));
      schedule(1500);
    }
  });
  form.addEventListener("submit", function () { submitting = true; });
  window.addEventListener("online", function () { if (dirty) { schedule(100); } });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && dirty && navigator.sendBeacon) {
      // Leaving the page: the form carries its CSRF token, so a beacon can save it too.
      navigator.sendBeacon(saveUrl, new FormData(form));
      dirty = false;
    }
  });

  if (timerEl) {
    tick();
    window.setInterval(tick, 1000);
  }
})();
