// Click the preview to set the focal point; without JavaScript the two number fields do it.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var preview = document.querySelector(".focal-preview");
  var fx = document.getElementById("id_focal_x");
  var fy = document.getElementById("id_focal_y");
  if (!preview || !fx || !fy) return;
  var marker = document.createElement("span");
  marker.className = "focal-marker";
  preview.appendChild(marker);
  function show() {
    marker.style.left = (parseFloat(fx.value) * 100) + "%";
    marker.style.top = (parseFloat(fy.value) * 100) + "%";
  }
  preview.addEventListener("click", function (event) {
    var box = preview.getBoundingClientRect();
    fx.value = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width)).toFixed(3);
    fy.value = Math.min(1, Math.max(0, (event.clientY - box.top) / box.height)).toFixed(3);
    show();
  });
  fx.addEventListener("input", show);
  fy.addEventListener("input", show);
  show();
});
