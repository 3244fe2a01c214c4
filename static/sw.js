/* Service worker: keeps the recording pages, their scripts, Leaflet and the coast outline on the phone,
   so /record opens and works with no network after the first visit. Records themselves live in the
   IndexedDB outbox, never in this cache. */
"use strict";

var VERSION = "fieldapp-shell-v3";
var SHELL = [
  "/record",
  "/record/area",
  "/record/subjects.json",
  "/geodata/jersey-land.geojson",
  "/static/css/site.css",
  "/static/css/record.css",
  "/static/js/outbox.js",
  "/static/js/record.js",
  "/static/manifest.webmanifest",
  "/static/icons/icon-192.png",
  "/static/icons/icon-512.png",
  "/static/vendor/leaflet/leaflet.css",
  "/static/vendor/leaflet/leaflet.js",
  "/static/vendor/leaflet/images/marker-icon.png",
  "/static/vendor/leaflet/images/marker-icon-2x.png",
  "/static/vendor/leaflet/images/marker-shadow.png",
  "/static/vendor/leaflet-geoman/leaflet-geoman.css",
  "/static/vendor/leaflet-geoman/leaflet-geoman.min.js"
];
// Fetched from the network first (fresh when online), from the cache when not.
var NETWORK_FIRST = ["/record", "/record/area", "/record/subjects.json"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(VERSION).then(function (cache) {
    // One by one, so a page that redirects (signed out) does not stop the rest from being kept.
    return Promise.all(SHELL.map(function (url) {
      return fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (response.ok && !response.redirected) return cache.put(url, response);
      }).catch(function () {});
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== VERSION; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  var path = url.pathname;
  if (NETWORK_FIRST.indexOf(path) >= 0) {
    event.respondWith(networkFirst(request, path));
  } else if (SHELL.indexOf(path) >= 0) {
    event.respondWith(cacheFirst(request, path));
  }
  // Everything else (the API, record pages, photos) goes to the network untouched.
});

function networkFirst(request, key) {
  return fetch(request).then(function (response) {
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(VERSION).then(function (cache) { cache.put(key, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(key).then(function (cached) { return cached || Response.error(); });
  });
}

/* Answer from the cache at once, and refresh the copy in the background for next time. */
function cacheFirst(request, key) {
  return caches.match(key).then(function (cached) {
    var refresh = fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(VERSION).then(function (cache) { cache.put(key, copy); });
      }
      return response;
    });
    if (cached) { refresh.catch(function () {}); return cached; }
    return refresh;
  });
}
