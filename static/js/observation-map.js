/* The record page's small map: the record drawn in the shared map's style for its kind (and its dashed
   cell when generalised, so no kind stands out), over the outline. */
import { createMap } from "./map.js";

var el = document.getElementById("record-map");
if (el) {
  var map = createMap(el);
  var style = JSON.parse(el.dataset.style);
  var shape = L.geoJSON(JSON.parse(el.dataset.geometry), {
    style: style, pointToLayer: function (_f, at) { return L.circleMarker(at, style); }
  }).addTo(map);
  map.fitBounds(shape.getBounds(), { maxZoom: 15, padding: [20, 20] });
}
