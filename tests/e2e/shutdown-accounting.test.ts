import { afterAll, beforeAll, expect, test } from "bun:test";
import { inArray } from "drizzle-orm";
import { loadConfig } from "../../src/config";
import type { DatabaseHandle } from "../../src/db/client";
import { loadSuccessSamples } from "../../src/db/queries";
import { requestLog } from "../../src/db/schema";
import { silentLogger } from "../../src/logger";
import { type Proxy, buildProxy } from "../../src/server";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { databaseTargets } from "../helpers/test-database";
import { waitFor } from "../helpers/wait-for";

/**
 * Requests cut by the proxy's own shutdown (SHUTDOWN_GRACE_MS over: a 503 or a stream's last error
 * event) are no failure of the model that was serving them: its circuit breaker stays closed with
 * no failure counted, its success rate gets no sample, and their rows are told apart
 * (error_type "shutting_down"), so the success rates loaded from the log at the next start leave
 * them out too. More of them are cut than the breaker's failure limit (3): counted, they would open it.
 * On PGlite and on the real PostgreSQL.
 */
const KEY = "openai:gpt-4o-mini";
let upstream: MockOpenAIUpstream;

beforeAll(() => {
  upstream = startMockOpenAIUpstream();
});
afterAll(async () => {
  await upstream.close();
});

for (const target of databaseTargets) {
  test.skipIf(target.skip)(`${target.name}: shutdown's cuts count against no model, in memory or in the log`, async () => {
    const database: DatabaseHandle = await target.open();
    const config = loadConfig({ OPENAI_API_KEY: "sk-test-shutdown-1234567890", OPENAI_BASE_URL: upstream.url, OLLAMA_ENABLED: "false", CLAUDE_CLI_ENABLED: "false", CACHE_ENABLED: "false" });
    const proxy: Proxy = await buildProxy(config, silentLogger, { database });
    // The shared PGlite holds other files' rows, so the rates loaded at start may already count
    // failures of this model: what matters is that the cuts add none.
    const failuresOfModel = () =>
      proxy.pipeline.routing.successRates
        .snapshot()
        .filter((sample) => sample.modelKey === KEY)
        .reduce((sum, sample) => sum + sample.total - sample.successes, 0);
    const since = new Date(Date.now() - 60_000);
    const loadedFailuresOfModel = async () =>
      (await loadSuccessSamples(database.db, since))
        .filter((sample) => sample.modelKey === KEY)
        .reduce((sum, sample) => sum + sample.total - sample.successes, 0);
    try {
      const failuresBefore = failuresOfModel();
      await proxy.logWriter.flush();
      const loadedFailuresBefore = await loadedFailuresOfModel();
      const requestsBefore = upstream.requests.length;
      // Three streams stalled after their first chunks, and three completions never answered.
      upstream.enqueue(
        ...Array.from({ length: 3 }, () => ({ kind: "stall" as const, name: "text-with-usage", lines: 2 })),
        ...Array.from({ length: 3 }, () => ({ kind: "hang" as const })),
      );
      const send = (stream: boolean) =>
        proxy.app.request("/v1/chat/completions", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ model: "openai:gpt-4o-mini", stream, messages: [{ role: "user", content: `Cut me ${crypto.randomUUID()}` }] }),
        });
      const streams = await Promise.all([send(true), send(true), send(true)]);
      const readers = streams.map((response) => response.body!.getReader());
      for (const reader of readers) expect((await reader.read()).done).toBe(false);
      const completions = [send(false), send(false), send(false)];
      await waitFor(() => upstream.requests.length === requestsBefore + 6, { what: "all six requests upstream", timeoutMs: 10_000 });

      proxy.cutInFlight();
      const decoder = new TextDecoder();
      for (const reader of readers) {
        let text = "";
        for (let part = await reader.read(); !part.done; part = await reader.read()) text += decoder.decode(part.value, { stream: true });
        expect(text).toContain('"code":"shutting_down"');
      }
      for (const response of await Promise.all(completions)) {
        expect(response.status).toBe(503);
        expect(await response.text()).toContain('"code":"shutting_down"');
      }
      const taskIds = [...streams, ...(await Promise.all(completions))].map((response) => response.headers.get("x-task-id")!);

      expect(proxy.pipeline.routing.breakers.state(KEY)).toBe("closed");
      expect(proxy.pipeline.routing.breakers.snapshot().filter((breaker) => breaker.key === KEY)).toEqual([]);
      expect(failuresOfModel()).toBe(failuresBefore);

      await proxy.logWriter.flush();
      const rows = await database.db.select({ status: requestLog.status, errorType: requestLog.errorType, category: requestLog.category }).from(requestLog).where(inArray(requestLog.taskId, taskIds));
      expect(rows).toHaveLength(6);
      expect(rows.every((row) => row.status === 503 && row.errorType === "shutting_down")).toBe(true);
      // What the next start would load: none of these rows as a failure of the model.
      expect(await loadedFailuresOfModel()).toBe(loadedFailuresBefore);
    } finally {
      await proxy.close();
      if (!target.shared) await database.close();
    }
  }, 60_000);
}
