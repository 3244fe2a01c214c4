// Glue for the comparison page's map: the run's cells come as vector tiles, styled by class,
// with the counts of each side on click. Words come from the page and are set as text, never HTML.
(function () {
  "use strict";
  // The page's language's words (/i18n/<lang>.json, as static/js/i18n.js reads them for the modules);
  // popups are built on a click, long after this has arrived. English until then, or without it.
  var catalogue = {}, language = document.documentElement.lang || "en";
  if (language !== "en" && window.fetch) {
    fetch("/i18n/" + encodeURIComponent(language) + ".json", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : {}; })
      .then(function (c) { catalogue = c; })
      .catch(function () {});
  }
  function t(message, values) {
    var text = Object.prototype.hasOwnProperty.call(catalogue, message) ? catalogue[message] : message;
    return text.replace(/%\((\w+)\)s/g, function (whole, name) {
      return values && name in values ? String(values[name]) : whole;
    });
  }

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
    row(list, t("A presence"), p.a_present);
    row(list, t("A absence"), p.a_absent);
    row(list, t("B presence"), p.b_present);
    row(list, t("B absence"), p.b_absent);
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
