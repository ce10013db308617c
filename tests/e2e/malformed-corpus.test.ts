import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createApp } from "../../src/app";
import { loadConfig } from "../../src/config";
import { type DatabaseHandle, openDatabase } from "../../src/db/client";
import type { RequestLogRow } from "../../src/db/schema";
import { silentLogger } from "../../src/logger";
import { serveOptions } from "../../src/serve-options";
import { type Proxy, buildProxy } from "../../src/server";
import { bodyInit, type DoorCorpus, doorCorpora, type MalformedRequest } from "../helpers/malformed-corpus";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { countLogRows } from "../helpers/request-log-rows";
import { sharedTestDatabase, testDatabaseUrl } from "../helpers/test-database";

/**
 * The malformed-request corpus (tests/helpers/malformed-corpus, over a thousand requests) against
 * every door: each gets a 4xx in its door's error shape with the trace headers, each leaves
 * exactly one log row (counted as recorded, and found in the database: PGlite and the real
 * PostgreSQL), and a normal request
 * sent after every ten of them is still answered. No timing is asserted here; `bun run soak`
 * measures how long normal requests wait while the corpus runs.
 */
const MAX_BODY_BYTES = 2 * 1024 * 1024;
const CONCURRENCY = 8;
let upstream: MockOpenAIUpstream;

beforeAll(() => {
  upstream = startMockOpenAIUpstream();
});
afterAll(async () => {
  await upstream.close();
});

/** The proxy on one database, serving on a port, with every row counted as the runner records it. */
interface Target {
  proxy: Proxy;
  server: ReturnType<typeof Bun.serve>;
  recorded: RequestLogRow[];
  ownDatabase: boolean;
}

async function startTarget(database: DatabaseHandle, ownDatabase: boolean): Promise<Target> {
  const config = loadConfig({
    OPENAI_API_KEY: "sk-test-upstream-key-1234567890",
    OPENAI_BASE_URL: upstream.url,
    MAX_BODY_BYTES: String(MAX_BODY_BYTES),
    OLLAMA_ENABLED: "false",
    CLAUDE_CLI_ENABLED: "false",
    LOG_FLUSH_INTERVAL_MS: "50",
  });
  const proxy = await buildProxy(config, silentLogger, { database });
  const recorded: RequestLogRow[] = [];
  // Every row is counted as the runner records it (the database would keep only one per task) and still written.
  const logSink = { record: (row: RequestLogRow) => (recorded.push(row), proxy.logWriter.record(row)), status: () => proxy.logWriter.status() };
  const app = createApp({ pipeline: { ...proxy.pipeline, logSink }, maxBodyBytes: MAX_BODY_BYTES, database: proxy.database.kind });
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: app.fetch, ...serveOptions() });
  return { proxy, server, recorded, ownDatabase };
}

const databases = [
  { name: "PGlite", skip: false, start: async () => startTarget(await sharedTestDatabase(), false) },
  { name: "PostgreSQL", skip: !testDatabaseUrl, start: async () => startTarget(await openDatabase({ databaseUrl: testDatabaseUrl!, dataDir: "unused" }), true) },
];

const send = (target: Target, request: MalformedRequest) =>
  fetch(`http://127.0.0.1:${target.server.port}${request.path}`, { method: request.method, headers: request.headers, body: bodyInit(request), duplex: "half" } as RequestInit);

async function runCorpus(target: Target, corpus: DoorCorpus): Promise<void> {
  const requests = corpus.generate({ maxBodyBytes: MAX_BODY_BYTES });
  expect(requests.length).toBeGreaterThanOrEqual(950);
  // Every malformed request is the valid one broken in one place: the valid one must pass, or the 4xx prove nothing.
  const valid = await send(target, corpus.valid());
  expect({ status: valid.status, body: (await valid.text()).slice(0, 300) }).toMatchObject({ status: 200 });
  const problems: string[] = [];
  const taskIds: string[] = [];
  let normalAnswered = 0;
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const index = next++;
      const request = requests[index]!;
      const response = await send(target, request);
      const text = await response.text();
      const taskId = response.headers.get("x-task-id");
      if (taskId) taskIds.push(taskId);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
      const problem =
        response.status < 400 || response.status > 499
          ? `status ${response.status}`
          : !taskId || !response.headers.get("x-provider") || !response.headers.get("x-model")
            ? "no trace headers"
            : corpus.shapeProblem(body);
      if (problem) problems.push(`${request.name}: ${problem}: ${text.slice(0, 160)}`);
      if (index % 10 === 9) {
        const normal = await send(target, corpus.normal());
        if (normal.status === 200) normalAnswered++;
        else problems.push(`a normal request after ${request.name}: status ${normal.status}`);
        await normal.arrayBuffer();
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));

  expect(problems.slice(0, 400)).toEqual([]);
  expect(normalAnswered).toBe(Math.floor(requests.length / 10));
  expect(taskIds).toHaveLength(requests.length);
  const rowsPerTask = new Map<string, RequestLogRow[]>();
  for (const row of target.recorded) rowsPerTask.set(row.taskId, [...(rowsPerTask.get(row.taskId) ?? []), row]);
  const notOnce = taskIds.filter((taskId) => rowsPerTask.get(taskId)?.length !== 1);
  expect(notOnce).toEqual([]);
  expect(taskIds.every((taskId) => rowsPerTask.get(taskId)![0]!.door === corpus.door)).toBe(true);
  await target.proxy.logWriter.flush();
  expect(await countLogRows(target.proxy.database.db, taskIds)).toBe(requests.length);
}

for (const database of databases) {
  describe.skipIf(database.skip)(`on ${database.name}`, () => {
    let target: Target;
    beforeAll(async () => {
      target = await database.start();
    });
    afterAll(async () => {
      await target.server.stop(true);
      await target.proxy.close();
      if (target.ownDatabase) await target.proxy.database.close();
    });

    for (const corpus of doorCorpora) {
      test(`${corpus.door} door: every malformed request gets a 4xx in the door's shape and one log row; normal requests keep being answered`, () => runCorpus(target, corpus), 120_000);
    }
  });
}
