// What reading and watching pages share: the measured-time panel's nodes and messages, the
// server's clock, JSON posts with the CSRF token, the server's answer shown and its refusals.
// reading.js and watching.js decide when to beat and what to report.
(function () {
  "use strict";
  window.learnapp = window.learnapp || {};

  window.learnapp.beatPage = function (root) {
    var messagesNode = document.getElementById("reading-messages");
    var messages = messagesNode ? JSON.parse(messagesNode.textContent) : {};
    // Timestamps are sent in the server's clock: its time at page load plus the time elapsed here.
    var serverStart = Date.parse(root.getAttribute("data-server-now"));
    var loadedAt = performance.now();
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

    return {
      messages: messages,
      resumeButton: resumeButton,
      intervalMs: Math.max(5, parseInt(root.getAttribute("data-interval"), 10) || 30) * 1000,
      say: say,
      serverTime: function () {
        return new Date(serverStart + (performance.now() - loadedAt)).toISOString();
      },
      post: function (url, body, keepalive) {
        return fetch(url, {
          method: "POST",
          credentials: "same-origin",
          keepalive: !!keepalive,
          headers: {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "X-CSRFToken": window.learnapp.csrfToken ? window.learnapp.csrfToken() : ""
          },
          body: JSON.stringify(body || {})
        }).then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (data) {
            return { status: response.status, data: data };
          });
        });
      },
      // The beat's answer: time, credit and bar; `state(data)` names the message when the
      // material is neither completed nor capped for the day.
      showProgress: function (data, state) {
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
          say(state(data));
        }
      },
      // A refusal: whether the page must stop beating ("too soon" is only skipped).
      refused: function (data) {
        var code = data && data.error;
        if (code === "too_soon") { return false; }
        if (code === "superseded") {
          say("superseded");
          if (resumeButton) { resumeButton.parentNode.classList.remove("hidden"); }
        } else if (stateNode) {
          stateNode.textContent = (data && data.message) || messages.error || "";
        }
        return true;
      }
    };
  };
})();
