import { Hono } from "hono";
import { html } from "hono/html";
import { type AccessControl, LOGIN_PATH } from "../security/access-control";

/**
 * The browser's way in when PROXY_API_KEY is set: GET /login shows a one-field form, POST /login
 * checks the key (in constant time) and sets the session cookie, POST /logout clears it. Without
 * a key there is nothing to log in to and /login sends the browser on.
 */
export function loginRoutes(access: AccessControl): Hono {
  const routes = new Hono();
  const { key, session } = access;

  routes.get(LOGIN_PATH, (c) => {
    const next = safeNext(c.req.query("next"));
    return key ? c.html(loginPage(next, false)) : c.redirect(next, 303);
  });

  routes.post(LOGIN_PATH, async (c) => {
    const form = await c.req.parseBody();
    const next = safeNext(typeof form.next === "string" ? form.next : undefined);
    if (!key || !session) return c.redirect(next, 303);
    if (!key.matches(typeof form.key === "string" ? form.key : undefined)) return c.html(loginPage(next, true), 401);
    await session.issue(c);
    return c.redirect(next, 303);
  });

  routes.post("/logout", (c) => {
    session?.clear(c);
    return c.redirect(LOGIN_PATH, 303);
  });

  return routes;
}

/** Where to go after logging in: a path on this proxy only, never another site (`//evil.example`). */
function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])[^\s]*$/.test(next) ? next : "/";
}

function loginPage(next: string, failed: boolean) {
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>claude-proxy · log in</title></head>
<body>
<main>
<h1>claude-proxy</h1>
<form method="post" action="${LOGIN_PATH}">
<label>API key (PROXY_API_KEY) <input type="password" name="key" autocomplete="current-password" required autofocus></label>
<input type="hidden" name="next" value="${next}">
<button type="submit">Log in</button>
</form>
${failed ? html`<p role="alert">That is not the proxy's key.</p>` : ""}
</main>
</body>
</html>`;
}
