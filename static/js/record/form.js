/* Saving: the record built from the form, checked, put in the outbox, and the form made ready for the
   next one; a record the server refused loaded back to be fixed. */
import { number, t } from "../i18n.js";
import { geometry, loadGeometry, resetLocation, waitingForFix } from "./location.js";
import * as Outbox from "./outbox.js";
import { checkCustom, customValues, loadCustom, resetCustom, showFormOf } from "./custom.js";
import { $, attr, clearErrors, fieldOf, form, mode, showError, state } from "./page.js";
import { renderPhotos } from "./photos.js";
import { applyDatasetDefaults, consentWay, loadCredit, newPseudonym, rememberDataset } from "./sharing.js";
import { matchedSubject, scaleProblem, showSubjectMatch } from "./what.js";
import { addWhen, loadWhen, setWhen, whenMode } from "./when.js";

function buildFeature() {
  var data = new FormData(form), props = { dataset: data.get("dataset") };
  var words = data.get("subject_text").trim(), subject = matchedSubject();
  if (words) props.subject_text = words;
  if (subject) props.subject_id = subject.id;
  if (state.place) props.place_id = state.place.id;
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
  // Carried with the record in the outbox: the server stores it as the person's consent when it arrives.
  var way = consentWay();
  if (way) props.consent_way = way;
  props.visibility = data.get("visibility");
  props.licence = data.get("licence");
  if (mode === "point" && data.get("coordinate_uncertainty_m") !== "") {
    props.coordinate_uncertainty_m = Number(data.get("coordinate_uncertainty_m"));
  }
  var custom = customValues();
  if (custom !== undefined) props.fields = custom;
  return { type: "Feature", id: state.editing || Outbox.uuid(), geometry: geometry(), properties: props };
}

/* How far a point is from the park's outline bounds (the page's data-park-bounds), in km; 0 inside. */
function kmFromPark(lat, lon) {
  var b = JSON.parse(attr("park-bounds") || "null");
  if (!b) return 0;
  var nearLat = Math.min(Math.max(lat, b[0][0]), b[1][0]), nearLon = Math.min(Math.max(lon, b[0][1]), b[1][1]);
  var rad = Math.PI / 180, dLat = (lat - nearLat) * rad, dLon = (lon - nearLon) * rad;
  var a = Math.sin(dLat / 2) * Math.sin(dLat / 2) +
    Math.cos(lat * rad) * Math.cos(nearLat * rad) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
  return 6371 * 2 * Math.atan2(Math.sqrt(a), Math.sqrt(1 - a));
}

/* A place far from the park that the phone did not measure here (a photo's, typed, dragged) is
   shown to the recorder once before it is saved; pressing Save again keeps it. */
function farFromPark(feature) {
  if (!feature.geometry || feature.geometry.type !== "Point" || state.source === "gps") return false;
  var c = feature.geometry.coordinates, km = kmFromPark(c[1], c[0]), key = c.join(",");
  if (km <= Number(attr("far-km") || Infinity) || state.farConfirmed === key) return false;
  state.farConfirmed = key;
  showError("geometry", state.source === "photo"
    ? t("This place is about %(km)s km from the park (it comes from the photo). Check the point; if it is right, press Save again to keep it.", { km: number(Math.round(km)) })
    : t("This place is about %(km)s km from the park. Check the point; if it is right, press Save again to keep it.", { km: number(Math.round(km)) }));
  return true;
}

