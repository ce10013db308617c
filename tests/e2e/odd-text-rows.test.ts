import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { loadConfig } from "../../src/config";
import type { DatabaseHandle } from "../../src/db/client";
import { findRequestLog } from "../../src/db/queries";
import { silentLogger } from "../../src/logger";
import { type Proxy, buildProxy } from "../../src/server";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { deleteLogRows } from "../helpers/request-log-rows";
import { databaseTargets } from "../helpers/test-database";

/**
 * A `user` field the proxy cuts at 200 characters right inside an emoji used to leave half of it in
 * the session key, and the database refused the row: the request was answered but never logged.
 */
const EMOJI = "\u{1F600}";

for (const target of databaseTargets) {
  describe.skipIf(target.skip)(`requests with odd text are logged on ${target.name}`, () => {
    let upstream: MockOpenAIUpstream;
    let handle: DatabaseHandle;
    let proxy: Proxy;
    const created: string[] = [];

    beforeAll(async () => {
      upstream = startMockOpenAIUpstream();
      handle = await target.open();
      const config = loadConfig({ OPENAI_API_KEY: "sk-test-upstream-key-1234567890", OPENAI_BASE_URL: upstream.url, OLLAMA_ENABLED: "false", CLAUDE_CLI_ENABLED: "false", LOG_LEVEL: "silent" });
      proxy = await buildProxy(config, silentLogger, { database: handle });
    });

    afterAll(async () => {
      await proxy.close();
      await deleteLogRows(handle.db, created);
      if (!target.shared) await handle.close();
      await upstream.close();
    });

    test("a user field cut inside an emoji: answered and logged, the half character replaced", async () => {
      const user = `${"a".repeat(199)}${EMOJI}`;
      const response = await proxy.app.request("/v1/chat/completions", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o-mini", user, messages: [{ role: "user", content: `Hello ${EMOJI}` }] }),
      });
      expect(response.status).toBe(200);
      const taskId = response.headers.get("x-task-id")!;
      created.push(taskId);
      await proxy.logWriter.flush();
      expect(proxy.logWriter.status()).toMatchObject({ refused: 0, pending: 0 });
      expect(await findRequestLog(handle.db, taskId)).toMatchObject({ status: 200, sessionKey: `user:${"a".repeat(199)}\uFFFD` });
    });
  });
}
