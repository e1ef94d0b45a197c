// The offer form: choosing a home fills in its rent from the master data, and a rent
// that differs from it says by how much (no inline scripts: CSP).
(function () {
  // The same reading as the server's RentField: Danish "6.450,50", "5.800", or
  // "5800.50"; anything that could be read two ways is no number.
  function parse(text) {
    var value = String(text || "").toLowerCase().replace(/\s/g, "").replace(/^kr\.?/, "").replace(/kr\.?$/, "").replace(/[,.]-$/, "");
    var danish = /^(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?$/.exec(value);
    if (danish) {
      return parseFloat(danish[1].replace(/\./g, "") + (danish[2] ? "." + danish[2] : ""));
    }
    return /^\d+\.\d{1,2}$/.test(value) ? parseFloat(value) : null;
  }
  function danish(number) {
    return number.toLocaleString("da-DK", { maximumFractionDigits: 2 });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var dwelling = document.getElementById("id_dwelling");
    var rent = document.getElementById("id_monthly_rent");
    var hint = document.getElementById("rent-difference");
    if (!dwelling || !rent || !hint) {
      return;
    }
    var filled = null;
    function master() {
      var option = dwelling.options[dwelling.selectedIndex];
      return option && option.dataset.rent ? parseFloat(option.dataset.rent) : null;
    }
    function show() {
      var base = master();
      var typed = parse(rent.value);
      if (base === null || typed === null || Math.abs(typed - base) < 0.005) {
        hint.textContent = "";
        return;
      }
      var difference = typed - base;
      hint.textContent = danish(Math.abs(difference)) + " " + (difference > 0 ? hint.dataset.higher : hint.dataset.lower) + " (" + danish(base) + " kr.)";
    }
    dwelling.addEventListener("change", function () {
      var base = master();
      if (base !== null && (rent.value === "" || rent.value === filled)) {
        filled = danish(base);
        rent.value = filled;
      }
      show();
    });
    rent.addEventListener("input", show);
    show();
  });
})();
