// Measured reading time: starts a reading session for this material and sends a heartbeat every
// HEARTBEAT_SECONDS while the reader is active (page visible, and input within the last minute or
// media playing). The server decides what is credited, by its own clock; this script only reports.
// The shared part (posting, showing the answer, refusals) is beat_page.js.
(function () {
  "use strict";
  var root = document.querySelector("[data-reading]");
  if (!root || !window.fetch || !window.learnapp || !window.learnapp.beatPage) { return; }
  var page = window.learnapp.beatPage(root);

  var INPUT_WINDOW_MS = 60 * 1000;
  var lastInput = Date.now();
  var sessionId = null, heartbeatUrl = null, closeUrl = null, seq = 0, stopped = false, inFlight = false;

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

  function start() {
    page.post(root.getAttribute("data-start-url"), { material_id: parseInt(root.getAttribute("data-material-id"), 10) })
      .then(function (result) {
        if (result.status === 201 && result.data.ok) {
          sessionId = result.data.session;
          heartbeatUrl = result.data.heartbeat_url;
          closeUrl = result.data.close_url;
          seq = 0;
          stopped = false;
          if (page.resumeButton) { page.resumeButton.parentNode.classList.add("hidden"); }
          page.say(root.getAttribute("data-completed") === "1" ? "completed" : "counting");
        } else {
          stopped = page.refused(result.data);
        }
      })
      .catch(function () { page.say("error"); });
  }

  function beat() {
    if (stopped || !sessionId || inFlight) { return; }
    if (!isActive()) { page.say("paused"); return; }
    inFlight = true;
    seq += 1;
    page.post(heartbeatUrl, { seq: seq, at: page.serverTime() })
      .then(function (result) {
        if (result.data && result.data.ok) {
          page.showProgress(result.data, function () { return "counting"; });
        } else if (page.refused(result.data)) {
          stopped = true;
        }
      })
      .catch(function () { page.say("error"); })
      .then(function () { inFlight = false; });
  }

  if (page.resumeButton) {
    page.resumeButton.addEventListener("click", function () { lastInput = Date.now(); start(); });
  }
  window.addEventListener("pagehide", function () {
    if (sessionId && closeUrl && !stopped) { page.post(closeUrl, {}, true).catch(function () {}); }
  });
  // A page restored from the back-forward cache had its session closed on pagehide: start anew.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { start(); }
  });

  start();
  window.setInterval(beat, page.intervalMs);
})();
