// Enhancement only: leaves empty fields (no search text, default sort) out of the address the
// filter form goes to, so shared links stay short. Without JavaScript the form works the same.
for (const form of document.querySelectorAll("form.filters")) {
  form.addEventListener("formdata", (event) => {
    for (const [name, value] of [...event.formData.entries()]) {
      if (value === "") {
        event.formData.delete(name);
      }
    }
  });
}
