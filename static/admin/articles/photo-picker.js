// The editor opened this window (django-prose-editor's "Browse..."): hand it the chosen
// photo through the CKEditor-style callback it registered, then close.
"use strict";
document.addEventListener("click", function (event) {
  var button = event.target.closest(".photo-choice");
  if (!button) return;
  var list = button.closest("[data-func-num]");
  var opener = window.opener;
  if (!opener || !opener.CKEDITOR || !list) return;
  opener.CKEDITOR.tools.callFunction(list.dataset.funcNum, button.dataset.url, {
    id: button.dataset.id,
    alternative_text: button.dataset.alt,
    caption: button.dataset.caption,
  });
  window.close();
});
