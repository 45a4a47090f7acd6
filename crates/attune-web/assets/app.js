// attune's few lines of script. Every page works without them; they add
// the Escape-three-times quick exit, the pause timer, and hiding the page
// when the journal locks itself while the window is left open.
(function () {
  "use strict";
  var csrf = document.querySelector('meta[name="csrf-token"]');
  var token = csrf ? csrf.getAttribute("content") : null;

  // Quick exit: the page is replaced first (so nothing lingers on screen),
  // the lock request goes out with keepalive so it survives the navigation.
  function quickExit() {
    if (token) {
      try {
        fetch("/exit", { method: "POST", keepalive: true, credentials: "same-origin", headers: { "X-CSRF-Token": token } });
      } catch (e) { /* the server locks on idle anyway */ }
    }
    window.location.replace("/bye");
  }
  var form = document.getElementById("quick-exit");
  if (form) {
    form.addEventListener("submit", function (ev) { ev.preventDefault(); quickExit(); });
  }
  var escapes = [];
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape") { return; }
    var now = Date.now();
    escapes = escapes.filter(function (t) { return now - t < 1500; });
    escapes.push(now);
    if (escapes.length >= 3 && token) { quickExit(); }
  });

  // Idle lock: when the lock time has passed without a key or click, the
  // page is hidden at once, whatever was typed. What was typed is not lost:
  // the form goes to /idle-lock, which locks and seals it (no key is needed
  // to seal; only the passphrase opens it), and Today offers it back after
  // the next unlock.
  var lockSecs = parseInt(document.body.getAttribute("data-lock-secs") || "0", 10);
  if (lockSecs > 0 && token) {
    var last = Date.now();
    var dirtyForm = null;
    var locking = false;
    ["keydown", "pointerdown", "input"].forEach(function (name) {
      document.addEventListener(name, function () { last = Date.now(); }, true);
    });
    document.addEventListener("input", function (ev) {
      if (ev.target && ev.target.form) { dirtyForm = ev.target.form; }
    }, true);
    var idleLock = function () {
      locking = true;
      var body = new URLSearchParams();
      if (dirtyForm) {
        // A passphrase is never sent on; files are not kept either.
        Array.prototype.forEach.call(dirtyForm.elements, function (el) {
          if (!el.name || el.disabled || el.type === "password" || el.type === "file") { return; }
          if ((el.type === "checkbox" || el.type === "radio") && !el.checked) { return; }
          if (el.tagName === "BUTTON" || el.type === "submit") { return; }
          if (el.tagName === "SELECT" && el.multiple) {
            Array.prototype.forEach.call(el.selectedOptions, function (o) { body.append(el.name, o.value); });
            return;
          }
          body.append(el.name, el.value);
        });
        body.set("_form", new URL(dirtyForm.action, window.location.href).pathname);
      }
      body.set("_csrf", token);
      document.body.hidden = true;
      // Navigate only once the server has locked, so /unlock is what shows
      // (with its note when something typed was kept).
      fetch("/idle-lock", { method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": token }, body: body })
        .then(function (r) {
          var kept = r.url && new URL(r.url).search === "?kept=1";
          window.location.replace(kept ? "/unlock?kept=1" : "/unlock");
        }, function () { window.location.replace("/unlock"); });
    };
    window.setInterval(function () {
      if (!locking && Date.now() - last > lockSecs * 1000) { idleLock(); }
    }, 1000);
  }

  // The pause: a countdown and a breathing pacer; the end section is shown
  // when the time is up (without script it is always visible).
  var pause = document.getElementById("pause");
  if (pause) {
    var end = document.getElementById("pause-end");
    var clock = document.getElementById("clock");
    var breath = document.getElementById("breath");
    var word = document.getElementById("breath-word");
    var total = parseInt(pause.getAttribute("data-seconds"), 10) || 600;
    var steps = [
      ["in", parseInt(pause.getAttribute("data-in"), 10) || 4, pause.getAttribute("data-in-text")],
      ["hold", parseInt(pause.getAttribute("data-hold"), 10) || 0, pause.getAttribute("data-hold-text")],
      ["out", parseInt(pause.getAttribute("data-out"), 10) || 6, pause.getAttribute("data-out-text")]
    ].filter(function (s) { return s[1] > 0; });
    var cycle = steps.reduce(function (a, s) { return a + s[1]; }, 0);
    if (end) { end.hidden = true; }
    var started = Date.now();
    var shownStep = "";
    var tick = function () {
      var elapsed = (Date.now() - started) / 1000;
      var left = Math.max(0, Math.ceil(total - elapsed));
      clock.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      if (cycle > 0) {
        var t = elapsed % cycle;
        for (var i = 0; i < steps.length; i++) {
          if (t < steps[i][1]) { break; }
          t -= steps[i][1];
        }
        var step = steps[Math.min(i, steps.length - 1)];
        if (step[0] !== shownStep) {
          shownStep = step[0];
          breath.style.transitionDuration = step[1] + "s";
          breath.className = "breath " + step[0];
          word.textContent = step[2];
        }
      }
      if (left <= 0) {
        window.clearInterval(timer);
        pause.hidden = true;
        if (end) {
          end.hidden = false;
          var h = end.querySelector("h2");
          if (h) { h.setAttribute("tabindex", "-1"); h.focus(); }
        }
      }
    };
    var timer = window.setInterval(tick, 250);
    tick();
  }
})();
