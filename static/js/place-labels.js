/* Place names on a Leaflet map's base layer: the gazetteer's public places (/places/labels.geojson, kept by the
   service worker for offline use), shown from a sensible zoom by kind and size, never overlapping: at each view
   the larger places are placed first and a label that would touch one already placed is left out.
   A classic script: window.fieldappPlaceLabels(map, url) for the folium maps and the recording pages alike. */
(function () {
  "use strict";
  // The zoom from which each kind of place is named (areas from MIN_ZOOM.area whatever their kind).
  var MIN_ZOOM = { area: 11, bay: 12, island: 11, headland: 13, harbour: 13, beach: 13, reef: 14, rock: 15,
                   slipway: 15, fishing_mark: 14, other: 14 };
  var CHAR_PX = 6.5, PAD_PX = 6, HEIGHT_PX = 16;

  function shownAt(feature, zoom) {
    var p = feature.properties;
    return zoom >= (p.area ? Math.min(MIN_ZOOM.area, MIN_ZOOM[p.kind] || 14) : (MIN_ZOOM[p.kind] || 14));
  }

  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  function draw(map, layer, features) {
    var zoom = map.getZoom(), bounds = map.getBounds().pad(0.1), placed = [];
    layer.clearLayers();
    features.forEach(function (f) {
      var c = f.geometry && f.geometry.coordinates;
      if (!c || !shownAt(f, zoom)) return;
      var at = L.latLng(c[1], c[0]);
      if (!bounds.contains(at)) return;
      var p = map.latLngToContainerPoint(at), name = String(f.properties.name || "");
      var half = (name.length * CHAR_PX + PAD_PX) / 2;
      var box = { left: p.x - half, right: p.x + half, top: p.y - HEIGHT_PX / 2, bottom: p.y + HEIGHT_PX / 2 };
      if (placed.some(function (b) { return overlaps(b, box); })) return;
      placed.push(box);
      var label = document.createElement("span");
      label.textContent = name;  // text, never HTML: names are contributed
      label.title = (f.properties.names || []).join(" · ");
      L.marker(at, {
        icon: L.divIcon({ className: "place-label place-" + f.properties.kind, html: label, iconSize: null }),
        interactive: false, keyboard: false, pane: "placeLabels"
      }).addTo(layer);
    });
  }

  window.fieldappPlaceLabels = function (map, url) {
    if (!map.getPane("placeLabels")) {
      map.createPane("placeLabels");
      map.getPane("placeLabels").style.zIndex = 450;
      map.getPane("placeLabels").style.pointerEvents = "none";
    }
    var layer = L.layerGroup().addTo(map), features = [];
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : { features: [] }; })
      .then(function (collection) {
        features = collection.features || [];
        draw(map, layer, features);
      }).catch(function () {});
    map.on("zoomend moveend", function () { draw(map, layer, features); });
    return layer;
  };
}());
