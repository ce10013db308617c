import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { capturingLogger } from "../helpers/capturing-logger";
import { type MockOpenAIUpstream, defaultCompletion, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * What the proxy reports per request besides its log row (pipeline/request-report.ts): its own
 * added time as a histogram in /metrics, and one JSON line at info level that never carries a
 * prompt or a secret, turned off with LOG_REQUESTS=false.
 */
const upstreamKey = "sk-proj-request-report-upstream-key-000000";
const clientKey = "sk-client-request-report-key-11111111";
const prompt = "Refactor the payroll module; the staging password is correct-horse-battery-staple.";
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;
const captured = capturingLogger();

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ OPENAI_API_KEY: upstreamKey, OPENAI_BASE_URL: upstream.url, LOG_LEVEL: "info" }, { logger: captured.logger });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const client = () => new OpenAI({ baseURL: proxy.url, apiKey: clientKey, maxRetries: 0 });
const requestLines = () => captured.lines.filter((line) => line.message === "request");

describe("the proxy's added time in /metrics", () => {
  test("counts the proxy's own time, not the upstream's: a 300 ms upstream leaves the added time far below it", async () => {
    upstream.enqueue({ kind: "json", body: defaultCompletion("gpt-4o-mini"), delayMs: 300 });
    await client().chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Slow answer, please." }] });
    upstream.enqueue({ kind: "fixture", name: "text-with-usage", delayMs: 300 });
    const stream = await client().chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Slow stream, please." }], stream: true });
    for await (const _ of stream) void _;
    // Refused before any upstream: all of its time is the proxy's.
    await client().chat.completions.create({ model: "", messages: [] }).catch(() => {});

    const text = await (await fetch(`${proxy.origin}/metrics`)).text();
    const family = parsePrometheusTextFormat(text).find((entry) => entry.name === "claude_proxy_added_duration_seconds");
    expect(family?.type).toBe("HISTOGRAM");
    const series = (measure: string, suffix: string, le?: string) => {
      const labels = `door="openai",provider="openai",model="gpt-4o-mini",measure="${measure}"${le ? `,le="${le}"` : ""}`;
      const line = new RegExp(`^claude_proxy_added_duration_seconds_${suffix}\\{${labels.replace(/[+.]/g, "\\$&")}\\} (\\S+)$`, "m").exec(text);
      return Number(line?.[1]);
    };
    for (const measure of ["total", "first_byte"]) {
      const count = series(measure, "count");
      expect(count).toBeGreaterThanOrEqual(1);
      // Every observation under 250 ms although each request waited 300 ms on the upstream.
      expect(series(measure, "bucket", "0.25")).toBe(count);
      expect(series(measure, "bucket", "+Inf")).toBe(count);
    }
    // The whole-request histogram of the same requests does hold the upstream's 300 ms.
    const slow = /^claude_proxy_request_duration_seconds_bucket\{door="openai",provider="openai",model="gpt-4o-mini",le="0.25"\} (\d+)$/m.exec(text);
    const all = /^claude_proxy_request_duration_seconds_count\{door="openai",provider="openai",model="gpt-4o-mini"\} (\d+)$/m.exec(text);
    expect(Number(all?.[1]) - Number(slow?.[1])).toBeGreaterThanOrEqual(2);
    // The refused request is counted as well, with nothing to subtract.
    expect(text).toMatch(/^claude_proxy_added_duration_seconds_count\{door="openai",provider="none",model="none",measure="total"\} [1-9]\d*$/m);
  });
});

describe("one JSON line per request", () => {
  test("at info level: door, provider, model, tier, status, tokens, cost, latency, added ms, cache; no prompt, no key", async () => {
    const before = requestLines().length;
    const answer = await client().chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: prompt }] }).withResponse();
    upstream.enqueue({ kind: "chunks", count: 3, intervalMs: 1 });
    const stream = await client().chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: prompt }], stream: true });
    for await (const _ of stream) void _;
    await Bun.sleep(20);

    const lines = requestLines().slice(before);
    expect(lines.length).toBe(2);
    const [first, second] = lines as [Record<string, unknown>, Record<string, unknown>];
    expect(first).toMatchObject({ level: "info", message: "request", taskId: answer.response.headers.get("x-task-id"), door: "openai", requestedModel: "gpt-4o-mini", provider: "openai", model: "gpt-4o-mini", stream: false, status: 200, tokensIn: 20, tokensOut: 7, cache: null });
    expect(second).toMatchObject({ stream: true, status: 200, tokensOut: 3 });
    for (const line of lines) {
      for (const field of ["tier", "costUsd", "latencyMs", "addedMs", "cachedTokens", "fallbacks"]) expect(line).toHaveProperty(field);
      expect(typeof line.addedMs).toBe("number");
      // latencyMs is whole milliseconds (rounded, as stored); addedMs keeps its fraction.
      expect(line.addedMs as number).toBeLessThanOrEqual((line.latencyMs as number) + 0.5);
      expect(line.costUsd as number).toBeGreaterThan(0);
    }
    const everything = JSON.stringify(captured.lines);
    expect(everything).not.toContain("correct-horse-battery-staple");
    expect(everything).not.toContain("payroll");
    expect(everything).not.toContain(upstreamKey);
    expect(everything).not.toContain(clientKey);
  });

  test("a client's model name carrying a key is redacted in the line", async () => {
    const before = requestLines().length;
    await client().chat.completions.create({ model: `my-${upstreamKey}`, messages: [{ role: "user", content: prompt }] }).catch(() => {});
    const lines = requestLines().slice(before);
    expect(lines.length).toBe(1);
    expect(lines[0]!.status).toBe(404);
    expect(JSON.stringify(lines)).not.toContain(upstreamKey);
  });

  test("LOG_REQUESTS=false writes no request line, other lines still go out", async () => {
    const quiet = capturingLogger();
    const other = await startTestProxy({ OPENAI_API_KEY: upstreamKey, OPENAI_BASE_URL: upstream.url, LOG_LEVEL: "info", LOG_REQUESTS: "false" }, { logger: quiet.logger });
    try {
      await new OpenAI({ baseURL: other.url, apiKey: clientKey, maxRetries: 0 }).chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: prompt }] });
      upstream.enqueue({ kind: "error", status: 500, body: { error: { message: "boom", type: "server_error" } } });
      await new OpenAI({ baseURL: other.url, apiKey: clientKey, maxRetries: 0 }).chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] }).catch(() => {});
      expect(quiet.lines.filter((line) => line.message === "request")).toEqual([]);
      expect(quiet.lines.length).toBeGreaterThan(0);
    } finally {
      await other.close();
    }
  });
});
