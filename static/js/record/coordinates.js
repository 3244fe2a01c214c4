/* Reading typed coordinates: decimal degrees ("49.1869, -2.1542") or degrees and minutes (and seconds),
   with N/S/E/W before or after. Pure functions, no page. */

/* Seven decimals (about 1 cm): what is stored of any place. */
export function round(x) { return Math.round(x * 1e7) / 1e7; }

/* [lat, lon], or null when the text is not a place. */
export function parseCoordinates(input) {
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
