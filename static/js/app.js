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

// The Django admin's autocomplete fields (select2 4.0) name their widgets after the
// chosen text only: an empty one has no name for a screen reader, the search box
// of a multiple choice has none at all, and its "remove all" cross sits in a list
// as a non-item (WCAG 1.3.1, 4.1.2). Give each widget the field's own label. select2
// builds and rebuilds its markup after page load (and for each new inline row), so a
// MutationObserver keeps the labels on; it only sets attributes, which it does not watch.
(function () {
  function labelId(select) {
    var label = select.id && document.querySelector("label[for='" + select.id + "']");
    if (!label) {
      return null;
    }
    if (!label.id) {
      label.id = select.id + "-label";
    }
    return label.id;
  }

  function labelAutocompletes() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var container = select.nextElementSibling;
      var id = labelId(select);
      if (!id || !container || !container.classList.contains("select2")) {
        return;
      }
      var rendered = container.querySelector(".select2-selection--single .select2-selection__rendered");
      var selection = container.querySelector(".select2-selection");
      if (rendered) {
        // A read-only "textbox" that is only the combobox's displayed value.
        rendered.removeAttribute("role");
        rendered.removeAttribute("aria-readonly");
        selection.setAttribute("aria-labelledby", id + " " + rendered.id);
      } else if (selection) {
        selection.setAttribute("aria-labelledby", id);
      }
      container.querySelectorAll(".select2-search__field").forEach(function (search) {
        search.setAttribute("aria-labelledby", id);
      });
      container.querySelectorAll(".select2-selection__clear").forEach(function (cross) {
        cross.setAttribute("aria-hidden", "true");
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!document.querySelector("select.admin-autocomplete")) {
      return;
    }
    labelAutocompletes();
    new MutationObserver(labelAutocompletes).observe(document.body, { childList: true, subtree: true });
    // The dropdown's search box is built once per field and lives outside the field.
    if (window.django && window.django.jQuery) {
      window.django.jQuery(document).on("select2:open", function (event) {
        var id = labelId(event.target);
        var search = document.querySelector(".select2-container--open .select2-search--dropdown .select2-search__field");
        if (id && search) {
          search.setAttribute("aria-labelledby", id);
        }
      });
    }
  });
})();
