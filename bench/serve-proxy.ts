import { sql } from "drizzle-orm";
import { benchProxyConfig } from "./bench-proxy-config";
import { createLogger } from "../src/logger";
import { serveOptions } from "../src/serve-options";
import { buildProxy } from "../src/server";
import { benchProxyEnv } from "./bench-budget";
import { announce, onParentGone } from "./child-ready";
import { createSocketFetch } from "./upstream-http/socket-fetch";

/**
 * The real proxy for the benchmark, in its own process so its RSS is its own: built by
 * buildProxy exactly as `bun run start` builds it, with the OpenAI provider pointed at the mock
 * and the request log written to an embedded PGlite in the benchmark's throwaway DATA_DIR (or to
 * BENCH_DATABASE_URL, a scratch PostgreSQL database, when the benchmark sets it), and with a large
 * daily budget (bench-budget.ts), so every request is reserved against it as with a budget set. On
 * shutdown it flushes the log and reports how many rows were written, proving logging was on.
 * BENCH_UPSTREAM_HTTP=socket gives the providers the JavaScript-thread HTTP/1.1 client
 * (bench/upstream-http/) as their fetch; a checkout without this line ignores it, so
 * `BENCH_UPSTREAM_HTTP=socket bun run bench/ab-compare.ts <checkout of main>` sets the two clients side by side.
 */
const upstreamUrl = process.env.BENCH_UPSTREAM_URL;
const dataDir = process.env.BENCH_DATA_DIR;
if (!upstreamUrl || !dataDir) throw new Error("BENCH_UPSTREAM_URL and BENCH_DATA_DIR must be set");

const config = benchProxyConfig(upstreamUrl, dataDir, {
  ...(process.env.BENCH_DATABASE_URL ? { DATABASE_URL: process.env.BENCH_DATABASE_URL } : {}),
  // BENCH_PROXY_ENV='{"CACHE_ENABLED":"false"}' measures the proxy with other settings (over the default budget).
  ...benchProxyEnv(),
});
// As src/main.ts builds it for Bun.serve: a completion's row and finish hooks after its answer.
const upstreamFetch = process.env.BENCH_UPSTREAM_HTTP === "socket" ? createSocketFetch() : undefined;
const proxy = await buildProxy(config, createLogger(config.logLevel), { finishAfterAnswer: true, ...(upstreamFetch ? { fetch: upstreamFetch } : {}) });

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch: proxy.app.fetch,
  ...serveOptions(),
});

announce({ port: server.port });
onParentGone(async () => {
  await server.stop(true);
  await proxy.logWriter.flush();
  const result = await proxy.database.db.execute(
    sql`select count(*)::int as rows, (count(*) filter (where tokens_out > 0))::int as with_usage from request_log`,
  );
  // PGlite answers { rows }, postgres.js the rows themselves.
  type Counts = Array<{ rows: number; with_usage: number }>;
  const counts = (Array.isArray(result) ? (result as unknown as Counts) : (result as unknown as { rows: Counts }).rows)[0];
  await proxy.close();
  announce({ logRows: counts?.rows ?? -1, logRowsWithUsage: counts?.with_usage ?? -1 });
});
