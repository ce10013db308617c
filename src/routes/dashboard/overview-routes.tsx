/** @jsxImportSource hono/jsx */
import type { Context, Hono } from "hono";
import { RANGES, isRange, parseRange } from "../../db/stats-window";
import { MessagePage } from "../../../views/pages/message-page";
import { OverviewPage } from "../../../views/pages/overview-page";
import { OverviewContent } from "../../../views/partials/overview-content";
import type { DashboardContext } from "./deps";
import { loadOverview } from "./overview-data";
import { renderHtml } from "./render";

/** GET / and GET /dashboard: the overview; ?range=24h|7d|30d. */
export function addOverviewRoutes(app: Hono, deps: DashboardContext): void {
  const overview = async (c: Context) => {
    // Empty means the default, as a plain GET form sends it; anything else must be a range (as /api/stats).
    const range = c.req.query("range");
    if (range && !isRange(range)) {
      const problems = [`range: must be one of ${RANGES.join(", ")}`];
      return renderHtml(c, { page: () => <MessagePage assets={deps.assets} section="overview" title="Bad range" message="This range cannot be shown:" problems={problems} /> }, 400);
    }
    const props = await loadOverview(deps, parseRange(range));
    return renderHtml(c, { page: () => <OverviewPage {...props} assets={deps.assets} />, partial: () => <OverviewContent {...props} /> });
  };
  app.get("/", overview);
  app.get("/dashboard", overview);
}
