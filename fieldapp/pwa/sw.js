/* Service worker: keeps the recording pages, their scripts, Leaflet and the coast outline on the phone,
   so /record opens and works with no network after the first visit. Records themselves live in the
   IndexedDB outbox, never in this cache. */
"use strict";

// Written by fieldapp/pwa/shell.py when /sw.js is served: VERSION (the cache's name, with a hash of every
// file the shell keeps, so a deploy that changes one starts a fresh cache), SHELL (every page and file
// /record needs with no network: every script under static/js, Leaflet, the styles, icons and outline)
// and NETWORK_FIRST (the pages, fetched fresh when online, from the cache when not).
/* @shell */

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(VERSION).then(function (cache) {
    // One by one, so a page that redirects (signed out) does not stop the rest from being kept.
    return Promise.all(SHELL.map(function (url) {
      // "no-cache": revalidated with the server, never taken stale from the browser's HTTP cache.
      return fetch(url, { credentials: "same-origin", cache: "no-cache" }).then(function (response) {
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
