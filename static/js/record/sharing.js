/* Who and sharing: the name the record is credited to (a new pseudonym included), the dataset, its
   licence and visibility, explained in plain words. */
import { t } from "../i18n.js";
import { $, attr, clearError, form } from "./page.js";

var LICENCE_HELP = {
  "CC0-1.0": t("Anyone may reuse it for any purpose, without asking or crediting."),
  "CC-BY-4.0": t("Anyone may reuse it for any purpose, as long as they credit you."),
  "CC-BY-NC-4.0": t("Anyone may reuse it with credit to you, but not to make money."),
  "restricted": t("Others may view it here, but only the dataset's stewards and park staff may reuse it.")
};

/* This phone remembers the dataset its user last saved into (records may still wait in the outbox,
   unknown to the server that chose the page's default). */
function lastDatasetKey() { return "fieldapp.last-dataset." + attr("contributor"); }
export function rememberDataset(slug) {
  try { if (slug) localStorage.setItem(lastDatasetKey(), slug); } catch (e) { /* private mode: the server's default stays */ }
}
function lastDataset() {
  try { return localStorage.getItem(lastDatasetKey()); } catch (e) { return null; }
}

export function initSharing() {
  var dataset = $("#dataset");
  var last = lastDataset();
  if (last && dataset.querySelector('option[value="' + CSS.escape(last) + '"]')) dataset.value = last;
  $("#credit").addEventListener("change", function () { clearError("display_name"); showPseudonym(); });
  var search = document.getElementById("credit-search");
  if (search) search.addEventListener("input", findCredit);
  showPseudonym();
  dataset.addEventListener("change", applyDatasetDefaults);
  $("#licence").addEventListener("change", function () {
    document.getElementById("licence-help").textContent = LICENCE_HELP[$("#licence").value] || "";
  });
  applyDatasetDefaults();
}

/* A facilitator narrows the people they may record for to those whose name holds the words typed
   (accents and case aside); one left is chosen. Works offline: the list is the page's own. */
function folded(text) { return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }
function findCredit() {
  var words = folded(document.getElementById("credit-search").value.trim());
  var shown = [];
  $("#credit").querySelectorAll("option[data-behalf]").forEach(function (option) {
    option.hidden = words !== "" && folded(option.textContent).indexOf(words) < 0;
    if (!option.hidden) shown.push(option);
  });
  if (words && shown.length === 1) { $("#credit").value = shown[0].value; showPseudonym(); }
}

/* The pseudonym to create before sending, or null. */
export function newPseudonym() {
  return $("#credit").value === "new" ? $("#pseudonym").value.replace(/\s+/g, " ").trim() : null;
}
function showPseudonym() {
  document.getElementById("pseudonym-field").hidden = $("#credit").value !== "new";
  showConsent();
}

/* Recording on someone's behalf asks how they gave consent to the park's terms (when the park has
   terms: the page then has the question). Another person chosen: asked again. */
function consentField() { return document.getElementById("consent-field"); }
function onBehalf() {
  var option = $("#credit").selectedOptions[0];
  return Boolean(option && option.dataset.behalf);
}
function showConsent() {
  var field = consentField();
  if (!field) return;
  var shown = onBehalf();
  if (field.dataset.person !== $("#credit").value) { $("#consent-way").value = ""; clearError("consent_way"); }
  field.dataset.person = $("#credit").value;
  field.hidden = !shown;
}
/* How the person credited gave consent ("" when it is asked and not answered), or null when not asked. */
export function consentWay() {
  var field = consentField();
  return field && onBehalf() ? $("#consent-way").value : null;
}

export function applyDatasetDefaults() {
  var option = $("#dataset").selectedOptions[0];
  if (!option || !option.value) return;
  $("#licence").value = option.dataset.licence;
  document.getElementById("licence-help").textContent =
    t("The dataset's licence: %(help)s", { help: LICENCE_HELP[option.dataset.licence] || "" });
  var radio = form.querySelector("input[name=visibility][value=" + option.dataset.visibility + "]");
  if (radio) radio.checked = true;
  document.getElementById("forced-note").hidden = !option.dataset.forced;
  // The real size of this dataset's cells, not a round figure: visibility is explained as it is.
  document.getElementById("cell-size").textContent = option.dataset.cell;
}

/* The credit as it was: a pseudonym made on sending may be missing from the list, so add it. */
export function loadCredit(record, p) {
  var credit = $("#credit");
  if (record.pseudonym && !record.pseudonymId) {
    credit.value = "new"; $("#pseudonym").value = record.pseudonym;
  } else {
    var id = String(p.contributor_id || attr("contributor"));
    if (!credit.querySelector('option[value="' + id + '"]') && record.pseudonymId) {
      var option = document.createElement("option");
      option.value = id; option.textContent = t("%(name)s (your pseudonym)", { name: record.pseudonym });
      credit.insertBefore(option, credit.querySelector('option[value="new"]'));
    }
    credit.value = id;
  }
  showPseudonym();
  if (p.consent_way && consentField()) $("#consent-way").value = p.consent_way;
}
