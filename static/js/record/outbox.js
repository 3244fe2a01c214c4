/* The outbox: every saved record lives in IndexedDB until the server has it; sent with its own
   client-generated id (so a retry can never make a second copy), retried with back-off. */
import { t } from "../i18n.js";

var DB_NAME = "fieldapp-outbox", STORE = "records";
var MAX_DELAY_MS = 5 * 60 * 1000;
var listeners = [], draining = null, timer = null, config = {};

function openDb() {
  return new Promise(function (resolve, reject) {
    var request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "id" }); };
    request.onsuccess = function () { resolve(request.result); };
    request.onerror = function () { reject(request.error); };
  });
}

function tx(mode, work) {
  return openDb().then(function (db) {
    return new Promise(function (resolve, reject) {
      var t = db.transaction(STORE, mode), result;
      t.oncomplete = function () { db.close(); resolve(result); };
      t.onerror = t.onabort = function () { db.close(); reject(t.error); };
      var request = work(t.objectStore(STORE));
      if (request) request.onsuccess = function () { result = request.result; };
    });
  });
}

function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  var b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
  var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
  return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
}

function put(record) {
  record.updatedAt = Date.now();
  return tx("readwrite", function (s) { return s.put(record); }).then(notify);
}
function all() {
  return tx("readonly", function (s) { return s.getAll(); }).then(function (rows) {
    return (rows || []).sort(function (a, b) { return a.savedAt - b.savedAt; });
  });
}
function get(id) { return tx("readonly", function (s) { return s.get(id); }); }
function remove(id) { return tx("readwrite", function (s) { return s.delete(id); }).then(notify); }
function notify() { all().then(function (rows) { listeners.forEach(function (fn) { fn(rows); }); }); }

/* Save first, send later: the record is on the phone before any network is tried.
   options.pseudonym: a new pseudonym to credit, created on the server just before the record is sent. */
function save(feature, photos, options) {
  var record = {
    id: feature.id, feature: feature, body: JSON.stringify(feature), state: "saved", error: null, details: [],
    attempts: 0, nextTry: 0, savedAt: Date.now(), observationSent: false,
    pseudonym: (options && options.pseudonym) || null, pseudonymId: null,
    photos: (photos || []).map(function (p) { return { id: p.id, blob: p.blob, name: p.name, sent: false }; })
  };
  return get(feature.id).then(function (old) {
    if (old) record.savedAt = old.savedAt;
    return put(record);
  }).then(function () { drain(); return record; });
}

function context() {
  return fetch(config.contextUrl, { credentials: "same-origin", cache: "no-store" }).then(function (r) {
    if (!r.ok) throw new Error("context " + r.status);
    return r.json();
  });
}

function backOff(record, message) {
  record.attempts += 1;
  var delay = Math.min(MAX_DELAY_MS, 2000 * Math.pow(2, record.attempts - 1));
  record.nextTry = Date.now() + delay * (0.8 + Math.random() * 0.4);
  record.state = "waiting";
  record.error = message;
  return put(record);
}

function readError(response) {
  return response.text().then(function (text) {
    try {
      var body = JSON.parse(text);
      return { message: body.error.message, details: body.error.details || [] };
    } catch (e) {
      return { message: t("The server answered %(status)s.", { status: response.status }), details: [] };
    }
  });
}

function sendObservation(record, token) {
  return fetch(config.apiUrl, {
    method: "POST", credentials: "same-origin", body: record.body,
    headers: { "Content-Type": "application/json", "X-CSRFToken": token }
  });
}

function sendPhoto(record, photo, token) {
  var form = new FormData();
  form.append("id", photo.id);
  form.append("file", photo.blob, photo.name || "photo.jpg");
  return fetch(config.apiUrl + "/" + record.id + "/media", {
    method: "POST", credentials: "same-origin", body: form, headers: { "X-CSRFToken": token }
  });
}

/* 2xx: done. 4xx (other than 401/408/429): the server refused it, keep it to be fixed.
   Anything else, or no answer at all: try again later with the same id. */
