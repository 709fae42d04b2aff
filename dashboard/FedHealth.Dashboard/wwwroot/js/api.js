// The dashboard API: every call carries the session cookie and, for changes, the anti-forgery token the server
// handed out with the session. Errors come back as { error } and are thrown as Error(message).
let csrf = "";
let onSignedOut = () => {};

export const session = { user: null, role: null, signInWith: null };
export const isLead = () => session.role === "lead";
export function whenSignedOut(handler) { onSignedOut = handler; }

async function call(method, url, body) {
  const headers = { "Accept": "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-CSRF-TOKEN"] = csrf;
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin" });
  if (response.status === 401 && !url.startsWith("/api/session")) { onSignedOut(); throw new Error("Your session has ended: sign in again."); }
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const message = data?.error ?? (response.status === 403 ? "Your role does not allow this." : `The server answered ${response.status}.`);
    const error = new Error(message); error.status = response.status; throw error;
  }
  return data;
}

function remember(info) {
  csrf = info.csrf;
  session.user = info.signedIn ? info.user : null;
  session.role = info.signedIn ? info.role : null;
  session.signInWith = info.signInWith ?? null;
  return info;
}

export const api = {
  session: async () => remember(await call("GET", "/api/session")),
  signIn: async (user, password) => remember(await call("POST", "/api/session", { user, password })),
  signOut: async () => remember(await call("DELETE", "/api/session")),
  status: (offset = 0, limit = 50) => call("GET", `/api/status?offset=${offset}&limit=${limit}`),
  job: id => call("GET", `/api/jobs/${encodeURIComponent(id)}`),
  checkJob: spec => call("POST", "/api/jobs/check", spec),
  checkModel: request => call("POST", "/api/models/check", request),
  createJob: spec => call("POST", "/api/jobs", spec),
  stopJob: (id, reason) => call("POST", `/api/jobs/${encodeURIComponent(id)}/stop`, { reason }),
  resumeJob: id => call("POST", `/api/jobs/${encodeURIComponent(id)}/resume`, {}),
  ledger: query => call("GET", `/api/ledger?${query}`),
  verifyLedger: () => call("GET", "/api/ledger/verify"),
  deviceLookup: userCode => call("POST", "/api/device/lookup", { userCode }),
  deviceApprove: (userCode, approve) => call("POST", "/api/device/approve", { userCode, approve }),
};
