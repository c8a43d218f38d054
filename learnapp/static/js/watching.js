// Measured watching time of a video or audio: starts a reading session at the player's position
// and, while the media plays and the page is visible, sends a heartbeat every HEARTBEAT_SECONDS
// with the player's position, rate and muted state. The server decides what is credited (the
// position must advance with its clock); this script only reports. The page resumes where the
// person stopped (data-resume, from the server).
(function () {
  "use strict";
  var root = document.querySelector("[data-watching]");
  if (!root || !window.fetch) { return; }
  var player = document.getElementById(root.getAttribute("data-player-id"));
  if (!player) { return; }

  var messagesNode = document.getElementById("reading-messages");
  var messages = messagesNode ? JSON.parse(messagesNode.textContent) : {};
  var intervalMs = Math.max(5, parseInt(root.getAttribute("data-interval"), 10) || 30) * 1000;
  var resume = parseFloat(root.getAttribute("data-resume")) || 0;
  var startAt = resume;  // the first session starts where the player is about to be
  var serverStart = Date.parse(root.getAttribute("data-server-now"));
  var loadedAt = performance.now();
  var sessionId = null, heartbeatUrl = null, closeUrl = null, seq = 0, stopped = false, inFlight = false;
  var lastSent = 0;  // performance.now() of the session's start or last beat: the server refuses beats
                     // closer than a third of the interval, so none is sent then

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

  function position() {
    var t = player.currentTime;
    return isFinite(t) && t > 0 ? t : 0;
  }

  function playing() {
    return !player.paused && !player.ended;
  }

  function visible() {
    return document.visibilityState === "visible";
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
    } else if (data.watch && messages[data.watch]) {
      say(data.watch);
    } else if (playing()) {
      say("counting");
    } else {
      say("paused");
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
    post(root.getAttribute("data-start-url"), {
      material_id: parseInt(root.getAttribute("data-material-id"), 10), position: position() || startAt
    }).then(function (result) {
      if (result.status === 201 && result.data.ok) {
        sessionId = result.data.session;
        lastSent = performance.now();
        heartbeatUrl = result.data.heartbeat_url;
        closeUrl = result.data.close_url;
        seq = 0;
        stopped = false;
        if (resumeButton) { resumeButton.parentNode.classList.add("hidden"); }
        if (root.getAttribute("data-completed") === "1") { say("completed"); }
      } else {
        refused(result.data);
      }
    }).catch(function () { say("error"); });
  }

  // One beat: `wasPlaying` says whether the interval it closes was played with the page visible.
  function beat(wasPlaying) {
    if (stopped || !sessionId || inFlight || performance.now() - lastSent < intervalMs / 3) { return; }
    inFlight = true;
    lastSent = performance.now();
    seq += 1;
    post(heartbeatUrl, {
      seq: seq, at: serverTime(), position: position(), playing: wasPlaying, visible: wasPlaying,
      muted: player.muted || player.volume === 0, rate: player.playbackRate || 1
    }).then(function (result) {
      if (result.data && result.data.ok) { showProgress(result.data); } else { refused(result.data); }
    }).catch(function () { say("error"); })
      .then(function () { inFlight = false; });
  }

  var counting = false;  // the media has been playing with the page visible since the last beat
  function tick() {
    if (playing() && visible()) {
      beat(counting);
      counting = true;
    } else {
      counting = false;
    }
  }
  function interrupted() {
    // Paused, ended or hidden: close the interval that was played, then stop beating.
    if (counting) { beat(true); }
    counting = false;
    if (!stopped) { say("paused"); }
  }

  player.addEventListener("play", function () { beat(false); counting = true; if (!stopped) { say("counting"); } });
  player.addEventListener("pause", interrupted);
  player.addEventListener("ended", interrupted);
  player.addEventListener("seeked", function () { counting = playing() && visible(); beat(false); });
  document.addEventListener("visibilitychange", function () {
    if (!visible()) { interrupted(); } else if (playing()) { beat(false); counting = true; }
  });

  function applyResume() {
    if (resume > 0 && player.duration && resume < player.duration - 3) {
      player.currentTime = resume;
      say("resumed");
    }
    resume = 0;
  }
  if (player.readyState >= 1) { applyResume(); } else { player.addEventListener("loadedmetadata", applyResume, { once: true }); }

  if (resumeButton) {
    resumeButton.addEventListener("click", function () { start(); });
  }
  window.addEventListener("pagehide", function () {
    if (sessionId && closeUrl && !stopped) { post(closeUrl, { position: position() }, true).catch(function () {}); }
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { start(); }
  });

  start();
  window.setInterval(tick, intervalMs);
})();
