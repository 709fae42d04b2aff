// The job form: schemas and sites from what the sites advertise, checked by the server's own rules as the lead
// types (each problem shown at its field), with the privacy cost per round from the accountant, then launched. The
// model's parameters, digest and shapes, and which chosen sites' policies would train it, come from the server too.
import { api, isLead } from "../api.js";
import { on } from "../live.js";
import { esc, num } from "../format.js";
import { modelFigures } from "../model.js";
import { metricsOfTask } from "../metrics.js";

const field = (name, label, input, hint = "") => `
  <div class="field" data-field="${name}">
    <label for="f-${name}">${label}</label>${input}
    ${hint ? `<small id="f-${name}-hint">${hint}</small>` : ""}
    <small class="problem" id="f-${name}-problem" aria-live="polite"></small>
  </div>`;
const numberInput = (name, value, attrs = "") => `<input id="f-${name}" name="${name}" type="number" inputmode="decimal" value="${value}" ${attrs} aria-describedby="f-${name}-problem">`;

// Robust rules need each site's update, SCAFFOLD a second sum of control deltas: the server refuses them with secure
// aggregation on, at the strategy field.
const strategies = [
  ["fedavg", "FedAvg (weighted by sample count)"],
  ["fedprox", "FedProx (sites keep near the global model)"],
  ["fedadam", "FedAdam (server optimiser)"],
  ["fedyogi", "FedYogi (server optimiser)"],
  ["fedadagrad", "FedAdagrad (server optimiser)"],
  ["fedmedian", "Coordinate-wise median (robust; no secure aggregation)"],
  ["trimmedmean", "Trimmed mean (robust; no secure aggregation)"],
  ["scaffold", "SCAFFOLD (control variates; no secure aggregation)"],
];
const strategyOptions = strategies.map(([value, label]) => `<option value="${value}">${label}</option>`).join("");
const serverOptimisers = ["fedadam", "fedyogi", "fedadagrad"];
// A declared network starts as the MLP preset written out; the lead edits it as JSON, one layer an object.
const exampleLayers = `[
  { "kind": "linear", "units": 16 },
  { "kind": "relu" },
  { "kind": "linear", "units": 1 }
]`;
// The fields a layer object may hold and their types (which kind takes which is the server's rule, named at the layer).
const layerFields = { kind: "string", name: "string", units: "integer", kernel: "integer", stride: "integer", padding: "integer", output: "integer",
  p: "number", bias: "boolean", feature: "string", categories: "integer", dimensions: "integer", layers: "list" };
const typeOf = v => Array.isArray(v) ? "list" : Number.isInteger(v) ? "integer" : typeof v;
const layerProblem = (layers, where = "") => {
  for (const [i, l] of layers.entries()) {
    if (l === null || typeOf(l) !== "object") return `${where}layer ${i}: must be an object such as { "kind": "relu" }`;
    if (typeof l.kind !== "string") return `${where}layer ${i}: needs a "kind" (a string such as "linear")`;
    const at = `${where}layer ${i} (${l.kind})`;
    for (const [key, v] of Object.entries(l)) {
      const want = layerFields[key];
      if (!want) return `${at}: '${key}' is not a layer field (known: ${Object.keys(layerFields).join(", ")})`;
      if (v !== null && typeOf(v) !== want && !(want === "number" && typeof v === "number")) return `${at}: '${key}' must be ${want === "list" ? "a list" : `a ${want}`}`;
    }
    if (Array.isArray(l.layers)) { const inner = layerProblem(l.layers, `${at} › `); if (inner) return inner; }
  }
  return null;
};
// A count trains nothing: it keeps only what names the data, the sites and the round's deadline (the server refuses a model,
// a strategy, privacy settings or kept models with it), and is always one round under secure aggregation.
const trainingOnly = ['[data-field="model"]', "#model-check", '[data-field="strategy.name"]', "#strategy-settings", '[data-field="personalisation.method"]',
  '[data-field="rounds"]', '[data-field="checkpointEvery"]', '[data-field="seed"]', "#local-training", "#privacy"];

