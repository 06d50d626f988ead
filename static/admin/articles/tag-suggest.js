// Tags are typed as "a, b, c". The browser's <datalist> completes the whole field, so
// rewrite its options as "<tags typed so far>, <suggestion>" to complete the last tag.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input[list$='-options']").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    var names = Array.from(list.options).map(function (o) { return o.value; });
    input.addEventListener("input", function () {
      var parts = input.value.split(",");
      var last = parts.pop().trim().toLowerCase();
      var prefix = parts.map(function (p) { return p.trim(); }).filter(Boolean);
      var head = prefix.length ? prefix.join(", ") + ", " : "";
      list.replaceChildren.apply(list, names
        .filter(function (n) { return n.toLowerCase().startsWith(last) && prefix.indexOf(n) < 0; })
        .slice(0, 20)
        .map(function (n) { var o = document.createElement("option"); o.value = head + n; return o; }));
    });
  });
});
