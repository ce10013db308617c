import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { sql } from "drizzle-orm";
import { loadConfig } from "../../src/config";
import journal from "../../src/db/migrations/meta/_journal.json" with { type: "json" };
import { rowsOf } from "../../src/db/rows-of";
import { silentLogger } from "../../src/logger";
import { type Proxy, buildProxy } from "../../src/server";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { testDatabaseUrl } from "../helpers/test-database";

/**
 * Two proxies on one PostgreSQL (DATABASE_URL), as behind a load balancer: both start at the same
 * moment on an empty database (migrations run once, under an advisory lock), feedback given through
 * one instance rates an answer served by the other, and the dashboard's numbers read from either
 * count the requests of both.
 */
let upstream: MockOpenAIUpstream;
let databaseUrl: string;
let databaseName: string;
const instances: Array<{ proxy: Proxy; server: ReturnType<typeof Bun.serve>; origin: string }> = [];

async function admin<T>(work: (connection: import("postgres").Sql) => Promise<T>): Promise<T> {
  const { default: postgres } = await import("postgres");
  const connection = postgres(testDatabaseUrl!, { max: 1, onnotice: () => {} });
  try {
    return await work(connection);
  } finally {
    await connection.end({ timeout: 5 });
  }
}

beforeAll(async () => {
  if (!testDatabaseUrl) return;
  upstream = startMockOpenAIUpstream();
  // An empty database of its own, so both instances really race to migrate it.
  databaseName = `claude_proxy_test_${process.pid}_two_${crypto.randomUUID().slice(0, 8)}`;
  await admin((connection) => connection.unsafe(`create database "${databaseName}"`));
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${databaseName}`;
  databaseUrl = url.toString();
});

afterAll(async () => {
  for (const instance of instances) {
    await instance.server.stop(true);
    await instance.proxy.close();
  }
  await upstream?.close();
  if (databaseName) await admin((connection) => connection.unsafe(`drop database if exists "${databaseName}" with (force)`));
});

describe.skipIf(!testDatabaseUrl)("two instances on one PostgreSQL", () => {
  test("start together on an empty database: migrations are applied once", async () => {
    const config = loadConfig({
      DATABASE_URL: databaseUrl,
      OPENAI_API_KEY: "sk-test-upstream-key-1234567890",
      OPENAI_BASE_URL: upstream.url,
      OLLAMA_ENABLED: "false",
      CLAUDE_CLI_ENABLED: "false",
      LOG_FLUSH_INTERVAL_MS: "60000",
    });
    const proxies = await Promise.all([buildProxy(config, silentLogger), buildProxy(config, silentLogger)]);
    for (const proxy of proxies) {
      const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: proxy.app.fetch });
      instances.push({ proxy, server, origin: `http://127.0.0.1:${server.port}` });
    }
    const applied = rowsOf<{ hash: string }>(await proxies[0]!.database.db.execute(sql`select hash from drizzle.__drizzle_migrations`));
    expect(applied.length).toBe(journal.entries.length);
    for (const { origin } of instances) expect((await fetch(`${origin}/ready`)).status).toBe(200);
  }, 60_000);

  test("feedback through one instance rates the answer another served; both dashboards count every request", async () => {
    const [first, second] = instances;
    const ask = async (origin: string) => {
      const client = new OpenAI({ baseURL: `${origin}/v1`, apiKey: "anything", maxRetries: 0 });
      const { response } = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }] }).withResponse();
      return response.headers.get("x-task-id")!;
    };
    const taskIds = [await ask(first!.origin), await ask(first!.origin), await ask(second!.origin)];
    for (const { proxy } of instances) await proxy.logWriter.flush();

    const rated = await fetch(`${second!.origin}/v1/feedback`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ task_id: taskIds[0], rating: "bad" }),
    });
    expect(rated.status).toBe(200);
    expect(await rated.json()).toMatchObject({ task_id: taskIds[0], rating: -1, provider: "openai", model: "gpt-4o-mini" });

    const stats = await Promise.all(instances.map(async ({ origin }) => (await (await fetch(`${origin}/api/stats?range=24h`)).json()) as { totals: { requests: number } }));
    expect(stats[0]!.totals.requests).toBe(3);
    expect(stats[1]!.totals).toEqual(stats[0]!.totals);
  }, 60_000);
});
