// Instep's service worker: shows push messages. It caches nothing, so no
// page of the couple's is kept on the device.
"use strict";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  event.waitUntil(self.registration.showNotification(data.title || "Instep", {
    body: data.body || "",
    tag: data.tag || "instep",
    icon: "{{ icon }}",
    renotify: Boolean(data.urgent),
    requireInteraction: Boolean(data.urgent),
    data: { url: data.url || "/" }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  if (target.origin !== self.location.origin) target = new URL("/", self.location.origin);
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (list) {
    for (var i = 0; i < list.length; i++) {
      if ("focus" in list[i]) { list[i].navigate(target.href); return list[i].focus(); }
    }
    return self.clients.openWindow(target.href);
  }));
});
