/* A small EXIF reader: DateTimeOriginal (with its offset if given) and the GPS position of a JPEG, and
   the camera's clock read in a named time zone. Camera clocks keep local time without a zone: the page
   reads them as Jersey time (its data-camera-zone), as the server does. Pure functions, no page. */
import { t } from "../i18n.js";
import { round } from "./coordinates.js";

/* { time: Date, lat, lon } as far as the photo tells; {} when it tells nothing or cannot be read. */
export function readExif(file, zone) {
  return file.slice(0, 256 * 1024).arrayBuffer()
    .then(function (buffer) { return parseExif(buffer, zone); })
    .catch(function () { return {}; });
}

function parseExif(buffer, zone) {
  var v = new DataView(buffer), at = 2;
  if (v.getUint16(0) !== 0xFFD8) return {};
  while (at + 4 < v.byteLength) {
    var marker = v.getUint16(at), size = v.getUint16(at + 2);
    if (marker === 0xFFE1 && v.getUint32(at + 4) === 0x45786966) return parseTiff(v, at + 10, zone);
    if ((marker & 0xFF00) !== 0xFF00 || marker === 0xFFDA) break;
    at += 2 + size;
  }
  return {};
}

function parseTiff(v, base, zone) {
  var little = v.getUint16(base) === 0x4949;
  var u16 = function (o) { return v.getUint16(base + o, little); };
  var u32 = function (o) { return v.getUint32(base + o, little); };
  function ifd(offset) {
    var tags = {}, n = u16(offset);
    for (var i = 0; i < n; i++) {
      var e = offset + 2 + i * 12, tag = u16(e), type = u16(e + 2), count = u32(e + 4);
      var valueAt = (type === 2 && count > 4) || (type === 5) ? u32(e + 8) : e + 8;
      if (type === 2) tags[tag] = ascii(valueAt, count);
      else if (type === 5) tags[tag] = rationals(valueAt, count);
      else if (type === 4) tags[tag] = u32(e + 8);
      else if (type === 3) tags[tag] = u16(e + 8);
    }
    return tags;
  }
  function ascii(o, count) {
    var s = "";
    for (var i = 0; i < count - 1; i++) s += String.fromCharCode(v.getUint8(base + o + i));
    return s;
  }
  function rationals(o, count) {
    var out = [];
    for (var i = 0; i < count; i++) { var d = u32(o + i * 8 + 4); out.push(d ? u32(o + i * 8) / d : 0); }
    return out;
  }
  var result = {}, ifd0 = ifd(u32(4)), exif = ifd0[0x8769] ? ifd(ifd0[0x8769]) : {};
  var raw = exif[0x9003] || ifd0[0x0132];
  var m = raw && raw.match(/^(\d{4}):(\d\d):(\d\d) (\d\d):(\d\d):(\d\d)/);
  if (m) {
    var offset = exif[0x9011];
    result.time = offset && /^[+-]\d\d:\d\d$/.test(offset)
      ? new Date(m[1] + "-" + m[2] + "-" + m[3] + "T" + m[4] + ":" + m[5] + ":" + m[6] + offset)
      : cameraTime(zone, +m[1], +m[2], +m[3], +m[4], +m[5], +m[6]);
  }
  var gps = ifd0[0x8825] ? ifd(ifd0[0x8825]) : {};
  if (gps[2] && gps[4] && gps[2].length === 3 && gps[4].length === 3) {
    var lat = gps[2][0] + gps[2][1] / 60 + gps[2][2] / 3600, lon = gps[4][0] + gps[4][1] / 60 + gps[4][2] / 3600;
    if (gps[1] === "S") lat = -lat;
    if (gps[3] === "W") lon = -lon;
    if (lat || lon) { result.lat = round(lat); result.lon = round(lon); }
  }
  return result;
}

/* A wall-clock time in the zone as an instant, whatever zone this phone is set to. */
function cameraTime(zone, y, mo, d, h, mi, s) {
  var wall = Date.UTC(y, mo - 1, d, h, mi, s);
  try {
    var guess = wall - zoneOffset(zone, wall);
    return new Date(wall - zoneOffset(zone, guess));
  } catch (e) {
    return new Date(y, mo - 1, d, h, mi, s);  // no time zone data in this browser: the phone's own zone
  }
}

function zoneOffset(zone, instant) {
  var parts = {};
  new Intl.DateTimeFormat("en-GB", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit",
    day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })
    .formatToParts(new Date(instant)).forEach(function (p) { parts[p.type] = p.value; });
  var wall = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  return wall - Math.floor(instant / 1000) * 1000;
}

/* The photo's time as Jersey's clock shows it, so the phone's own zone never shifts it. */
export function cameraText(d, zone) {
  try { return t("%(when)s Jersey time", { when: d.toLocaleString(undefined, { timeZone: zone, hour12: false }) }); }
  catch (e) { return d.toLocaleString(); }
}

/* The photo's date (YYYY-MM-DD) on the zone's calendar. */
export function cameraDate(d, zone) {
  try {
    return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit",
                                              day: "2-digit" }).format(d);
  } catch (e) { return localDate(d); }
}

function localDate(d) {
  var pad = function (n) { return (n < 10 ? "0" : "") + n; };
  return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
}
