// A label-counts job: the consortium's rows per label, summed under secure aggregation (no site's own counts are
// ever seen), who contributed and who was left out and why. Small totals are withheld like any small cell.
import { esc, time, statusBadge } from "../format.js";

const rows = n => n === null || n === undefined ? null : Number(n).toLocaleString("en");

export function renderCounts(main, job) {
  const report = job.labelCounts;
  const withheld = report ? `fewer than ${report.suppressedBelow}` : "";
  main.innerHTML = `
    <div class="title-row"><h1 id="job-title">${esc(job.spec.name)} ${statusBadge(job.status)}</h1></div>
    <p id="job-facts" class="facts">Rows per label on ${esc(job.spec.schema)} · secure sum over ${esc(job.participants.join(", "))} · deadline ${esc(job.spec.roundDeadline)}</p>
    <p id="job-detail" class="detail" role="status" aria-live="polite">${report ? "" : esc(job.detail ?? "Waiting for the sites' masked counts…")}</p>
    <section class="card" aria-labelledby="counts-title"><h2 id="counts-title">Rows per label</h2>
      ${report ? `<div class="table-wrap"><table id="label-counts"><caption class="sr-only">Rows per label across the contributing sites</caption>
        <thead><tr><th scope="col">Label</th><th scope="col">Rows</th></tr></thead>
        <tbody>${report.labels.map(l => `<tr><td>${esc(l.label)}</td><td>${esc(rows(l.rows) ?? withheld)}</td></tr>`).join("")}
          <tr><th scope="row">Total</th><td>${esc(rows(report.totalRows) ?? withheld)}</td></tr></tbody></table></div>
        <p class="facts">Summed from ${esc(report.contributors.join(", "))} on ${esc(time(report.completedAt))}; only the consortium's totals were ever seen.</p>
        ${report.leftOut.length ? `<h3>Left out</h3><ul id="counts-left-out">${report.leftOut.map(l => `<li>${esc(l.siteId)}: ${esc(l.reason)}</li>`).join("")}</ul>` : ""}`
        : `<p class="empty">Not counted yet.</p>`}
    </section>`;
}
