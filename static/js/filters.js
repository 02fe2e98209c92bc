// Enhancements only; every page works the same without JavaScript.
const WIDE = window.matchMedia("(min-width: 50rem)");
const FOCUS_RESULTS = "focus-results";

// Leave empty fields (no search text, default sort) out of the address the filter form goes to,
// so shared links stay short; and remember to announce the results on the page it opens.
for (const form of document.querySelectorAll("form.filters")) {
  form.addEventListener("formdata", (event) => {
    for (const [name, value] of [...event.formData.entries()]) {
      if (value === "") {
        event.formData.delete(name);
      }
    }
  });
  form.addEventListener("submit", () => sessionStorage.setItem(FOCUS_RESULTS, "1"));
}
for (const link of document.querySelectorAll(".active-filters a, .pagination a, .world-map a")) {
  link.addEventListener("click", () => sessionStorage.setItem(FOCUS_RESULTS, "1"));
}

// Phones see the results first, with the filters and the map folded away; wide screens have room to show them.
if (WIDE.matches) {
  for (const panel of document.querySelectorAll("details.filter-panel, details.map-panel")) {
    panel.open = true;
  }
}

// After filtering, move focus to the results heading: screen readers read the new count ("3 practices").
const heading = document.getElementById("results-heading");
if (heading && sessionStorage.getItem(FOCUS_RESULTS)) {
  sessionStorage.removeItem(FOCUS_RESULTS);
  heading.focus();
}
