/* The outbox as the page shows it: each record on this phone with its state, a link once sent, and
   the way to fix a refused one. */
import { loadForFix } from "./form.js";
import * as Outbox from "./outbox.js";
import { mode } from "./page.js";

var LABELS = { saved: "Saved on this phone", waiting: "Saved on this phone, waiting to send", sending: "Sending…",
               sent: "Sent", failed: "Not accepted by the server" };

export function renderOutbox(rows) {
  var list = document.getElementById("outbox-list");
  var pending = rows.filter(function (r) { return r.state !== "sent"; }).length;
  var count = document.getElementById("outbox-count");
  count.textContent = pending; count.dataset.count = pending;
  list.textContent = "";
  rows.slice().reverse().forEach(function (r) { list.appendChild(outboxItem(r)); });
}

function outboxItem(r) {
  var li = document.createElement("li");
  li.dataset.id = r.id; li.dataset.state = r.state; li.className = "state-" + r.state;
  var title = document.createElement("strong");
  title.textContent = r.feature.properties.subject_text || "Record";
  li.appendChild(title);
  var status = document.createElement("span");
  status.className = "state";
  status.textContent = LABELS[r.state] + (r.error && r.state !== "sent" ? ": " + r.error : "");
  li.appendChild(status);
  if (r.state === "sent") {
    var link = document.createElement("a");
    link.href = "/observations/" + r.id; link.textContent = "Open the record";
    li.appendChild(link);
  }
  if (r.state === "failed" && !r.observationSent && mode === modeOf(r.feature.geometry)) {
    li.appendChild(button("Fix and resend", function () { loadForFix(r); }));
  }
  if (r.state === "failed" && r.observationSent) {
    li.appendChild(button("Send without the refused photo", function () {
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
