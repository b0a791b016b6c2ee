// The duty form: show only the fields of the chosen kind (all show without JS).
(function () {
  "use strict";
  var form = document.querySelector(".duty-form");
  if (!form) return;
  var sync = function () {
    var kind = form.querySelector("input[name=kind]:checked");
    var ritual = !kind || kind.value === "ritual";
    form.querySelector(".for-ritual").hidden = !ritual;
    form.querySelector(".for-task").hidden = ritual;
  };
  form.querySelectorAll("input[name=kind]").forEach(function (input) {
    input.addEventListener("change", sync);
  });
  sync();
})();
