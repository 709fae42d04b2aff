// The dashboard page: loads the coordinator's state once, then applies live events from the SignalR hub.
"use strict";
const state = { sites: new Map(), jobs: new Map() };
const fmt = (x, d = 3) => (x === null || x === undefined || Number.isNaN(x) || x === "NaN") ? "–" : Number(x).toFixed(d);
const esc = s => String(s).replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));

function renderSites() {
  const body = document.querySelector("#sites tbody");
  if (state.sites.size === 0) { body.innerHTML = '<tr class="empty"><td colspan="6">No site has reported yet.</td></tr>'; return; }
  body.innerHTML = [...state.sites.values()].sort((a, b) => a.siteId.localeCompare(b.siteId)).map(s =>
    `<tr><td>${esc(s.siteId)}${s.simulated ? ' <span class="simulated">simulated</span>' : ""}</td><td>${esc(s.jurisdiction)}</td>` +
    `<td>${esc(s.schema)}</td><td>${s.trainSamples} / ${s.testSamples}</td><td>${esc(s.device)}</td>` +
    `<td>${new Date(s.sentAt).toLocaleTimeString()}</td></tr>`).join("");
}

function renderJobs() {
  const host = document.getElementById("jobs");
  if (state.jobs.size === 0) { host.innerHTML = '<p class="empty">No job yet.</p>'; return; }
  host.innerHTML = [...state.jobs.values()].map(job => {
    const rounds = [...job.rounds].sort((a, b) => a.round - b.round);
    const siteIds = [...new Set(rounds.flatMap(r => r.sites.map(s => s.siteId)))].sort();
    const head = `<tr><th>Round</th><th>Global AUC</th><th>Global accuracy</th><th>Global loss</th><th>Train loss</th>` +
      siteIds.map(id => `<th>${esc(id)} AUC</th>`).join("") + `<th>Left out</th><th>Seconds</th></tr>`;
    const rows = rounds.map(r => `<tr data-round="${r.round}"><td>${r.round}/${r.totalRounds}</td><td>${fmt(r.global?.auc)}</td>` +
      `<td>${fmt(r.global?.accuracy)}</td><td>${fmt(r.global?.loss)}</td><td>${fmt(r.trainLoss)}</td>` +
      siteIds.map(id => `<td>${fmt(r.sites.find(s => s.siteId === id)?.metrics.auc)}</td>`).join("") +
      `<td>${r.leftOut.map(l => `${esc(l.siteId)}: ${esc(l.reason)}`).join("<br>") || "–"}</td><td>${fmt(r.seconds, 2)}</td></tr>`).join("");
    return `<article class="job" data-job="${job.jobId}"><h3>${esc(job.name)} <span class="badge ${job.status === "completed" ? "ok" : job.status === "failed" ? "off" : ""}">${esc(job.status)}</span></h3>` +
      `<table><thead>${head}</thead><tbody>${rows || '<tr class="empty"><td colspan="8">Waiting for the first round…</td></tr>'}</tbody></table></article>`;
  }).join("");
}

function upsertJob(id, patch) {
  const job = state.jobs.get(id) ?? { jobId: id, name: patch.name ?? id, status: "training", rounds: [] };
  Object.assign(job, patch);
  state.jobs.set(id, job);
}

async function loadStatus() {
  const res = await fetch("/api/status");
  if (!res.ok) throw new Error(`status: HTTP ${res.status}`);
  const status = await res.json();
  for (const s of status.sites) state.sites.set(s.lastHeartbeat.siteId, s.lastHeartbeat);
  for (const j of status.jobs) upsertJob(j.jobId, { name: j.spec.name, status: j.status, rounds: j.rounds });
  renderSites(); renderJobs();
}

async function launch(event) {
  event.preventDefault();
  const form = new FormData(event.target);
  const error = document.getElementById("job-error");
  error.textContent = "";
  const features = ["age", "meno", "size", "grade", "nodes", "pgr", "er", "hormon"];
  const spec = {
    name: form.get("name"), schema: "breast-prognosis", featureNames: features,
    model: { kind: form.get("model"), features: features.length, hiddenUnits: 16 },
    rounds: Number(form.get("rounds")), minSites: Number(form.get("minSites")), roundDeadline: "00:02:00", seed: 1,
  };
  const res = await fetch("/api/jobs", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(spec) });
  const body = await res.json();
  if (!res.ok) { error.textContent = body.error ?? `HTTP ${res.status}`; return; }
  upsertJob(body.jobId, { name: spec.name, status: "training" });
  renderJobs();
}

const connection = new signalR.HubConnectionBuilder().withUrl("/hubs/federation").withAutomaticReconnect().build();
connection.on("siteHeartbeat", h => { state.sites.set(h.siteId, h); renderSites(); });
connection.on("roundCompleted", r => {
  upsertJob(r.jobId, { name: r.jobName });
  const job = state.jobs.get(r.jobId);
  job.rounds = job.rounds.filter(x => x.round !== r.round).concat([r]);
  renderJobs();
});
connection.on("jobEnded", e => { upsertJob(e.jobId, { name: e.jobName, status: e.outcome }); renderJobs(); });
connection.onreconnected(() => loadStatus());
const badge = document.getElementById("connection");
connection.onclose(() => { badge.textContent = "disconnected"; badge.className = "badge off"; });
document.getElementById("new-job").addEventListener("submit", launch);
connection.start()
  .then(() => { badge.textContent = "live"; badge.className = "badge ok"; return loadStatus(); })
  .catch(err => { badge.textContent = `offline: ${err.message}`; badge.className = "badge off"; });
