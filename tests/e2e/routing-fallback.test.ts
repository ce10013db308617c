import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import OpenAI, { APIError, BadRequestError } from "openai";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * Two OpenAI-compatible providers on two mock upstreams: `cheap` (economy, the router's first
 * choice) and `steady` (economy but dearer, then standard). Failures of `cheap` must fall back to
 * `steady`, open its circuit after CONSECUTIVE_FAILURE_LIMIT, and probe it after the cool-down.
 */
let cheap: MockOpenAIUpstream;
let steady: MockOpenAIUpstream;
let proxy: TestProxy;
let client: OpenAI;

const COOLDOWN_MS = 400;

beforeAll(async () => {
  cheap = startMockOpenAIUpstream();
  steady = startMockOpenAIUpstream();
  const providers = [
    { id: "cheap", baseUrl: cheap.url, models: [{ id: "cheap-mini", inputPricePerMillion: 0.1, outputPricePerMillion: 0.2, tier: "economy" }] },
    {
      id: "steady",
      baseUrl: steady.url,
      models: [
        { id: "steady-mini", inputPricePerMillion: 0.5, outputPricePerMillion: 1, tier: "economy" },
        { id: "steady-pro", inputPricePerMillion: 3, outputPricePerMillion: 15, tier: "standard" },
      ],
    },
  ];
  proxy = await startTestProxy({
    CUSTOM_PROVIDERS: JSON.stringify(providers),
    CONSECUTIVE_FAILURE_LIMIT: "2",
    CIRCUIT_COOLDOWN_MS: String(COOLDOWN_MS),
    UPSTREAM_TIMEOUT_MS: "300",
    BASELINE_MODEL: "steady:steady-pro",
  });
  client = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await cheap.close();
  await steady.close();
});

const ask = (model = "economy") => client.chat.completions.create({ model, messages: [{ role: "user", content: "rename this variable" }] }).withResponse();
const askStreaming = (model = "economy") =>
  client.chat.completions.create({ model, messages: [{ role: "user", content: "rename this variable" }], stream: true }).withResponse();

const routingState = async () => (await fetch(`${proxy.origin}/api/routing`)).json() as Promise<{ breakers: Array<{ key: string; state: string }> }>;

describe("routing across providers", () => {
  test("the cheapest economy model serves, with x-tier, x-route-reason and the routing columns logged", async () => {
    const { response } = await ask();
    expect(response.headers.get("x-provider")).toBe("cheap");
    expect(response.headers.get("x-model")).toBe("cheap-mini");
    expect(response.headers.get("x-tier")).toBe("economy");
    expect(response.headers.get("x-route-reason")).toContain("tier economy; cheapest economy cheap:cheap-mini");
    const row = await proxy.logRow(response.headers.get("x-task-id")!);
    expect(row).toMatchObject({ tier: "economy", fallbacks: 0, candidates: ["cheap:cheap-mini", "steady:steady-mini", "steady:steady-pro"], baselineModel: "steady:steady-pro" });
    // Same usage priced at the baseline's rates: 20 in, 7 out.
    expect(row!.baselineCostUsd).toBeCloseTo((20 * 3 + 7 * 15) / 1e6, 12);
    expect(row!.costUsd).toBeCloseTo((20 * 0.1 + 7 * 0.2) / 1e6, 12);
  });
});

