/* The outbox as the page shows it: each record on this phone with its state, a link once sent, and
   the way to fix a refused one. */
import { t } from "../i18n.js";
import { loadForFix } from "./form.js";
import * as Outbox from "./outbox.js";
import { mode } from "./page.js";

var LABELS = { saved: t("Saved on this phone"), waiting: t("Saved on this phone, waiting to send"), sending: t("Sending…"),
               sent: t("Sent"), failed: t("Not accepted by the server") };

// Sent records kept on the phone and in the list: the last few, folded away under one line.
export var SENT_KEPT = 3;

export function renderOutbox(rows) {
  var pending = rows.filter(function (r) { return r.state !== "sent"; });
  var sent = rows.filter(function (r) { return r.state === "sent"; });
  var count = document.getElementById("outbox-count");
  count.textContent = pending.length; count.dataset.count = pending.length;
  var list = document.getElementById("outbox-pending");
  list.textContent = "";
  pending.slice().reverse().forEach(function (r) { list.appendChild(outboxItem(r)); });
  // Older sent records are dropped from the phone: the server has them.
  sent.slice(0, Math.max(0, sent.length - SENT_KEPT)).forEach(function (r) { Outbox.remove(r.id); });
  var recent = sent.slice(-SENT_KEPT).reverse();
  var folded = document.getElementById("outbox-sent");
  folded.hidden = !recent.length;
  document.getElementById("outbox-sent-title").textContent =
    recent.length === 1 ? t("Sent from this phone: the last one") : t("Sent from this phone: the last %(n)s", { n: recent.length });
  var sentList = folded.querySelector("ul");
  sentList.textContent = "";
  recent.forEach(function (r) { sentList.appendChild(outboxItem(r)); });
}

function outboxItem(r) {
  var li = document.createElement("li");
  li.dataset.id = r.id; li.dataset.state = r.state; li.className = "state-" + r.state;
  var title = document.createElement("strong");
  title.textContent = r.feature.properties.subject_text || t("Record");
  li.appendChild(title);
  var status = document.createElement("span");
  status.className = "state";
  status.textContent = LABELS[r.state] + (r.error && r.state !== "sent" ? ": " + r.error : "");
  li.appendChild(status);
  if (r.state === "sent") {
    var link = document.createElement("a");
    link.href = "/observations/" + r.id; link.textContent = t("Open the record");
    li.appendChild(link);
  }
  if (r.state === "failed" && !r.observationSent && mode === modeOf(r.feature.geometry)) {
    li.appendChild(button(t("Fix and resend"), function () { loadForFix(r); }));
  }
  if (r.state === "failed" && r.observationSent) {
    li.appendChild(button(t("Send without the refused photo"), function () {
      r.photos = r.photos.filter(function (ph) { return ph.sent; });
      r.state = "saved"; r.error = null; r.details = []; r.nextTry = 0;
      Outbox.remove(r.id).then(function () { return Outbox.save(r.feature, []); });
    }));
  }
  return li;
}

function modeOf(g) { return g && g.type === "Point" ? "point" : "area"; }
function button(label, onClick) {
  var b = document.createElement("button");
  b.type = "button"; b.className = "secondary"; b.textContent = label;
  b.addEventListener("click", onClick);
  return b;
}
