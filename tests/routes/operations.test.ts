import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

const upstreamKey = "sk-test-upstream-key-metrics-0123456789";
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ OPENAI_API_KEY: upstreamKey, OPENAI_BASE_URL: upstream.url });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const family = (text: string, name: string) => parsePrometheusTextFormat(text).find((entry) => entry.name === name);

describe("GET /ready", () => {
  test("ready with a provider, a reachable database and its migrations applied", async () => {
    const response = await fetch(`${proxy.origin}/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ready" });
  });

  test("503 with reasons when no provider is active", async () => {
    const bare = await startTestProxy({});
    try {
      const response = await fetch(`${bare.origin}/ready`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: "not ready", problems: ["no provider is active"] });
    } finally {
      await bare.close();
    }
  });
});

describe("GET /metrics", () => {
  test("parses as Prometheus text and counts requests, latency, TTFT, tokens and cost by door, provider, model and status", async () => {
    const client = new OpenAI({ baseURL: proxy.url, apiKey: "anything", maxRetries: 0 });
    await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }] });
    upstream.enqueue({ kind: "chunks", count: 4, intervalMs: 2 });
    const stream = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }], stream: true });
    for await (const _ of stream) void _;
    // A client's model name carrying a key: refused (404), and the label must not carry the key.
    await client.chat.completions.create({ model: `my-${upstreamKey}`, messages: [{ role: "user", content: "Hello" }] }).catch(() => {});

    const response = await fetch(`${proxy.origin}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    const text = await response.text();
    expect(text).not.toContain(upstreamKey);
    const families = parsePrometheusTextFormat(text);
    expect(families.length).toBeGreaterThanOrEqual(9);

    const requests = family(text, "claude_proxy_requests_total")!;
    expect(requests.type).toBe("COUNTER");
    const ok = requests.metrics.find((sample) => sample.labels?.model === "gpt-4o-mini" && sample.labels.status === "200")!;
    expect(ok.labels).toMatchObject({ door: "openai", provider: "openai", status: "200" });
    expect(Number(ok.value)).toBeGreaterThanOrEqual(2);
    expect(requests.metrics.some((sample) => sample.labels?.status === "404")).toBe(true);

    // The parser checks every line's syntax but flattens labelled histograms (it keeps the buckets
    // of one series only), so the histogram's series are read from their lines.
    expect(family(text, "claude_proxy_request_duration_seconds")!.type).toBe("HISTOGRAM");
    const servedCount = /^claude_proxy_request_duration_seconds_count\{door="openai",provider="openai",model="gpt-4o-mini"\} (\d+)$/m.exec(text);
    const servedInf = /^claude_proxy_request_duration_seconds_bucket\{door="openai",provider="openai",model="gpt-4o-mini",le="\+Inf"\} (\d+)$/m.exec(text);
    expect(Number(servedCount?.[1])).toBeGreaterThanOrEqual(2);
    expect(servedInf?.[1]).toBe(servedCount![1]);
    expect(family(text, "claude_proxy_time_to_first_token_seconds")!.type).toBe("HISTOGRAM");
    expect(Number(/^claude_proxy_time_to_first_token_seconds_count\{[^}]*model="gpt-4o-mini"\} (\d+)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(1);

    const tokens = family(text, "claude_proxy_tokens_total")!.metrics;
    expect(Number(tokens.find((sample) => sample.labels?.direction === "output" && sample.labels.model === "gpt-4o-mini")!.value)).toBeGreaterThanOrEqual(7 + 4);
    expect(Number(family(text, "claude_proxy_cost_usd_total")!.metrics[0]!.value)).toBeGreaterThan(0);
    expect(family(text, "claude_proxy_request_log_queue_depth")!.metrics[0]!.value).toMatch(/^\d+$/);
  });

  test("circuit breakers appear with one series per state", async () => {
    proxy.proxy.pipeline.routing.breakers.recordFailure("openai/gpt-4o-mini", "test");
    const text = await (await fetch(`${proxy.origin}/metrics`)).text();
    const states = family(text, "claude_proxy_circuit_breaker_state")!.metrics.filter((sample) => sample.labels?.model === "openai/gpt-4o-mini");
    expect(states.map((sample) => [sample.labels!.state, sample.value]).sort()).toEqual([
      ["closed", "1"],
      ["half-open", "0"],
      ["open", "0"],
    ]);
    proxy.proxy.pipeline.routing.breakers.recordSuccess("openai/gpt-4o-mini");
  });
});