describe("fallbacks and circuit breakers", () => {
  beforeEach(async () => {
    // Let any open circuit from an earlier test cool down and close with a healthy probe.
    await Bun.sleep(COOLDOWN_MS + 50);
    await ask();
  });

  test("a 500, a 429 or a timeout before the first byte falls back to the next candidate, and every attempt is logged", async () => {
    for (const failure of [
      { kind: "error", status: 500 } as const,
      { kind: "error", status: 429, body: { error: { message: "Rate limit reached", type: "requests", param: null, code: "rate_limit_exceeded" } } } as const,
      { kind: "hang" } as const,
    ]) {
      cheap.enqueue(failure);
      const { data, response } = await ask();
      expect(data.choices[0]?.message.content).toBe("Hello from the mock upstream.");
      expect(response.headers.get("x-provider")).toBe("steady");
      const row = await proxy.logRow(response.headers.get("x-task-id")!);
      expect(row!.fallbacks).toBe(1);
      expect(row!.attempts).toHaveLength(2);
      expect(row!.attempts![0]).toMatchObject({ provider: "cheap", model: "cheap-mini" });
      expect(row!.attempts![0]!.error).toBeString();
      expect(row!.attempts![1]).toEqual({ provider: "steady", model: "steady-mini" });
      // Let the breaker forget this failure before the next kind.
      await ask();
    }
  });

  test("streaming: an upstream failing before its first chunk falls back; the client sees one clean stream", async () => {
    cheap.enqueue({ kind: "error", status: 503 });
    const { data: stream, response } = await askStreaming();
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("token0 token1 token2 ");
    expect(response.headers.get("x-provider")).toBe("steady");
  });

  test("an error as the stream's first event, or a stream that ends empty, also falls back (nothing reached the client yet)", async () => {
    for (const reply of [{ kind: "fixture", name: "error-first" } as const, { kind: "cut", name: "text-with-usage", lines: 0 } as const]) {
      cheap.enqueue(reply);
      const { data: stream, response } = await askStreaming();
      let text = "";
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
      expect(text).toBe("token0 token1 token2 ");
      expect(response.headers.get("x-provider")).toBe("steady");
      await ask();
    }
  });

  test("a 400 from the upstream is the client's problem: no fallback", async () => {
    cheap.enqueue({ kind: "error", status: 400, body: { error: { message: "Invalid 'messages': empty", type: "invalid_request_error", param: "messages", code: null } } });
    const failure = await ask().catch((error: APIError) => error);
    expect(failure).toBeInstanceOf(BadRequestError);
    expect((failure as APIError).headers?.get("x-provider")).toBe("cheap");
  });

  test("consecutive failures open the circuit: later requests skip the model until one probe succeeds", async () => {
    cheap.enqueue({ kind: "error", status: 502 }, { kind: "error", status: 502 });
    await ask();
    await ask();
    expect((await routingState()).breakers).toContainEqual(expect.objectContaining({ key: "cheap:cheap-mini", state: "open" }));

    const before = cheap.requests.length;
    const { response } = await ask();
    expect(response.headers.get("x-provider")).toBe("steady");
    expect(response.headers.get("x-route-reason")).toContain("cheap:cheap-mini circuit open");
    expect(cheap.requests.length).toBe(before);

    await Bun.sleep(COOLDOWN_MS + 50);
    const probe = await ask();
    expect(probe.response.headers.get("x-provider")).toBe("cheap");
    expect((await routingState()).breakers.find((breaker) => breaker.key === "cheap:cheap-mini")).toBeUndefined();
  });

  test("a named model whose only provider keeps failing gets the mapped error, not another model", async () => {
    cheap.enqueue({ kind: "error", status: 500 });
    const failure = await ask("cheap-mini").catch((error: APIError) => error);
    expect(failure).toBeInstanceOf(APIError);
    expect((failure as APIError).status).toBe(502);
    // One attempt, nothing to move on to: no fallback (the metric counts moves to a next candidate).
    const row = await proxy.logRow((failure as APIError).headers!.get("x-task-id")!);
    expect(row!.attempts).toHaveLength(1);
    expect(row!.fallbacks).toBe(0);
  });
});

describe("streams that break after their first chunk", () => {
  beforeEach(async () => {
    await Bun.sleep(COOLDOWN_MS + 50);
    await ask();
  });

  test("count as failures in a row: CONSECUTIVE_FAILURE_LIMIT of them open the circuit (a stream's start is not a success)", async () => {
    // Each stream sends text, then an error event: the client sees the error, the model failed.
    for (let attempt = 0; attempt < 2; attempt++) {
      cheap.enqueue({ kind: "fixture", name: "mid-stream-error" });
      const { data: stream, response } = await askStreaming();
      expect(response.headers.get("x-provider")).toBe("cheap");
      const failure = await (async () => {
        for await (const _chunk of stream) void _chunk;
      })().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(APIError);
    }
    expect((await routingState()).breakers).toContainEqual(expect.objectContaining({ key: "cheap:cheap-mini", state: "open" }));
    const before = cheap.requests.length;
    const { response } = await askStreaming();
    expect(response.headers.get("x-provider")).toBe("steady");
    expect(cheap.requests.length).toBe(before);
  });
});
