import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { type MockAnthropicUpstream, startMockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * Routing around the Claude CLI, with the fake CLI (tests/helpers/fake-claude-cli.ts) and the
 * Anthropic API provider (a mock) both active: with subscription billing the CLI is the cheapest
 * model of each tier; an exhausted usage limit or a lost login moves the request to the API without
 * failing it, pauses the CLI (until the reset, or for the cool-down) and never tries its other models.
 */
const fakeCli = join(import.meta.dir, "..", "helpers", "fake-claude-cli.ts");
const recordDirectory = mkdtempSync(join(tmpdir(), "fake-claude-routing-"));
let anthropic: MockAnthropicUpstream;
const proxies: TestProxy[] = [];

async function startProxy(): Promise<{ proxy: TestProxy; client: OpenAI }> {
  // The CLI provider hands its child the proxy's environment as it is when the provider is built.
  process.env.FAKE_CLAUDE_RECORD_DIR = recordDirectory;
  try {
    const proxy = await startTestProxy({ CLAUDE_CLI_ENABLED: "true", CLAUDE_CLI_PATH: fakeCli, ANTHROPIC_API_KEY: "sk-ant-routing-key", ANTHROPIC_BASE_URL: anthropic.url });
    proxies.push(proxy);
    return { proxy, client: new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 }) };
  } finally {
    delete process.env.FAKE_CLAUDE_RECORD_DIR;
  }
}

const cliRuns = () => readdirSync(recordDirectory).filter((name) => name.endsWith(".json")).length;
const resetRuns = () => {
  rmSync(recordDirectory, { recursive: true, force: true });
  mkdirSync(recordDirectory);
};
const ask = (client: OpenAI, model: string, content: string, extra: Record<string, unknown> = {}) =>
  client.chat.completions.create({ model, messages: [{ role: "user", content }], ...extra }).withResponse();

interface Breaker {
  key: string;
  state: string;
  openUntil: string | null;
  lastError: string | null;
}
const breakers = async (proxy: TestProxy) => ((await (await fetch(`${proxy.origin}/api/routing`)).json()) as { breakers: Breaker[] }).breakers;

beforeAll(() => {
  anthropic = startMockAnthropicUpstream({ apiKey: "sk-ant-routing-key" });
});

afterAll(async () => {
  await Promise.all(proxies.map((proxy) => proxy.close()));
  await anthropic.close();
  rmSync(recordDirectory, { recursive: true, force: true });
});

describe("subscription billing", () => {
  test("each tier lands on the CLI (tools and images too), logged at $0 with what the API would have charged", async () => {
    const { proxy, client } = await startProxy();
    const readFile = { type: "function" as const, function: { name: "read_file", parameters: { type: "object", properties: {} } } };
    for (const tier of ["economy", "standard", "premium"]) {
      const { response } = await ask(client, tier, "Hello", { tools: [readFile] });
      expect(response.headers.get("x-provider")).toBe("claude-cli");
      const row = await proxy.logRow(response.headers.get("x-task-id")!);
      expect(row).toMatchObject({ provider: "claude-cli", tier, costUsd: 0 });
      expect(row!.subscriptionValueUsd!).toBeGreaterThan(0);
    }
    const image = [{ type: "text", text: "What is it?" }, { type: "image_url", image_url: { url: "https://example.com/a.png" } }];
    const { response } = await client.chat.completions.create({ model: "auto", messages: [{ role: "user", content: image as never }] }).withResponse();
    expect(response.headers.get("x-provider")).toBe("claude-cli");
  }, 30_000);
});

describe("usage limits and logins", () => {
  test("an exhausted limit: the API answers instead, the CLI is paused until the reset, and not asked again", async () => {
    const { proxy, client } = await startProxy();
    resetRuns();
    const { data, response } = await ask(client, "economy", "[[fake:usage-limit]] hi");
    expect(response.headers.get("x-provider")).toBe("anthropic");
    expect(data.choices[0]!.message.content).toBeString();
    expect(cliRuns()).toBe(1);

    const row = await proxy.logRow(response.headers.get("x-task-id")!);
    const failed = row!.attempts!.filter((attempt) => attempt.error !== undefined);
    expect(failed[0]).toMatchObject({ provider: "claude-cli" });
    expect(failed[0]!.error).toContain("You've hit your 5-hour limit");
    // The CLI's other economy models were not tried: their breakers were already open.
    expect(failed.slice(1).every((attempt) => attempt.error === "circuit open")).toBe(true);

    const cli = (await breakers(proxy)).filter((breaker) => breaker.key.startsWith("claude-cli:"));
    expect(cli.length).toBeGreaterThanOrEqual(5);
    const until = Date.parse(cli[0]!.openUntil!);
    expect(until).toBeGreaterThan(Date.now() + 2 * 3600_000 - 60_000);
    for (const breaker of cli) expect(breaker).toMatchObject({ state: "open", openUntil: cli[0]!.openUntil });

    const next = await ask(client, "economy", "hi again");
    expect(next.response.headers.get("x-provider")).toBe("anthropic");
    expect(cliRuns()).toBe(1);
  }, 30_000);

  test("a lost login: the API answers, the CLI's other models are not tried, the CLI is paused for the cool-down", async () => {
    const { proxy, client } = await startProxy();
    resetRuns();
    const { response } = await ask(client, "standard", "[[fake:auth-failure]] hi");
    expect(response.headers.get("x-provider")).toBe("anthropic");
    expect(cliRuns()).toBe(1);
    const cli = (await breakers(proxy)).filter((breaker) => breaker.key.startsWith("claude-cli:"));
    expect(cli.length).toBeGreaterThanOrEqual(5);
    for (const breaker of cli) expect(breaker.state).toBe("open");
    expect(cli[0]!.lastError).toContain("run `claude` and /login");
  }, 30_000);
});

describe("naming a paused CLI model", () => {
  const refusal = (client: OpenAI, model: string) =>
    ask(client, model, "hi").then(
      () => expect.unreachable("the request should be refused"),
      (caught: unknown) => caught as InstanceType<typeof OpenAI.APIError>,
    );

  test("after an exhausted limit: the 503 names the limit and when the pause ends, not 'retry shortly'", async () => {
    const { proxy, client } = await startProxy();
    await ask(client, "economy", "[[fake:usage-limit]] hi");
    const until = (await breakers(proxy)).find((breaker) => breaker.key === "claude-cli:claude-sonnet-5-5")!.openUntil!;
    const error = await refusal(client, "claude-cli:claude-sonnet-5-5");
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.status).toBe(503);
    expect(error.message).toContain("You've hit your 5-hour limit");
    expect(error.message).toContain(`until ${until}`);
    expect(error.message).not.toContain("Retry shortly");
    expect(error.headers?.get("retry-after")).toBeNull();
  }, 30_000);

  test("after a lost login: the 503 says to log in, and when the probe comes", async () => {
    const { client } = await startProxy();
    await ask(client, "standard", "[[fake:auth-failure]] hi");
    const error = await refusal(client, "claude-cli:claude-opus-5-5");
    expect(error.status).toBe(503);
    expect(error.message).toContain("run `claude` and /login");
    expect(error.message).toMatch(/open for \d+ s more/);
    expect(Number(error.headers?.get("retry-after"))).toBeGreaterThan(0);
  }, 30_000);
});
