import { afterAll, beforeAll } from "bun:test";
import OpenAI from "openai";
import type { Browser } from "playwright-core";
import { insertRequestLogs } from "../../src/db/queries";
import { launchChromium } from "./browser";
import { pastMonth } from "./dashboard-history";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "./mock-openai-upstream";
import { deleteLogRows } from "./request-log-rows";
import { type TestProxy, startTestProxy } from "./test-proxy";

/**
 * What the dashboard's browser tests share, set up once per file (the tests are split over files so
 * that the parallel runner can spread them over its workers): a proxy whose log holds requests sent
 * with the official OpenAI client by a client of this file's own (one failed), two of another
 * client, a month of history, and a Chromium. Call it at the top of a describe block.
 */
export interface DashboardInChromium {
  proxy: TestProxy;
  browser: Browser;
  /** This file's user agent: filtering by it leaves out every other file's requests. */
  client: string;
  /** Task ids of this client's answered requests, in order. */
  sent: string[];
  /** Sends one request as this client and records its task id. */
  send(model: string): Promise<void>;
}

export function useDashboardInChromium(): DashboardInChromium {
  let upstream: MockOpenAIUpstream;
  let openai: OpenAI;
  const history = pastMonth();
  const setup = {
    client: `dashboard-browser-test/${crypto.randomUUID().slice(0, 8)}`,
    sent: [] as string[],
    async send(model: string) {
      const { response } = await openai.chat.completions.create({ model, messages: [{ role: "user", content: "hello" }] }).withResponse();
      setup.sent.push(response.headers.get("x-task-id")!);
    },
  } as DashboardInChromium;

  beforeAll(async () => {
    upstream = startMockOpenAIUpstream();
    const providers = [
      {
        id: "browser",
        displayName: "Browser test provider",
        baseUrl: upstream.url,
        models: [
          { id: "cheap-mini", inputPricePerMillion: 0.2, outputPricePerMillion: 0.8, tier: "economy" },
          { id: "solid-pro", inputPricePerMillion: 3, outputPricePerMillion: 15, tier: "premium" },
        ],
      },
    ];
    // Chromium starts while the proxy is set up and the requests are sent.
    const launching = launchChromium();
    // Awaited below; a launch failure while the proxy is still being set up is not an unhandled rejection.
    launching.catch(() => undefined);
    try {
      setup.proxy = await startTestProxy({ CUSTOM_PROVIDERS: JSON.stringify(providers), BASELINE_MODEL: "browser:solid-pro" });
      openai = new OpenAI({ apiKey: "x", baseURL: setup.proxy.url, maxRetries: 0, defaultHeaders: { "user-agent": setup.client } });
      for (const model of ["economy", "browser:cheap-mini", "premium", "auto", "browser:cheap-mini"]) await setup.send(model);
      upstream.enqueue({ kind: "error", status: 503, body: { error: { message: "overloaded", type: "server_error" } } });
      await openai.chat.completions.create({ model: "browser:solid-pro", messages: [{ role: "user", content: "x" }] }).catch(() => undefined);
      // Another client's requests, so that filtering by client has something to leave out.
      const other = new OpenAI({ apiKey: "x", baseURL: setup.proxy.url, maxRetries: 0, defaultHeaders: { "user-agent": "another-client/1.0" } });
      for (let index = 0; index < 2; index++) await other.chat.completions.create({ model: "economy", messages: [{ role: "user", content: "hi" }] });
      await insertRequestLogs(setup.proxy.proxy.database.db, history);
      await setup.proxy.proxy.logWriter.flush();
    } finally {
      setup.browser = await launching;
    }
  });

  afterAll(async () => {
    if (setup.proxy) await deleteLogRows(setup.proxy.proxy.database.db, history.map((row) => row.taskId));
    await setup.browser?.close();
    await setup.proxy?.close();
    await upstream?.close();
  });

  return setup;
}
