/* The map of the page that names a new place: draw it with the drawing tools of the area recording page
   (geoman) as a point, a line or an area; one shape at a time, kept in the form's `geometry` field as
   GeoJSON, and drawn back after a refused form. What it says comes translated from the page (data-words). */
import { createMap, JERSEY } from "./map.js";

var el = document.getElementById("place-map");
var input = document.querySelector("#place-form input[name=geometry]");
var status = document.getElementById("shape-status");
var words = JSON.parse(el.getAttribute("data-words") || "{}");
var map = createMap(el, { zoomControl: true }).setView(JERSEY, 11);
var shape = null;

function round(v) { return Math.round(v * 1e6) / 1e6; }

function rounded(coordinates) {
  return typeof coordinates[0] === "number" ? [round(coordinates[0]), round(coordinates[1])]
    : coordinates.map(rounded);
}

function describe(geometry) {
  if (!geometry) return words.none;
  if (geometry.type === "Point") return words.point;
  if (geometry.type === "LineString") return words.line.replace("%(n)s", String(geometry.coordinates.length));
  return words.area.replace("%(n)s", String(geometry.coordinates[0].length - 1));
}

function take(layer) {
  var geometry = layer ? layer.toGeoJSON().geometry : null;
  if (geometry) geometry.coordinates = rounded(geometry.coordinates);
  input.value = geometry ? JSON.stringify(geometry) : "";
  status.textContent = describe(geometry);
}

map.pm.addControls({ position: "topleft", drawMarker: false, drawCircleMarker: true, drawCircle: false,
  drawText: false, cutPolygon: false, rotateMode: false, drawRectangle: true, drawPolyline: true, drawPolygon: true,
  editMode: true, dragMode: true, removalMode: true });
// Geoman's buttons are links with an icon only: each gets its tool's name (the title on its box).
document.querySelectorAll("#place-map .leaflet-pm-toolbar .button-container").forEach(function (box) {
  var button = box.querySelector(".leaflet-buttons-control-button");
  if (button && box.title) button.setAttribute("aria-label", box.title);
});

function keep(layer) {
  if (shape && shape !== layer) map.removeLayer(shape);
  shape = layer;
  layer.on("pm:edit pm:dragend", function () { take(layer); });
  take(layer);
}

map.on("pm:create", function (e) { keep(e.layer); });
map.on("pm:remove", function (e) { if (e.layer === shape) { shape = null; take(null); } });

// A refused form keeps what was drawn.
if (input.value) {
  try {
    var drawn = L.geoJSON(JSON.parse(input.value), {
      pointToLayer: function (f, latlng) { return L.circleMarker(latlng); }
    });
    drawn.eachLayer(function (layer) { layer.addTo(map); keep(layer); });
    if (shape) map.fitBounds(drawn.getBounds(), { maxZoom: 15 });
  } catch (e) {
    input.value = "";
  }
}
