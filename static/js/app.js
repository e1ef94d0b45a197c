// Bindeled: start the DKFDS components. No inline scripts anywhere (CSP).
document.addEventListener("DOMContentLoaded", function () {
  if (window.DKFDS) {
    window.DKFDS.init();
  }
});

// Print buttons (receipts): <button data-print>.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

// Forms marked data-once: disable the submit button after the first click, so a
// double tap on a phone sends once (the server also ignores a repeated token).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.hasAttribute("data-once")) {
    if (form.dataset.submitted === "true") {
      event.preventDefault();
      return;
    }
    form.dataset.submitted = "true";
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.setAttribute("aria-disabled", "true");
    });
  }
});

// A link to a closed <details> (the "Der mangler" list on a case) opens it and moves
// focus into it, so the form is right there for keyboard and screen reader users.
document.addEventListener("click", function (event) {
  var link = event.target.closest("a[href^='#']");
  if (!link || link.getAttribute("href").length < 2) {
    return;
  }
  var target = document.getElementById(link.getAttribute("href").slice(1));
  if (target && target.tagName === "DETAILS") {
    target.open = true;
    var summary = target.querySelector("summary");
    if (summary) {
      event.preventDefault();
      target.scrollIntoView();
      summary.focus();
    }
  }
});
