// Subscribe this device to Web Push: Settings → Notifications, and Now's
// one-time offer (notify/partials/push_offer.html, marked data-push-offer),
// which stays hidden unless this browser can receive push.
(function () {
  "use strict";

  function keyBytes(base64url) {
    var padded = base64url.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((base64url.length + 3) % 4);
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function setUp(box) {
    var form = box.querySelector("form.push-form");
    var button = box.querySelector("[data-push-add]");
    var status = box.querySelector("[data-push-status]");
    var offer = box.hasAttribute("data-push-offer");

    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
      if (!offer) status.textContent = "This browser cannot receive push messages. Use e-mail or an Apprise URL instead.";
      return;
    }
    box.hidden = false;
    form.hidden = false;
    status.textContent = "Shows Instep's messages on this device, even when the app is closed.";

    button.addEventListener("click", function () {
      button.disabled = true;
      status.textContent = "Asking this device…";
      Notification.requestPermission().then(function (permission) {
        if (permission !== "granted") {
          throw new Error("notifications are blocked for this site in the browser's settings");
        }
        return navigator.serviceWorker.register("/sw.js", { scope: "/" });
      }).then(function () {
        return navigator.serviceWorker.ready;
      }).then(function (registration) {
        return registration.pushManager.getSubscription().then(function (existing) {
          return existing || registration.pushManager.subscribe({
            userVisibleOnly: true,
            applicationServerKey: keyBytes(box.dataset.vapidKey)
          });
        });
      }).then(function (subscription) {
        form.elements.subscription.value = JSON.stringify(subscription);
        form.submit();
      }).catch(function (error) {
        status.textContent = "Could not add this device: " + error.message + ".";
        button.disabled = false;
      });
    });
  }

  document.querySelectorAll("[data-push]").forEach(setUp);
})();
