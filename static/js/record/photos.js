/* Photos: chosen, listed, and read for their place and time, which are offered, never applied unasked.
   The phone's current position and time are dropped for a photo taken long ago. */
import { t } from "../i18n.js";
import { cameraDate, cameraText, readExif } from "./exif.js";
import { clearLocation, showLocation } from "./location.js";
import { uuid } from "./outbox.js";
import { $, CAMERA_ZONE, mode, state } from "./page.js";
import { setWhen, whenMode } from "./when.js";

var OLD_PHOTO_MS = 60 * 60 * 1000;

export function initPhotos() {
  $("#photos").addEventListener("change", function (e) {
    Array.prototype.forEach.call(e.target.files, addPhoto);
    e.target.value = "";
  });
}

function addPhoto(file) {
  var photo = { id: uuid(), blob: file, name: file.name, exif: null };
  state.photos.push(photo);
  readExif(file, CAMERA_ZONE).then(function (exif) {
    photo.exif = exif;
    renderPhotos();
    considerPhoto(photo);
  });
}

export function renderPhotos() {
  var list = document.getElementById("photo-list");
  list.textContent = "";
  state.photos.forEach(function (photo) {
    var li = document.createElement("li");
    if (photo.blob) {
      var img = document.createElement("img");
      img.src = URL.createObjectURL(photo.blob); img.alt = ""; img.width = 72; img.height = 72;
      li.appendChild(img);
    }
    var text = document.createElement("span");
    var facts = [photo.name];
    if (photo.exif && photo.exif.time) facts.push(t("taken %(when)s", { when: cameraText(photo.exif.time, CAMERA_ZONE) }));
    if (photo.exif && photo.exif.lat !== undefined) facts.push(t("has a location"));
    text.textContent = facts.join(" · ");
    li.appendChild(text);
    var remove = document.createElement("button");
    remove.type = "button"; remove.className = "secondary"; remove.textContent = t("Remove");
    remove.addEventListener("click", function () {
      state.photos = state.photos.filter(function (p) { return p !== photo; });
      renderPhotos();
    });
    li.appendChild(remove);
    list.appendChild(li);
  });
}

/* Offer the photo's place and time; never keep the phone's current position or time for an old photo. */
function considerPhoto(photo) {
  var exif = photo.exif || {};
  var old = exif.time && Date.now() - exif.time.getTime() > OLD_PHOTO_MS;
  if (old && mode === "point" && state.source === "gps") {
    clearLocation(t("Not using your current position: %(photo)s was taken earlier, maybe elsewhere. Use the photo's location, drag the point or type coordinates.", { photo: photo.name }));
  }
  if (old && whenMode() === "now") {
    setWhen("date");
    $("#observed-start").value = "";
    document.getElementById("time-note").textContent =
      t("Not using the time now: %(photo)s was taken earlier. Give the date, or use the photo's time.", { photo: photo.name });
  }
  if (mode === "point" && exif.lat !== undefined && (!state.location || state.source === "gps")) {
    offer(photo, "location", t("Use the location of %(photo)s (%(lat)s, %(lon)s)", { photo: photo.name, lat: exif.lat.toFixed(5), lon: exif.lon.toFixed(5) }),
          function () { showLocation(exif.lat, exif.lon, "photo"); });
  }
  if (exif.time && (whenMode() !== "now" || old)) {
    var taken = cameraText(exif.time, CAMERA_ZONE), day = cameraDate(exif.time, CAMERA_ZONE);
    offer(photo, "time", t("Use the time of %(photo)s (%(when)s)", { photo: photo.name, when: taken }), function () {
      setWhen("date");
      $("#observed-start").value = day;
      $("#time-precision").value = "day";
      state.exactStart = { date: day, iso: exif.time.toISOString() };
      document.getElementById("time-note").textContent = t("Time from the photo: %(when)s.", { when: taken });
    });
  }
}

function offer(photo, what, label, apply) {
  var box = document.getElementById("photo-offers");
  var button = document.createElement("button");
  button.type = "button"; button.className = "offer"; button.dataset.offer = what; button.textContent = label;
  button.addEventListener("click", function () { apply(); button.remove(); });
  box.appendChild(button);
}
