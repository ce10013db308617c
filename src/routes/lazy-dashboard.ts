import type { Hono, MiddlewareHandler } from "hono";
import type { DoorEndpoint } from "../doors/door";
import type { DashboardDeps } from "./dashboard/deps";
import { securityHeaders } from "./dashboard/security-headers";

/** Every path the dashboard answers (dashboard.tsx), none inside another: `/dashboard/*` is also `/dashboard`. */
export const DASHBOARD_PATHS = ["/", "/dashboard/*", "/static/*", "/api/stats", "/api/requests"] as const;

/**
 * The methods its pages and files take (dashboard.tsx), for the app's 405 answers: a path under
 * `/dashboard/*` that takes another method is listed before that wildcard, which would answer first.
 * (/api/stats and /api/requests are among the app's own endpoints.)
 */
export const DASHBOARD_ENDPOINTS: readonly DoorEndpoint[] = [
  { method: "GET", path: "/dashboard/budgets" },
  { method: "POST", path: "/dashboard/budgets" },
  { method: "POST", path: "/dashboard/providers/test" },
  { method: "GET", path: "/" },
  { method: "GET", path: "/dashboard/*" },
  { method: "GET", path: "/static/*" },
];

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
