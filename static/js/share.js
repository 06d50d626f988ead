// "Copy link": without JavaScript it is a plain link to the article (long-press to copy);
// with it, a click copies the address and says so.
document.addEventListener("click", function (event) {
  var link = event.target.closest("[data-copy-url]");
  if (!link || !navigator.clipboard) return;
  event.preventDefault();
  navigator.clipboard.writeText(link.dataset.copyUrl).then(function () {
    var status = link.closest(".share").querySelector(".share-status");
    if (status) status.textContent = link.dataset.copiedText;
  });
});
