import { createHash } from "node:crypto";
import type { MigrationMeta } from "drizzle-orm/migrator";
import journal from "./migrations/meta/_journal.json" with { type: "json" };
import init from "./migrations/0000_init.sql" with { type: "text" };
import routing from "./migrations/0001_routing.sql" with { type: "text" };
import dashboard from "./migrations/0002_dashboard.sql" with { type: "text" };
import retention from "./migrations/0003_retention.sql" with { type: "text" };
import cacheBudgets from "./migrations/0004_cache_budgets.sql" with { type: "text" };
import subscriptionValue from "./migrations/0005_subscription_value.sql" with { type: "text" };
import dashboardSavings from "./migrations/0006_dashboard_savings.sql" with { type: "text" };
import usageEstimated from "./migrations/0007_usage_estimated.sql" with { type: "text" };
import staticRollupTrigger from "./migrations/0008_static_rollup_trigger.sql" with { type: "text" };
import cacheWrittenXid from "./migrations/0009_cache_written_xid.sql" with { type: "text" };
import feedbackCacheKey from "./migrations/0010_feedback_cache_key.sql" with { type: "text" };
import namedModelRoutingSavings from "./migrations/0011_named_model_routing_savings.sql" with { type: "text" };
import rollupUpstreamCounts from "./migrations/0012_rollup_upstream_counts.sql" with { type: "text" };
import unloggedResponseCache from "./migrations/0013_unlogged_response_cache.sql" with { type: "text" };

/**
 * The migrations, embedded in the bundle (and so in the compiled executable) instead of read from a
 * folder at run time. A new migration is one import and one entry here; `embeddedMigrations`
 * refuses to start if the journal names a file this list lacks.
 */
const sources: Record<string, string> = {
  "0000_init": init,
  "0001_routing": routing,
  "0002_dashboard": dashboard,
  "0003_retention": retention,
  "0004_cache_budgets": cacheBudgets,
  "0005_subscription_value": subscriptionValue,
  "0006_dashboard_savings": dashboardSavings,
  "0007_usage_estimated": usageEstimated,
  "0008_static_rollup_trigger": staticRollupTrigger,
  "0009_cache_written_xid": cacheWrittenXid,
  "0010_feedback_cache_key": feedbackCacheKey,
  "0011_named_model_routing_savings": namedModelRoutingSavings,
  "0012_rollup_upstream_counts": rollupUpstreamCounts,
  "0013_unlogged_response_cache": unloggedResponseCache,
};

/**
 * The same records drizzle's `readMigrationFiles` builds from the folder (statements split at the
 * breakpoints, sha256 of the file, the journal's timestamp), so `drizzle.__drizzle_migrations`
 * bookkeeping is identical whichever way a data dir was migrated.
 */
export function embeddedMigrations(): MigrationMeta[] {
  return journal.entries.map((entry) => {
    const query = sources[entry.tag];
    if (query === undefined) throw new Error(`migration ${entry.tag} is in the journal but not embedded (src/db/embedded-migrations.ts)`);
    return {
      sql: query.split("--> statement-breakpoint"),
      bps: entry.breakpoints,
      folderMillis: entry.when,
      hash: createHash("sha256").update(query).digest("hex"),
    };
  });
}

/** The newest migration's timestamp: a database whose last applied migration is older is not ready. */
export function latestMigrationMillis(): number {
  return Math.max(...journal.entries.map((entry) => entry.when));
}
