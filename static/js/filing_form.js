// The filing page: add, remove and reorder 三级指标 rows under their 二级指标 without reloading,
// and grey out a row marked 不适用. Rows are Django formset forms; positions follow the page order.
(() => {
  const form = document.querySelector("[data-filing-form]");
  if (!form) return;
  const total = form.querySelector("input[name=rows-TOTAL_FORMS]");
  const template = document.getElementById("row-template");

  const liveRows = (group) => [...group.querySelectorAll("tr[data-row]:not([hidden])")];
  const renumber = () => {
    form.querySelectorAll("tr[data-row]").forEach((row, index) => {
      row.querySelector("[data-position]").value = index + 1;
    });
  };
  const markNotApplicable = (row) => {
    const box = row.querySelector("[data-not-applicable]");
    const off = Boolean(box && box.checked);
    row.classList.toggle("na", off);
    row.querySelectorAll("input[type=text], textarea").forEach((field) => { field.readOnly = off; });
  };

  // The 部门整体 form's 年度主要任务: one formset row per task, added and removed in place.
  const tasks = form.querySelector("[data-tasks]");
  const taskTotal = form.querySelector("input[name=tasks-TOTAL_FORMS]");
  const taskTemplate = document.getElementById("task-template");
  form.addEventListener("click", (event) => {
    const button = event.target.closest("[data-task-action]");
    if (!button || !tasks) return;
    if (button.dataset.taskAction === "add") {
      const index = Number(taskTotal.value);
      tasks.insertAdjacentHTML("beforeend", taskTemplate.innerHTML.replaceAll("__prefix__", index));
      taskTotal.value = index + 1;
      tasks.lastElementChild.querySelector("input[name$='-name']").focus();
    } else {
      const row = button.closest("tr[data-task]");
      row.querySelector("input[name$='-DELETE']").checked = true;
      row.hidden = true;
    }
  });

  form.addEventListener("click", (event) => {
    const button = event.target.closest("[data-row-action]");
    if (!button) return;
    const group = button.closest("tbody");
    const row = button.closest("tr[data-row]");
    const rows = liveRows(group);
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
        break;
      case "down":
        if (at < rows.length - 1) rows[at + 1].after(row);
        break;
      case "remove":
        row.querySelector("input[name$='-DELETE']").checked = true;
        row.hidden = true;
        break;
    }
    renumber();
  });
  form.addEventListener("change", (event) => {
    if (event.target.matches("[data-not-applicable]")) markNotApplicable(event.target.closest("tr"));
    if (event.target.name === "amount_unit") {
      form.querySelectorAll("[data-unit-label]").forEach((label) => { label.textContent = event.target.value; });
    }
  });
  form.querySelectorAll("tr[data-row]").forEach(markNotApplicable);
  renumber();
})();
