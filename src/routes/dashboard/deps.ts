import type { Config } from "../../config";
import type { Database } from "../../db/client";
import type { PipelineDeps } from "../../pipeline/context";
import type { AssetUrls } from "../../../views/layout";

/** What the dashboard reads: the database, the routing state, the configuration. */
export interface DashboardDeps {
  db: Database;
  databaseKind: "pglite" | "postgres";
  /** Which database and where, as the start-up line says it (never the URL: it may hold a password). */
  databaseDescription: string;
  config: Config;
  /** Why a configured provider stayed off at start-up, by provider id (providers/types.ts `noteInactive`). */
  inactiveReasons?: ReadonlyMap<string, string>;
  pipeline: PipelineDeps;
  /** Sends a request through this app itself (the providers page's test button). */
  send(request: Request): Promise<Response>;
}

export interface DashboardContext extends DashboardDeps {
  assets: AssetUrls;
}
