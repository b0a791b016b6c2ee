// Small enhancements; every page works without them.
(function () {
  "use strict";

  // Sign-up: take the time zone from the device.
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  document.querySelectorAll('input[type=hidden][name=time_zone]').forEach(function (input) {
    if (!input.value && zone) input.value = zone;
  });

  // Settings: offer the device's time zone when it differs from the saved one.
  document.querySelectorAll("[data-device-zone]").forEach(function (button) {
    var select = document.querySelector(button.dataset.deviceZone);
    if (!select || !zone || select.value === zone) return;
    button.textContent = "Use this device's time zone (" + zone.replace(/_/g, " ") + ")";
    button.hidden = false;
    button.addEventListener("click", function () { select.value = zone; });
  });

  // Copy buttons.
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var field = document.querySelector(button.dataset.copy);
      field.select();
      var done = function () { button.textContent = "Copied"; };
      if (navigator.clipboard) navigator.clipboard.writeText(field.value).then(done, done);
      else { document.execCommand("copy"); done(); }
    });
  });

  // Share buttons: the phone's own share sheet, where there is one.
  document.querySelectorAll("[data-share]").forEach(function (button) {
    var field = document.querySelector(button.dataset.share);
    if (!field || !navigator.share) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.share({ url: field.value }).catch(function () {});
    });
  });

  // Quick lock: hide the page after the chosen idle time, even without a request.
  var body = document.body;
  var seconds = parseInt(body.dataset.lockAfter || "0", 10);
  if (seconds > 0 && body.dataset.lockUrl) {
    var timer;
    // Locking is a POST (a link must not lock anyone out): send the same form
    // the "Lock" button sends, with the page's CSRF token.
    var lockNow = function () {
      var form = document.createElement("form");
      form.method = "post";
      form.action = body.dataset.lockUrl;
      var token = document.createElement("input");
      token.type = "hidden";
      token.name = "csrfmiddlewaretoken";
      token.value = JSON.parse(body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
      form.appendChild(token);
      document.body.appendChild(form);
      form.submit();
    };
    var arm = function () {
      clearTimeout(timer);
      timer = setTimeout(lockNow, seconds * 1000);
    };
    ["pointerdown", "keydown", "scroll", "touchstart"].forEach(function (name) {
      window.addEventListener(name, arm, { passive: true });
    });
    arm();
  }
})();
