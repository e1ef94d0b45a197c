// The offer form: choosing a home fills in its rent from the master data, and a rent
// that differs from it says by how much (no inline scripts: CSP).
(function () {
  function parse(text) {
    var value = String(text || "").replace(/kr\.?/, "").replace(/\s/g, "");
    if (value.indexOf(",") >= 0) {
      value = value.replace(/\./g, "").replace(",", ".");
    } else if (/^\d{1,3}(\.\d{3})+$/.test(value)) {
      value = value.replace(/\./g, "");
    }
    var number = parseFloat(value);
    return isNaN(number) ? null : number;
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
