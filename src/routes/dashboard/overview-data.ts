import { loadOverviewStats } from "../../db/dashboard-queries";
import { type Range, statsWindow } from "../../db/stats-window";
import type { OverviewProps } from "../../../views/partials/overview-content";
import type { DashboardDeps } from "./deps";

/** The overview's props for a range: the same object the page renders and /api/stats returns. */
export async function loadOverview(deps: DashboardDeps, range: Range, now: Date = new Date()): Promise<OverviewProps> {
  const window = statsWindow(range, now);
  const stats = await loadOverviewStats(deps.db, window);
  return { range, buckets: window.buckets, stepMs: window.stepMs, generatedAt: now, stats, baselineModel: baselineName(deps) };
}

export function baselineName(deps: DashboardDeps): string | null {
  const baseline = deps.pipeline.routing.baseline;
  return baseline ? `${baseline.provider}:${baseline.model}` : null;
}
