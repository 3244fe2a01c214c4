/* Where: the recording map, the phone's position (GPS), a dragged point or typed coordinates, and the
   drawing tools of the area page. */
import { number, t } from "../i18n.js";
import { createMap, JERSEY } from "../map.js";
import { parseCoordinates, round } from "./coordinates.js";
import { $, clearError, mode, showError, state } from "./page.js";

var map, marker, watchId = null;
var SOURCE_LABELS = { gps: t("Your position"), map: t("Placed on the map"), typed: t("Typed coordinates"),
                      photo: t("From the photo") };

export function initMap() {
  map = createMap(document.getElementById("map"), { zoomControl: true }).setView(JERSEY, 11);
  if (mode === "area") initDrawing(); else initPoint();
}

/* ---------- an area or a line ---------- */
function initDrawing() {
  map.pm.addControls({ position: "topleft", drawMarker: false, drawCircleMarker: false, drawCircle: false,
    drawText: false, cutPolygon: false, rotateMode: false, drawRectangle: true, drawPolyline: true, drawPolygon: true });
  // Geoman's buttons are links with an icon only: each gets its tool's name (the title on its box).
  document.querySelectorAll("#map .leaflet-pm-toolbar .button-container").forEach(function (box) {
    var button = box.querySelector(".leaflet-buttons-control-button");
    if (button && box.title) button.setAttribute("aria-label", box.title);
  });
  map.on("pm:create", function (e) {
    if (state.shape) map.removeLayer(state.shape);
    state.shape = e.layer;
    e.layer.on("pm:edit", describeShape);
    describeShape();
  });
  map.on("pm:remove", function (e) { if (e.layer === state.shape) { state.shape = null; describeShape(); } });
}

function describeShape() {
  var status = document.getElementById("shape-status");
  if (!state.shape) { status.textContent = t("Nothing drawn yet."); return; }
  var g = state.shape.toGeoJSON().geometry;
  status.textContent = g.type === "LineString"
    ? t("A line with %(n)s points is drawn.", { n: g.coordinates.length })
    : t("An area with %(n)s points is drawn.", { n: g.coordinates[0].length - 1 });
}

/* ---------- a point ---------- */
function initPoint() {
  marker = L.marker(JERSEY, { draggable: true, keyboard: true, title: t("The record's place") });
  marker.on("dragend", function () {
    var p = marker.getLatLng();
    setLocation(p.lat, p.lng, "map", null);
  });
  $("#wait-fix").addEventListener("change", updateAccuracy);
  $("#use-coords").addEventListener("click", function () {
    var parsed = parseCoordinates($("#coords").value);
    if (!parsed) { showError("geometry", t("Give latitude and longitude, e.g. %(example)s.", { example: "49.1869, -2.1542 / 49°11.21'N 2°09.25'W" })); return; }
    clearError("geometry");
    setLocation(parsed[0], parsed[1], "typed", null);
    map.setView([parsed[0], parsed[1]], 15);
  });
  startGps();
}

function startGps() {
  if (!navigator.geolocation) { accuracyText(t("This browser cannot give a position: drag the point or type coordinates.")); return; }
  watchId = navigator.geolocation.watchPosition(onFix, function (err) {
    accuracyText(t("No position from the phone (%(reason)s): drag the point or type coordinates.", { reason: err.message }));
  }, { enableHighAccuracy: true, maximumAge: 0, timeout: 60000 });
}

function stopGps() {
  if (watchId !== null) { navigator.geolocation.clearWatch(watchId); watchId = null; }
}

function onFix(pos) {
  var acc = Math.round(pos.coords.accuracy);
  // A fix only replaces a GPS fix, and only when it is at least as good: never the user's own choice.
  if (state.source && state.source !== "gps") return;
  if (state.source === "gps" && state.accuracy !== null && acc > state.accuracy) { updateAccuracy(acc); return; }
  setLocation(pos.coords.latitude, pos.coords.longitude, "gps", acc);
}

export function setLocation(lat, lon, source, accuracy) {
  state.location = [round(lat), round(lon)];
  state.source = source;
  state.accuracy = accuracy;
  if (source !== "gps") stopGps();
  // A GPS fix's accuracy says nothing about a dragged, typed or photo's point.
  $("#uncertainty").value = accuracy !== null ? accuracy : "";
  marker.setLatLng(state.location);
  if (!map.hasLayer(marker)) { marker.addTo(map); map.setView(state.location, 16); }
  $("#coords").value = state.location[0].toFixed(5) + ", " + state.location[1].toFixed(5);
  clearError("geometry");
  updateAccuracy();
}

/* The map moved to a place (a named place chosen in area mode: the user draws there). */
export function panTo(lat, lon) { map.setView([lat, lon], 15); }

/* The point at a place the user chose, shown close up. */
export function showLocation(lat, lon, source) {
  setLocation(lat, lon, source, null);
  map.setView(state.location, 15);
}

export function clearLocation(message) {
  state.location = null; state.source = null; state.accuracy = null;
  stopGps();
  if (marker && map.hasLayer(marker)) map.removeLayer(marker);
  $("#coords").value = ""; $("#uncertainty").value = "";
  accuracyText(message);
}

function updateAccuracy(latest) {
  if (!state.location) return;
  var text = SOURCE_LABELS[state.source] || t("Location");
  if (state.source === "gps") {
    text = t("%(source)s: accurate to about %(metres)s m", { source: text, metres: number(state.accuracy) });
    if (typeof latest === "number") text += " " + t("(latest fix %(metres)s m)", { metres: number(latest) });
    if (waitingForFix()) text += ". " + t("Waiting for a fix better than %(metres)s m…", { metres: number(waitTarget()) });
  }
  accuracyText(text + ".");
}

function waitTarget() { return parseInt(document.getElementById("wait-target").textContent, 10); }
export function waitingForFix() {
  var box = document.getElementById("wait-fix");
  return !!box && box.checked && state.source === "gps" && state.accuracy > waitTarget();
}
function accuracyText(text) { var el = document.getElementById("accuracy"); if (el) el.textContent = text; }

/* ---------- the record's geometry ---------- */
export function geometry() {
  if (mode === "area") return state.shape ? state.shape.toGeoJSON().geometry : null;
  return state.location ? { type: "Point", coordinates: [state.location[1], state.location[0]] } : null;
}

/* A refused record's geometry back on the map. */
export function loadGeometry(g, p) {
  if (!g) return;
  if (mode === "point" && g.type === "Point") {
    setLocation(g.coordinates[1], g.coordinates[0], "typed", null);
    $("#uncertainty").value = p.coordinate_uncertainty_m !== undefined ? p.coordinate_uncertainty_m : "";
  } else if (mode === "area") {
    if (state.shape) map.removeLayer(state.shape);
    state.shape = L.geoJSON(g).getLayers()[0].addTo(map);
    map.fitBounds(state.shape.getBounds());
    describeShape();
  }
}

/* After saving: the drawing is cleared; a chosen point gives way to the phone's position again. */
export function resetLocation() {
  if (mode === "area" && state.shape) { map.removeLayer(state.shape); state.shape = null; describeShape(); }
  if (mode === "point" && state.source !== "gps") { clearLocation(t("Looking for your position…")); startGps(); }
}
