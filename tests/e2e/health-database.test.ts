import { afterAll, describe, expect, test } from "bun:test";
import { loadConfig } from "../../src/config";
import { type DatabaseHandle, openDatabase } from "../../src/db/client";
import { silentLogger } from "../../src/logger";
import { type Proxy, buildProxy } from "../../src/server";
import { countLogRows } from "../helpers/request-log-rows";
import { type TcpRelay, startTcpRelay } from "../helpers/tcp-relay";
import { testDatabaseUrl } from "../helpers/test-database";
import { waitFor } from "../helpers/wait-for";

/**
 * /health is liveness: it answers 200 "ok" while the process runs, database or not, and says
 * what state the database is in: reachable, or lost since when (with the driver's reason), the
 * rows dropped and refused, and the queue of rows waiting for it. /ready is the check that fails.
 * PGlite is lost by closing it; the real PostgreSQL by cutting a TCP relay in front of it (its port
 * then refuses connections), and found again by restoring the relay.
 */
interface Health {
  status: string;
  database: { kind: string; state: string; lostSince: string | null; error?: string; rowsDropped: number; rowsRefused: number; queueDepth: number };
}

async function health(proxy: Proxy): Promise<{ status: number; body: Health; ms: number }> {
  const started = performance.now();
  const response = await proxy.app.request("/health");
  return { status: response.status, body: (await response.json()) as Health, ms: performance.now() - started };
}

const config = () => loadConfig({ OLLAMA_ENABLED: "false", CLAUDE_CLI_ENABLED: "false", OPENAI_API_KEY: "sk-test-health-1234567890", LOG_FLUSH_INTERVAL_MS: "10" });
/** Requests that leave a row without calling an upstream. */
const refusedRequests = async (proxy: Proxy, count: number) => {
  const taskIds: string[] = [];
  for (let index = 0; index < count; index++) taskIds.push((await proxy.app.request("/v1/no-such-route")).headers.get("x-task-id")!);
  return taskIds;
};

describe("/health on PGlite", () => {
  let database: DatabaseHandle;
  let proxy: Proxy;
  afterAll(async () => {
    await proxy?.close();
  });

  test("says reachable, then lost since the database closed, with the rows waiting; still 200 ok", async () => {
    database = await openDatabase({ dataDir: "memory://" });
    proxy = await buildProxy(config(), silentLogger, { database });
    const before = await health(proxy);
    expect(before.status).toBe(200);
    expect(before.body.status).toBe("ok");
    expect(before.body.database).toMatchObject({ kind: "pglite", state: "reachable", lostSince: null, rowsDropped: 0, queueDepth: 0 });

    const closedAt = new Date();
    await database.close();
    await refusedRequests(proxy, 3);
    // The probe's answer is reused for a second, and the writer learns at its next attempt: both say so soon.
    await waitFor(async () => ((await health(proxy)).body.database.error ?? "") !== "", { what: "the database reported lost", timeoutMs: 5000, intervalMs: 100 });
    const after = await health(proxy);
    expect(after.status).toBe(200);
    expect(after.body.status).toBe("ok");
    expect(after.body.database).toMatchObject({ kind: "pglite", state: "lost", rowsDropped: 0, queueDepth: 3 });
    expect(after.body.database.error).toBeString();
    expect(Date.parse(after.body.database.lostSince!)).toBeGreaterThanOrEqual(closedAt.getTime() - 5);
    expect((await proxy.app.request("/ready")).status).toBe(503);
  }, 60_000);
});

describe.skipIf(!testDatabaseUrl)("/health on PostgreSQL", () => {
  let relay: TcpRelay;
  let proxy: Proxy;
  afterAll(async () => {
    await relay?.restore();
    await proxy?.close();
    await relay?.close();
  });

  test("says lost since the server stopped answering, counts the queue, and reachable again once it is back; still 200 ok", async () => {
    const server = new URL(testDatabaseUrl!);
    relay = await startTcpRelay({ host: server.hostname, port: Number(server.port || 5432) });
    const relayed = new URL(testDatabaseUrl!);
    relayed.port = String(relay.port);
    proxy = await buildProxy(config(), silentLogger, { database: await openDatabase({ databaseUrl: relayed.toString(), dataDir: "unused" }) });
    expect((await health(proxy)).body.database).toMatchObject({ kind: "postgres", state: "reachable", lostSince: null, queueDepth: 0 });

    const cutAt = new Date();
    await relay.cut();
    const taskIds = await refusedRequests(proxy, 4);
    await waitFor(async () => ((await health(proxy)).body.database.error ?? "") !== "", { what: "the database reported lost", timeoutMs: 5000, intervalMs: 100 });
    const lost = await health(proxy);
    expect(lost.status).toBe(200);
    expect(lost.body.status).toBe("ok");
    expect(lost.body.database.queueDepth).toBe(4);
    expect(lost.body.database.error).toBeString();
    expect(lost.body.database.error).not.toContain(relayed.password || "no password in the URL");
    expect(Date.parse(lost.body.database.lostSince!)).toBeGreaterThanOrEqual(cutAt.getTime() - 5);
    // A lost database is reported, not waited for: the probe is bounded, and only one runs at a time.
    expect(lost.ms).toBeLessThan(5000);
    expect((await proxy.app.request("/ready")).status).toBe(503);

    await relay.restore();
    await waitFor(async () => (await health(proxy)).body.database.state === "reachable", { what: "the database reported reachable again", timeoutMs: 15_000, intervalMs: 200 });
    await waitFor(async () => (await health(proxy)).body.database.queueDepth === 0, { what: "the queue written", timeoutMs: 15_000, intervalMs: 200 });
    expect(await countLogRows(proxy.database.db, taskIds)).toBe(4);
    expect((await health(proxy)).body.database).toMatchObject({ state: "reachable", lostSince: null, rowsDropped: 0 });
  }, 60_000);
});
