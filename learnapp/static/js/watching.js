// Measured watching time of a video or audio: starts a reading session at the player's position
// and, while the media plays and the page is visible, sends a heartbeat every HEARTBEAT_SECONDS
// with the player's position, rate and muted state. The server decides what is credited (the
// position must advance with its clock); this script only reports. The page resumes where the
// person stopped (data-resume, from the server). The shared part is beat_page.js.
(function () {
  "use strict";
  var root = document.querySelector("[data-watching]");
  if (!root || !window.fetch || !window.learnapp || !window.learnapp.beatPage) { return; }
  var player = document.getElementById(root.getAttribute("data-player-id"));
  if (!player) { return; }
  var page = window.learnapp.beatPage(root);
  var messages = page.messages, say = page.say, intervalMs = page.intervalMs, resumeButton = page.resumeButton;

  var resume = parseFloat(root.getAttribute("data-resume")) || 0;
  var startAt = resume;  // the first session starts where the player is about to be
  var sessionId = null, heartbeatUrl = null, closeUrl = null, seq = 0, stopped = false, inFlight = false;
  var lastSent = 0;  // performance.now() of the session's start or last beat: the server refuses beats
                     // closer than a third of the interval, so none is sent then

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

  function watchState(data) {
    if (data.watch && messages[data.watch]) { return data.watch; }
    return playing() ? "counting" : "paused";
  }

  function start() {
    page.post(root.getAttribute("data-start-url"), {
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
        stopped = page.refused(result.data);
      }
    }).catch(function () { say("error"); });
  }

  // One beat: `wasPlaying` says whether the interval it closes was played with the page visible.
  function beat(wasPlaying) {
    if (stopped || !sessionId || inFlight || performance.now() - lastSent < intervalMs / 3) { return; }
    inFlight = true;
    lastSent = performance.now();
    seq += 1;
    page.post(heartbeatUrl, {
      seq: seq, at: page.serverTime(), position: position(), playing: wasPlaying, visible: wasPlaying,
      muted: player.muted || player.volume === 0, rate: player.playbackRate || 1
    }).then(function (result) {
      if (result.data && result.data.ok) {
        page.showProgress(result.data, watchState);
      } else if (page.refused(result.data)) {
        stopped = true;
      }
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
    if (sessionId && closeUrl && !stopped) { page.post(closeUrl, { position: position() }, true).catch(function () {}); }
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { start(); }
  });

  start();
  window.setInterval(tick, intervalMs);
})();
