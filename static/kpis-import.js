// Polls a running CSV import and reloads the page when it is checked or imported.
(function () {
  var box = document.getElementById("import-status");
  if (!box || box.dataset.busy !== "true") return;
  var bar = document.getElementById("import-progress");
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.status !== "validating" && s.status !== "importing") { window.location.reload(); return; }
        bar.max = s.rows || 1; bar.value = s.processed; bar.textContent = s.processed + " van " + s.rows + " regels";
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
