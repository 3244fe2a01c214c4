/* The dataset's own questions: its form (all of them at once from GET /api/v1/me/forms, one dataset's
   from GET /api/v1/datasets/{slug}/form when it is not among them) drawn as inputs, kept on the
   phone (localStorage) so it is there with no signal, its relevant conditions shown live, and its values
   checked by checker.js against the same definition the server checks with. */
import { checkValues, holds } from "./checker.js";
import { $, attr, form, showError } from "./page.js";

var KEY = "fieldapp:form:";
var current = null;  // the form shown: its definition, or null when the dataset has only the common fields

/* Yes and No in the page's language (the template gives them). */
function words() { return JSON.parse(document.getElementById("custom-fields").getAttribute("data-words") || "{}"); }

function url(slug) { return attr("forms").replace("__slug__", encodeURIComponent(slug)); }
function cached(slug) {
  try { return JSON.parse(localStorage.getItem(KEY + slug) || "null"); } catch (e) { return null; }
}
function keep(slug, definition) {
  try { localStorage.setItem(KEY + slug, JSON.stringify(definition)); } catch (e) { /* storage full: asked again online */ }
}

/* Fetch one dataset's form and keep it; resolves with the definition, or the kept one with no signal. */
function fetchForm(slug) {
  return fetch(url(slug), { credentials: "same-origin" }).then(function (r) {
    if (!r.ok) throw new Error(r.status);
    return r.json();
  }).then(function (body) { keep(slug, body.form); return body.form; }, function () { return cached(slug); });
}

/* Every form of the datasets this person may record into, in one request (GET /api/v1/me/forms), each
   kept on the phone; asked once per page. Resolves with {slug: definition}, or null with no signal. */
var everyForm = null;
function fetchEveryForm() {
  if (!everyForm) {
    everyForm = fetch(attr("my-forms"), { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    }).then(function (body) {
      var all = {};
      body.forms.forEach(function (f) { keep(f.dataset, f.form); all[f.dataset] = f.form; });
      return all;
    }, function () { return null; });
  }
  return everyForm;
}
/* One dataset's form: from the combined answer, else its own request, else the kept copy. */
function formFor(slug) {
  return fetchEveryForm().then(function (all) {
    return all && Object.prototype.hasOwnProperty.call(all, slug) ? all[slug] : fetchForm(slug);
  });
}

function text(texts, languages) {
  if (!texts) return "";
  var lang = document.documentElement.lang || "en";
  return texts[lang] || texts[(languages || [])[0]] || texts[Object.keys(texts)[0]] || "";
}

function element(tag, props, children) {
  var el = document.createElement(tag);
  Object.keys(props || {}).forEach(function (k) {
    if (k === "text") el.textContent = props[k]; else el.setAttribute(k, props[k]);
  });
  (children || []).forEach(function (c) { if (c) el.appendChild(c); });
  return el;
}

function input(field, languages) {
  var name = "field:" + field.name;
  if (field.type === "integer" || field.type === "decimal") {
    var props = { type: "number", name: name, inputmode: field.type === "integer" ? "numeric" : "decimal",
                  step: field.type === "integer" ? "1" : "any" };
    if (field.min !== null && field.min !== undefined) props.min = field.min;
    if (field.max !== null && field.max !== undefined) props.max = field.max;
    return element("input", props);
  }
  if (field.type === "date") return element("input", { type: "date", name: name });
  if (field.type === "boolean") {
    return element("select", { name: name }, [element("option", { value: "", text: "—" }),
      element("option", { value: "yes", text: words().yes || "Yes" }),
      element("option", { value: "no", text: words().no || "No" })]);
  }
  if (field.type === "select_one") {
    return element("select", { name: name }, [element("option", { value: "", text: "—" })].concat(
      field.choices.map(function (c) { return element("option", { value: c.name, text: text(c.label, languages) }); })));
  }
  if (field.type === "select_multiple") {
    return element("span", { class: "choices" }, field.choices.map(function (c) {
      return element("label", { class: "check" }, [element("input", { type: "checkbox", name: name, value: c.name }),
        document.createTextNode(" " + text(c.label, languages))]);
    }));
  }
  return element("input", { type: "text", name: name, maxlength: "2000" });
}

