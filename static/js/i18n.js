/* The browser's words in the page's language. t("English text", {name: value}) looks the text up in the
   catalogue of <html lang> (/i18n/<lang>.json, made from fieldapp/translations/<lang>/LC_MESSAGES/js.po
   and kept offline by the service worker) and fills its %(name)s places. English, a message not yet
   translated, or no catalogue at all (offline before the first visit) show the text as written.
   Loaded before the modules that import it: their first words are already in the page's language. */
export var language = document.documentElement.lang || "en";

var catalogue = {};
if (language !== "en") {
  try {
    var response = await fetch("/i18n/" + encodeURIComponent(language) + ".json", { credentials: "same-origin" });
    if (response.ok) catalogue = await response.json();
  } catch (e) {
    catalogue = {};
  }
}

export function t(message, values) {
  var text = Object.prototype.hasOwnProperty.call(catalogue, message) ? catalogue[message] : message;
  return text.replace(/%\((\w+)\)s/g, function (whole, name) {
    return values && name in values ? String(values[name]) : whole;
  });
}

/* A count in the page's language: "1,234" in English, "1 234" in French. */
export function number(n, digits) {
  var options = digits === undefined ? {} : { minimumFractionDigits: digits, maximumFractionDigits: digits };
  return Number(n).toLocaleString(language === "en" ? "en-GB" : language, options);
}
