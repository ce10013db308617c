/** @jsxImportSource hono/jsx */
import type { Context, Hono } from "hono";
import { parseRange } from "../../db/stats-window";
import { OverviewPage } from "../../../views/pages/overview-page";
import { OverviewContent } from "../../../views/partials/overview-content";
import type { DashboardContext } from "./deps";
import { loadOverview } from "./overview-data";
import { renderHtml } from "./render";

/** GET / and GET /dashboard: the overview; ?range=24h|7d|30d. */
export function addOverviewRoutes(app: Hono, deps: DashboardContext): void {
  const overview = async (c: Context) => {
    const props = await loadOverview(deps, parseRange(c.req.query("range")));
    return renderHtml(c, { page: () => <OverviewPage {...props} assets={deps.assets} />, partial: () => <OverviewContent {...props} /> });
  };
  app.get("/", overview);
  app.get("/dashboard", overview);
}