function handle(record, response, onDone) {
  if (response.ok) return onDone();
  if (response.status === 401) return backOff(record, t("Sign in again to send this record."));
  if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
    return readError(response).then(function (err) {
      record.state = "failed"; record.error = err.message; record.details = err.details;
      return put(record);
    });
  }
  return backOff(record, t("The server answered %(status)s; trying again soon.", { status: response.status }));
}

function sendOne(record, token) {
  record.state = "sending";
  return put(record).then(function () {
    if (record.observationSent) return sendPhotos(record, token);
    if (record.pseudonym && !record.pseudonymId) return sendPseudonym(record, token);
    return sendRecord(record, token);
  });
}

function sendRecord(record, token) {
  return sendObservation(record, token).then(function (response) {
    return handle(record, response, function () {
      record.observationSent = true;
      return put(record).then(function () { return sendPhotos(record, token); });
    });
  });
}

/* The pseudonym first: creating it is idempotent on its name, so a retry finds the same one. Its id
   goes into the stored body before the record is sent, so every later retry sends identical content. */
function sendPseudonym(record, token) {
  return fetch(config.pseudonymUrl, {
    method: "POST", credentials: "same-origin", body: JSON.stringify({ display_name: record.pseudonym }),
    headers: { "Content-Type": "application/json", "X-CSRFToken": token }
  }).then(function (response) {
    return handle(record, response, function () {
      return response.json().then(function (created) {
        record.pseudonymId = created.id;
        record.feature.properties.contributor_id = created.id;
        record.body = JSON.stringify(record.feature);
        return put(record).then(function () { return sendRecord(record, token); });
      });
    });
  });
}

function sendPhotos(record, token) {
  var waiting = record.photos.filter(function (p) { return !p.sent; });
  if (!waiting.length) return finish(record);
  var photo = waiting[0];
  return sendPhoto(record, photo, token).then(function (response) {
    return handle(record, response, function () {
      photo.sent = true; photo.blob = null;
      return put(record).then(function () { return sendPhotos(record, token); });
    });
  });
}

function finish(record) {
  record.state = "sent"; record.error = null; record.details = [];
  return put(record);
}

function due(record) {
  return record.state !== "sent" && record.state !== "failed" && (record.nextTry || 0) <= Date.now();
}

function drainOnce() {
  return all().then(function (rows) {
    var ready = rows.filter(due);
    if (!ready.length) return;
    return context().then(function (ctx) {
      if (!ctx.signed_in) {
        return Promise.all(ready.map(function (r) { return backOff(r, t("Sign in to send this record.")); }));
      }
      return ready.reduce(function (chain, record) {
        return chain.then(function () {
          return sendOne(record, ctx.csrf_token).catch(function () {
            return backOff(record, t("No connection; it will be sent when the signal is back."));
          });
        });
      }, Promise.resolve());
    }, function () {
      return Promise.all(ready.map(function (r) {
        return backOff(r, t("No connection; it will be sent when the signal is back."));
      }));
    });
  });
}

/* One drain at a time per page, and across tabs where the browser can lock. */
function drain() {
  if (draining) return draining;
  var run = navigator.locks ? navigator.locks.request("fieldapp-outbox", drainOnce) : drainOnce();
  draining = run.catch(function () {}).then(function () { draining = null; });
  return draining;
}

/* Called when the signal comes back: send now rather than wait out the back-off. */
function retryNow() {
  return all().then(function (rows) {
    return Promise.all(rows.filter(function (r) { return r.state === "waiting"; }).map(function (r) {
      r.nextTry = 0; return put(r);
    }));
  }).then(drain);
}

function start(options) {
  config = options;
  window.addEventListener("online", retryNow);
  if (timer) clearInterval(timer);
  timer = setInterval(drain, 3000);
  notify();
  drain();
}

function onChange(fn) { listeners.push(fn); }

export { uuid, save, all, get, remove, drain, retryNow, start, onChange };
