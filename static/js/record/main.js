/* The recording page (/record and /record/area): location (GPS, map, typed), what, when, sharing and
   photos, saved to the outbox. Loaded as <script type="module">; each concern is a module beside this. */
import { initCustomFields } from "./custom.js";
import { onSubmit } from "./form.js";
import { initMap } from "./location.js";
import * as Outbox from "./outbox.js";
import { renderOutbox } from "./outbox-list.js";
import { attr, form } from "./page.js";
import { initPhotos } from "./photos.js";
import { initPlaces } from "./places.js";
import { initSharing } from "./sharing.js";
import { initQuantity, initSubjects } from "./what.js";
import { initWhen } from "./when.js";

function start() {
  initMap();
  initPlaces();
  initSubjects();
  initQuantity();
  initWhen();
  initSharing();
  initCustomFields();
  initPhotos();
  form.addEventListener("submit", onSubmit);
  Outbox.onChange(renderOutbox);
  Outbox.start({ apiUrl: attr("api"), contextUrl: attr("context"), pseudonymUrl: attr("pseudonyms") });
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js").catch(function () {});
}

if (form) start();
