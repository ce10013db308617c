import type { Config } from "../../config";
import type { Database } from "../../db/client";
import type { PipelineDeps } from "../../pipeline/context";
import type { AssetUrls } from "../../../views/layout";

/** What the dashboard reads: the database, the routing state, the configuration. */
export interface DashboardDeps {
  db: Database;
  databaseKind: "pglite" | "postgres";
  config: Config;
  pipeline: PipelineDeps;
  /** Sends a request through this app itself (the providers page's test button). */
  send(request: Request): Promise<Response>;
}

export interface DashboardContext extends DashboardDeps {
  assets: AssetUrls;
}
