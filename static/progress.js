// Keeps the progress bar of work running in the background (templates/_macros/progress.html) current by polling
// its JSON status ({"busy", "processed", "total"}), and reloads the page when the work is done.
(function () {
  var box = document.querySelector("[data-progress-url]");
  if (!box) return;
  var bar = box.querySelector("progress");
  var unit = box.dataset.progressUnit || "";
  function poll() {
    fetch(box.dataset.progressUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (s) {
        if (!s.busy) { window.location.reload(); return; }
        bar.max = s.total || 1; bar.value = s.processed; bar.textContent = s.processed.toLocaleString("nl-NL") + " van " + s.total.toLocaleString("nl-NL") + " " + unit;
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
