// VIEW_COUNT_MODE=beacon: the page may come from a CDN's cache, which the server never
// sees, so the page reports its own view. A prerendered page waits until it is shown.
(function () {
  var counter = document.querySelector("[data-view-beacon]");
  if (!counter || !window.fetch) return;
  function send() {
    fetch(counter.dataset.viewBeacon, { method: "POST", credentials: "same-origin", keepalive: true })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data && data.views !== null) counter.textContent = counter.dataset.label + " : " + data.display; })
      .catch(function () {});
  }
  if (document.prerendering) {
    document.addEventListener("prerenderingchange", send, { once: true });
  } else {
    send();
  }
})();
