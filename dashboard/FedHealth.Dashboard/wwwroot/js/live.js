// The live channel: one SignalR connection (the session cookie signs it in), reconnecting on its own. Views
// subscribe to the hub's events and drop their handlers when the route changes.
const listeners = new Map();
let connection = null;

function badge(text, kind) {
  const el = document.getElementById("live");
  el.hidden = false;
  el.textContent = text;
  el.className = `badge ${kind}`;
}

export function on(event, handler) {
  if (!listeners.has(event)) listeners.set(event, new Set());
  listeners.get(event).add(handler);
  return () => listeners.get(event).delete(handler);
}

const events = ["roundCompleted", "jobEnded", "jobCreated", "jobStatusChanged", "siteHeartbeat", "transferAppended"];

export async function connect() {
  if (connection) return;
  connection = new signalR.HubConnectionBuilder().withUrl("/hubs/federation").withAutomaticReconnect([0, 1000, 2000, 5000, 10000, 30000]).build();
  for (const name of events) connection.on(name, payload => (listeners.get(name) ?? []).forEach(h => h(payload)));
  connection.onreconnecting(() => badge("reconnecting…", "warn"));
  connection.onreconnected(() => { badge("live", "ok"); (listeners.get("reconnected") ?? []).forEach(h => h()); });
  connection.onclose(() => badge("offline: reload to reconnect", "off"));
  badge("connecting…", "warn");
  try { await connection.start(); badge("live", "ok"); }
  catch { badge("offline: reload to reconnect", "off"); }
}

export async function disconnect() {
  if (!connection) return;
  const c = connection; connection = null;
  await c.stop();
  document.getElementById("live").hidden = true;
}
