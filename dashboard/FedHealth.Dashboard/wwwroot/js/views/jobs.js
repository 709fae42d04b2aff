// The jobs list: the coordinator's jobs, newest first, a page at a time (no rounds: each job's are on its own page), updated live.
import { api, isLead } from "../api.js";
import { on } from "../live.js";
import { esc, num, statusBadge } from "../format.js";
import { metricsOf } from "../metrics.js";

export async function renderJobs(main) {
  main.innerHTML = `
    <div class="title-row"><h1>Jobs</h1>${isLead() ? '<a class="button" href="#/jobs/new">New job</a>' : ""}</div>
    <div class="table-wrap"><table id="jobs-table"><caption class="sr-only">Federated jobs</caption>
      <thead><tr><th scope="col">Job</th><th scope="col">Status</th><th scope="col">Round</th><th scope="col">Result</th>
      <th scope="col">Sites</th><th scope="col">Privacy</th></tr></thead><tbody></tbody></table></div>
    <nav class="pager" aria-label="Job pages"><button type="button" id="newer-jobs">Newer jobs</button>
      <span id="jobs-range" aria-live="polite"></span><button type="button" id="older-jobs">Older jobs</button></nav>`;
  const body = main.querySelector("tbody");
  const pageSize = 50;
  let offset = 0;
  const newer = main.querySelector("#newer-jobs"), older = main.querySelector("#older-jobs"), range = main.querySelector("#jobs-range");
  newer.addEventListener("click", () => { offset = Math.max(0, offset - pageSize); draw().catch(() => {}); });
  older.addEventListener("click", () => { offset += pageSize; draw().catch(() => {}); });
  const draw = async () => {
    const status = await api.status(offset, pageSize);
    newer.hidden = offset === 0;
    older.hidden = offset + status.jobs.length >= status.jobCount;
    range.textContent = status.jobCount > pageSize ? `jobs ${offset + 1}–${offset + status.jobs.length} of ${status.jobCount}` : "";
    if (status.jobs.length === 0) {
      body.innerHTML = `<tr class="empty"><td colspan="6">No job yet. ${isLead() ? '<a href="#/jobs/new">Launch the first one</a>.' : "A consortium lead launches jobs."}</td></tr>`;
      return;
    }
    body.innerHTML = status.jobs.map(job => {
      const privacy = [job.spec.privacy ? "DP-SGD" : "", job.spec.siteLevelPrivacy ? "site-level DP" : "", job.spec.secureAggregation ? "secure aggregation" : ""].filter(Boolean).join(", ") || "none";
      return `<tr><td><a href="#/jobs/${job.jobId}">${esc(job.spec.name)}</a></td><td>${statusBadge(job.status)}</td>
        <td>${job.roundsClosed} / ${job.spec.rounds}</td><td>${job.spec.kind === "label-counts" ? (job.labelCounts ? `${esc(job.labelCounts.totalRows ?? "few")} rows` : "–") : `${metricsOf(job).discrimination} ${num(metricsOf(job).figure(job.latest))}`}</td><td>${esc(job.participants.join(", "))}</td><td>${esc(privacy)}</td></tr>`;
    }).join("");
  };
  await draw();
  const offs = ["roundCompleted", "jobEnded", "jobCreated", "jobStatusChanged", "reconnected"].map(e => on(e, () => draw().catch(() => {})));
  return () => offs.forEach(off => off());
}
