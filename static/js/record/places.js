/* Where, by name: "at Grève de Lecq". The gazetteer's public places (the maps' labels, kept offline by the
   service worker) matched by any of their names, accents and case ignored; choosing one puts the point there
   (an area is drawn there). */
import { panTo, showLocation } from "./location.js";
import { $, mode, state } from "./page.js";
import { matchRank } from "./what.js";

var SUGGESTIONS_MAX = 6;

export function initPlaces() {
  var input = $("#place-search"), url = document.getElementById("map").getAttribute("data-place-labels");
  if (!input || !url) return;
  fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); })
    .then(function (collection) {
      state.places = collection.features || [];
      // Typed before the places arrived (a slow signal): answer what is already in the box.
      if (input.value) showPlaces();
    }).catch(function () {});
  input.addEventListener("input", function () {
    // Typing again forgets the place chosen: the record names only a place picked from the list.
    state.place = null;
    document.getElementById("place-chosen-note").hidden = true;
    showPlaces();
  });
}

function rankOf(place, typed) {
  var ranks = [place.properties.name].concat(place.properties.names || []).map(function (n) { return matchRank(n, typed); })
    .filter(function (r) { return r >= 0; });
  return ranks.length ? Math.min.apply(null, ranks) : -1;
}

function showPlaces() {
  var list = document.getElementById("place-suggestions"), typed = $("#place-search").value;
  var found = (state.places || []).map(function (p) { return { p: p, rank: rankOf(p, typed) }; })
    .filter(function (m) { return m.rank >= 0; })
    .sort(function (a, b) { return a.rank - b.rank; })
    .slice(0, SUGGESTIONS_MAX);
  list.replaceChildren();
  list.hidden = found.length === 0;
  document.getElementById("place-none").hidden = found.length > 0 || foldedLength(typed) < 2;
  found.forEach(function (m) {
    var item = document.createElement("li"), button = document.createElement("button");
    var names = m.p.properties.names || [], others = names.filter(function (n) { return n !== m.p.properties.name; });
    button.type = "button";
    button.className = "suggestion";
    button.textContent = m.p.properties.name + (others.length ? " · " + others.join(" · ") : "");
    button.addEventListener("click", function () { choose(m.p); });
    item.appendChild(button);
    list.appendChild(item);
  });
}

function foldedLength(text) { return String(text).trim().length; }

function choose(place) {
  var c = place.geometry.coordinates;
  $("#place-search").value = place.properties.name;
  document.getElementById("place-suggestions").hidden = true;
  if (mode === "area") panTo(c[1], c[0]); else showLocation(c[1], c[0], "place");
  state.place = { id: place.id, name: place.properties.name };
  document.getElementById("place-chosen").textContent = place.properties.name;
  document.getElementById("place-chosen-note").hidden = false;
}
