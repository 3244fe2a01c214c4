// Glue for the comparison page's map: the run's cells come as vector tiles, styled by class,
// with the counts of each side on click. Words come from the page and are set as text, never HTML.
(function () {
  "use strict";

  function gridOptions(config) {
    return {
      rendererFactory: L.svg.tile,
      interactive: true,
      pane: config.pane,
      maxNativeZoom: 22,
      getFeatureId: function (f) { return f.properties.id; },
      vectorTileLayerStyles: {
        cells: function (p) { return Object.assign({ fill: true }, config.styles[p.class] || {}); }
      },
      fieldappWords: config.words
    };
  }

  function row(list, label, value) {
    var dt = document.createElement("dt"), dd = document.createElement("dd");
    dt.textContent = label;
    dd.textContent = String(value);
    list.appendChild(dt);
    list.appendChild(dd);
  }

  function popupNode(p, words) {
    var box = document.createElement("div");
    box.className = "map-popup comparison-cell";
    var title = document.createElement("strong");
    title.textContent = words[p.class] || p.class || "";
    box.appendChild(title);
    var list = document.createElement("dl");
    row(list, "A presence", p.a_present);
    row(list, "A absence", p.a_absent);
    row(list, "B presence", p.b_present);
    row(list, "B absence", p.b_absent);
    box.appendChild(list);
    return box;
  }

  function attach(map, grid) {
    var words = grid.options.fieldappWords || {};
    grid.on("click", function (e) {
      var props = (e.layer && e.layer.properties) || {};
      var at = e.latlng || map.mouseEventToLatLng(e.originalEvent || e.sourceTarget || e);
      L.popup({ maxWidth: 320 }).setLatLng(at).setContent(popupNode(props, words)).openOn(map);
    });
    window.fieldappCompareGrid = grid;
  }

  window.fieldappCompare = { gridOptions: gridOptions, attach: attach };
})();
