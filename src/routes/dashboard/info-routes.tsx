/** @jsxImportSource hono/jsx */
import type { Hono } from "hono";
import { listRecentFeedback, loadTierCounts } from "../../db/dashboard/routing-queries";
import { parseRange, statsWindow } from "../../db/stats-window";
import { resolveThresholds } from "../../routing/classifier/thresholds";
import { RoutingPage } from "../../../views/pages/routing-page";
import { SettingsPage } from "../../../views/pages/settings-page";
import type { DashboardContext } from "./deps";
import { baselineName } from "./overview-data";
import { renderHtml } from "./render";
import { settingEntries } from "./settings-entries";

/** The pages that only show state: routing, settings. */
const RECENT_FEEDBACK = 25;

export function addInfoRoutes(app: Hono, deps: DashboardContext): void {
  app.get("/dashboard/routing", async (c) => {
    const window = statsWindow(parseRange(c.req.query("range")));
    const tierCounts = await loadTierCounts(deps.db, window.since, window.until);
    const feedback = await listRecentFeedback(deps.db, RECENT_FEEDBACK);
    return renderHtml(c, {
      page: () => (
        <RoutingPage
          assets={deps.assets}
          range={window.range}
          thresholds={resolveThresholds(deps.pipeline.routing.thresholds)}
          successThreshold={deps.config.successThreshold}
          successMinSamples={deps.config.successMinSamples}
          baselineModel={baselineName(deps)}
          tierCounts={tierCounts}
          successRates={deps.pipeline.routing.successRates.snapshot().map((sample) => ({ ...sample, modelKey: deps.pipeline.redactor.redact(sample.modelKey) }))}
          feedback={feedback}
        />
      ),
    });
  });

  app.get("/dashboard/settings", (c) =>
    renderHtml(c, {
      page: () => (
        <SettingsPage
          assets={deps.assets}
          database={deps.databaseDescription}
          entries={settingEntries(deps.config)}
        />
      ),
    }),
  );
}
