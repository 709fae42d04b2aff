// Device sign-in (#/device, reached from /device): a command line (`fedhealth job login`) showed its person a code;
// they type it here, see what asks and as whom, and approve or deny. Approval takes this browser session and its
// anti-forgery token; the server throttles wrong codes per user.
import { api, session } from "../api.js";
import { esc, time } from "../format.js";

export function renderDevice(main) {
  main.innerHTML = `
    <section class="narrow card" id="device">
      <h1>Sign in a command line</h1>
      <p>A command line (<code>fedhealth job login</code>) showed a code. Enter it to let that command line act as you.
        Only enter a code you asked for yourself.</p>
      <form id="device-code" novalidate>
        <label for="user-code">Code</label>
        <input id="user-code" name="code" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="20" required
          aria-describedby="user-code-hint user-code-error">
        <small id="user-code-hint">8 letters, shown as XXXX-XXXX</small>
        <p id="user-code-error" class="error" role="alert"></p>
        <button type="submit">Continue</button>
      </form>
      <div id="device-request" hidden>
        <h2>Let this command line act as you?</h2>
        <p id="device-question"></p>
        <dl class="facts-list">
          <dt>Code</dt><dd id="device-user-code"></dd>
          <dt>The command line says it is</dt><dd id="device-client"></dd>
        </dl>
        <p id="device-error" class="error" role="alert"></p>
        <div class="actions">
          <button type="button" id="device-approve">Approve</button>
          <button type="button" id="device-deny" class="secondary">Deny</button>
        </div>
      </div>
      <p id="device-done" class="notice" role="status"></p>
    </section>`;
  const form = main.querySelector("#device-code");
  const input = main.querySelector("#user-code");
  const error = main.querySelector("#user-code-error");
  const request = main.querySelector("#device-request");
  const done = main.querySelector("#device-done");
  let code = null;

  form.addEventListener("submit", async event => {
    event.preventDefault();
    error.textContent = ""; input.removeAttribute("aria-invalid"); done.textContent = ""; done.className = "notice";
    if (!input.value.trim()) { error.textContent = "Enter the code the command line shows."; input.setAttribute("aria-invalid", "true"); input.focus(); return; }
    form.querySelector("button").disabled = true;
    try {
      const found = await api.deviceLookup(input.value);
      code = found.userCode;
      main.querySelector("#device-question").innerHTML =
        `A command line at <strong>${esc(found.address)}</strong>, requested at ${esc(time(found.requestedAt))}, asks to act as
        <strong>${esc(found.user)}</strong> with role <strong>${esc(found.role)}</strong> until about ${esc(time(found.sessionUntil))}
        (one hour after it collects its token). The code expires at ${esc(time(found.expiresAt))}.`;
      main.querySelector("#device-user-code").textContent = found.userCode;
      main.querySelector("#device-client").textContent = found.claimedClient ? `"${found.claimedClient}" (its own words, not checked)` : "nothing";
      form.hidden = true;
      request.hidden = false;
      main.querySelector("#device-approve").focus();
    } catch (e) {
      error.textContent = e.message; input.setAttribute("aria-invalid", "true"); input.focus();
    } finally { form.querySelector("button").disabled = false; }
  });

  const decide = approve => async () => {
    const buttons = request.querySelectorAll("button");
    buttons.forEach(b => { b.disabled = true; });
    try {
      await api.deviceApprove(code, approve);
      request.hidden = true;
      done.className = `notice ${approve ? "good" : ""}`;
      done.textContent = approve
        ? `Approved: the command line now acts as ${session.user} (${session.role}). You can close this page.`
        : "Denied: the command line gets no access.";
    } catch (e) {
      main.querySelector("#device-error").textContent = e.message;
    } finally { buttons.forEach(b => { b.disabled = false; }); }
  };
  main.querySelector("#device-approve").addEventListener("click", decide(true));
  main.querySelector("#device-deny").addEventListener("click", decide(false));
  input.focus();
  return () => {};
}