function draw(definition) {
  var box = document.getElementById("custom-fields"), list = box.querySelector(".custom-list");
  current = definition;
  list.textContent = "";
  box.hidden = !definition || !definition.fields.length;
  if (box.hidden) return;
  var languages = definition.languages;
  definition.fields.forEach(function (field) {
    var label = text(field.label, languages) + (field.unit ? " (" + field.unit + ")" : "") + (field.required ? " *" : "");
    var row = element("div", { class: "custom-field", "data-field": field.name });
    if (field.type === "note") row.appendChild(element("p", { class: "note", text: label }));
    else row.appendChild(element("label", {}, [document.createTextNode(label + " "), input(field, languages)]));
    if (field.hint) row.appendChild(element("p", { class: "help", text: text(field.hint, languages) }));
    row.appendChild(element("p", { class: "error", "data-error-for": "fields." + field.name }));
    list.appendChild(row);
  });
  showRelevant();
}

/* The answers as typed: numbers as numbers, yes/no as booleans, several choices as a list; a question
   not asked (its relevant condition does not hold) gives no answer. */
function answers(onlyRelevant) {
  var values = {};
  if (!current) return values;
  current.fields.forEach(function (field) {
    var name = "field:" + field.name, value;
    if (field.type === "note") return;
    if (field.type === "select_multiple") {
      value = Array.prototype.map.call(form.querySelectorAll('input[name="' + name + '"]:checked'), function (b) { return b.value; });
      if (!value.length) return;
    } else {
      var el = form.querySelector('[name="' + name + '"]');
      if (!el || el.value === "") return;
      value = el.value;
      if (field.type === "integer" || field.type === "decimal") value = el.value.trim() === "" ? el.value : Number(el.value);
      if (field.type === "boolean") value = el.value === "yes";
    }
    values[field.name] = value;
  });
  if (onlyRelevant) {
    current.fields.forEach(function (field) {
      if (field.relevant && !holds(field.relevant, values, null)) delete values[field.name];
    });
  }
  return values;
}

function showRelevant() {
  if (!current) return;
  var values = answers(false);
  current.fields.forEach(function (field) {
    var row = form.querySelector('.custom-field[data-field="' + field.name + '"]');
    if (row) row.hidden = Boolean(field.relevant) && !holds(field.relevant, values, null);
  });
}

/* Show the form of the chosen dataset: the kept copy at once, then the server's when there is a signal. */
export function showFormOf(slug) {
  if (!slug) { draw(null); return Promise.resolve(null); }
  draw(cached(slug));
  return formFor(slug).then(function (definition) {
    if ($("#dataset").value === slug) draw(definition);
    return definition;
  });
}

export function initCustomFields() {
  var box = document.getElementById("custom-fields");
  if (!box) return;
  box.addEventListener("input", showRelevant);
  box.addEventListener("change", showRelevant);
  $("#dataset").addEventListener("change", function () { showFormOf($("#dataset").value); });
  // Every dataset's form kept on the phone while there is a signal (one request), so any works offline.
  showFormOf($("#dataset").value);
}

/* The custom values for the record (undefined when the dataset has no form of its own). */
export function customValues() { return current ? answers(true) : undefined; }

/* Check the values on the phone with the definition; each problem beside its question. */
export function checkCustom(values) {
  if (!current) return true;
  var result = checkValues(current, values, "fields");
  result.problems.forEach(function (p) { showError(p.path, p.message); });
  return !result.problems.length;
}

export function resetCustom() {
  form.querySelectorAll('#custom-fields input[type=checkbox]').forEach(function (b) { b.checked = false; });
  form.querySelectorAll('#custom-fields input:not([type=checkbox]), #custom-fields select').forEach(function (el) { el.value = ""; });
  showRelevant();
}

export function loadCustom(values) {
  Object.keys(values || {}).forEach(function (name) {
    var value = values[name], boxes = form.querySelectorAll('#custom-fields input[type=checkbox][name="field:' + name + '"]');
    if (boxes.length) { boxes.forEach(function (b) { b.checked = [].concat(value).indexOf(b.value) >= 0; }); return; }
    var el = form.querySelector('#custom-fields [name="field:' + name + '"]');
    if (el) el.value = value === true ? "yes" : value === false ? "no" : value;
  });
  showRelevant();
}