export async function renderNewJob(main) {
  if (!isLead()) {
    main.innerHTML = `<h1>New job</h1><p class="error">Only a consortium lead can launch jobs; you are signed in with another role.</p>`;
    return () => {};
  }
  const status = await api.status();
  const schemas = new Map();
  // The task is the sites' label's (a site advertises it; one that does not holds a binary label): the model predicts
  // what the schema labels, so the lead never picks it, and sites whose labels differ are different choices.
  for (const s of status.sites.filter(s => s.online).map(s => s.lastHeartbeat)) {
    const task = metricsOfTask(s.task).task;
    const key = `${s.schema}|${task}|${s.classes ?? ""}|${s.featureNames.join(",")}`;
    if (!schemas.has(key)) schemas.set(key, { schema: s.schema, task, classes: s.classes ?? null, featureNames: s.featureNames, sites: [] });
    schemas.get(key).sites.push(s.siteId);
  }
  if (schemas.size === 0) {
    main.innerHTML = `<h1>New job</h1><p class="empty">No site is online, so there is no data schema to train on. Jobs can be launched once sites send heartbeats (see <a href="#/sites">Sites</a>).</p>`;
    const off = on("siteHeartbeat", () => { off(); renderNewJob(main); });
    return off;
  }
  const schemaOptions = [...schemas.entries()].map(([key, s]) =>
    `<option value="${esc(key)}">${esc(s.schema)} (${s.task === "binary" ? "" : `${s.task}${s.classes ? ` of ${s.classes} classes` : ""}, `}${s.featureNames.length} features, ${s.sites.length} site${s.sites.length === 1 ? "" : "s"})</option>`).join("");

  main.innerHTML = `
    <h1>New job</h1>
    <form id="job-form" class="job-form" novalidate>
      <fieldset><legend>What to run</legend>
        ${field("kind", "Kind of job", `<select id="f-kind" name="kind" aria-describedby="f-kind-problem f-kind-hint"><option value="training">Training</option><option value="label-counts">Rows per label (secure count)</option></select>`,
          "A count sums each site's rows per label under secure aggregation in one round; it trains no model.")}
        ${field("name", "Name", `<input id="f-name" name="name" required maxlength="200" value="" aria-describedby="f-name-problem">`)}
        ${field("schema", "Data schema", `<select id="f-schema" name="schema" aria-describedby="f-schema-problem f-schema-hint">${schemaOptions}</select>`,
          '<span id="task"></span><br><span id="features"></span>')}
        ${field("model", "Model", `<select id="f-model" name="model" aria-describedby="f-model-problem"><option value="logistic">logistic regression</option><option value="mlp">MLP (one hidden layer)</option><option value="small-cnn">small CNN (images)</option><option value="resnet18">ResNet-18 (images, 11 M parameters)</option><option value="declared">Declared network</option></select>`)}
        ${field("model.hiddenUnits", "Hidden units (MLP)", numberInput("model.hiddenUnits", 16, 'min="1" max="4096"'))}
        <div class="field wide" data-field="model.layers">
          <label for="f-model.layers">Layers (JSON)</label>
          <textarea id="f-model.layers" name="model.layers" rows="6" spellcheck="false" autocomplete="off" aria-describedby="f-model.layers-problem f-model.layers-hint">${esc(exampleLayers)}</textarea>
          <small id="f-model.layers-hint">A list of layer objects, in order, e.g. { "kind": "linear", "units": 16 }: linear, conv1d/2d, pooling, norms, dropout, activations, flatten, embedding, residual. The input is the schema's features (an image site's image, [channels, height, width]); the network must end in 1 unit (one per class for a multiclass label).</small>
          <small class="problem" id="f-model.layers-problem" aria-live="polite"></small>
        </div>
        <div id="model-check" class="model-check" aria-live="polite"></div>
        ${field("strategy.name", "Strategy", `<select id="f-strategy.name" name="strategy.name" aria-describedby="f-strategy.name-problem">${strategyOptions}</select>`)}
        <div class="group" id="strategy-settings">
          ${field("training.proximalMu", "Proximal term μ (FedProx)", numberInput("training.proximalMu", 0.01, 'step="any" min="0"'))}
          ${field("strategy.serverLearningRate", "Server learning rate η", numberInput("strategy.serverLearningRate", 0.1, 'step="any" min="0"'))}
          ${field("strategy.trimFraction", "Share trimmed at each end", numberInput("strategy.trimFraction", 0.1, 'step="any" min="0" max="0.49"'))}
          ${field("strategy.localBatchNorm", "Batch norm kept at each site (FedBN)", `<select id="f-strategy.localBatchNorm" name="strategy.localBatchNorm" aria-describedby="f-strategy.localBatchNorm-problem"><option value="">no: every parameter is averaged</option><option value="statistics">running statistics</option><option value="all">statistics, scale and shift</option></select>`)}
        </div>
        ${field("personalisation.method", "Personal model per site", `<select id="f-personalisation.method" name="personalisation.method" aria-describedby="f-personalisation.method-problem">
          <option value="">none (the global model only)</option><option value="finetune">fine-tune the final global model locally</option><option value="ditto">Ditto (trained beside the global model)</option></select>`)}
        ${field("personalisation.epochs", "Fine-tuning epochs", numberInput("personalisation.epochs", 5, 'min="1" max="1000"'))}
        <div class="field" data-field="personalisation.earlyStopping">
          <label class="check"><input type="checkbox" id="f-personalisation.earlyStopping" name="personalisation.earlyStopping" aria-describedby="f-personalisation.earlyStopping-problem f-personalisation.earlyStopping-hint">
            Early stopping: each site picks 0 to that many epochs by cross-validation on its own training rows</label>
          <small id="f-personalisation.earlyStopping-hint">0 keeps the global model where fine-tuning does not help.</small>
          <small class="problem" id="f-personalisation.earlyStopping-problem" aria-live="polite"></small>
        </div>
        ${field("personalisation.lambda", "Ditto λ", numberInput("personalisation.lambda", 0.1, 'step="any" min="0"'))}
        <div class="field" data-field="personalisation.crossSiteEvaluation">
          <label class="check"><input type="checkbox" id="f-personalisation.crossSiteEvaluation" name="personalisation.crossSiteEvaluation" aria-describedby="f-personalisation.crossSiteEvaluation-problem f-personalisation.crossSiteEvaluation-hint">
            Cross-site evaluation: every final model scored on every site's held-out rows</label>
          <small id="f-personalisation.crossSiteEvaluation-hint">Personal models then travel to the other sites (a site whose policy does not allow personalModel keeps its own); needs secure aggregation off.</small>
          <small class="problem" id="f-personalisation.crossSiteEvaluation-problem" aria-live="polite"></small>
        </div>
      </fieldset>
      <fieldset><legend>Rounds and sites</legend>
        ${field("rounds", "Rounds", numberInput("rounds", 10, 'min="1" max="10000"'))}
        ${field("checkpointEvery", "Keep every k-th round's model", `<input id="f-checkpointEvery" name="checkpointEvery" type="number" inputmode="decimal" value="0" min="0" max="10000" aria-describedby="f-checkpointEvery-problem f-checkpointEvery-hint">`,
          "Besides the latest and the best model; 0 keeps no others.")}
        ${field("minSites", "Minimum sites per round", numberInput("minSites", 2, 'min="1"'))}
        ${field("roundDeadline", "Round deadline (seconds)", numberInput("roundDeadline", 120, 'min="1" max="86400"'))}
        ${field("seed", "Seed", numberInput("seed", 1))}
        <div class="field" data-field="sites"><span class="label" id="sites-label">Sites taking part</span><div id="site-choices" role="group" aria-labelledby="sites-label"></div>
          <small class="problem" id="f-sites-problem" aria-live="polite"></small></div>
      </fieldset>
      <fieldset id="local-training"><legend>Local training</legend>
        ${field("training.localEpochs", "Local epochs", numberInput("training.localEpochs", 1, 'min="1" max="1000"'))}
        ${field("training.batchSize", "Batch size", numberInput("training.batchSize", 32, 'min="1"'))}
        ${field("training.learningRate", "Learning rate", numberInput("training.learningRate", 0.05, 'step="any" min="0"'))}
      </fieldset>
      <fieldset id="privacy"><legend>Privacy</legend>
        <label class="check"><input type="checkbox" name="secureAggregation" checked> Secure aggregation (the coordinator sees only the sum of masked updates)</label>
        <div class="group" id="ring-settings">
          ${field("secureAggregationRingBits", "Ring of the secure sum", `<select id="f-secureAggregationRingBits" name="secureAggregationRingBits" aria-describedby="f-secureAggregationRingBits-problem f-secureAggregationRingBits-hint">
            <option value="64">64 bits (8 bytes a value)</option><option value="32">32 bits (4 bytes a value)</option></select>`,
            "32 bits sends half the bytes but sums in a narrower range: rows × |weight| added over the sites must stay within ±524,288, and a site whose update would not fit declines the round.")}
          ${field("secureAggregationGraph", "Who masks with whom", `<select id="f-secureAggregationGraph" name="secureAggregationGraph" aria-describedby="f-secureAggregationGraph-problem f-secureAggregationGraph-hint">
            <option value="full">Every pair of sites (full graph)</option><option value="sparse">Each site with k neighbours on a random graph (SecAgg+)</option></select>`,
            "A sparse graph keeps every party's work growing with log n instead of n, for consortia of many sites; it tolerates a planned fraction of corrupt and dropped sites (docs/privacy.md).")}
          <div class="group" id="sparse-settings" hidden>
            ${field("secureAggregationNeighbours", "Neighbours per site k (even)", numberInput("secureAggregationNeighbours", 2, 'min="2" max="254" step="2"'))}
            ${field("secureAggregationThreshold", "Threshold t (shares that rebuild a site's secrets)", numberInput("secureAggregationThreshold", 2, 'min="2" max="255"'))}
            <output id="graph-suggestion" aria-live="polite"></output>
          </div>
        </div>
        <label class="check"><input type="checkbox" name="dp"> Record-level differential privacy (DP-SGD at every site)</label>
        <div class="group" id="dp-settings" hidden>
          ${field("privacy.noiseMultiplier", "Noise multiplier σ", numberInput("privacy.noiseMultiplier", 1.1, 'step="any" min="0"'))}
          ${field("privacy.clipNorm", "Clip norm", numberInput("privacy.clipNorm", 1.0, 'step="any" min="0"'))}
          ${field("privacy.samplingRate", "Sampling rate q", numberInput("privacy.samplingRate", 0.1, 'step="any" min="0" max="1"'))}
        </div>
        <label class="check"><input type="checkbox" name="siteDp"> Site-level differential privacy (DP-FedAvg on the aggregate)</label>
        <div class="group" id="site-dp-settings" hidden>
          ${field("siteLevelPrivacy.noiseMultiplier", "Noise multiplier", numberInput("siteLevelPrivacy.noiseMultiplier", 1.0, 'step="any" min="0"'))}
          ${field("siteLevelPrivacy.clipNorm", "Clip norm", numberInput("siteLevelPrivacy.clipNorm", 1.0, 'step="any" min="0"'))}
          ${field("siteLevelPrivacy.delta", "δ", numberInput("siteLevelPrivacy.delta", 0.00001, 'step="any" min="0" max="1"'))}
        </div>
        <output id="epsilon" class="epsilon" aria-live="polite">Without differential privacy, no ε is spent.</output>
      </fieldset>
      <div class="actions">
        <p id="check" class="check-summary" aria-live="polite"></p>
        <button type="submit" id="launch">Launch job</button>
        <a class="button secondary" href="#/jobs">Cancel</a>
      </div>
    </form>`;

  const form = main.querySelector("#job-form");
  const chosen = () => schemas.get(form.schema.value);
  const drawSchema = () => {
    const s = chosen();
    main.querySelector("#task").textContent = `Task: ${metricsOfTask(s.task).described}${s.classes ? `, ${s.classes} classes` : ""} (the sites' label sets it; the model predicts it)`;
    main.querySelector("#features").textContent = `Features: ${s.featureNames.join(", ")}`;
    main.querySelector("#site-choices").innerHTML = s.sites.map(id =>
      `<label class="check"><input type="checkbox" name="site" value="${esc(id)}" checked> ${esc(id)}</label>`).join("");
    if (!form.name.value) form.name.value = `${s.schema} ${new Date().toISOString().slice(0, 10)}`;
  };
  drawSchema();

  const value = name => form.elements[name].value.trim();
  const number = name => value(name) === "" ? NaN : Number(value(name));
  const strategyName = () => form.elements["strategy.name"].value;
  const counting = () => form.kind.value === "label-counts";
  // A count has no personal models: its fields stay hidden whatever was chosen before the kind changed.
  const personalMethod = () => counting() ? "" : form.elements["personalisation.method"].value;
  const drawStrategy = () => {
    main.querySelector('[data-field="personalisation.epochs"]').hidden = personalMethod() !== "finetune";
    main.querySelector('[data-field="personalisation.earlyStopping"]').hidden = personalMethod() !== "finetune";
    main.querySelector('[data-field="personalisation.lambda"]').hidden = personalMethod() !== "ditto";
    main.querySelector('[data-field="personalisation.crossSiteEvaluation"]').hidden = personalMethod() === "";
    main.querySelector('[data-field="training.proximalMu"]').hidden = strategyName() !== "fedprox";
    main.querySelector('[data-field="strategy.serverLearningRate"]').hidden = !serverOptimisers.includes(strategyName());
    main.querySelector('[data-field="strategy.trimFraction"]').hidden = strategyName() !== "trimmedmean";
  };
  drawStrategy();
  const drawKind = () => {
    for (const selector of trainingOnly) main.querySelector(selector).hidden = counting();
    main.querySelector('[data-field="model.hiddenUnits"]').hidden = counting() || form.model.value !== "mlp";
    main.querySelector('[data-field="model.layers"]').hidden = counting() || form.model.value !== "declared";
  };
  const declared = () => !counting() && form.model.value === "declared";
  // The layers as typed, or null when they are not a list of layer objects (localProblems names why).
  const layers = () => {
    try { const l = JSON.parse(form.elements["model.layers"].value); return Array.isArray(l) && !layerProblem(l) ? l : null; } catch { return null; }
  };
  const model = () => {
    // A multiclass model ends in one output per class the sites' label declares. Image sites advertise one feature,
    // "image:CxHxW": the model reads an image of that shape.
    const image = /^image:(\d+(?:x\d+){0,2})$/.exec(chosen().featureNames.length === 1 ? chosen().featureNames[0] : "");
    const input = image ? image[1].split("x").map(Number) : undefined;
    const features = input ? input.reduce((a, b) => a * b, 1) : chosen().featureNames.length, task = chosen().task, classes = chosen().classes ?? undefined;
    return declared() ? { kind: "declared", features, input, task, classes, layers: layers() }
      : { kind: form.model.value, features, input, task, classes, hiddenUnits: number("model.hiddenUnits") };
  };
  const spec = () => {
    const s = chosen();
    const seconds = number("roundDeadline");
    const roundDeadline = Number.isFinite(seconds) && seconds > 0 ? new Date(Math.round(seconds) * 1000).toISOString().substring(11, 19) : "00:00:00";
    const sites = [...form.querySelectorAll('input[name="site"]:checked')].map(i => i.value);
    if (counting()) {
      return { kind: "label-counts", name: value("name"), schema: s.schema, featureNames: s.featureNames, rounds: 1, minSites: number("minSites"), roundDeadline, sites, secureAggregation: true };
    }
    return {
      kind: "training", name: value("name"), schema: s.schema, featureNames: s.featureNames,
      model: model(),
      training: {
        localEpochs: number("training.localEpochs"), batchSize: number("training.batchSize"), learningRate: number("training.learningRate"),
        proximalMu: strategyName() === "fedprox" ? number("training.proximalMu") : 0,
      },
      strategy: {
        name: strategyName(),
        serverLearningRate: serverOptimisers.includes(strategyName()) ? number("strategy.serverLearningRate") : 0.1,
        trimFraction: strategyName() === "trimmedmean" ? number("strategy.trimFraction") : 0.1,
        localBatchNorm: form.elements["strategy.localBatchNorm"].value || null,
      },
      personalisation: personalMethod() === "" ? null : {
        method: personalMethod(),
        epochs: personalMethod() === "finetune" ? number("personalisation.epochs") : 5,
        lambda: personalMethod() === "ditto" ? number("personalisation.lambda") : 0.1,
        earlyStopping: personalMethod() === "finetune" && form.elements["personalisation.earlyStopping"].checked,
        crossSiteEvaluation: form.elements["personalisation.crossSiteEvaluation"].checked,
      },
      rounds: number("rounds"), minSites: number("minSites"), seed: number("seed"), checkpointEvery: number("checkpointEvery"), roundDeadline, sites,
      secureAggregation: form.secureAggregation.checked,
      secureAggregationRingBits: form.secureAggregation.checked ? Number(form.secureAggregationRingBits.value) : 64,
      ...(sparseGraph() ? { secureAggregationGraph: "sparse", secureAggregationNeighbours: number("secureAggregationNeighbours"),
        secureAggregationThreshold: number("secureAggregationThreshold") } : {}),
      privacy: form.dp.checked ? { noiseMultiplier: number("privacy.noiseMultiplier"), clipNorm: number("privacy.clipNorm"), samplingRate: number("privacy.samplingRate") } : null,
      siteLevelPrivacy: form.siteDp.checked ? { noiseMultiplier: number("siteLevelPrivacy.noiseMultiplier"), clipNorm: number("siteLevelPrivacy.clipNorm"), delta: number("siteLevelPrivacy.delta") } : null,
    };
  };

  // Numbers the browser cannot read are named here; every other rule is the server's (the coordinator checks them again).
  const localProblems = () => [...form.querySelectorAll('input[type="number"]')]
    .filter(i => !i.closest("[hidden]") && (i.value.trim() === "" || !Number.isFinite(Number(i.value))))
    .map(i => `${i.name}: must be a number`).concat(declared() ? [layersProblem()].filter(Boolean) : []);
  const layersProblem = () => {
    let list;
    try { list = JSON.parse(form.elements["model.layers"].value); } catch (e) { return `model.layers: not valid JSON (${e.message})`; }
    if (!Array.isArray(list)) return 'model.layers: must be a list of layer objects, [{ "kind": … }, …]';
    const problem = layerProblem(list);
    return problem ? `model.layers: ${problem}` : null;
  };

  let problems = [], version = 0, timer = null;
  const show = (list, participants, privacy) => {
    problems = list;
    for (const el of form.querySelectorAll(".field")) {
      const name = el.dataset.field;
      const mine = list.filter(p => p.split(":")[0] === name);
      const slot = el.querySelector(".problem");
      slot.textContent = mine.map(p => p.slice(p.indexOf(":") + 1).trim()).join("; ");
      const input = el.querySelector("input, select, textarea");
      if (input) input.setAttribute("aria-invalid", mine.length ? "true" : "false");
    }
    const placed = new Set([...form.querySelectorAll(".field")].map(f => f.dataset.field));
    const other = list.filter(p => !placed.has(p.split(":")[0]));
    const summary = main.querySelector("#check");
    summary.className = `check-summary ${list.length ? "bad" : "good"}`;
    summary.innerHTML = list.length
      ? `${list.length} problem${list.length === 1 ? "" : "s"} to fix before launching.${other.length ? `<br>${other.map(esc).join("<br>")}` : ""}`
      : participants ? `Ready: ${participants.length} site${participants.length === 1 ? "" : "s"} would take part (${esc(participants.join(", "))}).` : "";
    main.querySelector("#launch").disabled = list.length > 0;
    if (privacy) drawPrivacy(privacy);
  };
  // The sparse graph's k and t follow the sites that would take part until the lead types their own.
  let graphEdited = false;
  const sparseGraph = () => form.secureAggregation.checked && form.secureAggregationGraph.value === "sparse";
  const drawGraph = suggestion => {
    const out = main.querySelector("#graph-suggestion");
    if (!suggestion) { out.textContent = sparseGraph() ? "A sparse graph needs at least 3 sites taking part." : ""; return; }
    const planned = suggestion.planned
      ? `For ${suggestion.sites} sites, k = ${suggestion.neighbours} and t = ${suggestion.threshold} keep the sum private and the round complete with up to ${Math.round(suggestion.corruptFraction * 100)} % of the sites corrupt and ${Math.round(suggestion.dropoutFraction * 100)} % dropping out.`
      : `${suggestion.sites} sites are too few for a sparse graph to save work: k = ${suggestion.neighbours}, t = ${suggestion.threshold} masks each site with nearly every other.`;
    out.textContent = planned;
    if (!graphEdited && sparseGraph() && (number("secureAggregationNeighbours") !== suggestion.neighbours || number("secureAggregationThreshold") !== suggestion.threshold)) {
      form.secureAggregationNeighbours.value = suggestion.neighbours;
      form.secureAggregationThreshold.value = suggestion.threshold;
      soon();
    }
  };
  const drawPrivacy = p => {
    const parts = [];
    if (form.dp.checked) parts.push(p.epsilonPerRound == null ? "DP-SGD: fix its settings to see the ε it costs."
      : `DP-SGD costs each site ε ≈ ${num(p.epsilonPerRound)} per round (${p.stepsPerRound} steps, δ = ${p.delta}), ε ≈ ${num(p.epsilonAllRounds)} over all rounds.`);
    if (form.siteDp.checked) parts.push(p.siteLevelEpsilon == null ? "Site-level DP: fix its settings to see its ε."
      : `Site-level DP: ε ≈ ${num(p.siteLevelEpsilon)} for any one site's whole data after the last round (δ = ${p.siteLevelDelta}).`);
    main.querySelector("#epsilon").textContent = parts.join(" ") || "Without differential privacy, no ε is spent.";
  };
  // The model's figures and who would train it; a model that does not build says why in place of its figures.
  const drawModel = result => {
    const host = main.querySelector("#model-check");
    if (!result || result.digest == null) { host.innerHTML = ""; return; }
    const shapes = list => `<ol>${list.map(l => `<li><code>${esc(l.kind)}</code>${l.name ? ` <small>${esc(l.name)}</small>` : ""} → [${l.output.join(", ")}]` +
      (l.layers.length ? shapes(l.layers) : "") + `</li>`).join("")}</ol>`;
    const sites = [result.accepting.length ? `Accepted by the policies of ${esc(result.accepting.join(", "))}.` : "No chosen site's policy accepts it.",
      ...result.refusing.map(r => `<span class="error"><strong>${esc(r.site)}</strong> refuses: ${esc(r.reason)}</span>`)];
    host.innerHTML = `<p>${modelFigures(result.digest, result.parameters)}</p><div id="model-layers">Output shape per row: ${shapes(result.layers)}</div>` +
      `<p id="model-sites">${sites.join("<br>")}</p>`;
  };
  const check = async () => {
    const mine = ++version;
    const local = localProblems();
    if (local.length) { show(local, null, null); drawModel(null); return; }
    try {
      const s = spec();
      const [result, modelResult] = await Promise.all([api.checkJob(s),
        counting() ? null : api.checkModel({ model: s.model, featureNames: s.featureNames, sites: s.sites })]);
      if (mine !== version) return;
      // A model that does not build is named by both checks: keep the model check's words, at the model's own field.
      const named = new Set((modelResult?.problems ?? []).map(p => p.slice(p.indexOf(":") + 1).trim()));
      const list = result.problems.filter(p => !(p.startsWith("model:") && named.has(p.slice(p.indexOf(":") + 1).trim())));
      show([...list, ...(modelResult?.problems ?? [])], result.participants, result.privacy);
      drawGraph(result.sparseGraph);
      drawModel(modelResult);
    } catch (e) { if (mine === version) { show([`${declared() ? "model.layers" : "form"}: ${e.message}`], null, null); drawModel(null); } }
  };
  const soon = () => { clearTimeout(timer); timer = setTimeout(check, 250); };
  form.addEventListener("input", soon);
  form.addEventListener("change", event => {
    if (event.target.name === "schema") drawSchema();
    main.querySelector("#dp-settings").hidden = !form.dp.checked;
    main.querySelector("#site-dp-settings").hidden = !form.siteDp.checked;
    main.querySelector("#ring-settings").hidden = !form.secureAggregation.checked;
    main.querySelector("#sparse-settings").hidden = !sparseGraph();
    if (event.target.name === "secureAggregationNeighbours" || event.target.name === "secureAggregationThreshold") graphEdited = true;
    drawKind();
    drawStrategy();
    soon();
  });
  drawKind();
  form.addEventListener("submit", async event => {
    event.preventDefault();
    clearTimeout(timer);
    await check();
    if (problems.length) { form.querySelector('[aria-invalid="true"]')?.focus(); return; }
    const button = main.querySelector("#launch");
    button.disabled = true;
    try {
      const accepted = await api.createJob(spec());
      location.hash = `#/jobs/${accepted.jobId}`;
    } catch (e) { show([`form: the coordinator refused the job: ${e.message}`], null, null); button.disabled = false; }
  });
  await check();
  return () => clearTimeout(timer);
}
