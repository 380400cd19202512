// List pages: a "select all" box, batch buttons enabled only with a selection; confirm before risky posts.
document.addEventListener("change", (event) => {
  const form = event.target.form;
  if (!form) return;
  if (event.target.matches("[data-select-all]")) {
    form.querySelectorAll("input[name=selected]").forEach((box) => { box.checked = event.target.checked; });
  }
  const chosen = form.querySelectorAll("input[name=selected]:checked").length;
  form.querySelectorAll("[data-needs-selection]").forEach((button) => { button.disabled = chosen === 0; });
});
document.querySelectorAll("[data-needs-selection]").forEach((button) => {
  button.disabled = !button.form.querySelector("input[name=selected]:checked");
});
document.addEventListener("submit", (event) => {
  const form = event.target;
  const message = form.dataset.confirm;
  if (!message) return;
  const chosen = form.querySelectorAll("input[name=selected]:checked").length;
  if (!window.confirm(message.replace("{n}", String(chosen)))) event.preventDefault();
});
