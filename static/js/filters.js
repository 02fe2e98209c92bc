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

// A facet's page of every option: narrow the options while typing, as the Find button does on the server.
// Folding matches the server's (practices/facet_pages.py): no case, no accents.
const fold = (text) => text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
for (const field of document.querySelectorAll("input[data-filters-options]")) {
  const options = [...document.querySelectorAll(`#${field.dataset.filtersOptions} li[data-words]`)];
  const status = document.getElementById(field.getAttribute("aria-describedby"));
  field.addEventListener("input", () => {
    const wanted = fold(field.value.trim());
    let shown = 0;
    for (const option of options) {
      option.hidden = !option.dataset.words.includes(wanted);
      shown += option.hidden ? 0 : 1;
    }
    status.textContent = wanted ? `${shown} of ${options.length} options match “${field.value.trim()}”.` : "";
  });
}
