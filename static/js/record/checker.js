/* A record's custom field values checked on the phone against the dataset's form definition, the same
   JSON the server checks with (GET /api/v1/datasets/{slug}/form; forms/values.check_values and
   forms/conditions.py). Nothing here knows a field: it reads each one's type, required, range,
   choices, constraint and relevant condition from the definition, so the rules have one home, the
   definition, and this interpreter answers what the server's answers (tests/e2e/test_form_checker.py
   runs both on the same cases). The server still checks every value. Its messages are the server's
   words, in the page's language (the browser catalogue, t()). */
import { t } from "../i18n.js";

var TOKEN = /^\s*(?:(\$\{[A-Za-z_][A-Za-z0-9_.-]*\})|(\.)(?![0-9])|(-?\d+(?:\.\d+)?)|'([^']*)'|"([^"]*)"|(!=|>=|<=|=|>|<)|(and|or))\s*/;

/* A condition as OR-groups of AND-ed comparisons [left, op, right]; each side ["field", name] or ["value", v]. */
export function parse(text) {
  var tokens = [], rest = text;
  while (rest.length) {
    var m = TOKEN.exec(rest);
    if (!m || !m[0].length) throw new Error("cannot read " + rest.slice(0, 20));
    rest = rest.slice(m[0].length);
    if (m[1]) tokens.push(["field", m[1].slice(2, -1)]);
    else if (m[2]) tokens.push(["field", "."]);
    else if (m[3] !== undefined) tokens.push(["value", Number(m[3])]);
    else if (m[4] !== undefined) tokens.push(["value", m[4]]);
    else if (m[5] !== undefined) tokens.push(["value", m[5]]);
    else if (m[6]) tokens.push(["op", m[6]]);
    else tokens.push(["word", m[7]]);
  }
  var groups = [[]], i = 0;
  while (i < tokens.length) {
    if (i + 2 >= tokens.length || tokens[i + 1][0] !== "op" || (tokens[i][0] !== "field" && tokens[i][0] !== "value")) {
      throw new Error("each part must be a comparison");
    }
    groups[groups.length - 1].push([tokens[i], tokens[i + 1][1], tokens[i + 2]]);
    i += 3;
    if (i < tokens.length) {
      if (tokens[i][0] !== "word") throw new Error("join comparisons with and/or");
      if (tokens[i][1] === "or") groups.push([]);
      i += 1;
    }
  }
  return groups;
}

function side(s, values, own) {
  if (s[0] === "value") return s[1];
  var v = s[1] === "." ? own : values[s[1]];
  return v === undefined ? null : v;
}

function toNumber(v) {
  if (typeof v === "number") return v;
  var text = String(v).trim(), n = Number(text);
  return text && !isNaN(n) ? n : null;
}

function compare(c, values, own) {
  var a = side(c[0], values, own), op = c[1], b = side(c[2], values, own);
  if (a === null || b === null) return op === "!=" && (a === null) !== (b === null);
  if (typeof a === "boolean") a = a ? "yes" : "no";
  if (typeof b === "boolean") b = b ? "yes" : "no";
  if (typeof a === "number" || typeof b === "number") {
    a = toNumber(a); b = toNumber(b);
    if (a === null || b === null) return op === "!=";
  } else { a = String(a); b = String(b); }
  return { "=": a === b, "!=": a !== b, ">": a > b, ">=": a >= b, "<": a < b, "<=": a <= b }[op];
}

export function holds(text, values, own) {
  return parse(text).some(function (group) { return group.every(function (c) { return compare(c, values, own); }); });
}

function repr(raw) { return typeof raw === "string" ? "'" + raw + "'" : String(raw); }
function g(n) { return String(Number(n.toPrecision(6))); }

function typed(field, raw) {
  var kind = field.type;
  if (kind === "integer" || kind === "decimal") {
    if (typeof raw === "boolean") throw new Error(t("a number, not true or false"));
    var value = typeof raw === "number" ? raw : (String(raw).trim() === "" ? NaN : Number(raw));
    if (isNaN(value)) throw new Error(t("%(value)s is not a number", { value: repr(raw) }));
    if (!isFinite(value)) throw new Error(t("a finite number"));
    if (kind === "integer" && value !== Math.trunc(value)) {
      throw new Error(t("%(value)s is not a whole number", { value: repr(raw) }));
    }
    if (field.min !== null && field.min !== undefined && value < field.min) {
      throw new Error(t("%(value)s is below %(low)s", { value: g(value), low: g(field.min) }));
    }
    if (field.max !== null && field.max !== undefined && value > field.max) {
      throw new Error(t("%(value)s is above %(high)s", { value: g(value), high: g(field.max) }));
    }
    return value;
  }
  if (kind === "boolean") {
    if (typeof raw === "boolean") return raw;
    var word = String(raw).trim().toLowerCase();
    if (["yes", "true", "1"].indexOf(word) >= 0) return true;
    if (["no", "false", "0"].indexOf(word) >= 0) return false;
    throw new Error(t("%(value)s is neither yes nor no", { value: repr(raw) }));
  }
  if (kind === "date") {
    var text = String(raw), d = new Date(text + "T00:00:00Z");
    if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || isNaN(d) || d.toISOString().slice(0, 10) !== text) {
      throw new Error(t("%(value)s is not a date (YYYY-MM-DD)", { value: repr(raw) }));
    }
    return text;
  }
  var choices = (field.choices || []).map(function (c) { return c.name; });
  var listed = choices.slice().sort().join(", ");
  if (kind === "select_one") {
    if (choices.indexOf(String(raw)) < 0) throw new Error(t("%(value)s is not one of %(choices)s", { value: repr(raw), choices: listed }));
    return String(raw);
  }
  if (kind === "select_multiple") {
    var picked = Array.isArray(raw) ? raw : String(raw).split(/\s+/).filter(Boolean);
    var wrong = picked.filter(function (p) { return choices.indexOf(String(p)) < 0; });
    if (wrong.length) throw new Error(t("%(value)s is not one of %(choices)s", { value: repr(wrong[0]), choices: listed }));
    return picked.map(String);
  }
  return String(raw);
}

/* The values as they would be stored, and every problem {path, message}, as the server's check_values. */
export function checkValues(definition, values, path) {
  path = path || "fields";
  values = Object.assign({}, values || {});
  var known = {}, problems = [], clean = {};
  ((definition && definition.fields) || []).forEach(function (f) { known[f.name] = f; });
  Object.keys(values).forEach(function (name) {
    if (!known[name]) problems.push({ path: path + "." + name, message: t("this form has no such field") });
  });
  Object.keys(known).forEach(function (name) {
    var field = known[name], raw = values[name], at = path + "." + name;
    if (field.type === "note") {
      if (raw !== undefined && raw !== null) problems.push({ path: at, message: t("a note takes no answer") });
      return;
    }
    var relevant = !field.relevant || holds(field.relevant, values, null);
    if (raw === undefined || raw === null || raw === "" || (Array.isArray(raw) && !raw.length)) {
      if (field.required && relevant) problems.push({ path: at, message: t("required") });
      return;
    }
    if (!relevant) {
      problems.push({ path: at, message: t("not asked here (%(condition)s does not hold)", { condition: field.relevant }) });
      return;
    }
    var value;
    try { value = typed(field, raw); } catch (e) { problems.push({ path: at, message: e.message }); return; }
    if (field.constraint && !holds(field.constraint, values, value)) {
      problems.push({ path: at, message: t("does not meet %(condition)s", { condition: field.constraint }) });
      return;
    }
    clean[name] = value;
  });
  return { values: clean, problems: problems };
}
