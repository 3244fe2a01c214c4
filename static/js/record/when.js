/* When: now, on a date, or between two dates, with the seasons it recurs in and how precise it is. */
import { $, form, state } from "./page.js";

export function initWhen() {
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

export function whenMode() { return form.querySelector("input[name=when]:checked").value; }
function anyMonths() { return !!form.querySelector("input[name=season_months]:checked"); }
export function setWhen(value) { form.querySelector("input[name=when][value=" + value + "]").checked = true; showWhen(); }
function showWhen() {
  var m = whenMode();
  document.getElementById("start-field").hidden = m === "now";
  document.getElementById("end-field").hidden = m !== "range";
  document.getElementById("precision-field").hidden = m === "now";
}

/* The time properties of the record being saved. */
export function addWhen(props, data) {
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

/* A refused record's time back in the form. */
export function loadWhen(p) {
  form.querySelectorAll("input[name=season_months]").forEach(function (box) {
    box.checked = (p.season_months || []).indexOf(Number(box.value)) >= 0;
  });
  if (p.time_precision === "instant") { setWhen("now"); return; }
  setWhen(p.observed_end ? "range" : "date");
  $("#observed-start").value = (p.observed_start || "").slice(0, 10);
  $("#observed-end").value = (p.observed_end || "").slice(0, 10);
  $("#time-precision").value = p.time_precision;
}
