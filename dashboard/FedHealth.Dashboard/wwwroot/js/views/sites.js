// Sites: each hospital's agent as the coordinator last heard from it (online, training, gone), its device,
// jurisdiction and what its own policy allows. Heartbeats update the table live.
import { api } from "../api.js";
import { on } from "../live.js";
import { esc, ago, time } from "../format.js";

const state = s => !s.online ? "gone" : (s.lastHeartbeat.activity ?? "idle").startsWith("training") ? "training" : "online";

function policy(p) {
  if (!p) return '<span class="empty">no policy file: sends only within its own jurisdiction</span>';
  return `<ul class="plain">${p.destinations.map(d => `<li>to ${esc(d.jurisdiction)} <small>(${esc(d.legalBasis)})</small></li>`).join("")}</ul>` +
    `<small>kinds: ${esc(p.dataKinds.join(", "))}${p.consortia.length ? ` · consortia: ${esc(p.consortia.join(", "))}` : ""}</small>`;
}

export async function renderSites(main) {
  main.innerHTML = `
    <h1>Sites</h1>
    <p>Each hospital's site agent, as the coordinator last heard from it. A site that stops sending heartbeats is shown as gone.</p>
    <div class="table-wrap"><table id="sites-table"><caption class="sr-only">Sites and their status</caption>
      <thead><tr><th scope="col">Site</th><th scope="col">Status</th><th scope="col">Last heartbeat</th><th scope="col">Device</th>
      <th scope="col">Jurisdiction</th><th scope="col">Data</th><th scope="col">Policy</th></tr></thead><tbody></tbody></table></div>`;
  const body = main.querySelector("tbody");
  let sites = new Map();
  const draw = () => {
    if (sites.size === 0) { body.innerHTML = '<tr class="empty"><td colspan="7">No site has reported yet. Sites appear here when their agent starts.</td></tr>'; return; }
    body.innerHTML = [...sites.values()].sort((a, b) => a.lastHeartbeat.siteId.localeCompare(b.lastHeartbeat.siteId)).map(s => {
      const h = s.lastHeartbeat, st = state(s);
      return `<tr data-site="${esc(h.siteId)}"><th scope="row">${esc(h.siteId)}${h.simulated ? ' <span class="tag">simulated</span>' : ""}${h.description ? `<br><small>${esc(h.description)}</small>` : ""}</th>
        <td><span class="badge site-${st}">${st}</span>${st === "training" ? `<br><small>${esc(h.activity)}</small>` : ""}</td>
        <td><time datetime="${esc(h.sentAt)}" title="${esc(time(h.sentAt))}">${ago(h.sentAt)}</time></td>
        <td>${esc(h.device.toUpperCase())}</td><td>${esc(h.jurisdiction)}</td>
        <td>${esc(h.schema)}<br><small>${h.trainSamples} train / ${h.testSamples} test rows</small></td><td>${policy(h.policy)}</td></tr>`;
    }).join("");
  };
  const load = async () => { sites = new Map((await api.status()).sites.map(s => [s.lastHeartbeat.siteId, s])); draw(); };
  await load();
  const offs = [
    on("siteHeartbeat", h => { sites.set(h.siteId, { lastHeartbeat: h, online: true }); draw(); }),
    on("reconnected", () => load().catch(() => {})),
  ];
  // "Gone" is the coordinator's verdict; ask it again now and then, and keep the "… ago" fresh.
  const timer = setInterval(() => load().catch(() => {}), 10000);
  return () => { offs.forEach(off => off()); clearInterval(timer); };
}
