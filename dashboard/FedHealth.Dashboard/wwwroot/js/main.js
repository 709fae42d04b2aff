// The dashboard's shell: session, navigation by role, routing (#/jobs, #/jobs/new, #/jobs/<id>, #/sites, #/ledger, and
// #/device, where a signed-in person approves a command line's sign-in).
import { api, session, whenSignedOut } from "./api.js";
import { connect, disconnect } from "./live.js";
import { esc } from "./format.js";
import { renderSignIn } from "./views/signin.js";
import { renderJobs } from "./views/jobs.js";
import { renderNewJob } from "./views/new-job.js";
import { renderJob } from "./views/job.js";
import { renderSites } from "./views/sites.js";
import { renderLedger } from "./views/ledger.js";
import { renderDevice } from "./views/device.js";

const main = document.getElementById("main");
let leave = () => {};

export function toast(message, kind = "error") {
  const el = document.getElementById("toast");
  el.textContent = message;
  el.className = `show ${kind}`;
  clearTimeout(el.timer);
  el.timer = setTimeout(() => { el.className = ""; el.textContent = ""; }, 6000);
}

function home() { return session.role === "auditor" ? "#/ledger" : session.role === "site-admin" ? "#/sites" : "#/jobs"; }

function shell() {
  const signedIn = !!session.user;
  document.getElementById("nav").hidden = !signedIn;
  const user = document.getElementById("user");
  user.hidden = !signedIn;
  user.innerHTML = signedIn ? `${esc(session.user)} <span class="role">${esc(session.role)}</span>` : "";
  document.getElementById("sign-out").hidden = !signedIn;
}

// Each navigation renders into a fresh view element: a slower, earlier navigation that finishes late writes into
// its own detached element (never over the page now shown) and its live subscriptions are dropped at once.
let navigation = 0;

async function route() {
  const mine = ++navigation;
  leave();
  leave = () => {};
  shell();
  if (!session.user) { leave = renderSignIn(main, signedIn) ?? (() => {}); return; }
  const hash = location.hash || home();
  if (hash === "#/" || hash === "#") { location.hash = home(); return; }
  const [, section, id] = hash.split("/");
  for (const link of document.querySelectorAll("#nav a")) {
    if (link.dataset.route === section) link.setAttribute("aria-current", "page"); else link.removeAttribute("aria-current");
  }
  const view = document.createElement("div");
  view.className = "view";
  main.replaceChildren(view);
  let cleanup = () => {};
  try {
    if (section === "jobs" && id === "new") cleanup = await renderNewJob(view);
    else if (section === "jobs" && id) cleanup = await renderJob(view, decodeURIComponent(id));
    else if (section === "jobs") cleanup = await renderJobs(view);
    else if (section === "sites") cleanup = await renderSites(view);
    else if (section === "ledger") cleanup = await renderLedger(view);
    else if (section === "device") cleanup = renderDevice(view);
    else view.innerHTML = `<h1>Not found</h1><p>There is no page ${esc(hash)}. <a href="${home()}">Go back</a>.</p>`;
  } catch (e) {
    view.innerHTML = `<h1>Something went wrong</h1><p class="error">${esc(e.message)}</p><p><button type="button" id="retry">Try again</button></p>`;
    view.querySelector("#retry").addEventListener("click", route);
  }
  if (mine !== navigation) { (cleanup ?? (() => {}))(); return; }
  leave = cleanup ?? (() => {});
  const heading = main.querySelector("h1");
  if (heading) { heading.tabIndex = -1; heading.focus({ preventScroll: true }); }
}

async function signedIn() {
  await connect();
  if (!location.hash || location.hash === "#/") location.hash = home(); else await route();
}

document.getElementById("sign-out").addEventListener("click", async () => {
  try { await api.signOut(); } catch { /* the session may be gone already */ }
  await disconnect();
  location.hash = "";
  await route();
});
whenSignedOut(async () => { session.user = null; session.role = null; await disconnect(); await api.session(); await route(); });
window.addEventListener("hashchange", route);

(async () => {
  try { await api.session(); }
  catch (e) { main.innerHTML = `<h1>The dashboard cannot reach its server</h1><p class="error">${esc(e.message)}</p>`; return; }
  if (session.user) await connect();
  await route();
})();
