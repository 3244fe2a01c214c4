/* What: the user's own words, linked to a known subject when they match one of its names, and how much. */
import { t } from "../i18n.js";
import { $, attr, state } from "./page.js";

/* Names fold as the server folds them (fieldapp/naming.py): no case, no accents, words split on anything
   that is not a letter or a digit; so "greve" finds "Grève", "chancre" and "CRABE" find their species offline. */
export function foldWords(text) {
  return " " + String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

/* How well a name matches what is typed (0 best), or -1: the whole name, its start, a word's start, inside a word. */
export function matchRank(name, typed) {
  var n = foldWords(name), q = foldWords(typed);
  if (q.length < 2) return -1;
  if (n === q) return 0;
  if (n.indexOf(q) === 0) return 1;
  if (n.indexOf(q) > 0) return 2;
  if (q.length > 3 && n.indexOf(q.trim()) >= 0) return 3;
  return -1;
}

var SUGGESTIONS_MAX = 8;

export function initSubjects() {
  fetch(attr("subjects"), { credentials: "same-origin" }).then(function (r) { return r.json(); })
    .then(function (subjects) {
      state.subjectNames = [];
      subjects.forEach(function (s) {
        var names = (s.scientific_name ? [{ name: s.scientific_name, language: null, community: null }] : []).concat(s.names);
        names.forEach(function (n) {
          state.subjects[foldWords(n.name)] = s;
          state.subjectNames.push({ name: n.name, language: n.language, community: n.community, subject: s });
        });
      });
      showSubjectMatch();
    }).catch(function () {});
  $("#subject").addEventListener("input", function () { showSuggestions(); showSubjectMatch(); });
  $("#subject").addEventListener("keydown", function (e) {
    if (e.key === "Escape") hideSuggestions();
  });
}

function hideSuggestions() {
  var list = document.getElementById("subject-suggestions");
  list.replaceChildren();
  list.hidden = true;
}

/* The best-matching names of every language, as buttons under the field; choosing one fills it in. */
export function showSuggestions() {
  var list = document.getElementById("subject-suggestions"), typed = $("#subject").value;
  var found = (state.subjectNames || []).map(function (n) { return { n: n, rank: matchRank(n.name, typed) }; })
    .filter(function (m) { return m.rank >= 0; })
    .sort(function (a, b) { return a.rank - b.rank || a.n.name.length - b.n.name.length; })
    .slice(0, SUGGESTIONS_MAX);
  list.replaceChildren();
  list.hidden = found.length === 0;
  found.forEach(function (m) {
    var item = document.createElement("li"), button = document.createElement("button");
    var s = m.n.subject, other = s.scientific_name && s.scientific_name !== m.n.name ? s.scientific_name : "";
    var tongue = [m.n.language, m.n.community].filter(Boolean).join(", ");
    button.type = "button";
    button.className = "suggestion";
    button.textContent = m.n.name + (tongue ? " (" + tongue + ")" : "") + (other ? " · " + other : "");
    button.addEventListener("click", function () {
      $("#subject").value = m.n.name;
      hideSuggestions();
      showSubjectMatch();
      $("#subject").focus();
    });
    item.appendChild(button);
    list.appendChild(item);
  });
}

export function matchedSubject() { return state.subjects[foldWords($("#subject").value)] || null; }

export function showSubjectMatch() {
  var s = matchedSubject(), el = document.getElementById("subject-match"), typed = $("#subject").value.trim();
  if (!typed) { el.textContent = ""; return; }
  if (s) {
    el.textContent = t("Linked to %(name)s; your words are kept as you wrote them.", { name: s.scientific_name || s.names[0].name });
  } else if (document.getElementById("subject-suggestions").hidden) {
    el.textContent = t("No name we know matches: it is kept exactly as you wrote it.");
  } else {
    el.textContent = t("Not a name we know yet: choose one below, or it is kept exactly as you wrote it.");
  }
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
