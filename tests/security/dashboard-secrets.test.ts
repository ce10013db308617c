import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * A configured secret that a client sends back (pasted into its User-Agent, its model name or its
 * `user` field, which tools build from settings) must not reach the request log, so it never shows
 * on a dashboard page, the CSV export or /api/requests (README, Security: "Every configured secret
 * … is replaced by [redacted] … in request_log rows"). The request line in the log was already
 * redacted; the row kept the User-Agent, the model names and the route reason as sent.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;
// Shaped like no well-known key, so only the configured value can find it.
const secret = "zz-configured-secret-7Hq2Lw9Rt4";
const client = `dashboard-secrets/${crypto.randomUUID().slice(0, 8)}`;
const tasks: string[] = [];

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ OPENAI_API_KEY: secret, OPENAI_BASE_URL: upstream.url });
  const openai = new OpenAI({ apiKey: secret, baseURL: proxy.url, maxRetries: 0, defaultHeaders: { "user-agent": `${client} key=${secret}`, "x-api-key": secret } });
  for (const model of ["gpt-4o-mini", `openai:${secret}`]) {
    const { response } = await openai.chat.completions.create({ model, user: `${client}-${secret}`, messages: [{ role: "user", content: "hi" }] }).withResponse();
    tasks.push(response.headers.get("x-task-id")!);
  }
  await proxy.proxy.logWriter.flush();
});

afterAll(async () => {
  await proxy?.close();
  await upstream?.close();
});

test("the row holds no configured secret, whichever field the client put it in", async () => {
  for (const taskId of tasks) {
    const row = await proxy.logRow(taskId);
    expect(row).toBeDefined();
    expect(JSON.stringify(row)).not.toContain(secret);
  }
});

test("no dashboard page, export or API answer shows it", async () => {
  const query = `client=${encodeURIComponent(client)}`;
  const paths = [
    `/dashboard/requests?${query}`,
    `/dashboard/requests.csv?${query}`,
    `/api/requests?${query}`,
    "/dashboard/providers",
    "/dashboard?range=24h",
    "/dashboard/routing",
    "/api/routing",
    ...tasks.map((taskId) => `/dashboard/requests/${taskId}`),
  ];
  for (const path of paths) {
    const response = await fetch(`${proxy.origin}${path}`);
    expect({ path, status: response.status }).toEqual({ path, status: 200 });
    expect({ path, shown: (await response.text()).includes(secret) }).toEqual({ path, shown: false });
  }
});
