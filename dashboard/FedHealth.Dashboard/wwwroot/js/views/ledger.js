// The transfer ledger for auditors: every cross-border transfer the coordinator journaled, filtered, streaming new
// entries live, verified against the journal's stored chain on demand, and exported as CSV or JSON.
import { api } from "../api.js";
import { on } from "../live.js";
import { esc, time, bytes } from "../format.js";

const filters = ["job", "site", "senderJurisdiction", "receiverJurisdiction", "dataKind", "decision", "from", "to"];
const select = (name, label, values, show = v => v) => `
  <div class="field"><label for="l-${name}">${label}</label>
  <select id="l-${name}" name="${name}"><option value="">any</option>${values.map(v => `<option value="${esc(v)}">${esc(show(v))}</option>`).join("")}</select></div>`;

export async function renderLedger(main) {
  main.innerHTML = `
    <div class="title-row"><h1>Transfer ledger</h1>
      <div class="controls"><button type="button" id="verify">Verify chain</button>
      <a class="button secondary" id="export-csv" download>Export CSV</a><a class="button secondary" id="export-json" download>Export JSON</a></div></div>
    <p>Every transfer that crossed a border, hash-chained in the coordinator's journal: what moved, between whom, on which legal basis, and whether it was allowed.</p>
    <div id="verification" role="status" aria-live="polite"></div>
    <form id="ledger-filters" class="filters card" aria-label="Filters"></form>
    <p id="ledger-count" aria-live="polite"></p>
    <div class="table-wrap"><table id="ledger-table"><caption class="sr-only">Transfer ledger entries, newest first</caption>
      <thead><tr><th scope="col">#</th><th scope="col">Time</th><th scope="col">Job / round</th><th scope="col">From</th><th scope="col">To</th>
      <th scope="col">Data kind</th><th scope="col">Size</th><th scope="col">Legal basis</th><th scope="col">Decision</th><th scope="col">Hash</th></tr></thead>
      <tbody></tbody></table></div>`;
  const form = main.querySelector("#ledger-filters");
  const body = main.querySelector("tbody");
  let entries = [], total = 0, facetsDrawn = false;
  // Entries that arrived while the page is open are marked new however they reach the table: pushed one by one, or
  // fetched again when a gap shows that some were missed (a burst during a reload would otherwise lose its mark).
  const arrived = new Set();

  const query = () => {
    const q = new URLSearchParams();
    for (const name of filters) {
      const v = form.elements[name]?.value;
      if (v) q.set(name, name === "from" || name === "to" ? new Date(v).toISOString() : v);
    }
    return q;
  };
  const drawFacets = async facets => {
    const keep = query();
    const names = new Map((await api.status(0, 500)).jobs.map(j => [j.jobId, j.spec.name]));
    form.innerHTML = select("job", "Job", facets.jobs, id => `${names.get(id) ?? "job"} (${id.slice(0, 8)})`) + select("site", "Site", facets.sites) +
      select("senderJurisdiction", "From jurisdiction", facets.jurisdictions) + select("receiverJurisdiction", "To jurisdiction", facets.jurisdictions) +
      select("dataKind", "Data kind", facets.dataKinds) + select("decision", "Decision", facets.decisions) +
      `<div class="field"><label for="l-from">From</label><input id="l-from" name="from" type="datetime-local"></div>
       <div class="field"><label for="l-to">To</label><input id="l-to" name="to" type="datetime-local"></div>
       <div class="field fit"><button type="reset" class="secondary">Clear filters</button></div>
       <p class="problem" id="filter-problem" role="alert"></p>`;
    for (const [k, v] of keep) if (form.elements[k] && k !== "from" && k !== "to") form.elements[k].value = v;
    facetsDrawn = true;
  };
  const row = e => `<tr data-index="${e.index}" class="${[e.decision === "allowed" ? "" : "refused", arrived.has(e.index) ? "new" : ""].join(" ").trim()}"><td>${e.index}</td><td>${esc(time(e.at))}</td>
    <td><a href="#/jobs/${esc(e.jobId)}" title="${esc(e.jobId)}">${esc(e.jobId.slice(0, 8))}</a> / ${e.round}</td>
    <td>${esc(e.sender)} <small>${esc(e.senderJurisdiction)}</small></td><td>${esc(e.receiver)} <small>${esc(e.receiverJurisdiction)}</small></td>
    <td>${esc(e.dataKind)}</td><td>${bytes(e.bytes)}</td><td>${esc(e.legalBasis)}</td>
    <td><span class="badge decision-${e.decision === "allowed" ? "allowed" : "refused"}">${esc(e.decision)}</span></td>
    <td><code title="${esc(e.hash)}">${esc(e.hash.slice(0, 12))}…</code></td></tr>`;
  const draw = () => {
    main.querySelector("#ledger-count").textContent = total === 0 ? "" : `${total} matching entr${total === 1 ? "y" : "ies"}${total > entries.length ? `, the newest ${entries.length} shown` : ""}.`;
    body.innerHTML = entries.length === 0
      ? `<tr class="empty"><td colspan="10">${query().toString() ? "No transfer matches these filters." : "No transfer has been recorded yet: entries appear as jobs run."}</td></tr>`
      : entries.slice().reverse().map(row).join("");
    const q = query();
    main.querySelector("#export-csv").href = `/api/ledger/export?format=csv&${q}`;
    main.querySelector("#export-json").href = `/api/ledger/export?format=json&${q}`;
  };
  // Filters change faster than answers come back: only the answer to the latest request is drawn (an earlier one
  // arriving last would show entries that do not match the filters on screen), and the table says which query it shows.
  let latest = 0;
  const load = async () => {
    const asked = ++latest, q = query().toString();
    try {
      const page = await api.ledger(q);
      if (asked !== latest) return;
      if (!facetsDrawn) await drawFacets(page.facets);
      entries = page.entries; total = page.total;
      const problem = form.querySelector("#filter-problem"); if (problem) problem.textContent = "";
      draw();
      main.querySelector("#ledger-table").dataset.query = q;
    } catch (e) {
      if (asked !== latest) return;
      const problem = form.querySelector("#filter-problem");
      if (problem && e.status === 400) problem.textContent = e.message; else throw e;
    }
  };
  form.addEventListener("change", () => load().catch(() => {}));
  form.addEventListener("reset", () => setTimeout(() => load().catch(() => {}), 0));
  form.addEventListener("submit", e => e.preventDefault());

  main.querySelector("#verify").addEventListener("click", async () => {
    const host = main.querySelector("#verification");
    host.className = "notice"; host.textContent = "Verifying the chain stored in the journal…";
    try {
      const v = await api.verifyLedger();
      host.className = `notice ${v.intact ? "good" : "bad"}`;
      host.innerHTML = `<strong>${v.intact ? "Chain intact" : v.readable ? "Chain BROKEN" : "Could not verify"}</strong>: ${esc(v.message)} <small>(checked ${esc(time(v.checkedAt))})</small>`;
    } catch (e) { host.className = "notice bad"; host.textContent = e.message; }
  });

  await load();
  const matches = e => {
    const q = query();
    const at = new Date(e.at);
    return (!q.get("job") || e.jobId === q.get("job")) && (!q.get("site") || e.sender === q.get("site") || e.receiver === q.get("site")) &&
      (!q.get("senderJurisdiction") || e.senderJurisdiction === q.get("senderJurisdiction")) &&
      (!q.get("receiverJurisdiction") || e.receiverJurisdiction === q.get("receiverJurisdiction")) &&
      (!q.get("dataKind") || e.dataKind === q.get("dataKind")) && (!q.get("decision") || (q.get("decision") === "allowed") === (e.decision === "allowed")) &&
      (!q.get("from") || at >= new Date(q.get("from"))) && (!q.get("to") || at <= new Date(q.get("to")));
  };
  const offs = [
    on("transferAppended", ({ record }) => {
      arrived.add(record.index);
      const last = entries.length ? entries[entries.length - 1].index : -1;
      if (entries.some(e => e.index === record.index)) { body.querySelector(`tr[data-index="${record.index}"]`)?.classList.add("new"); return; }
      // A gap means an event was missed: the journal is the record, so ask it again.
      if (entries.length && record.index > last + 1 && !query().toString()) { load().catch(() => {}); return; }
      if (!matches(record)) return;
      entries.push(record); total++; draw();
    }),
    on("reconnected", () => load().catch(() => {})),
  ];
  return () => offs.forEach(off => off());
}
