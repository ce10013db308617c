import type { MiddlewareHandler } from "hono";

/**
 * Guards the dashboard's state-changing routes against cross-site requests: the browser must say
 * the request came from this origin (Sec-Fetch-Site: same-origin), or, where it does not send
 * that header, its Origin must be this server's. A request with neither is refused too: every
 * browser sends Origin on a POST, and other clients have no business here.
 */
export const sameOriginOnly: MiddlewareHandler = async (c, next) => {
  const site = c.req.header("sec-fetch-site");
  const origin = c.req.header("origin");
  const ownOrigin = new URL(c.req.url).origin;
  const allowed = site !== undefined ? site === "same-origin" : origin !== undefined && origin === ownOrigin;
  if (!allowed) {
    return c.text("Refused: this action is accepted only from the dashboard's own pages (same origin).", 403);
  }
  await next();
};

/**
 * For JSON APIs that scripts call too (PUT /api/budgets): a request without browser headers (curl,
 * an SDK) passes; one a browser marks as coming from another site, or whose Origin is not this
 * server's, is refused with `refuse`'s answer.
 */
export function refuseCrossSite(refuse: (message: string) => Response): MiddlewareHandler {
  return async (c, next) => {
    const site = c.req.header("sec-fetch-site");
    const origin = c.req.header("origin");
    const crossSite = (site !== undefined && site !== "same-origin" && site !== "none") || (origin !== undefined && origin !== new URL(c.req.url).origin);
    if (crossSite) return refuse("Refused: a page on another site cannot change this; use the dashboard, or call the API from a script.");
    await next();
  };
}
