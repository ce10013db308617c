import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { loadConfig } from "../../src/config";
import { type DatabaseHandle, openDatabase } from "../../src/db/client";
import { insertRequestLogs } from "../../src/db/queries";
import { RANGES } from "../../src/db/stats-window";
import { silentLogger } from "../../src/logger";
import { type Proxy, buildProxy } from "../../src/server";
import { makeLogRow } from "../helpers/request-log-rows";
import { type ScratchPostgres, createScratchPostgres } from "../helpers/scratch-postgres";
import { testDatabaseUrl } from "../helpers/test-database";

/**
 * The overview's "Failed upstream" figure (calls a provider answered with an error; the proxy's own
 * refusals, its own replies, cache hits and clients that left not among them) links to the request
 * list filtered by status class `upstream` and the overview's range, and that list holds exactly the
 * rows the figure counts. Each database is this file's own: the overview counts every row in it.
 * On PGlite and, with TEST_DATABASE_URL, PostgreSQL.
 */
const minuteAgo = new Date(Date.now() - 60_000);
const counted = [
  makeLogRow({ status: 502, errorType: "upstream_error", provider: "openai", createdAt: minuteAgo }),
  makeLogRow({ status: 404, errorType: "not_found_error", provider: "openai", createdAt: minuteAgo }),
  makeLogRow({ status: 429, errorType: "rate_limit_error", provider: "anthropic", model: "claude-x", createdAt: minuteAgo }),
  makeLogRow({ status: 400, errorType: "invalid_request_error", provider: "gemini", model: "gemini-x", createdAt: minuteAgo }),
];
const notCounted = [
  makeLogRow({ status: 200, createdAt: minuteAgo }),
  makeLogRow({ status: 200, cacheStatus: "hit", createdAt: minuteAgo }),
  // The proxy's own refusals before any call: a spent budget, an open circuit, a bad request.
  makeLogRow({ status: 429, errorType: "budget_exceeded", provider: null, model: null, createdAt: minuteAgo }),
  makeLogRow({ status: 503, errorType: "circuit_open", provider: null, model: null, createdAt: minuteAgo }),
  makeLogRow({ status: 400, errorType: "invalid_request_error", provider: "", model: "", createdAt: minuteAgo }),
  // The proxy's own reply (a /feedback command), a client that left, the proxy shutting down.
  makeLogRow({ status: 500, errorType: "api_error", provider: "proxy", model: "feedback", createdAt: minuteAgo }),
  makeLogRow({ status: 499, errorType: "client_closed", provider: "openai", createdAt: minuteAgo }),
  makeLogRow({ status: 503, errorType: "shutting_down", provider: "openai", createdAt: minuteAgo }),
  // Outside every range.
  makeLogRow({ status: 502, errorType: "upstream_error", provider: "openai", createdAt: new Date(Date.now() - 60 * 86_400_000) }),
];
const expected = counted.map((row) => row.taskId).sort();

const taskIdsIn = (html: string) => [...html.matchAll(/data-task-id="([^"]+)"/g)].map((match) => match[1]!).sort();

const targets = [
  { name: "PGlite", skip: false },
  { name: "PostgreSQL", skip: !testDatabaseUrl },
];

for (const target of targets) {
  describe.skipIf(target.skip)(`the overview's "Failed upstream" figure on ${target.name}`, () => {
    let scratch: ScratchPostgres | undefined;
    let database: DatabaseHandle;
    let proxy: Proxy;

    beforeAll(async () => {
      if (target.name === "PostgreSQL") scratch = await createScratchPostgres(testDatabaseUrl!, "upstream_link");
      database = scratch ? await scratch.open() : await openDatabase({ dataDir: "memory://" });
      const config = loadConfig({ OLLAMA_ENABLED: "false", CLAUDE_CLI_ENABLED: "false", LOG_LEVEL: "silent", CACHE_ENABLED: "false" });
      proxy = await buildProxy(config, silentLogger, { database });
      await insertRequestLogs(database.db, [...counted, ...notCounted]);
    });

    afterAll(async () => {
      await proxy?.close();
      if (scratch) await scratch.drop();
      else await database?.close();
    });

    for (const range of RANGES) {
      test(`range ${range}: the count equals the rows its link lists`, async () => {
        const html = await (await proxy.app.request(`/dashboard?range=${range}`)).text();
        const figure = /Failed upstream<\/dt>\s*<dd>(.*?)<\/dd>/s.exec(html)?.[1] ?? "";
        const link = /^<a href="([^"]+)">(\d+)<\/a>$/.exec(figure.trim());
        expect(link, figure).not.toBeNull();
        const href = link![1]!.replaceAll("&amp;", "&");
        expect(href).toBe(`/dashboard/requests?status=upstream&time=${range}`);
        expect(Number(link![2])).toBe(counted.length);

        const list = await proxy.app.request(href);
        expect(list.status).toBe(200);
        expect(taskIdsIn(await list.text())).toEqual(expected);
      });
    }

    test("the CSV export and GET /api/requests take the same filter", async () => {
      const csv = await (await proxy.app.request("/dashboard/requests.csv?status=upstream&time=24h")).text();
      const csvIds = csv.split("\n").slice(1).filter(Boolean).map((line) => /[0-9a-f]{8}-[0-9a-f-]{27}/.exec(line)?.[0]).sort();
      expect(csvIds).toEqual(expected);
      const api = (await (await proxy.app.request("/api/requests?status=upstream&time=24h")).json()) as { data: Array<{ taskId: string }> };
      expect(api.data.map((row) => row.taskId).sort()).toEqual(expected);
    });

    test("the list's status filter offers the class", async () => {
      const html = await (await proxy.app.request("/dashboard/requests?status=upstream")).text();
      expect(html).toMatch(/<option value="upstream" selected="">failed upstream[^<]*<\/option>/);
    });
  });
}
