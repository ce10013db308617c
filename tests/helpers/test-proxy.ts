import { loadConfig } from "../../src/config";
import { findRequestLog } from "../../src/db/queries";
import { type Logger, silentLogger } from "../../src/logger";
import { serveOptions } from "../../src/serve-options";
import { type Proxy, buildProxy } from "../../src/server";
import { type RecordCounter, countRecords } from "./counting-log-sink";
import { sharedTestDatabase } from "./test-database";

/**
 * A real proxy on a random 127.0.0.1 port, built exactly as `bun run start` builds it, with the
 * given environment on top of a neutral one (no real keys, no Ollama probe of the default port, no
 * response cache: tests send the same request again and expect it to reach the upstream).
 */
export interface TestProxy {
  /** Base URL including /v1, for the official SDKs. */
  url: string;
  origin: string;
  proxy: Proxy;
  /** Every request-log record, counted per task before the database would hide a duplicate. */
  records: RecordCounter;
  /** Flushes the request log and returns the row of one task; fails if the task was recorded more than once. */
  logRow(taskId: string): Promise<Awaited<ReturnType<typeof findRequestLog>>>;
  close(): Promise<void>;
}

export async function startTestProxy(env: Record<string, string> = {}, options: { logger?: Logger } = {}): Promise<TestProxy> {
  const config = loadConfig({ OLLAMA_ENABLED: "false", CLAUDE_CLI_ENABLED: "false", LOG_LEVEL: "silent", LOG_FLUSH_INTERVAL_MS: "50", CACHE_ENABLED: "false", ...env });
  const database = await sharedTestDatabase();
  const proxy = await buildProxy(config, options.logger ?? silentLogger, { database });
  const records = countRecords(proxy.logWriter);
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: proxy.app.fetch, ...serveOptions(), idleTimeout: 30 });
  const origin = `http://127.0.0.1:${server.port}`;
  return {
    url: `${origin}/v1`,
    origin,
    proxy,
    records,
    async logRow(taskId) {
      if (records.count(taskId) > 1) throw new Error(`task ${taskId} was recorded ${records.count(taskId)} times; a request is logged exactly once`);
      await proxy.logWriter.flush();
      return findRequestLog(database.db, taskId);
    },
    async close() {
      await server.stop(true);
      await proxy.close();
    },
  };
}
