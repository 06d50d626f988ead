// The "Copy" button of a WhatsApp text: hidden without JavaScript (the text box can be
// selected and copied by hand); with it, a click copies the box's text and says so.
document.querySelectorAll("[data-copy-from]").forEach(function (button) {
  if (!navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    var box = document.getElementById(button.dataset.copyFrom);
    var status = button.parentElement.querySelector(".wa-status");
    navigator.clipboard.writeText(box.value).then(
      function () { status.textContent = button.dataset.copiedText; },
      function () {
        box.focus();
        box.select();
        status.textContent = button.dataset.failedText;
      }
    );
  });
});
