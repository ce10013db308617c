import type { Hono, MiddlewareHandler } from "hono";
import type { DashboardDeps } from "./dashboard/deps";
import { securityHeaders } from "./dashboard/security-headers";

/** Every path the dashboard answers (dashboard.tsx), none inside another: `/dashboard/*` is also `/dashboard`. */
export const DASHBOARD_PATHS = ["/", "/dashboard/*", "/static/*", "/api/stats", "/api/requests"] as const;

/**
 * The dashboard mounted on `app` without loading it: its pages, views, queries and static files
 * (66 modules, 1.5–2 MiB of the proxy's resident memory after start, which a proxy whose dashboard
 * nobody opens never needs: bench/PROFILE.md, twenty-fourth pass) load on the first request for
 * one of its paths. A request there that the dashboard has no route for (POST /) goes on to the
 * app's own 405 and 404 answers with the dashboard's security headers, as when it was mounted whole.
 */
export function mountLazyDashboard(app: Hono, deps: DashboardDeps): void {
  const unmatched = new WeakSet<Response>();
  let loading: Promise<Hono> | undefined;
  const load = () =>
    (loading ??= import("./dashboard").then(
      ({ dashboardRoutes }) =>
        dashboardRoutes(deps).notFound(() => {
          const response = new Response(null, { status: 404 });
          unmatched.add(response);
          return response;
        }),
      (error: unknown) => {
        // The next request tries again.
        loading = undefined;
        throw error;
      },
    ));
  const serve: MiddlewareHandler = async (c, next) => {
    const response = await (await load()).fetch(c.req.raw, c.env);
    if (unmatched.has(response)) return securityHeaders(c, next);
    return response;
  };
  for (const path of DASHBOARD_PATHS) app.use(path, serve);
}
