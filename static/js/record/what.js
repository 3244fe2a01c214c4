/* What: the user's own words, linked to a known subject when they match one of its names, and how much. */
import { $, attr, state } from "./page.js";

export function initSubjects() {
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

export function matchedSubject() { return state.subjects[$("#subject").value.trim().toLowerCase()] || null; }

export function showSubjectMatch() {
  var s = matchedSubject(), el = document.getElementById("subject-match");
  if (!$("#subject").value.trim()) { el.textContent = ""; return; }
  el.textContent = s ? "Linked to " + (s.scientific_name || s.names[0].name) + "; your words are kept as you wrote them."
                     : "Not a name we know yet: it is kept exactly as you wrote it.";
}

/* Why a value is not on its scale, or null: the server's own rules (observations/abundance.py),
   given to the page as data, so a record saved offline is not refused only after it is sent. */
export function scaleProblem(scale, value) {
  var rules = JSON.parse(attr("scale-rules") || "{}"), text = String(value).trim();
  if (!rules.classes) return null;
  if (String(value).length > rules.verbatim_max) return rules.verbatim_refusal;
  var classes = rules.classes[scale];
  if (classes) {
    return Object.prototype.hasOwnProperty.call(classes.accepts, text.toLowerCase()) ? null
      : classes.refusal.replace("{value}", text);
  }
  if (scale === "percent_cover") {
    var p = rules.percent_cover, n = Number(text);
    if (text === "" || !isFinite(n)) return p.not_number.replace("{value}", text);
    if (n < p.minimum || n > p.maximum) return p.outside.replace("{value}", text);
  }
  return null;
}

export function initQuantity() {
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
