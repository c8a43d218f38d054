// Measured reading time: starts a reading session for this material and sends a heartbeat every
// HEARTBEAT_SECONDS while the reader is active (page visible, and input within the last minute or
// media playing). The server decides what is credited, by its own clock; this script only reports.
(function () {
  "use strict";
  var root = document.querySelector("[data-reading]");
  if (!root || !window.fetch) { return; }

  var messagesNode = document.getElementById("reading-messages");
  var messages = messagesNode ? JSON.parse(messagesNode.textContent) : {};
  var intervalMs = Math.max(5, parseInt(root.getAttribute("data-interval"), 10) || 30) * 1000;
  var INPUT_WINDOW_MS = 60 * 1000;
  // Timestamps are sent in the server's clock: its time at page load plus the time elapsed here.
  var serverStart = Date.parse(root.getAttribute("data-server-now"));
  var loadedAt = performance.now();
  var lastInput = Date.now();
  var sessionId = null, heartbeatUrl = null, closeUrl = null, seq = 0, stopped = false, inFlight = false;

  var stateNode = root.querySelector("[data-reading-state]");
  var minutesNode = root.querySelector("[data-reading-minutes]");
  var creditNode = root.querySelector("[data-reading-credit]");
  var doneNode = root.querySelector("[data-reading-done]");
  var barNode = root.querySelector("[data-reading-bar]");
  var resumeButton = root.querySelector("[data-reading-resume]");

  function say(key) {
    if (stateNode && messages[key]) { stateNode.textContent = messages[key]; }
  }

  function formatCredit(hundredths) {
    var whole = Math.floor(hundredths / 100), frac = hundredths % 100;
    if (frac === 0) { return String(whole); }
    return (whole + "." + (frac < 10 ? "0" : "") + frac).replace(/0+$/, "");
  }

  function serverTime() {
    return new Date(serverStart + (performance.now() - loadedAt)).toISOString();
  }

  ["mousemove", "mousedown", "keydown", "scroll", "wheel", "touchstart", "pointerdown"].forEach(function (name) {
    window.addEventListener(name, function () { lastInput = Date.now(); }, { passive: true, capture: true });
  });

  function mediaPlaying() {
    var media = document.querySelectorAll("video, audio");
    for (var i = 0; i < media.length; i++) {
      if (!media[i].paused && !media[i].ended) { return true; }
    }
    return false;
  }

  function isActive() {
    return document.visibilityState === "visible" && (Date.now() - lastInput < INPUT_WINDOW_MS || mediaPlaying());
  }

  function post(url, body, keepalive) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: !!keepalive,
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": window.learnapp && window.learnapp.csrfToken ? window.learnapp.csrfToken() : ""
      },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    });
  }

  function showProgress(data) {
    if (minutesNode && typeof data.active_seconds === "number") {
      minutesNode.textContent = String(Math.floor(data.active_seconds / 60));
    }
    if (creditNode && typeof data.granted_hundredths === "number") {
      creditNode.textContent = formatCredit(data.granted_hundredths);
    }
    if (barNode && typeof data.counted_seconds === "number") {
      barNode.value = Math.min(data.counted_seconds, barNode.max);
    }
    if (data.completed) {
      if (doneNode) { doneNode.classList.remove("hidden"); }
      say("completed");
    } else if (data.capped) {
      say("capped");
    } else {
      say("counting");
    }
  }

  function refused(data) {
    var code = data && data.error;
    if (code === "too_soon") { return; }
    stopped = true;
    if (code === "superseded") {
      say("superseded");
      if (resumeButton) { resumeButton.parentNode.classList.remove("hidden"); }
      return;
    }
    if (stateNode) { stateNode.textContent = (data && data.message) || messages.error || ""; }
  }

  function start() {
    post(root.getAttribute("data-start-url"), { material_id: parseInt(root.getAttribute("data-material-id"), 10) })
      .then(function (result) {
        if (result.status === 201 && result.data.ok) {
          sessionId = result.data.session;
          heartbeatUrl = result.data.heartbeat_url;
          closeUrl = result.data.close_url;
          seq = 0;
          stopped = false;
          if (resumeButton) { resumeButton.parentNode.classList.add("hidden"); }
          say(root.getAttribute("data-completed") === "1" ? "completed" : "counting");
        } else {
          refused(result.data);
        }
      })
      .catch(function () { say("error"); });
  }

  function beat() {
    if (stopped || !sessionId || inFlight) { return; }
    if (!isActive()) { say("paused"); return; }
    inFlight = true;
    seq += 1;
    post(heartbeatUrl, { seq: seq, at: serverTime() })
      .then(function (result) {
        if (result.data && result.data.ok) { showProgress(result.data); } else { refused(result.data); }
      })
      .catch(function () { say("error"); })
      .then(function () { inFlight = false; });
  }

  if (resumeButton) {
    resumeButton.addEventListener("click", function () { lastInput = Date.now(); start(); });
  }
  window.addEventListener("pagehide", function () {
    if (sessionId && closeUrl && !stopped) { post(closeUrl, {}, true).catch(function () {}); }
  });
  // A page restored from the back-forward cache had its session closed on pagehide: start anew.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { start(); }
  });

  start();
  window.setInterval(beat, intervalMs);
})();
