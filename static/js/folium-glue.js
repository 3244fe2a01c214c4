// Glue for the folium maps: vector-tile styles and popups, and the map's state in the URL.
// Popups are built from DOM nodes with textContent, so no user text is ever parsed as HTML
// or as a template: a note such as <img onerror> or ${...} shows as the characters it is.
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
  var datasets = [];

  function countRadius(config, count) {
    var step = config.countRadius[0], max = config.countRadius[1];
    return Math.min(max, config.style.radius + step * Math.log10(Math.max(1, count)));
  }

  // VectorGrid's point symbols are CircleMarkers without a latlng; Leaflet 1.9 asks small
  // circles for theirs on every mouse event and throws. Without getLatLng it uses the pointer.
  // VectorGrid loads after this file, so the fix is applied on first use.
  var patched = false;
  function patchPointEvents() {
    if (patched) return;
    patched = true;
    var addPath = L.SVG.Tile.prototype._addPath;
    L.SVG.Tile.include({
      _addPath: function (layer) {
        if (layer.getLatLng && !layer._latlng) layer.getLatLng = null;
        return addPath.call(this, layer);
      }
    });
  }

  function gridOptions(config) {
    patchPointEvents();
    return {
      rendererFactory: L.svg.tile,
      interactive: true,
      pane: config.pane,
      maxNativeZoom: 22,
      getFeatureId: function (f) { return f.properties.id; },
      vectorTileLayerStyles: {
        observations: function (p) { return p.generalised ? config.generalised : config.style; },
        counts: function (p) {
          return Object.assign({}, config.style, { radius: countRadius(config, p.count), fillOpacity: 0.5 });
        }
      }
    };
  }

  function row(list, label, value) {
    if (value === undefined || value === null || value === "") return null;
    var dt = document.createElement("dt"), dd = document.createElement("dd");
    dt.textContent = label;
    dd.textContent = String(value);
    list.appendChild(dt);
    list.appendChild(dd);
    return dd;
  }

  // The version of a dataset's form a record was made with (GET /api/v1/datasets/{slug}/form?version=N),
  // asked once per dataset, version and page: its labels name the record's own fields in the page's
  // language, as they were when it was made (a later version may rename a field or a choice).
  var forms = {};
  function formOf(slug, version) {
    if (!slug || !window.fetch) return Promise.resolve(null);
    var query = version ? "?version=" + encodeURIComponent(version) : "";
    var key = slug + query;
    if (!forms[key]) {
      forms[key] = fetch("/api/v1/datasets/" + encodeURIComponent(slug) + "/form" + query, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : {}; })
        .then(function (body) { return body.form || null; })
        .catch(function () { return null; });
    }
    return forms[key];
  }
  // A label in the page's language, else the form's default language (its first), else "".
  function inLanguage(texts, form) {
    if (!texts) return "";
    var first = (form.languages || [])[0] || Object.keys(texts)[0];
    return texts[language] || texts[first] || "";
  }
  // The record's own values (the tile's JSON text) as "label: value; ...", in the form's order; a field
  // the form no longer has keeps its name.
  function fieldsText(json, form) {
    var values;
    try { values = JSON.parse(json); } catch (e) { return String(json); }
    if (!values || typeof values !== "object") return String(json);
    var known = (form && form.fields) || [], byName = {};
    known.forEach(function (f) { byName[f.name] = f; });
    var names = known.map(function (f) { return f.name; }).filter(function (n) { return n in values; });
    Object.keys(values).sort().forEach(function (n) { if (names.indexOf(n) < 0) names.push(n); });
    return names.map(function (name) {
      var field = byName[name];
      var label = (field && inLanguage(field.label, form)) || name;
      return label + ": " + valueText(values[name], field, form);
    }).join("; ");
  }
  function valueText(value, field, form) {
    var list = Array.isArray(value) ? value : [value];
    var words = list.map(function (v) {
      if (v === true) return t("yes");
      if (v === false) return t("no");
      var choice = ((field && field.choices) || []).filter(function (c) { return c.name === String(v); })[0];
      return (choice && inLanguage(choice.label, form)) || String(v);
    }).join(", ");
    return field && field.unit ? words + " " + field.unit : words;
  }

  // The same neutral words as the record page's tally, whatever the record's kind.
  // A month's name in the page's language ("April", "avril", "abril").
  function monthName(m) {
    return new Date(Date.UTC(2000, m - 1, 1)).toLocaleDateString(language, { month: "long", timeZone: "UTC" });
  }
  // One moment of the tile's when_code ("decade|1990|") to its precision, in the page's language.
  function moment(precision, digits) {
    if (precision === "decade") return t("%(decade)ss", { decade: digits });
    if (precision === "month") {
      var d = new Date(Date.UTC(+digits.slice(0, 4), +digits.slice(5, 7) - 1, 1));
      return d.toLocaleDateString(language, { month: "long", year: "numeric", timeZone: "UTC" });
    }
    return digits;
  }
  // The record's time and season from the tile's codes; English tiles' words when there are none.
  function when(p) {
    if (language === "en" || !p.when_code) return p.when;
    var parts = String(p.when_code).split("|"), first = moment(parts[0], parts[1]);
    return parts[2] ? t("%(first)s to %(last)s", { first: first, last: moment(parts[0], parts[2]) }) : first;
  }
  function season(p) {
    if (language === "en" || !p.season_code) return p.season;
    var months = String(p.season_code).split(",").map(Number);
    if (months.length === 12) return t("Every month");
    var starts = months.filter(function (m) { return months.indexOf((m + 10) % 12 + 1) < 0; });
    if (months.length > 1 && starts.length === 1) {
      var ends = months.filter(function (m) { return months.indexOf(m % 12 + 1) < 0; });
      return t("%(first)s to %(last)s", { first: monthName(starts[0]), last: monthName(ends[0]) });
    }
    return months.map(monthName).join(", ");
  }
  // Looked up when the popup opens (the catalogue has arrived by then), so each word is written out.
  function trend(p) {
    if (p.trend === "increasing") return t("increasing");
    if (p.trend === "stable") return t("stable");
    if (p.trend === "decreasing") return t("decreasing");
    return p.trend;
  }
  function quantity(p) { return p.quantity === "absent" ? t("absent") : p.quantity; }

  function tallySentence(p) {
    var parts = [];
    if (p.corroborated > 0) {
      parts.push(p.corroborated === 1 ? t("corroborated by 1 person")
        : t("corroborated by %(n)s people", { n: p.corroborated }));
    }
    if (p.questioned > 0) {
      parts.push(p.questioned === 1 ? t("questioned by 1 person") : t("questioned by %(n)s people", { n: p.questioned }));
    }
    return parts.length ? parts.join(", ") : t("no annotations yet");
  }

  function popupNode(p) {
    var box = document.createElement("div");
    box.className = "map-popup kind-" + String(p.kind || "").replace(/[^a-z]/g, "");
    if (p.count !== undefined && p.id === undefined) {
      var strong = document.createElement("strong");
      strong.textContent = p.count === 1 ? t("1 observation here") : t("%(n)s observations here", { n: p.count });
      var hint = document.createElement("p");
      hint.textContent = t("Zoom in to see each record.");
      box.appendChild(strong);
      box.appendChild(hint);
      return box;
    }
    var title = document.createElement("strong");
    title.className = "subject";
    title.textContent = p.subject || "";
    box.appendChild(title);
    var list = document.createElement("dl");
    row(list, t("Also called"), p.subject_text);
    row(list, t("At"), p.place);
    row(list, t("When"), when(p));
    row(list, t("Every year"), season(p));
    row(list, t("Quantity"), quantity(p));
    row(list, t("Trend"), trend(p));
    row(list, t("Note"), p.note);
    var own = row(list, t("The dataset's own fields"), p.fields ? fieldsText(p.fields, null) : "");
    if (own) {
      formOf(p.dataset, p.form_version).then(function (form) { if (form) own.textContent = fieldsText(p.fields, form); });
    }
    row(list, t("Terms"), p.terms);
    box.appendChild(list);
    if (p.generalised) {
      var gen = document.createElement("p");
      gen.className = "generalised";
      gen.textContent = t("Location generalised to a grid cell.");
      box.appendChild(gen);
    }
    var review = document.createElement("p");
    review.className = "review";
    review.textContent = t("Review: %(tally)s", { tally: tallySentence(p) });
    box.appendChild(review);
    var credit = document.createElement("p");
    credit.className = "attribution";
    // Nobody known to credit: the tile says so by a flag, the words are the page's language.
    credit.textContent = p.uncredited ? [t("unknown contributor"), p.attribution].filter(Boolean).join(" · ")
      : (p.attribution || "");
    box.appendChild(credit);
    var link = document.createElement("a");
    link.href = "/observations/" + encodeURIComponent(p.id);
    link.textContent = t("Open the record");
    box.appendChild(link);
    return box;
  }

  function attach(map, grid, group, slug) {
    grid.on("click", function (e) {
      var props = (e.layer && e.layer.properties) || {};
      props.dataset = props.dataset || slug;
      // VectorGrid's SVG tiles fire clicks without a latlng under Leaflet 1.9: take it from the event.
      var at = e.latlng || map.mouseEventToLatLng(e.originalEvent || e.sourceTarget || e);
      L.popup({ maxWidth: 320 }).setLatLng(at).setContent(popupNode(props)).openOn(map);
    });
  }

  function dataset(map, group, slug) {
    datasets.push({ group: group, slug: slug });
    group._fieldappSlug = slug;
  }

  function writeState(map) {
    var url = new URL(window.location.href);
    var centre = map.getCenter();
    url.searchParams.set("lat", centre.lat.toFixed(5));
    url.searchParams.set("lon", centre.lng.toFixed(5));
    url.searchParams.set("zoom", String(map.getZoom()));
    var hidden = datasets.filter(function (d) { return !map.hasLayer(d.group); })
      .map(function (d) { return d.slug; });
    if (hidden.length) url.searchParams.set("hide", hidden.join(","));
    else url.searchParams.delete("hide");
    window.history.replaceState(null, "", url.toString());
    // The filter form carries the position too, so filtering keeps the view.
    ["lat", "lon", "zoom", "hide"].forEach(function (name) {
      var input = document.querySelector("form.map-filters input[name='" + name + "']");
      if (input) input.value = url.searchParams.get(name) || "";
    });
  }

  function trackState(map) {
    var write = function () { writeState(map); };
    map.on("moveend overlayadd overlayremove", write);
    window.fieldappMapInstance = map;
  }

  function layers() {
    return datasets.map(function (d) { return { slug: d.slug, group: d.group }; });
  }

  window.fieldappMap = { gridOptions: gridOptions, attach: attach, dataset: dataset,
                         trackState: trackState, popupNode: popupNode, tallySentence: tallySentence,
                         layers: layers };
})();
