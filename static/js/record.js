/* The recording form: location (GPS, map, typed), what, when, sharing and photos; saved to the outbox. */
(function () {
  "use strict";
  var form = document.getElementById("record-form");
  if (!form) return;
  var $ = function (sel) { return form.querySelector(sel); };
  // getAttribute, not form.dataset: a form control named "dataset" shadows that property.
  var attr = function (name) { return form.getAttribute("data-" + name); };
  var mode = attr("mode");
  var JERSEY = [49.21, -2.13];
  var OLD_PHOTO_MS = 60 * 60 * 1000;
  // Camera clocks keep local time without a zone: read as Jersey time, as the server does.
  var CAMERA_ZONE = attr("camera-zone") || "Europe/Jersey";
  var LICENCE_HELP = {
    "CC0-1.0": "Anyone may reuse it for any purpose, without asking or crediting.",
    "CC-BY-4.0": "Anyone may reuse it for any purpose, as long as they credit you.",
    "CC-BY-NC-4.0": "Anyone may reuse it with credit to you, but not to make money.",
    "restricted": "Others may view it here, but only the dataset's stewards and park staff may reuse it."
  };
  var state = { location: null, source: null, accuracy: null, shape: null, photos: [], editing: null,
                exactStart: null, subjects: {} };
  var map, marker, watchId = null;

  /* ---------- map ---------- */
  function initMap() {
    map = L.map("map", { maxZoom: 19, zoomControl: true }).setView(JERSEY, 11);
    fetch(attr("outline")).then(function (r) { return r.json(); }).then(function (outline) {
      L.geoJSON(outline, { interactive: false, style: { color: "#0b3d5c", weight: 2, fillColor: "#e6dcc3", fillOpacity: 0.6 } })
        .addTo(map);
    }).catch(function () {});
    map.attributionControl.addAttribution("Coast: Made with Natural Earth");
    if (mode === "area") initDrawing(); else initPoint();
  }

  function initDrawing() {
    map.pm.addControls({ position: "topleft", drawMarker: false, drawCircleMarker: false, drawCircle: false,
      drawText: false, cutPolygon: false, rotateMode: false, drawRectangle: true, drawPolyline: true, drawPolygon: true });
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
    if (!state.shape) { status.textContent = "Nothing drawn yet."; return; }
    var g = state.shape.toGeoJSON().geometry;
    status.textContent = (g.type === "LineString" ? "A line" : "An area") + " with " +
      (g.type === "LineString" ? g.coordinates.length : g.coordinates[0].length - 1) + " points is drawn.";
  }

  /* ---------- point location ---------- */
  function initPoint() {
    marker = L.marker(JERSEY, { draggable: true, keyboard: true, title: "The record's place" });
    marker.on("dragend", function () {
      var p = marker.getLatLng();
      setLocation(p.lat, p.lng, "map", null);
    });
    $("#wait-fix").addEventListener("change", updateAccuracy);
    $("#use-coords").addEventListener("click", function () {
      var parsed = parseCoordinates($("#coords").value);
      if (!parsed) { showError("geometry", "Give latitude and longitude, e.g. 49.1869, -2.1542 or 49°11.21'N 2°09.25'W."); return; }
      clearError("geometry");
      setLocation(parsed[0], parsed[1], "typed", null);
      map.setView([parsed[0], parsed[1]], 15);
    });
    startGps();
  }

  function startGps() {
    if (!navigator.geolocation) { accuracyText("This browser cannot give a position: drag the point or type coordinates."); return; }
    watchId = navigator.geolocation.watchPosition(onFix, function (err) {
      accuracyText("No position from the phone (" + err.message + "): drag the point or type coordinates.");
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

  function setLocation(lat, lon, source, accuracy) {
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

  function clearLocation(message) {
    state.location = null; state.source = null; state.accuracy = null;
    stopGps();
    if (marker && map.hasLayer(marker)) map.removeLayer(marker);
    $("#coords").value = ""; $("#uncertainty").value = "";
    accuracyText(message);
  }

  function updateAccuracy(latest) {
    if (!state.location) return;
    var labels = { gps: "Your position", map: "Placed on the map", typed: "Typed coordinates", photo: "From the photo" };
    var text = labels[state.source] || "Location";
    if (state.source === "gps") {
      text += ": accurate to about " + state.accuracy + " m";
      if (typeof latest === "number") text += " (latest fix " + latest + " m)";
      if (waitingForFix()) text += ". Waiting for a fix better than " + waitTarget() + " m…";
    }
    accuracyText(text + ".");
  }

  function waitTarget() { return parseInt(document.getElementById("wait-target").textContent, 10); }
  function waitingForFix() {
    var box = document.getElementById("wait-fix");
    return !!box && box.checked && state.source === "gps" && state.accuracy > waitTarget();
  }
  function accuracyText(text) { var el = document.getElementById("accuracy"); if (el) el.textContent = text; }
  function round(x) { return Math.round(x * 1e7) / 1e7; }

  /* Decimal degrees ("49.1869, -2.1542") or degrees and minutes (and seconds), with N/S/E/W before or after. */
  function parseCoordinates(input) {
    var text = (input || "").toUpperCase().replace(/[°º'′"″]/g, " ").trim();
    if (!text) return null;
    var parts = text.indexOf(",") >= 0 ? text.split(",") : splitByHemisphere(text);
    if (!parts || parts.length !== 2) return null;
    var a = parsePart(parts[0]), b = parsePart(parts[1]);
    if (!a || !b) return null;
    var lat = a, lon = b;
    if (a.axis === "lon" || b.axis === "lat") { lat = b; lon = a; }
    if (Math.abs(lat.value) > 90 || Math.abs(lon.value) > 180) return null;
    return [lat.value, lon.value];
  }

  function splitByHemisphere(text) {
    var tokens = text.match(/-?\d+(?:\.\d+)?|[NSEW]/g) || [];
    var letters = tokens.filter(function (t) { return /[NSEW]/.test(t); });
    if (!letters.length) {
      var n = tokens.length;
      if (n !== 2 && n !== 4 && n !== 6) return null;
      return [tokens.slice(0, n / 2).join(" "), tokens.slice(n / 2).join(" ")];
    }
    var before = /[NSEW]/.test(tokens[0]), groups = [], current = [];
    tokens.forEach(function (t) {
      var isLetter = /[NSEW]/.test(t);
      if (before && isLetter && current.length) { groups.push(current.join(" ")); current = []; }
      current.push(t);
      if (!before && isLetter) { groups.push(current.join(" ")); current = []; }
    });
    if (current.length) groups.push(current.join(" "));
    return groups;
  }

  function parsePart(part) {
    var letter = (part.match(/[NSEW]/) || [null])[0];
    var nums = part.match(/-?\d+(?:\.\d+)?/g);
    if (!nums || nums.length > 3) return null;
    var negative = nums[0].charAt(0) === "-";
    var values = nums.map(function (n) { return Math.abs(parseFloat(n)); });
    if (values.slice(1).some(function (v) { return v >= 60; })) return null;
    var value = values[0] + (values[1] || 0) / 60 + (values[2] || 0) / 3600;
    if (negative || letter === "S" || letter === "W") value = -value;
    return { value: value, axis: letter === "N" || letter === "S" ? "lat" : letter ? "lon" : null };
  }

  /* ---------- what ---------- */
  function initSubjects() {
    fetch(attr("subjects"), { credentials: "same-origin" }).then(function (r) { return r.json(); })
      .then(function (subjects) {
        var list = document.getElementById("subject-list");
        subjects.forEach(function (s) {
          var labels = (s.scientific_name ? [s.scientific_name] : []).concat(s.names.map(function (n) { return n.name; }));
          labels.forEach(function (label) {
            state.subjects[label.toLowerCase()] = s;
            var option = document.createElement("option");
            option.value = label;
            var other = s.scientific_name && label !== s.scientific_name ? s.scientific_name : "";
            option.label = other ? label + " (" + other + ")" : label;
            list.appendChild(option);
          });
        });
        showSubjectMatch();
      }).catch(function () {});
    $("#subject").addEventListener("input", showSubjectMatch);
  }

  function matchedSubject() { return state.subjects[$("#subject").value.trim().toLowerCase()] || null; }

  function showSubjectMatch() {
    var s = matchedSubject(), el = document.getElementById("subject-match");
    if (!$("#subject").value.trim()) { el.textContent = ""; return; }
    el.textContent = s ? "Linked to " + (s.scientific_name || s.names[0].name) + "; your words are kept as you wrote them."
                       : "Not a name we know yet: it is kept exactly as you wrote it.";
  }

  function initQuantity() {
    var help = JSON.parse(document.getElementById("scale-help").dataset.help || "{}");
    var kind = $("#quantity-kind");
    kind.addEventListener("change", function () {
      var k = kind.value;
      document.getElementById("count-field").hidden = k !== "count";
      document.getElementById("abundance-field").hidden = k === "none" || k === "count";
      var el = document.getElementById("scale-help");
      el.hidden = !help[k];
      el.textContent = help[k] || "";
    });
  }

  /* ---------- when ---------- */
  function initWhen() {
    form.querySelectorAll("input[name=when]").forEach(function (r) { r.addEventListener("change", showWhen); });
    form.querySelectorAll("input[name=season_months]").forEach(function (box) {
      box.addEventListener("change", function () {
        if (whenMode() === "now" && anyMonths()) setWhen("range");
        if (anyMonths()) $("#time-precision").value = "season";
      });
    });
    $("#observed-start").max = $("#observed-end").max = new Date().toISOString().slice(0, 10);
    showWhen();
  }

  function whenMode() { return form.querySelector("input[name=when]:checked").value; }
  function anyMonths() { return !!form.querySelector("input[name=season_months]:checked"); }
  function setWhen(value) { form.querySelector("input[name=when][value=" + value + "]").checked = true; showWhen(); }
  function showWhen() {
    var m = whenMode();
    document.getElementById("start-field").hidden = m === "now";
    document.getElementById("end-field").hidden = m !== "range";
    document.getElementById("precision-field").hidden = m === "now";
  }

  /* ---------- who and sharing ---------- */
  function newPseudonym() {
    return $("#credit").value === "new" ? $("#pseudonym").value.replace(/\s+/g, " ").trim() : null;
  }
  function showPseudonym() { document.getElementById("pseudonym-field").hidden = $("#credit").value !== "new"; }

  function initSharing() {
    var dataset = $("#dataset");
    $("#credit").addEventListener("change", function () { clearError("display_name"); showPseudonym(); });
    showPseudonym();
    dataset.addEventListener("change", applyDatasetDefaults);
    $("#licence").addEventListener("change", function () {
      document.getElementById("licence-help").textContent = LICENCE_HELP[$("#licence").value] || "";
    });
    applyDatasetDefaults();
  }

  function applyDatasetDefaults() {
    var option = $("#dataset").selectedOptions[0];
    if (!option) return;
    $("#licence").value = option.dataset.licence;
    document.getElementById("licence-help").textContent =
      "The dataset's licence: " + (LICENCE_HELP[option.dataset.licence] || "");
    var radio = form.querySelector("input[name=visibility][value=" + option.dataset.visibility + "]");
    if (radio) radio.checked = true;
    document.getElementById("forced-note").hidden = !option.dataset.forced;
    // The real size of this dataset's cells, not a round figure: visibility is explained as it is.
    document.getElementById("cell-size").textContent = option.dataset.cell;
  }

  /* ---------- photos ---------- */
  function initPhotos() {
    $("#photos").addEventListener("change", function (e) {
      Array.prototype.forEach.call(e.target.files, addPhoto);
      e.target.value = "";
    });
  }

  function addPhoto(file) {
    var photo = { id: Outbox.uuid(), blob: file, name: file.name, exif: null };
    state.photos.push(photo);
    readExif(file).then(function (exif) {
      photo.exif = exif;
      renderPhotos();
      considerPhoto(photo);
    });
  }

  function renderPhotos() {
    var list = document.getElementById("photo-list");
    list.textContent = "";
    state.photos.forEach(function (photo) {
      var li = document.createElement("li");
      if (photo.blob) {
        var img = document.createElement("img");
        img.src = URL.createObjectURL(photo.blob); img.alt = ""; img.width = 72; img.height = 72;
        li.appendChild(img);
      }
      var text = document.createElement("span");
      var facts = [photo.name];
      if (photo.exif && photo.exif.time) facts.push("taken " + cameraText(photo.exif.time));
      if (photo.exif && photo.exif.lat !== undefined) facts.push("has a location");
      text.textContent = facts.join(" · ");
      li.appendChild(text);
      var remove = document.createElement("button");
      remove.type = "button"; remove.className = "secondary"; remove.textContent = "Remove";
      remove.addEventListener("click", function () {
        state.photos = state.photos.filter(function (p) { return p !== photo; });
        renderPhotos();
      });
      li.appendChild(remove);
      list.appendChild(li);
    });
  }

  /* Offer the photo's place and time; never keep the phone's current position or time for an old photo. */
  function considerPhoto(photo) {
    var exif = photo.exif || {};
    var old = exif.time && Date.now() - exif.time.getTime() > OLD_PHOTO_MS;
    if (old && mode === "point" && state.source === "gps") {
      clearLocation("Not using your current position: " + photo.name + " was taken earlier, maybe elsewhere. " +
                    "Use the photo's location, drag the point or type coordinates.");
    }
    if (old && whenMode() === "now") {
      setWhen("date");
      $("#observed-start").value = "";
      document.getElementById("time-note").textContent =
        "Not using the time now: " + photo.name + " was taken earlier. Give the date, or use the photo's time.";
    }
    if (mode === "point" && exif.lat !== undefined && (!state.location || state.source === "gps")) {
      offer(photo, "location", "Use the location of " + photo.name + " (" + exif.lat.toFixed(5) + ", " + exif.lon.toFixed(5) + ")",
            function () { setLocation(exif.lat, exif.lon, "photo", null); map.setView(state.location, 15); });
    }
    if (exif.time && (whenMode() !== "now" || old)) {
      offer(photo, "time", "Use the time of " + photo.name + " (" + cameraText(exif.time) + ")", function () {
        setWhen("date");
        $("#observed-start").value = cameraDate(exif.time);
        $("#time-precision").value = "day";
        state.exactStart = { date: cameraDate(exif.time), iso: exif.time.toISOString() };
        document.getElementById("time-note").textContent = "Time from the photo: " + cameraText(exif.time) + ".";
      });
    }
  }

  function offer(photo, what, label, apply) {
    var box = document.getElementById("photo-offers");
    var button = document.createElement("button");
    button.type = "button"; button.className = "offer"; button.dataset.offer = what; button.textContent = label;
    button.addEventListener("click", function () { apply(); button.remove(); });
    box.appendChild(button);
  }

  function localDate(d) {
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  /* A small EXIF reader: DateTimeOriginal (with its offset if given) and the GPS position of a JPEG. */
  function readExif(file) {
    return file.slice(0, 256 * 1024).arrayBuffer().then(parseExif).catch(function () { return {}; });
  }

  function parseExif(buffer) {
    var v = new DataView(buffer), at = 2;
    if (v.getUint16(0) !== 0xFFD8) return {};
    while (at + 4 < v.byteLength) {
      var marker = v.getUint16(at), size = v.getUint16(at + 2);
      if (marker === 0xFFE1 && v.getUint32(at + 4) === 0x45786966) return parseTiff(v, at + 10);
      if ((marker & 0xFF00) !== 0xFF00 || marker === 0xFFDA) break;
      at += 2 + size;
    }
    return {};
  }

  function parseTiff(v, base) {
    var little = v.getUint16(base) === 0x4949;
    var u16 = function (o) { return v.getUint16(base + o, little); };
    var u32 = function (o) { return v.getUint32(base + o, little); };
    function ifd(offset) {
      var tags = {}, n = u16(offset);
      for (var i = 0; i < n; i++) {
        var e = offset + 2 + i * 12, tag = u16(e), type = u16(e + 2), count = u32(e + 4);
        var valueAt = (type === 2 && count > 4) || (type === 5) ? u32(e + 8) : e + 8;
        if (type === 2) tags[tag] = ascii(valueAt, count);
        else if (type === 5) tags[tag] = rationals(valueAt, count);
        else if (type === 4) tags[tag] = u32(e + 8);
        else if (type === 3) tags[tag] = u16(e + 8);
      }
      return tags;
    }
    function ascii(o, count) {
      var s = "";
      for (var i = 0; i < count - 1; i++) s += String.fromCharCode(v.getUint8(base + o + i));
      return s;
    }
    function rationals(o, count) {
      var out = [];
      for (var i = 0; i < count; i++) { var d = u32(o + i * 8 + 4); out.push(d ? u32(o + i * 8) / d : 0); }
      return out;
    }
    var result = {}, ifd0 = ifd(u32(4)), exif = ifd0[0x8769] ? ifd(ifd0[0x8769]) : {};
    var raw = exif[0x9003] || ifd0[0x0132];
    var m = raw && raw.match(/^(\d{4}):(\d\d):(\d\d) (\d\d):(\d\d):(\d\d)/);
    if (m) {
      var offset = exif[0x9011];
      result.time = offset && /^[+-]\d\d:\d\d$/.test(offset)
        ? new Date(m[1] + "-" + m[2] + "-" + m[3] + "T" + m[4] + ":" + m[5] + ":" + m[6] + offset)
        : cameraTime(+m[1], +m[2], +m[3], +m[4], +m[5], +m[6]);
    }
    var gps = ifd0[0x8825] ? ifd(ifd0[0x8825]) : {};
    if (gps[2] && gps[4] && gps[2].length === 3 && gps[4].length === 3) {
      var lat = gps[2][0] + gps[2][1] / 60 + gps[2][2] / 3600, lon = gps[4][0] + gps[4][1] / 60 + gps[4][2] / 3600;
      if (gps[1] === "S") lat = -lat;
      if (gps[3] === "W") lon = -lon;
      if (lat || lon) { result.lat = round(lat); result.lon = round(lon); }
    }
    return result;
  }

  /* A wall-clock time in CAMERA_ZONE as an instant, whatever zone this phone is set to. */
  function cameraTime(y, mo, d, h, mi, s) {
    var wall = Date.UTC(y, mo - 1, d, h, mi, s);
    try {
      var guess = wall - zoneOffset(wall);
      return new Date(wall - zoneOffset(guess));
    } catch (e) {
      return new Date(y, mo - 1, d, h, mi, s);  // no time zone data in this browser: the phone's own zone
    }
  }

  function zoneOffset(instant) {
    var parts = {};
    new Intl.DateTimeFormat("en-GB", { timeZone: CAMERA_ZONE, hourCycle: "h23", year: "numeric", month: "2-digit",
      day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })
      .formatToParts(new Date(instant)).forEach(function (p) { parts[p.type] = p.value; });
    var wall = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
    return wall - Math.floor(instant / 1000) * 1000;
  }

  /* The photo's time as Jersey's clock shows it, so the phone's own zone never shifts it. */
  function cameraText(d) {
    try { return d.toLocaleString(undefined, { timeZone: CAMERA_ZONE, hour12: false }) + " Jersey time"; }
    catch (e) { return d.toLocaleString(); }
  }

  function cameraDate(d) {
    try {
      return new Intl.DateTimeFormat("en-CA", { timeZone: CAMERA_ZONE, year: "numeric", month: "2-digit",
                                                day: "2-digit" }).format(d);
    } catch (e) { return localDate(d); }
  }

  /* ---------- saving ---------- */
  function geometry() {
    if (mode === "area") return state.shape ? state.shape.toGeoJSON().geometry : null;
    return state.location ? { type: "Point", coordinates: [state.location[1], state.location[0]] } : null;
  }

  function buildFeature() {
    var data = new FormData(form), props = { dataset: data.get("dataset") };
    var words = data.get("subject_text").trim(), subject = matchedSubject();
    if (words) props.subject_text = words;
    if (subject) props.subject_id = subject.id;
    props.occurrence_status = data.get("occurrence_status");
    var kind = $("#quantity-kind").value;
    if (kind === "count" && data.get("count") !== "") props.count = Number(data.get("count"));
    if (kind !== "none" && kind !== "count" && data.get("abundance_value").trim()) {
      props.abundance_scale = kind; props.abundance_value = data.get("abundance_value").trim();
    }
    ["trend", "confidence", "notes"].forEach(function (k) { if (data.get(k)) props[k] = data.get(k); });
    if (data.get("time_spent_min") !== "") props.time_spent_min = Number(data.get("time_spent_min"));
    addWhen(props, data);
    // A new pseudonym has no id yet: the outbox creates it first and then fills in contributor_id.
    var contributor = Number(data.get("contributor_id"));
    if (contributor && String(contributor) !== attr("contributor")) props.contributor_id = contributor;
    props.visibility = data.get("visibility");
    props.licence = data.get("licence");
    if (mode === "point" && data.get("coordinate_uncertainty_m") !== "") {
      props.coordinate_uncertainty_m = Number(data.get("coordinate_uncertainty_m"));
    }
    return { type: "Feature", id: state.editing || Outbox.uuid(), geometry: geometry(), properties: props };
  }

  function addWhen(props, data) {
    var m = whenMode(), months = data.getAll("season_months").map(Number);
    if (months.length) props.season_months = months;
    if (m === "now") { props.observed_start = new Date().toISOString(); props.time_precision = "instant"; return; }
    var start = data.get("observed_start");
    if (state.exactStart && state.exactStart.date === start && m === "date") {
      props.observed_start = state.exactStart.iso; props.time_precision = "instant"; return;
    }
    if (start) props.observed_start = start;
    if (m === "range" && data.get("observed_end")) props.observed_end = data.get("observed_end");
    props.time_precision = data.get("time_precision");
  }

  function checkBeforeSaving(feature) {
    clearErrors();
    var ok = true;
    if (!feature.geometry) {
      showError("geometry", mode === "area" ? "Draw the area or line on the map." :
        "The record needs a place: wait for your position, drag the point or type coordinates.");
      ok = false;
    }
    if (waitingForFix()) { showError("geometry", "Still waiting for a better fix; untick the box to save now."); ok = false; }
    if ($("#credit").value === "new" && !newPseudonym()) {
      showError("display_name", "Type the pseudonym to credit this record to, or choose another name."); ok = false;
    }
    if (!feature.properties.subject_text) { showError("subject_text", "Say what you saw or know about, in any words."); ok = false; }
    if (whenMode() !== "now" && !feature.properties.observed_start) {
      showError("observed_start", "Give the date, or choose Now."); ok = false;
    }
    if (!ok) { var first = form.querySelector(".error:not(:empty)"); if (first) first.scrollIntoView({ block: "center" }); }
    return ok;
  }

  function onSubmit(e) {
    e.preventDefault();
    var feature = buildFeature();
    if (!checkBeforeSaving(feature)) return;
    var photos = state.photos.map(function (p) { return { id: p.id, blob: p.blob, name: p.name }; });
    Outbox.save(feature, photos, { pseudonym: newPseudonym() }).then(function () {
      document.getElementById("save-note").textContent = "Saved on this phone. It is sent as soon as there is a signal.";
      resetForNext();
    }, function (err) {
      showError("(body)", "Could not save on this phone: " + err);
    });
  }

  /* Keep the dataset, credit and sharing choices for the next record; clear what was observed. */
  function resetForNext() {
    state.editing = null; state.photos = []; state.exactStart = null;
    ["#subject", "#count", "#abundance-value"].forEach(function (s) { $(s).value = ""; });
    form.querySelector("textarea[name=notes]").value = "";
    document.getElementById("photo-list").textContent = "";
    document.getElementById("photo-offers").textContent = "";
    document.getElementById("time-note").textContent = "";
    document.getElementById("subject-match").textContent = "";
    $("#save").textContent = "Save";
    if (mode === "area" && state.shape) { map.removeLayer(state.shape); state.shape = null; describeShape(); }
    if (mode === "point" && state.source !== "gps") { clearLocation("Looking for your position…"); startGps(); }
  }

  /* ---------- errors ---------- */
  function fieldOf(path) {
    return String(path).replace(/^features\.\d+\./, "").replace(/^properties\./, "").split(".")[0];
  }
  function showError(field, message) {
    var el = form.querySelector('[data-error-for="' + field + '"]') || form.querySelector('[data-error-for="(body)"]');
    el.textContent = el.textContent ? el.textContent + " " + message : message;
  }
  function clearError(field) { var el = form.querySelector('[data-error-for="' + field + '"]'); if (el) el.textContent = ""; }
  function clearErrors() { form.querySelectorAll("[data-error-for]").forEach(function (el) { el.textContent = ""; }); }

  /* ---------- fixing a refused record ---------- */
  function loadForFix(record) {
    var p = record.feature.properties;
    state.editing = record.id;
    state.photos = record.photos.filter(function (ph) { return !ph.sent; })
      .map(function (ph) { return { id: ph.id, blob: ph.blob, name: ph.name, exif: null }; });
    renderPhotos();
    $("#dataset").value = p.dataset; applyDatasetDefaults();
    $("#subject").value = p.subject_text || ""; showSubjectMatch();
    form.querySelector("input[name=occurrence_status][value=" + (p.occurrence_status || "present") + "]").checked = true;
    var kind = p.abundance_scale || (p.count !== undefined ? "count" : "none");
    $("#quantity-kind").value = kind; $("#quantity-kind").dispatchEvent(new Event("change"));
    $("#count").value = p.count !== undefined ? p.count : "";
    $("#abundance-value").value = p.abundance_value || "";
    ["trend", "confidence"].forEach(function (k) { form.querySelector("select[name=" + k + "]").value = p[k] || ""; });
    form.querySelector("textarea[name=notes]").value = p.notes || "";
    form.querySelector("input[name=time_spent_min]").value = p.time_spent_min !== undefined ? p.time_spent_min : "";
    form.querySelector("input[name=visibility][value=" + p.visibility + "]").checked = true;
    $("#licence").value = p.licence;
    loadCredit(record, p);
    loadWhen(p);
    loadGeometry(record.feature.geometry, p);
    clearErrors();
    (record.details.length ? record.details : [{ path: "(body)", message: record.error }]).forEach(function (d) {
      showError(fieldOf(d.path), d.message);
    });
    $("#save").textContent = "Save the corrected record";
    form.scrollIntoView();
  }

  /* The credit as it was: a pseudonym made on sending may be missing from the list, so add it. */
  function loadCredit(record, p) {
    var credit = $("#credit");
    if (record.pseudonym && !record.pseudonymId) {
      credit.value = "new"; $("#pseudonym").value = record.pseudonym;
    } else {
      var id = String(p.contributor_id || attr("contributor"));
      if (!credit.querySelector('option[value="' + id + '"]') && record.pseudonymId) {
        var option = document.createElement("option");
        option.value = id; option.textContent = record.pseudonym + " (your pseudonym)";
        credit.insertBefore(option, credit.querySelector('option[value="new"]'));
      }
      credit.value = id;
    }
    showPseudonym();
  }

  function loadWhen(p) {
    form.querySelectorAll("input[name=season_months]").forEach(function (box) {
      box.checked = (p.season_months || []).indexOf(Number(box.value)) >= 0;
    });
    if (p.time_precision === "instant") { setWhen("now"); return; }
    setWhen(p.observed_end ? "range" : "date");
    $("#observed-start").value = (p.observed_start || "").slice(0, 10);
    $("#observed-end").value = (p.observed_end || "").slice(0, 10);
    $("#time-precision").value = p.time_precision;
  }

  function loadGeometry(g, p) {
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

  /* ---------- the outbox list ---------- */
  var LABELS = { saved: "Saved on this phone", waiting: "Saved on this phone, waiting to send", sending: "Sending…",
                 sent: "Sent", failed: "Not accepted by the server" };

  function renderOutbox(rows) {
    var list = document.getElementById("outbox-list");
    var pending = rows.filter(function (r) { return r.state !== "sent"; }).length;
    var count = document.getElementById("outbox-count");
    count.textContent = pending; count.dataset.count = pending;
    list.textContent = "";
    rows.slice().reverse().forEach(function (r) { list.appendChild(outboxItem(r)); });
  }

  function outboxItem(r) {
    var li = document.createElement("li");
    li.dataset.id = r.id; li.dataset.state = r.state; li.className = "state-" + r.state;
    var title = document.createElement("strong");
    title.textContent = r.feature.properties.subject_text || "Record";
    li.appendChild(title);
    var status = document.createElement("span");
    status.className = "state";
    status.textContent = LABELS[r.state] + (r.error && r.state !== "sent" ? ": " + r.error : "");
    li.appendChild(status);
    if (r.state === "sent") {
      var link = document.createElement("a");
      link.href = "/observations/" + r.id; link.textContent = "Open the record";
      li.appendChild(link);
    }
    if (r.state === "failed" && !r.observationSent && mode === modeOf(r.feature.geometry)) {
      li.appendChild(button("Fix and resend", function () { loadForFix(r); }));
    }
    if (r.state === "failed" && r.observationSent) {
      li.appendChild(button("Send without the refused photo", function () {
        r.photos = r.photos.filter(function (ph) { return ph.sent; });
        r.state = "saved"; r.error = null; r.details = []; r.nextTry = 0;
        Outbox.remove(r.id).then(function () { return Outbox.save(r.feature, []); });
      }));
    }
    return li;
  }

  function modeOf(g) { return g && g.type === "Point" ? "point" : "area"; }
  function button(label, onClick) {
    var b = document.createElement("button");
    b.type = "button"; b.className = "secondary"; b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }

  /* ---------- start ---------- */
  function start() {
    initMap();
    initSubjects();
    initQuantity();
    initWhen();
    initSharing();
    initPhotos();
    form.addEventListener("submit", onSubmit);
    Outbox.onChange(renderOutbox);
    Outbox.start({ apiUrl: attr("api"), contextUrl: attr("context"), pseudonymUrl: attr("pseudonyms") });
    if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js").catch(function () {});
  }

  start();
})();
