/* The small Leaflet map of the recording, area and record pages: Jersey's outline as the base (these
   maps must work with no network, so no tiles), in the same style as the folium maps. The page gives
   the outline's URL and style on the map's element (data-outline, data-outline-style: ui.OUTLINE_STYLE). */
export var JERSEY = [49.21, -2.13];
export var COAST_CREDIT = "Coast: Made with Natural Earth";

/* A map in the element, with the outline drawn under everything once it has loaded. */
export function createMap(el, options) {
  var map = L.map(el, Object.assign({ maxZoom: 19 }, options || {}));
  var style = JSON.parse(el.getAttribute("data-outline-style") || "{}");
  fetch(el.getAttribute("data-outline")).then(function (r) { return r.json(); }).then(function (outline) {
    L.geoJSON(outline, { interactive: false, style: style }).addTo(map).bringToBack();
  }).catch(function () {});
  map.attributionControl.addAttribution(COAST_CREDIT);
  return map;
}