function checkBeforeSaving(feature) {
  clearErrors();
  var ok = true;
  if (!feature.geometry) {
    showError("geometry", mode === "area" ? t("Draw the area or line on the map.") :
      t("The record needs a place: wait for your position, drag the point or type coordinates."));
    ok = false;
  }
  if (waitingForFix()) { showError("geometry", t("Still waiting for a better fix; untick the box to save now.")); ok = false; }
  if ($("#credit").value === "new" && !newPseudonym()) {
    showError("display_name", t("Type the pseudonym to credit this record to, or choose another name.")); ok = false;
  }
  if (consentWay() === "") {
    showError("consent_way", t("Say how the person you record for gave consent to the park's terms.")); ok = false;
  }
  var p = feature.properties;
  if (p.abundance_scale) {
    var problem = scaleProblem(p.abundance_scale, p.abundance_value);
    if (problem) { showError("abundance_value", problem); ok = false; }
  }
  if (!feature.properties.dataset) { showError("dataset", t("Choose the dataset this record belongs to.")); ok = false; }
  if (!feature.properties.subject_text) { showError("subject_text", t("Say what you saw or know about, in any words.")); ok = false; }
  if (whenMode() !== "now" && !feature.properties.observed_start) {
    showError("observed_start", t("Give the date, or choose Now.")); ok = false;
  }
  if (p.fields !== undefined && !checkCustom(p.fields)) ok = false;
  // Asked last, when nothing else stops the record: pressing Save again is then the answer.
  if (ok && farFromPark(feature)) ok = false;
  if (!ok) { var first = form.querySelector(".error:not(:empty)"); if (first) first.scrollIntoView({ block: "center" }); }
  return ok;
}

export function onSubmit(e) {
  e.preventDefault();
  var feature = buildFeature();
  if (!checkBeforeSaving(feature)) return;
  var photos = state.photos.map(function (p) { return { id: p.id, blob: p.blob, name: p.name }; });
  Outbox.save(feature, photos, { pseudonym: newPseudonym() }).then(function () {
    document.getElementById("save-note").textContent = t("Saved on this phone. It is sent as soon as there is a signal.");
    rememberDataset(feature.properties.dataset);
    resetForNext();
  }, function (err) {
    showError("(body)", t("Could not save on this phone: %(error)s", { error: err }));
  });
}

/* Keep only the dataset, credit, sharing and licence for the next record; clear everything that
   described this observation (what, how much, trend, confidence, notes, effort, when, photos, place). */
function resetForNext() {
  state.editing = null; state.photos = []; state.exactStart = null; state.farConfirmed = null;
  ["#subject", "#count", "#abundance-value", "#observed-start", "#observed-end"].forEach(function (s) { $(s).value = ""; });
  form.querySelector("input[name=occurrence_status][value=present]").checked = true;
  // A count is what most sightings give: the field is ready (left empty, nothing is sent).
  $("#quantity-kind").value = "count"; $("#quantity-kind").dispatchEvent(new Event("change"));
  ["trend", "confidence"].forEach(function (k) { form.querySelector("select[name=" + k + "]").value = ""; });
  form.querySelector("textarea[name=notes]").value = "";
  form.querySelector("input[name=time_spent_min]").value = "";
  form.querySelectorAll("input[name=season_months]").forEach(function (box) { box.checked = false; });
  $("#time-precision").value = "day";
  setWhen("now");
  document.getElementById("photo-list").textContent = "";
  document.getElementById("photo-offers").textContent = "";
  document.getElementById("photos").value = "";
  document.getElementById("time-note").textContent = "";
  document.getElementById("subject-match").textContent = "";
  $("#save").textContent = t("Save");
  resetCustom();
  resetLocation();
  state.place = null;
  $("#place-search").value = "";
  document.getElementById("place-chosen-note").hidden = true;
}

/* A record the server refused, back in the form with each error beside its field. */
export function loadForFix(record) {
  var p = record.feature.properties;
  state.editing = record.id;
  state.photos = record.photos.filter(function (ph) { return !ph.sent; })
    .map(function (ph) { return { id: ph.id, blob: ph.blob, name: ph.name, exif: null }; });
  renderPhotos();
  $("#dataset").value = p.dataset; applyDatasetDefaults();
  showFormOf(p.dataset).then(function () { loadCustom(p.fields); });
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
  $("#save").textContent = t("Save the corrected record");
  form.scrollIntoView();
}
