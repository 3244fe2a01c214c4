/* The small Leaflet map of the recording, area and record pages: Jersey's coastline as the base (these
   maps must work with no network, so no tiles), in the same style as the folium maps. The page gives
   the outline's URL and style on the map's element (data-outline, data-outline-style: ui.OUTLINE_STYLE). */
export var JERSEY = [49.21, -2.13];
// The page names the coastline's credit (data-outline-credit: geodata.COASTLINE_CREDIT).
export var COAST_CREDIT = "Coastline: GSHHG (Wessel and Smith), LGPL-3.0";

/* The coastline's polygons (the island and each reef's rocks) as one shape: one path to draw. */
function onePath(outline) {
  var polygons = [];
  (outline.features || [outline]).forEach(function (f) {
    var g = f.geometry || f;
    if (g.type === "Polygon") polygons.push(g.coordinates);
    else if (g.type === "MultiPolygon") polygons.push.apply(polygons, g.coordinates);
  });
  return { type: "MultiPolygon", coordinates: polygons };
}

/* A map in the element, with the outline drawn under everything once it has loaded. */
export function createMap(el, options) {
  var map = L.map(el, Object.assign({ maxZoom: 19 }, options || {}));
  var style = JSON.parse(el.getAttribute("data-outline-style") || "{}");
  fetch(el.getAttribute("data-outline")).then(function (r) { return r.json(); }).then(function (outline) {
    L.geoJSON(onePath(outline), { interactive: false, style: style }).addTo(map).bringToBack();
  }).catch(function () {});
  map.attributionControl.addAttribution(el.getAttribute("data-outline-credit") || COAST_CREDIT);
  // An online tile layer over the offline coastline, only when the deployment configured one
  // (FIELDAPP_BASE_TILES_URL, given as a meta tag); offline its tiles simply fail and the outline stays.
  var tiles = document.querySelector('meta[name="fieldapp-tiles"]');
  if (tiles) {
    L.tileLayer(tiles.getAttribute("content"), {
      maxZoom: 19, attribution: tiles.getAttribute("data-attribution") || ""
    }).addTo(map);
  }
  // The public places' names (static/js/place-labels.js, a classic script the page loads first).
  if (el.getAttribute("data-place-labels") && window.fieldappPlaceLabels) {
    window.fieldappPlaceLabels(map, el.getAttribute("data-place-labels"));
  }
  return map;
}
