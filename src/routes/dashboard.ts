import { Hono } from "hono";
import { addInfoRoutes } from "./dashboard/info-routes";
import { addOverviewRoutes } from "./dashboard/overview-routes";
import { addProviderRoutes } from "./dashboard/provider-routes";
import { addRequestRoutes } from "./dashboard/request-routes";
import { securityHeaders } from "./dashboard/security-headers";
import type { DashboardDeps } from "./dashboard/deps";
import { loadStaticAssets } from "./dashboard/static-assets";
import { statsApiRoutes } from "./stats-api";

export type { DashboardDeps } from "./dashboard/deps";

/**
 * The browser dashboard (/, /dashboard/…), its static files (/static/…) and its JSON (/api/stats,
 * /api/requests), with security headers on all of them. Mounted at the app's root.
 */
export function dashboardRoutes(deps: DashboardDeps): Hono {
  const app = new Hono();
  const assets = loadStaticAssets();
  const context = { ...deps, assets: assets.urls };
  for (const path of ["/", "/dashboard", "/dashboard/*", "/static/*", "/api/stats", "/api/requests"]) app.use(path, securityHeaders);
  app.route("/static", assets.routes);
  addOverviewRoutes(app, context);
  addRequestRoutes(app, context);
  addProviderRoutes(app, context);
  addInfoRoutes(app, context);
  app.route("/api", statsApiRoutes(deps));
  return app;
}
