// The job page polls its job's progress and moves the bar; when the job ends the page reloads to
// show the download or the errors. Without JavaScript the page refreshes itself (see job.html).
(function () {
  const section = document.querySelector("[data-job-progress]");
  if (!section || section.dataset.active !== "1") return;
  const bar = section.querySelector("[data-job-bar]");
  const percent = section.querySelector("[data-job-percent]");
  const count = section.querySelector("[data-job-count]");
  const status = section.querySelector("[data-job-status]");
  let failures = 0;
  async function poll() {
    try {
      const response = await fetch(section.dataset.jobProgress, { headers: { Accept: "application/json" } });
      if (response.status === 404) return; // the job is gone: nothing more to show
      if (!response.ok) failures += 1;
      if (response.ok) {
        failures = 0;
        const job = await response.json();
        bar.value = job.percent;
        bar.textContent = percent.textContent = job.percent + "%";
        status.textContent = job.status_label;
        if (job.total) count.textContent = job.done + " / " + job.total;
        if (!job.active) { window.location.reload(); return; }
      }
    } catch (error) { failures += 1; }
    // After a minute without an answer, slow down to a poll every ten seconds.
    window.setTimeout(poll, failures > 60 ? 10000 : 1000);
  }
  window.setTimeout(poll, 500);
})();
