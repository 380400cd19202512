// The filing page: add, remove and reorder 三级指标 rows under their 二级指标 without reloading,
// and grey out a row marked 不适用. Rows are Django formset forms; positions follow the page order.
// ✕ marks a row (or task) for deletion: it stays on the page struck through, with 撤销, until the page
// is saved. Leaving the page with changes not saved asks first.
(() => {
  const form = document.querySelector("[data-filing-form]");
  if (!form) return;
  const total = form.querySelector("input[name=rows-TOTAL_FORMS]");
  const template = document.getElementById("row-template");

  // A page sent back by the server (refused or invalid) was not saved: it is changed from the start.
  let dirty = form.hasAttribute("data-unsaved");
  const changed = () => { dirty = true; };
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", () => { dirty = false; });
  window.addEventListener("beforeunload", (event) => {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = "";  // older browsers show the dialog only when this is set
  });

  const renumber = () => {
    form.querySelectorAll("tr[data-row]").forEach((row, index) => {
      row.querySelector("[data-position]").value = index + 1;
    });
  };
  const markNotApplicable = (row) => {
    const box = row.querySelector("[data-not-applicable]");
    const off = Boolean(box && box.checked) || row.classList.contains("deleted");
    row.classList.toggle("na", Boolean(box && box.checked));
    row.querySelectorAll("input[type=text], textarea").forEach((field) => { field.readOnly = off; });
  };
  // Marks a row or task deleted (or not) and puts the focus on the button that undoes it.
  const markDeleted = (row, deleted, action) => {
    row.classList.toggle("deleted", deleted);
    row.querySelector("input[name$='-DELETE']").value = deleted ? "on" : "";
    const box = row.querySelector("[data-not-applicable]");
    if (box) box.disabled = deleted;
    markNotApplicable(row);
    row.querySelector(`[${action}=${deleted ? "restore" : "remove"}]`).focus();
    changed();
  };

  // The 部门整体 form's 年度主要任务: one formset row per task, added and removed in place.
  const tasks = form.querySelector("[data-tasks]");
  const taskTotal = form.querySelector("input[name=tasks-TOTAL_FORMS]");
  const taskTemplate = document.getElementById("task-template");
  form.addEventListener("click", (event) => {
    const button = event.target.closest("[data-task-action]");
    if (!button || !tasks) return;
    const action = button.dataset.taskAction;
    if (action === "add") {
      const index = Number(taskTotal.value);
      tasks.insertAdjacentHTML("beforeend", taskTemplate.innerHTML.replaceAll("__prefix__", index));
      taskTotal.value = index + 1;
      tasks.lastElementChild.querySelector("input[name$='-name']").focus();
      changed();
    } else {
      markDeleted(button.closest("tr[data-task]"), action === "remove", "data-task-action");
    }
  });

  form.addEventListener("click", (event) => {
    const button = event.target.closest("[data-row-action]");
    if (!button) return;
    const group = button.closest("tbody");
    const row = button.closest("tr[data-row]");
    const rows = [...group.querySelectorAll("tr[data-row]")];
    const at = rows.indexOf(row);
    switch (button.dataset.rowAction) {
      case "add": {
        const index = Number(total.value);
        group.insertAdjacentHTML("beforeend", template.innerHTML.replaceAll("__prefix__", index));
        total.value = index + 1;
        const added = group.lastElementChild;
        added.querySelector("input[name$='-category']").value = group.dataset.category;
        added.querySelector("input[name$='-name']").focus();
        break;
      }
      case "up":
        if (at > 0) rows[at - 1].before(row);
        button.focus();
        break;
      case "down":
        if (at < rows.length - 1) rows[at + 1].after(row);
        button.focus();
        break;
      case "remove":
      case "restore":
        markDeleted(row, button.dataset.rowAction === "remove", "data-row-action");
        break;
    }
    changed();
    renumber();
  });
  form.addEventListener("change", (event) => {
    if (event.target.matches("[data-not-applicable]")) markNotApplicable(event.target.closest("tr"));
    if (event.target.name === "amount_unit") {
      form.querySelectorAll("[data-unit-label]").forEach((label) => { label.textContent = event.target.value; });
    }
  });
  form.querySelectorAll("tr[data-row], tr[data-task]").forEach((row) => {
    if (row.classList.contains("deleted")) {
      const box = row.querySelector("[data-not-applicable]");
      if (box) box.disabled = true;
    }
    if (row.matches("[data-row]")) markNotApplicable(row);
  });
  renumber();
})();
