/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import { MessagePage } from "../../views/pages/message-page";
import { addBudgetRoutes } from "./dashboard/budget-routes";
import type { DashboardDeps } from "./dashboard/deps";
import { addInfoRoutes } from "./dashboard/info-routes";
import { addOverviewRoutes } from "./dashboard/overview-routes";
import { addProviderRoutes } from "./dashboard/provider-routes";
import { renderHtml } from "./dashboard/render";
import { addRequestRoutes } from "./dashboard/request-routes";
import { securityHeaders } from "./dashboard/security-headers";
import { loadStaticAssets } from "./dashboard/static-assets";
import { statsApiRoutes } from "./stats-api";

export type { DashboardDeps } from "./dashboard/deps";

/**
 * The browser dashboard (/, /dashboard/…), its static files (/static/…) and its JSON (/api/stats,
 * /api/requests), with security headers on all of them. Mounted at the app's root. A page that
 * fails is an HTML error page (the JSON routes keep the API's error shape).
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
  addBudgetRoutes(app, context);
  addInfoRoutes(app, context);
  app.route("/api", statsApiRoutes(deps));

  app.get("/dashboard/*", (c) => {
    // `/dashboard/` or `/dashboard/requests/`, as typed or bookmarked: the page without the slash.
    const path = c.req.path;
    if (path.endsWith("/")) return c.redirect(`${path.replace(/\/+$/, "")}${new URL(c.req.url).search}`, 301);
    return renderHtml(c, { page: () => <MessagePage assets={context.assets} section="overview" title="Page not found" message={`The dashboard has no page at ${path}.`} /> }, 404);
  });
  app.onError((error, c) => {
    deps.pipeline.logger.error("dashboard error", { path: c.req.path, error: String(error) });
    if (c.req.path.startsWith("/api/")) return c.json({ error: { message: "The dashboard could not read its figures; see the proxy's log.", type: "api_error" } }, 500);
    return renderHtml(c, { page: () => <MessagePage assets={context.assets} section="overview" title="Something went wrong" message="The dashboard could not read its figures; the proxy's log says why." /> }, 500);
  });
  return app;
}
