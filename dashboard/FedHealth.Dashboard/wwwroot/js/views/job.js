// One job, live: figures per round (global and per-site AUC, loss), who took part each round and why others did
// not, privacy spent per site against its budget, round timings, and at the end the report and the model. Every
// figure comes from the coordinator's journal (the job's read model); live events only add rounds as they close.
// Figures are named by the job's task (metrics.js): a survival job's AUC fields hold its C-index, and it has no accuracy; a
// multiclass job goes by accuracy and a regression job by RMSE (lower is better), each with its own figures beside.
import { api, isLead } from "../api.js";
import { on } from "../live.js";
import { esc, num, time, statusBadge } from "../format.js";
import { lineChart, barChart, update, colour } from "../charts.js";
import { toast } from "../main.js";
import { renderCounts } from "./counts.js";
import { describeModel, modelFigures } from "../model.js";
import { metricsOf } from "../metrics.js";

const ended = status => ["completed", "failed", "stopped"].includes(status);

export async function renderJob(main, id) {
  let job = await api.job(id);
  delete main.dataset.liveRounds;
  if (job.spec.kind === "label-counts") {
    renderCounts(main, job);
    const again = async () => { job = await api.job(id); renderCounts(main, job); };
    const offs = ["jobEnded", "jobStatusChanged", "reconnected"].map(e => on(e, () => again().catch(() => {})));
    return () => offs.forEach(off => off());
  }
  // d names the headline figure within a sentence, D at the start of one ("accuracy", "Accuracy"; "AUC" either way).
  const names = metricsOf(job), d = names.discrimination, D = d.charAt(0).toUpperCase() + d.slice(1), fig = names.figure;
  main.innerHTML = `
    <div class="title-row"><h1 id="job-title"></h1><div id="controls" class="controls"></div></div>
    <p id="job-facts" class="facts"></p>
    <p id="job-model" class="facts model-facts"></p>
    <p id="job-detail" class="detail" role="status" aria-live="polite"></p>
    <div class="grid">
      <figure class="card chart"><figcaption>${D} per round: global model on every site's held-out rows, and each site's own</figcaption><div class="canvas"><canvas id="auc-chart" role="img" aria-label="${d} per round"></canvas></div></figure>
      <figure class="card chart"><figcaption title="${esc(names.lossTitle)}">${names.loss} per round${names.lossNote}: global model on held-out rows, and mean training loss</figcaption><div class="canvas"><canvas id="loss-chart" role="img" aria-label="${names.loss} per round"></canvas></div></figure>
      <figure class="card chart"><figcaption>Privacy: ε spent per site (cumulative) against its budget (dashed)</figcaption><div class="canvas"><canvas id="privacy-chart" role="img" aria-label="Epsilon spent per site"></canvas></div><p id="privacy-empty" class="empty" hidden></p></figure>
      <figure class="card chart"><figcaption>Round timings: seconds from a round's opening to its close</figcaption><div class="canvas"><canvas id="timing-chart" role="img" aria-label="Seconds per round"></canvas></div></figure>
    </div>
    <section class="card" aria-labelledby="budget-title"><h2 id="budget-title">Privacy budget per site</h2><div id="budgets"></div></section>
    <section class="card" aria-labelledby="fairness-title"><h2 id="fairness-title">Fairness: ${d} by subgroup</h2>
      <figure class="chart" id="fairness-figure"><figcaption>Largest ${d} gap between the groups of each attribute, per site and round</figcaption><div class="canvas"><canvas id="fairness-chart" role="img" aria-label="Largest subgroup ${d} gap per round"></canvas></div></figure>
      <div class="table-wrap" id="fairness"></div></section>
    <section class="card" aria-labelledby="participation-title"><h2 id="participation-title">Participation per round</h2><div class="table-wrap" id="participation"></div></section>
    <section class="card" aria-labelledby="report-title" id="report-section"><h2 id="report-title">Final report</h2><div id="report"></div></section>
    <section class="card" aria-labelledby="cross-site-title" id="cross-site-section" hidden><h2 id="cross-site-title">Cross-site evaluation</h2><div class="table-wrap" id="cross-site"></div></section>`;

  const charts = {
    auc: lineChart(main.querySelector("#auc-chart"), { labels: [], series: [], yTitle: d, yMin: names.yMin, yMax: names.yMax }),
    loss: lineChart(main.querySelector("#loss-chart"), { labels: [], series: [], yTitle: names.lossWord }),
    privacy: lineChart(main.querySelector("#privacy-chart"), { labels: [], series: [], yTitle: "ε" }),
    timing: barChart(main.querySelector("#timing-chart"), { labels: [], series: [], yTitle: "seconds" }),
    fairness: lineChart(main.querySelector("#fairness-chart"), { labels: [], series: [], yTitle: `${d} gap`, yMin: 0 }),
  };

  const draw = () => {
    const rounds = job.rounds.slice().sort((a, b) => a.round - b.round);
    const labels = rounds.map(r => r.round);
    const sites = job.participants.slice().sort();
    main.querySelector("#job-title").innerHTML = `${esc(job.spec.name)} ${statusBadge(job.status)}`;
    const privacy = [!job.spec.secureAggregation ? "plain aggregation" : job.spec.secureAggregationGraph === "sparse"
        ? `secure aggregation on a sparse graph (k=${job.spec.secureAggregationNeighbours}, t=${job.spec.secureAggregationThreshold})` : "secure aggregation",
      job.spec.privacy ? `DP-SGD σ=${job.spec.privacy.noiseMultiplier}, q=${job.spec.privacy.samplingRate}` : "",
      job.spec.siteLevelPrivacy ? `site-level DP σ=${job.spec.siteLevelPrivacy.noiseMultiplier}` : ""].filter(Boolean).join(" · ");
    main.querySelector("#job-facts").innerHTML = `Round <strong>${rounds.length}</strong> of ${job.spec.rounds} · ${esc(job.spec.model.kind)} on ${esc(job.spec.schema)}${names.accuracy ? "" : ` · task ${esc(names.described)}`} · ${esc(job.spec.strategy?.name ?? "fedavg")} · ` +
      `${esc(privacy)} · sites ${esc(sites.join(", "))} · deadline ${esc(job.spec.roundDeadline)}`;
    // The digest is what each hospital's policy approves: whole, selectable in one click, beside the parameter count.
    main.querySelector("#job-model").innerHTML = `Model: <span id="model-description">${esc(describeModel(job.spec.model))}</span>` +
      (job.modelDigest ? ` · ${modelFigures(job.modelDigest, job.modelParameters)}` : "");
    // The detail says why a job is not simply running or done (paused by whom, why it failed); a completed job's report says the rest.
    main.querySelector("#job-detail").textContent = job.status === "completed" ? "" : job.detail ? (job.detail.startsWith(job.status) ? job.detail : `${job.status}: ${job.detail}`) : rounds.length === 0 ? "Waiting for the first round to close…" : "";
    drawControls();

    update(charts.auc, labels, [
      { label: "global", data: rounds.map(r => finite(fig(r.global))), colour: "#111" },
      ...sites.map(s => ({ label: s, data: rounds.map(r => finite(fig(r.sites.find(e => e.siteId === s)?.metrics))) })),
    ]);
    update(charts.loss, labels, [
      { label: "global (held-out)", data: rounds.map(r => r.global?.loss ?? null), colour: "#111" },
      { label: "training (mean)", data: rounds.map(r => r.trainLoss) },
    ]);
    const budgets = new Map();
    for (const r of rounds) for (const p of r.privacy) budgets.set(p.siteId, p.budget);
    const privacySeries = sites.filter(s => budgets.has(s)).flatMap((s, i) => [
      { label: `${s} ε`, data: rounds.map(r => r.privacy.find(p => p.siteId === s)?.epsilon ?? null), colour: colour(i) },
      ...(Number.isFinite(budgets.get(s)) ? [{ label: `${s} budget`, data: rounds.map(() => budgets.get(s)), dashed: true, colour: colour(i) }] : []),
    ]);
    if (rounds.some(r => r.siteLevelEpsilon != null)) privacySeries.push({ label: "site-level ε (job)", data: rounds.map(r => r.siteLevelEpsilon), colour: "#111" });
    update(charts.privacy, labels, privacySeries);
    const noPrivacy = !job.spec.privacy && !job.spec.siteLevelPrivacy;
    main.querySelector("#privacy-empty").hidden = !noPrivacy;
    main.querySelector("#privacy-chart").parentElement.hidden = noPrivacy;
    main.querySelector("#privacy-empty").textContent = noPrivacy ? "This job trains without differential privacy: no ε is spent." : "";
    update(charts.timing, labels, [{ label: "seconds", data: rounds.map(r => r.seconds) }]);

    drawBudgets(rounds, sites);
    drawParticipation(rounds, sites);
    drawFairness(rounds);
    drawFairnessTrend(rounds, labels);
    drawReport(rounds, sites);
    drawCrossSite(sites);
  };

  // Every final model (rows: the global one, then each shared personal model) on every site's held-out rows
  // (columns); the diagonal is a personal model on its own site. Gaps are named with their reason.
  const drawCrossSite = sites => {
    const section = main.querySelector("#cross-site-section");
    section.hidden = !job.spec.personalisation?.crossSiteEvaluation;
    if (section.hidden) return;
    const host = main.querySelector("#cross-site");
    const report = job.crossSite;
    if (!report) {
      host.innerHTML = `<p class="empty">${ended(job.status) ? "The job ended before its cross-site evaluation." : job.status === "scoring" ? "The sites are scoring the final models…" : "After the last round every site scores every final model."}</p>`;
      return;
    }
    const owners = [null, ...[...new Set(report.cells.map(c => c.personalOf).filter(o => o != null))].sort()];
    const cell = (owner, site) => report.cells.find(c => (c.personalOf ?? null) === owner && c.siteId === site)?.metrics;
    host.innerHTML = `<p>${D} of each final model (rows) on each site's held-out rows (columns); a personal model on its own site is marked.</p>` +
      `<table id="cross-site-matrix"><thead><tr><th scope="col">Model</th>${sites.map(s => `<th scope="col">${esc(s)}</th>`).join("")}</tr></thead><tbody>` +
      owners.map(o => `<tr><th scope="row">${o == null ? "global" : `personal model of ${esc(o)}`}</th>${sites.map(s => {
        const m = cell(o, s);
        return `<td${o === s ? ' class="own"' : ""}>${m ? num(fig(m)) : "–"}${o === s ? ' <small>(own)</small>' : ""}</td>`;
      }).join("")}</tr>`).join("") + `</tbody></table>` +
      [...report.withheld.map(w => `Personal model of ${esc(w.siteId)} not shared: ${esc(w.reason)}`),
       ...report.notScored.map(n => `${esc(n.siteId)} scored no model: ${esc(n.reason)}`)].map(t => `<p class="muted">${t}</p>`).join("");
  };

  const drawBudgets = (rounds, sites) => {
    const host = main.querySelector("#budgets");
    const last = new Map();
    for (const r of rounds) for (const p of r.privacy) last.set(p.siteId, p);
    if (last.size === 0) { host.innerHTML = `<p class="empty">${job.spec.privacy ? "No round has closed yet." : "This job does not train with DP-SGD."}</p>`; return; }
    host.innerHTML = `<table><thead><tr><th scope="col">Site</th><th scope="col">ε spent</th><th scope="col">Budget</th><th scope="col">Used</th></tr></thead><tbody>` +
      sites.filter(s => last.has(s)).map(s => {
        const p = last.get(s), finite = Number.isFinite(p.budget) && p.budget > 0;
        return `<tr><td>${esc(s)}</td><td>${num(p.epsilon)} (δ ${p.delta})</td><td>${finite ? num(p.budget, 2) : "no budget"}</td>` +
          `<td>${finite ? `<meter min="0" max="${p.budget}" low="${p.budget * 0.7}" high="${p.budget * 0.9}" optimum="0" value="${Math.min(p.epsilon, p.budget)}" aria-label="${esc(s)} budget used">${num(100 * p.epsilon / p.budget, 0)}%</meter> ${num(100 * p.epsilon / p.budget, 0)}%` : "–"}</td></tr>`;
      }).join("") + "</tbody></table>";
  };

  // Each site scores the global model per group of every sensitive attribute its schema declares; groups with
  // fewer than 10 rows of either class (survival: 10 events or 10 censored rows) carry no AUC or C-index, and multiclass
  // and regression groups of fewer than 20 rows no accuracy or RMSE (shown as "not scored"), so no figure singles out a
  // handful of patients.
  const drawFairness = rounds => {
    const host = main.querySelector("#fairness");
    const last = rounds.slice().reverse().find(r => r.sites.some(s => (s.subgroups ?? []).length));
    if (!last) { host.innerHTML = '<p class="empty">No sensitive attribute is declared in this schema, or no round has been evaluated yet.</p>'; return; }
    const rows = last.sites.flatMap(s => [...new Set((s.subgroups ?? []).map(g => g.subgroup))].map(attribute => {
      const groups = s.subgroups.filter(g => g.subgroup === attribute);
      const gap = (last.subgroupGaps ?? []).find(g => g.siteId === s.siteId && g.subgroup === attribute);
      return `<tr><td>${esc(s.siteId)}</td><td>${esc(attribute)}</td><td>${groups.map(g =>
        `${esc(g.group)}: ${names.groupScore(g) == null ? `<span class="muted">not scored: ${names.tooFew} (${g.samples})</span>` : `${num(names.groupScore(g))} <small>(${g.samples})</small>`}`).join("<br>")}</td>` +
        `<td>${gap ? `<strong>${num(gap.gap)}</strong> <small>(${esc(gap.worstGroup)} vs ${esc(gap.bestGroup)})</small>` : "–"}</td></tr>`;
    }));
    host.innerHTML = `<p>Round ${last.round}: the global model on each site's held-out rows, by group (rows in brackets).</p>` +
      `<table><thead><tr><th scope="col">Site</th><th scope="col">Attribute</th><th scope="col">${D} by group</th><th scope="col">Largest gap</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
  };

  // The same gaps round by round: whether federated training narrows or widens them.
  const drawFairnessTrend = (rounds, labels) => {
    const keys = [...new Set(rounds.flatMap(r => (r.subgroupGaps ?? []).map(g => `${g.siteId} · ${g.subgroup}`)))].sort();
    main.querySelector("#fairness-figure").hidden = keys.length === 0;
    update(charts.fairness, labels, keys.map(key => ({
      label: key,
      data: rounds.map(r => (r.subgroupGaps ?? []).find(g => `${g.siteId} · ${g.subgroup}` === key)?.gap ?? null),
    })));
  };

  const drawParticipation = (rounds, sites) => {
    const host = main.querySelector("#participation");
    if (rounds.length === 0) { host.innerHTML = '<p class="empty">No round has closed yet.</p>'; return; }
    host.innerHTML = `<table class="participation"><thead><tr><th scope="col">Round</th>${sites.map(s => `<th scope="col">${esc(s)}</th>`).join("")}<th scope="col">Global ${d}</th><th scope="col">Seconds</th><th scope="col">Closed</th></tr></thead><tbody>` +
      rounds.slice().reverse().map(r => `<tr><th scope="row">${r.round}</th>${sites.map(s => {
        if (r.contributors.includes(s)) {
          const e = r.sites.find(e => e.siteId === s), auc = finite(fig(e?.metrics)), c = e?.concordance;
          const title = c ? ` title="${count(c.concordant)} of ${count(c.comparable)} comparable pairs concordant"` : "";
          return `<td class="took-part"><span aria-hidden="true">✓</span> took part${auc != null ? ` <small${title}>${d} ${num(auc)}</small>` : ""}</td>`;
        }
        const why = r.leftOut.find(l => l.siteId === s)?.reason ?? "left out";
        return `<td class="left-out"><span aria-hidden="true">✗</span> ${esc(why)}</td>`;
      }).join("")}<td>${num(fig(r.global))}</td><td>${num(r.seconds, 1)}</td><td>${time(r.completedAt)}</td></tr>`).join("") + "</tbody></table>";
  };

  const drawReport = (rounds, sites) => {
    const host = main.querySelector("#report");
    if (!ended(job.status)) { host.innerHTML = '<p class="empty">The report appears when the job ends.</p>'; return; }
    const last = rounds.slice().reverse().find(r => r.global);
    const best = job.bestRound != null && job.bestRound !== job.rounds.length
      ? ` <a class="button" id="download-best" href="/api/jobs/${job.jobId}/model?checkpoint=best" download>Download the best model (round ${job.bestRound}, ${d} ${num(job.bestFigure ?? job.bestAuc)})</a>` : "";
    const kept = (job.keptRounds ?? []).length === 0 ? "" : ` <span id="kept-models">Kept models: ${job.keptRounds.map(r =>
      `<a href="/api/jobs/${job.jobId}/model?checkpoint=round-${r}" download>round ${r}</a>`).join(", ")}</span>`;
    const download = `<a class="button" href="/api/jobs/${job.jobId}/model" download>Download the final model</a>${best}${kept}`;
    if (!last) { host.innerHTML = `<p>The job ${esc(job.status)} before any round was evaluated${job.detail ? `: ${esc(job.detail)}` : ""}.</p>`; return; }
    const personal = job.spec.personalisation != null, pairs = names.pairs;
    host.innerHTML = `<p>The job ${esc(job.status)} after ${rounds.length} round${rounds.length === 1 ? "" : "s"}${job.detail && job.status !== "completed" ? ` (${esc(job.detail)})` : ""}. ` +
      `Global model after round ${last.round}: ${d} <strong>${num(fig(last.global))}</strong>${names.accuracy ? `, accuracy ${num(last.global.accuracy)}` : ""}` +
      `${names.extra.map(([, get, inline]) => `, ${inline} ${num(get(last.global))}`).join("")}, ` +
      `<span title="${esc(names.lossTitle)}">${names.lossWord}</span> ${num(last.global.loss)} on ${last.global.samples} held-out rows.</p>` +
      `<table id="site-report"><thead><tr><th scope="col">Site</th><th scope="col">${D}</th>${names.accuracy ? '<th scope="col">Accuracy</th>' : ""}` +
      names.extra.map(([label]) => `<th scope="col">${label}</th>`).join("") +
      `<th scope="col" title="${esc(names.lossTitle)}">${names.loss}</th><th scope="col">Held-out rows</th>` +
      (pairs ? '<th scope="col">Comparable pairs</th><th scope="col">Concordant pairs</th>' : "") +
      (personal ? `<th scope="col">Personal model ${d} (${esc(job.spec.personalisation.method)})</th>` : "") + `</tr></thead><tbody>` +
      sites.map(s => { const e = last.sites.find(e => e.siteId === s), m = e?.metrics;
        const own = personal ? (last.personalised ?? []).find(e => e.siteId === s)?.metrics : null;
        return `<tr><td>${esc(s)}</td><td>${num(fig(m))}</td>${names.accuracy ? `<td>${num(m?.accuracy)}</td>` : ""}` +
          names.extra.map(([, get]) => `<td>${num(get(m))}</td>`).join("") + `<td>${num(m?.loss)}</td><td>${m?.samples ?? "–"}</td>` +
          (pairs ? `<td>${count(e?.concordance?.comparable)}</td><td>${count(e?.concordance?.concordant)}</td>` : "") +
          (personal ? `<td>${num(fig(own))}</td>` : "") + `</tr>`; }).join("") +
      `</tbody></table>` + (pairs ? pairsNote(last) : "") + (last.global.multiclass ? confusion(last.global.multiclass) : "") + (personal ? `<p>${job.spec.personalisation.crossSiteEvaluation ? "Personal models the sites' policies let travel were scored on every site (below); the rest stayed at their sites."
        : "Personal models stay at their sites; only their scores on each site's held-out rows are shown."}</p>` : "") +
      `<p class="actions">${download}</p>`;
  };

  // Multiclass: the pooled confusion matrix. The diagonal and each class's rows are exact; an off-diagonal cell is the sum
  // of what the sites sent, each sending a cell of fewer than 10 patients as 0, so a class's suppressed rows are shown apart.
  const confusion = f => `<div class="table-wrap"><table id="confusion-matrix"><caption>Confusion matrix of the global model on every site's held-out rows ` +
    `(rows: true class, columns: predicted)</caption><thead><tr><th scope="col">Class</th>${f.confusion.map((_, c) => `<th scope="col">${c}</th>`).join("")}` +
    `<th scope="col">Rows</th><th scope="col" title="rows in cells of fewer than 10 patients at a site, which sites send as 0">Suppressed</th></tr></thead><tbody>` +
    f.confusion.map((row, r) => `<tr><th scope="row">${r}</th>${row.map((n, c) => `<td${r === c ? ' class="own"' : ""}>${count(n)}</td>`).join("")}` +
      `<td>${count(f.classRows[r])}</td><td>${count(f.classRows[r] - row.reduce((a, b) => a + b, 0))}</td></tr>`).join("") + `</tbody></table></div>` +
    `<p class="muted" id="confusion-note">Each site sends its matrix with every off-diagonal cell of fewer than 10 patients as 0 (and, where a row's ` +
    `suppressed patients would otherwise sit in one cell, its smallest shown cell too); the diagonal and the rows per class are exact.</p>`;

  // Survival: Harrell's pair counts per site (pairs of its own held-out patients, never rows), whose sums give the global C-index.
  const count = x => x == null ? "–" : Number(x).toLocaleString("en", { maximumFractionDigits: 1 });
  const finite = x => x == null || x === "NaN" || !Number.isFinite(Number(x)) ? null : Number(x);
  const pairsNote = last => {
    const comparable = last.sites.reduce((t, e) => t + (e.concordance?.comparable ?? 0), 0);
    const concordant = last.sites.reduce((t, e) => t + (e.concordance?.concordant ?? 0), 0);
    return `<p class="muted" id="pairs-note">Comparable pairs: two of a site's held-out patients whose earlier time is an event; concordant: those the model ranks ` +
      `in the right order (a tie counts a half). They are counts of pairs, not rows, and add up over sites: ${count(concordant)} of ${count(comparable)} ` +
      `give the global C-index (pairs across sites are not compared).</p>`;
  };

  const drawControls = () => {
    const host = main.querySelector("#controls");
    if (!isLead() || ended(job.status)) { host.innerHTML = ""; return; }
    host.innerHTML = job.status === "paused"
      ? '<button type="button" id="resume">Resume job</button>'
      : '<button type="button" id="stop" class="danger">Stop job</button>';
    host.querySelector("#resume")?.addEventListener("click", () => control(() => api.resumeJob(job.jobId), "resumed"));
    host.querySelector("#stop")?.addEventListener("click", () => {
      const reason = prompt("Why stop this job? (it can be resumed later)", "");
      if (reason !== null) control(() => api.stopJob(job.jobId, reason), "stopped");
    });
  };
  const control = async (action, what) => {
    try { await action(); toast(`Job ${what}.`, "ok"); await refresh(); }
    catch (e) { toast(e.message); }
  };

  const refresh = async () => { job = await api.job(id); draw(); };
  draw();
  const mine = e => e.jobId === job.jobId;
  const offs = [
    on("roundCompleted", r => { if (!mine(r)) return; main.dataset.liveRounds = String(Number(main.dataset.liveRounds ?? 0) + 1); job.rounds = job.rounds.filter(x => x.round !== r.round).concat([r]); if (job.status === "new") job.status = "training"; draw(); }),
    on("jobEnded", e => { if (mine(e)) refresh().catch(() => {}); }),
    on("jobStatusChanged", e => { if (mine(e)) refresh().catch(() => {}); }),
    on("reconnected", () => refresh().catch(() => {})),
  ];
  return () => { offs.forEach(off => off()); Object.values(charts).forEach(c => c.destroy()); };
}
