/* The recording form's common ground: the form, its data attributes, what the user has given so far,
   and the error messages beside the fields. Every other recording module starts from here. */
export var form = document.getElementById("record-form");
export var $ = function (sel) { return form.querySelector(sel); };
// getAttribute, not form.dataset: a form control named "dataset" shadows that property.
export var attr = function (name) { return form.getAttribute("data-" + name); };
export var mode = form ? attr("mode") : null;
// Camera clocks keep local time without a zone: read as Jersey time, as the server does.
export var CAMERA_ZONE = (form && attr("camera-zone")) || "Europe/Jersey";

export var state = { location: null, source: null, accuracy: null, shape: null, photos: [], editing: null,
                     exactStart: null, subjects: {}, subjectNames: [], places: [], place: null };

/* The field an API error's path names ("features.0.properties.count" is "count"). */
export function fieldOf(path) {
  var rest = String(path).replace(/^features\.\d+\./, "").replace(/^properties\./, "").split(".");
  // A custom field's error goes beside its question: "fields.pots".
  return rest[0] === "fields" && rest[1] ? "fields." + rest[1] : rest[0];
}
export function showError(field, message) {
  var el = form.querySelector('[data-error-for="' + field + '"]') || form.querySelector('[data-error-for="(body)"]');
  el.textContent = el.textContent ? el.textContent + " " + message : message;
}
export function clearError(field) { var el = form.querySelector('[data-error-for="' + field + '"]'); if (el) el.textContent = ""; }
export function clearErrors() { form.querySelectorAll("[data-error-for]").forEach(function (el) { el.textContent = ""; }); }
