// The jobs list: every job the coordinator's journal holds, newest first, updated live.
import { api, isLead } from "../api.js";
import { on } from "../live.js";
import { esc, num, statusBadge } from "../format.js";
import { metricsOf } from "../metrics.js";

export async function renderJobs(main) {
  main.innerHTML = `
    <div class="title-row"><h1>Jobs</h1>${isLead() ? '<a class="button" href="#/jobs/new">New job</a>' : ""}</div>
    <div class="table-wrap"><table id="jobs-table"><caption class="sr-only">Federated jobs</caption>
      <thead><tr><th scope="col">Job</th><th scope="col">Status</th><th scope="col">Round</th><th scope="col">Result</th>
      <th scope="col">Sites</th><th scope="col">Privacy</th></tr></thead><tbody></tbody></table></div>`;
  const body = main.querySelector("tbody");
  const draw = async () => {
    const status = await api.status();
    if (status.jobs.length === 0) {
      body.innerHTML = `<tr class="empty"><td colspan="6">No job yet. ${isLead() ? '<a href="#/jobs/new">Launch the first one</a>.' : "A consortium lead launches jobs."}</td></tr>`;
      return;
    }
    body.innerHTML = status.jobs.slice().reverse().map(job => {
      const last = job.rounds[job.rounds.length - 1];
      const privacy = [job.spec.privacy ? "DP-SGD" : "", job.spec.siteLevelPrivacy ? "site-level DP" : "", job.spec.secureAggregation ? "secure aggregation" : ""].filter(Boolean).join(", ") || "none";
      return `<tr><td><a href="#/jobs/${job.jobId}">${esc(job.spec.name)}</a></td><td>${statusBadge(job.status)}</td>
        <td>${job.rounds.length} / ${job.spec.rounds}</td><td>${job.spec.kind === "label-counts" ? (job.labelCounts ? `${esc(job.labelCounts.totalRows ?? "few")} rows` : "–") : `${metricsOf(job).discrimination} ${num(metricsOf(job).figure(last?.global))}`}</td><td>${esc(job.participants.join(", "))}</td><td>${esc(privacy)}</td></tr>`;
    }).join("");
  };
  await draw();
  const offs = ["roundCompleted", "jobEnded", "jobCreated", "jobStatusChanged", "reconnected"].map(e => on(e, () => draw().catch(() => {})));
  return () => offs.forEach(off => off());
}
