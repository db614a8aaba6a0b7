// Shows, in each row of a payment schedule (templates/_macros/terms.html), only the parameters of the row's
// trigger; without this script every parameter stays visible with the triggers it belongs to.
(function () {
  document.querySelectorAll("[data-term-row]").forEach(function (row) {
    var trigger = row.querySelector("select[name$='-trigger']");
    if (!trigger) return;
    function show() {
      row.querySelectorAll("[data-triggers]").forEach(function (param) {
        param.hidden = param.dataset.triggers.split(" ").indexOf(trigger.value) < 0;
      });
    }
    trigger.addEventListener("change", show);
    show();
  });
})();
