/* The place of a sensing question on a map: draw an area (geoman's polygon or rectangle, as on the area
   recording page) or pick a cell of the park's grid by tapping it. The drawn area goes to the form as
   GeoJSON (`area`), a tapped point as `cell=lon,lat` (the server finds its cell); the place asked about
   is drawn back from the page's answer (data-place). What it says comes translated from the page (data-words). */
import { createMap, JERSEY } from "./map.js";

var el = document.getElementById("sensing-map");
var form = document.querySelector("form.sensing-form");
var areaInput = form.querySelector("input[name=area]");
var cellInput = form.querySelector("input[name=cell]");
var bboxInput = form.querySelector("input[name=bbox]");
var placeSelect = form.querySelector("select[name=place]");
var status = document.getElementById("place-status");
var map = createMap(el, { zoomControl: true }).setView(JERSEY, 11);
var words = JSON.parse(el.getAttribute("data-words") || "{}");
var drawn = null;
var picking = false;

function round(v) { return Math.round(v * 1e6) / 1e6; }

function show(layer, words) {
  if (drawn) map.removeLayer(drawn);
  drawn = layer;
  if (layer) layer.addTo(map);
  status.textContent = words;
}

function onlyPlace(input) {
  [areaInput, cellInput, bboxInput, placeSelect].forEach(function (other) {
    if (other && other !== input) other.value = "";
  });
}

map.pm.addControls({ position: "topleft", drawMarker: false, drawCircleMarker: false, drawCircle: false,
  drawText: false, cutPolygon: false, rotateMode: false, drawPolyline: false, drawRectangle: true, drawPolygon: true,
  editMode: true, dragMode: false, removalMode: true });
document.querySelectorAll("#sensing-map .leaflet-pm-toolbar .button-container").forEach(function (box) {
  var button = box.querySelector(".leaflet-buttons-control-button");
  if (button && box.title) button.setAttribute("aria-label", box.title);
});

function takeArea(layer) {
  var geometry = layer.toGeoJSON().geometry;
  geometry.coordinates = geometry.coordinates.map(function (ring) {
    return ring.map(function (p) { return [round(p[0]), round(p[1])]; });
  });
  areaInput.value = JSON.stringify(geometry);
  onlyPlace(areaInput);
  show(layer, words.area.replace("%(n)s", String(geometry.coordinates[0].length - 1)));
}

map.on("pm:create", function (e) {
  takeArea(e.layer);
  e.layer.on("pm:edit", function () { takeArea(e.layer); });
});
map.on("pm:remove", function (e) {
  if (e.layer === drawn) { areaInput.value = ""; show(null, words.park); }
});

document.getElementById("pick-cell").addEventListener("click", function () {
  picking = true;
  status.textContent = words.pick;
});
map.on("click", function (e) {
  if (!picking) return;
  picking = false;
  cellInput.value = round(e.latlng.lng) + "," + round(e.latlng.lat);
  onlyPlace(cellInput);
  show(L.circleMarker(e.latlng, { radius: 5 }), words.cell.replace("%(point)s", cellInput.value));
});
document.getElementById("whole-park").addEventListener("click", function () {
  onlyPlace(null);
  show(null, words.park);
});

if (placeSelect) placeSelect.addEventListener("change", function () { onlyPlace(placeSelect); show(null, ""); });

var place = el.getAttribute("data-place");
if (place) {
  var layer = L.geoJSON(JSON.parse(place), { style: { weight: 2, fillOpacity: 0.1 } });
  show(layer, el.getAttribute("data-place-words"));
  map.fitBounds(layer.getBounds(), { maxZoom: 14 });
}
