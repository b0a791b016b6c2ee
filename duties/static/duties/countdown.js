// Live countdowns on duty pages and Now. The server computed the seconds left
// (its clock is the truth); this only counts them down. Frozen ones stay
// still. Countdowns that arrive later (Now redraws its blocks with htmx) are
// picked up on the next tick, counted from when they arrived.
(function () {
  "use strict";
  var pad = function (n) { return (n < 10 ? "0" : "") + n; };
  var format = function (s) {
    var a = Math.abs(s), d = Math.floor(a / 86400), h = Math.floor(a % 86400 / 3600),
        m = Math.floor(a % 3600 / 60), sec = a % 60;
    return (d ? d + "d " : "") + h + ":" + pad(m) + ":" + pad(sec);
  };
  var tick = function () {
    var clock = Date.now();
    document.querySelectorAll("[data-seconds-left]").forEach(function (el) {
      if (el.dataset.frozen === "1") return;
      if (!el.dataset.arrived) el.dataset.arrived = String(clock);
      var passed = Math.floor((clock - parseInt(el.dataset.arrived, 10)) / 1000);
      var left = parseInt(el.dataset.secondsLeft, 10) - passed;
      var out = el.querySelector(".countdown-live");
      if (!out) return;
      out.textContent = left >= 0 ? format(left) + " left" : "late by " + format(left);
      el.classList.toggle("is-late", left < 0);
    });
  };
  tick();
  setInterval(tick, 1000);
})();
