/* The record page's annotation form: it starts with no kind chosen and shows only what the chosen
   kind needs (words for all; for a correction, the field and then that field's new value). */
(function () {
  var form = document.querySelector("form.annotate");
  if (!form) return;
  var kind = form.querySelector("#annotation-kind"), field = form.querySelector("#correction-field");
  var correction = form.querySelector("fieldset.correction");
  function show() {
    var k = kind.value;
    form.querySelector(".annotation-words").hidden = !k;
    correction.hidden = correction.disabled = k !== "correction";
    form.querySelectorAll("[data-proposal]").forEach(function (label) {
      label.hidden = label.getAttribute("data-proposal") !== field.value;
    });
  }
  kind.addEventListener("change", show);
  field.addEventListener("change", show);
  show();
})();
