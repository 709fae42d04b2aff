// Sign-in form: a lead, an auditor or a site admin signs in with a local account, or through the organisation's
// OpenID Connect provider when the dashboard has one (a plain link: the provider's pages take over the browser; from the
// device approval page it asks to come back there).
import { api, session } from "../api.js";
import { esc } from "../format.js";

export function renderSignIn(main, done) {
  main.innerHTML = `
    <section class="narrow card">
      <h1>Sign in</h1>
      <p>FedHealth trains models across hospitals; no patient record leaves its hospital.</p>
      <form id="sign-in" novalidate>
        <label for="user-name">User name</label>
        <input id="user-name" name="user" autocomplete="username" required>
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required>
        <p id="sign-in-error" class="error" role="alert"></p>
        <button type="submit">Sign in</button>
      </form>
      ${session.signInWith ? `<p class="or">or</p>
      <p><a id="sign-in-oidc" class="button secondary" href="/api/session/oidc${location.hash === "#/device" ? "?then=device" : ""}">Sign in with ${esc(session.signInWith)}</a></p>` : ""}
    </section>`;
  const form = main.querySelector("#sign-in");
  const error = main.querySelector("#sign-in-error");
  form.addEventListener("submit", async event => {
    event.preventDefault();
    const user = form.user.value.trim(), password = form.password.value;
    if (!user || !password) { error.textContent = "Give your user name and password."; return; }
    form.querySelector("button").disabled = true;
    try { await api.signIn(user, password); await done(); }
    catch (e) { error.innerHTML = esc(e.message); form.password.value = ""; form.password.focus(); }
    finally { form.querySelector("button").disabled = false; }
  });
  main.querySelector("#user-name").focus();
}
