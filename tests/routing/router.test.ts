import { describe, expect, test } from "bun:test";
import type { ChatRequest } from "../../src/chat/request-schema";
import type { LLMProvider, ProviderCapabilities } from "../../src/providers/types";
import { CircuitBreakers } from "../../src/routing/circuit-breakers";
import type { CatalogEntry } from "../../src/catalog/catalog-entry";
import { ModelCatalog } from "../../src/catalog/model-catalog";
import { ModelDirectory } from "../../src/routing/model-directory";
import { requestNeeds } from "../../src/routing/request-needs";
import { candidateKey } from "../../src/routing/candidate";
import { Router } from "../../src/routing/router";
import { SuccessRates } from "../../src/routing/success-rates";

const allCapabilities: ProviderCapabilities = { tools: true, vision: true, jsonMode: true, reasoning: false };

function fakeProvider(id: string, models: string[], capabilities: ProviderCapabilities = allCapabilities): LLMProvider {
  const fail = () => Promise.reject(new Error("not called in router tests"));
  return { id, displayName: id, capabilities, listModels: async () => models.map((model) => ({ id: model })), complete: fail, stream: fail };
}

const entry = (provider: string, model: string, tier: CatalogEntry["tier"], input: number, output: number, extra: Partial<CatalogEntry> = {}): CatalogEntry => ({
  provider,
  model,
  tier,
  input,
  output,
  contextWindow: 128_000,
  capabilities: { tools: true, vision: true, json: true, reasoning: false },
  aliases: [],
  ...extra,
});

const catalog = new ModelCatalog([
  entry("alpha", "alpha-small", "economy", 0.15, 0.6, { aliases: ["small"] }),
  entry("alpha", "alpha-mid", "standard", 2.5, 10),
  entry("alpha", "alpha-big", "premium", 15, 75),
  entry("beta", "beta-small", "economy", 0.1, 0.4, { capabilities: { tools: true, vision: false, json: true, reasoning: false } }),
  entry("beta", "beta-mid", "standard", 3, 15, { contextWindow: 8_000 }),
  entry("cli", "cli-mid", "standard", 0.5, 1),
  entry("alpha", "shared-model", "standard", 3, 12),
  entry("beta", "shared-model", "standard", 3, 12),
]);

async function setup(options: { defaultProvider?: string; extraProviders?: LLMProvider[]; alphaRunsServerTools?: boolean } = {}) {
  const providers = [
    fakeProvider("alpha", ["alpha-small", "alpha-mid", "alpha-big", "shared-model"], { ...allCapabilities, serverTools: options.alphaRunsServerTools }),
    fakeProvider("beta", ["beta-small", "beta-mid", "shared-model"]),
    fakeProvider("cli", ["cli-mid"], { ...allCapabilities, tools: false }),
    ...(options.extraProviders ?? []),
  ];
  const directory = await ModelDirectory.build(providers, catalog, options.defaultProvider);
  const breakers = new CircuitBreakers({ failureLimit: 2, cooldownMs: 60_000 });
  const successRates = new SuccessRates();
  const router = new Router(directory, breakers, successRates, { successThreshold: 0.8, successMinSamples: 3, defaultProvider: options.defaultProvider });
  return { directory, breakers, successRates, router };
}

const text = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: "auto", messages: [{ role: "user", content }], ...extra }) as ChatRequest;
const tool = { type: "function" as const, function: { name: "read_file", parameters: { type: "object" } } };

describe("router", () => {
  test("picks the cheapest model of the tier across providers, then the tiers above as fallbacks", async () => {
    const { router } = await setup();
    const plan = router.plan({ kind: "tier", tier: "economy" }, requestNeeds(text("hi")), "economy", "chat");
    expect(plan.candidates.map(candidateKey)).toEqual(["beta:beta-small", "alpha:alpha-small", "cli:cli-mid", "alpha:alpha-mid", "alpha:shared-model"]);
    expect(plan.tier).toBe("economy");
    expect(plan.reason).toContain("cheapest economy beta:beta-small");
  });

  test("auto uses the classified tier", async () => {
    const { router } = await setup();
    const plan = router.plan({ kind: "auto" }, requestNeeds(text("hi")), "premium", "design");
    expect(plan.candidates.map(candidateKey)).toEqual(["alpha:alpha-big"]);
    expect(plan.reason).toStartWith("auto: premium");
  });

  test("auto quotes the classifier's score and its three strongest reasons; a tier or a named model does not", async () => {
    const { router } = await setup();
    const evidence = { score: 72, reasons: ["architecture", "many files", "long history", "failing tests"] };
    expect(router.plan({ kind: "auto" }, requestNeeds(text("hi")), "premium", "design", evidence).reason).toStartWith(
      "auto: score 72 (architecture, many files, long history) -> premium; cheapest premium alpha:alpha-big",
    );
    expect(router.plan({ kind: "auto" }, requestNeeds(text("hi")), "premium", "design", { score: 72, reasons: [] }).reason).toStartWith("auto: score 72 -> premium;");
    expect(router.plan({ kind: "tier", tier: "premium" }, requestNeeds(text("hi")), "premium", "design", evidence).reason).toStartWith("tier premium;");
  });

  test("requests with tools skip providers that cannot run client tools; vision skips models without it", async () => {
    const { router } = await setup();
    const withTools = router.plan({ kind: "tier", tier: "standard" }, requestNeeds(text("edit", { tools: [tool] })), "standard", "edit");
    expect(withTools.candidates.map(candidateKey)).not.toContain("cli:cli-mid");
    const image = { role: "user", content: [{ type: "text", text: "what is this" }, { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } }] };
    const withImage = router.plan({ kind: "tier", tier: "economy" }, requestNeeds({ model: "auto", messages: [image] } as ChatRequest), "economy", "chat");
    expect(withImage.candidates[0] && candidateKey(withImage.candidates[0])).toBe("alpha:alpha-small");
  });

  test("a prompt larger than a model's context window skips that model", async () => {
    const { router } = await setup();
    const big = text("word ".repeat(50_000));
    const plan = router.plan({ kind: "tier", tier: "standard" }, requestNeeds(big), "standard", "edit");
    expect(plan.candidates.map(candidateKey)).not.toContain("beta:beta-mid");
    expect(plan.candidates.length).toBeGreaterThan(0);
  });

  test("a named model served by two providers goes only to the one that can run the request's tools", async () => {
    const twin = fakeProvider("cli", ["alpha-mid"], { ...allCapabilities, tools: false });
    const providers = [fakeProvider("alpha", ["alpha-mid"]), twin];
    const directory = await ModelDirectory.build(providers, catalog);
    const router = new Router(directory, new CircuitBreakers({ failureLimit: 3, cooldownMs: 1000 }), new SuccessRates(), { successThreshold: 0.8, successMinSamples: 3, defaultProvider: "cli" });
    const withTools = router.plan(directory.select("alpha-mid"), requestNeeds(text("edit", { tools: [tool] })), "standard", "edit");
    expect(withTools.candidates.map(candidateKey)).toEqual(["alpha:alpha-mid"]);
    const plain = router.plan(directory.select("alpha-mid"), requestNeeds(text("hi")), "standard", "chat");
    expect(plain.candidates.map(candidateKey)).toEqual(["cli:alpha-mid", "alpha:alpha-mid"]);
    // Named explicitly, the provider that cannot run tools still serves.
    expect(router.plan(directory.select("cli:alpha-mid"), requestNeeds(text("edit", { tools: [tool] })), "standard", "edit").candidates.map(candidateKey)).toEqual(["cli:alpha-mid"]);
  });

  test("a model whose provider says it would reject the request (a per-model wire rule) is skipped", async () => {
    const picky: LLMProvider = {
      ...fakeProvider("beta", ["beta-small", "beta-mid", "shared-model"]),
      rejectionReason: (request, model) => (model === "beta-small" && request.parallel_tool_calls === false ? "no serial tool calls" : undefined),
    };
    const directory = await ModelDirectory.build([fakeProvider("alpha", ["alpha-small"]), picky], catalog);
    const router = new Router(directory, new CircuitBreakers({ failureLimit: 3, cooldownMs: 1000 }), new SuccessRates(), { successThreshold: 0.8, successMinSamples: 3, defaultProvider: undefined });
    const plain = router.plan({ kind: "tier", tier: "economy" }, requestNeeds(text("edit", { tools: [tool] })), "economy", "edit");
    expect(candidateKey(plain.candidates[0]!)).toBe("beta:beta-small");
    const effortful = router.plan({ kind: "tier", tier: "economy" }, requestNeeds(text("edit", { tools: [tool], parallel_tool_calls: false })), "economy", "edit");
    expect(effortful.candidates.map(candidateKey)).not.toContain("beta:beta-small");
    expect(candidateKey(effortful.candidates[0]!)).toBe("alpha:alpha-small");
  });

  test("a request asking for reasoning effort goes to a model that can reason", async () => {
    const thinking = new ModelCatalog([entry("alpha", "alpha-small", "economy", 0.1, 0.4), entry("beta", "beta-small", "economy", 0.5, 2, { capabilities: { tools: true, vision: true, json: true, reasoning: true } })]);
    const directory = await ModelDirectory.build([fakeProvider("alpha", ["alpha-small"]), fakeProvider("beta", ["beta-small"])], thinking);
    const router = new Router(directory, new CircuitBreakers({ failureLimit: 3, cooldownMs: 1000 }), new SuccessRates(), { successThreshold: 0.8, successMinSamples: 3, defaultProvider: undefined });
    expect(candidateKey(router.plan({ kind: "tier", tier: "economy" }, requestNeeds(text("hi")), "economy", "chat").candidates[0]!)).toBe("alpha:alpha-small");
    const effortful = router.plan({ kind: "tier", tier: "economy" }, requestNeeds(text("hi", { reasoning_effort: "high" })), "economy", "chat");
    expect(effortful.candidates.map(candidateKey)).toEqual(["beta:beta-small"]);
    expect(candidateKey(router.plan({ kind: "tier", tier: "economy" }, requestNeeds(text("hi", { reasoning_effort: "none" })), "economy", "chat").candidates[0]!)).toBe("alpha:alpha-small");
  });

  test("a free local model wins economy", async () => {
    const local = fakeProvider("ollama", ["qwen2.5-coder:7b"]);
    const { router } = await setup({ extraProviders: [local] });
    const plan = router.plan({ kind: "tier", tier: "economy" }, requestNeeds(text("hi")), "economy", "chat");
    expect(candidateKey(plan.candidates[0]!)).toBe("ollama:qwen2.5-coder:7b");
  });

  test("DEFAULT_PROVIDER breaks cost ties; a named model served by two providers lists both", async () => {
    const first = await setup({ defaultProvider: "beta" });
    const selection = first.directory.select("shared-model");
    expect(first.router.plan(selection, requestNeeds(text("hi")), "standard", "chat").candidates.map(candidateKey)).toEqual(["beta:shared-model", "alpha:shared-model"]);
    const second = await setup({ defaultProvider: "alpha" });
    expect(second.router.plan(second.directory.select("shared-model"), requestNeeds(text("hi")), "standard", "chat").candidates.map(candidateKey)).toEqual([
      "alpha:shared-model",
      "beta:shared-model",
    ]);
  });

  test("a server tool (Anthropic's web search) goes only to a provider that runs it; none is a 400 naming it", async () => {
    const webSearch = text("News?", { anthropic: { server_tools: [{ type: "web_search_20250305", name: "web_search" }] } });
    const { router, directory } = await setup({ defaultProvider: "beta", alphaRunsServerTools: true });
    expect(router.plan(directory.select("shared-model"), requestNeeds(webSearch), "standard", "chat").candidates.map(candidateKey)).toEqual(["alpha:shared-model"]);
    expect(router.plan({ kind: "tier", tier: "economy" }, requestNeeds(webSearch), "economy", "chat").candidates.every((candidate) => candidate.provider.id === "alpha")).toBe(true);
    const without = await setup();
    for (const selection of [without.directory.select("shared-model"), { kind: "auto" as const }]) {
      expect(() => without.router.plan(selection, requestNeeds(webSearch), "standard", "chat")).toThrow(
        expect.objectContaining({ status: 400, type: "invalid_request_error", code: "unsupported_tool_type", message: expect.stringContaining("web_search_20250305") }),
      );
    }
  });

  test("an open circuit skips the model; all open is a clear 503 for a named model", async () => {
    const { router, breakers, directory } = await setup();
    breakers.recordFailure("beta:beta-small", "boom");
    breakers.recordFailure("beta:beta-small", "boom");
    const plan = router.plan({ kind: "tier", tier: "economy" }, requestNeeds(text("hi")), "economy", "chat");
    expect(candidateKey(plan.candidates[0]!)).toBe("alpha:alpha-small");
    expect(plan.reason).toContain("beta:beta-small circuit open");
    expect(() => router.plan(directory.select("beta-small"), requestNeeds(text("hi")), "economy", "chat")).toThrow(/circuit breaker is open/);
  });

  test("a named model's 503 says why its breaker opened and for how long, or that its probe is under way", async () => {
    const { directory } = await setup();
    let now = 1_000_000;
    const breakers = new CircuitBreakers({ failureLimit: 1, cooldownMs: 30_000 }, () => now);
    const router = new Router(directory, breakers, new SuccessRates(), { successThreshold: 0.8, successMinSamples: 3, defaultProvider: undefined });
    const refusal = () => {
      try {
        router.plan(directory.select("beta-small"), requestNeeds(text("hi")), "economy", "chat");
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error("expected a refusal");
    };
    breakers.recordFailure("beta:beta-small", "Beta returned 500: overloaded");
    expect(refusal()).toContain("open for 30 s more. Last error: Beta returned 500: overloaded. Pick another model or retry then.");
    now += 30_000;
    expect(breakers.tryAcquire("beta:beta-small")).toBe(true);
    expect(refusal()).toContain("half-open: a probe request is testing it now.");
    breakers.openUntil("beta:beta-small", "You've hit your 5-hour limit", now + 3 * 3600_000);
    expect(refusal()).toContain(`open until ${new Date(now + 3 * 3600_000).toISOString()}. Last error: You've hit your 5-hour limit. Pick another model.`);
  });

  test("a model under the success threshold in a category is skipped, so the category escalates", async () => {
    const { router, successRates } = await setup();
    for (const success of [true, false, false, false]) successRates.recordOutcome("edit", "beta:beta-small", success);
    for (const success of [false, false, false]) successRates.recordOutcome("edit", "alpha:alpha-small", success);
    const plan = router.plan({ kind: "tier", tier: "economy" }, requestNeeds(text("edit", { tools: [tool] })), "economy", "edit");
    expect(candidateKey(plan.candidates[0]!)).toBe("alpha:alpha-mid");
    expect(plan.tier).toBe("standard");
    expect(plan.reason).toContain("no usable economy model, escalated");
    // Other categories are unaffected.
    expect(candidateKey(router.plan({ kind: "tier", tier: "economy" }, requestNeeds(text("hi")), "economy", "chat").candidates[0]!)).toBe("beta:beta-small");
  });

  test("aliases, tiers, auto and prefixes resolve; unknown names suggest close matches", async () => {
    const { directory } = await setup();
    expect(directory.select("small")).toMatchObject({ kind: "model" });
    expect(directory.select("PREMIUM")).toEqual({ kind: "tier", tier: "premium" });
    expect(directory.select("auto")).toEqual({ kind: "auto" });
    const prefixed = directory.select("beta:shared-model");
    expect(prefixed.kind === "model" && prefixed.candidates.map(candidateKey)).toEqual(["beta:shared-model"]);
    expect(() => directory.select("alpha-smal")).toThrow(/Did you mean 'alpha-small'/);
    expect(() => directory.select("gamma:anything")).toThrow(/does not exist/);
    // An explicit provider prefix passes an uncatalogued model through to that provider.
    const passthrough = directory.select("beta:beta-next-preview");
    expect(passthrough.kind === "model" && passthrough.candidates.map((candidate) => [candidateKey(candidate), candidate.entry.input])).toEqual([["beta:beta-next-preview", 0]]);
  });

  test("when no active model can run the request's tools, the error says which provider cannot and how to use it anyway", async () => {
    const directory = await ModelDirectory.build([fakeProvider("cli", ["cli-mid"], { ...allCapabilities, tools: false })], catalog);
    const router = new Router(directory, new CircuitBreakers({ failureLimit: 3, cooldownMs: 1000 }), new SuccessRates(), { successThreshold: 0.8, successMinSamples: 3, defaultProvider: undefined });
    expect(() => router.plan({ kind: "auto" }, requestNeeds(text("edit", { tools: [tool] })), "standard", "edit")).toThrow(
      /needs tools, .*cli cannot run client tools \(name <provider>:<model> to use one without them\)/,
    );
  });

  test("when no model of the tier or above is active, the best lower tier serves", async () => {
    const providers = [fakeProvider("ollama", ["llama3.2:3b"])];
    const directory = await ModelDirectory.build(providers, new ModelCatalog([]));
    const router = new Router(directory, new CircuitBreakers({ failureLimit: 3, cooldownMs: 1000 }), new SuccessRates(), {
      successThreshold: 0.8,
      successMinSamples: 3,
      defaultProvider: undefined,
    });
    const plan = router.plan({ kind: "auto" }, requestNeeds(text("design a system")), "premium", "design");
    expect(candidateKey(plan.candidates[0]!)).toBe("ollama:llama3.2:3b");
    expect(plan.reason).toContain("no premium model active, using economy");
  });
});

describe("circuit breakers", () => {
  test("open after the limit, half-open after the cool-down with exactly one probe, closed on success", () => {
    let now = 0;
    const breakers = new CircuitBreakers({ failureLimit: 2, cooldownMs: 1000 }, () => now);
    breakers.recordFailure("m", "e1");
    expect(breakers.state("m")).toBe("closed");
    breakers.recordFailure("m", "e2");
    expect(breakers.state("m")).toBe("open");
    expect(breakers.tryAcquire("m")).toBe(false);
    now = 1000;
    expect(breakers.state("m")).toBe("half-open");
    expect(breakers.tryAcquire("m")).toBe(true);
    expect(breakers.tryAcquire("m")).toBe(false);
    breakers.recordSuccess("m");
    expect(breakers.state("m")).toBe("closed");
  });

  test("a failed probe reopens for another cool-down", () => {
    let now = 0;
    const breakers = new CircuitBreakers({ failureLimit: 1, cooldownMs: 1000 }, () => now);
    breakers.recordFailure("m", "e1");
    now = 1500;
    expect(breakers.tryAcquire("m")).toBe(true);
    breakers.recordFailure("m", "probe failed");
    expect(breakers.state("m")).toBe("open");
    expect(breakers.snapshot()[0]).toMatchObject({ key: "m", state: "open", retryInMs: 1000, lastError: "probe failed", openUntil: null });
  });

  test("opened until a given time (a usage limit's reset): open at once, half-open from then, a failed probe back to the cool-down", () => {
    let now = 0;
    const breakers = new CircuitBreakers({ failureLimit: 3, cooldownMs: 1000 }, () => now);
    breakers.openUntil("m", "limit reached", 7_200_000);
    expect(breakers.state("m")).toBe("open");
    now = 3_600_000;
    expect(breakers.snapshot()[0]).toMatchObject({ state: "open", openUntil: new Date(7_200_000).toISOString(), retryInMs: 3_600_000, lastError: "limit reached" });
    now = 7_200_000;
    expect(breakers.tryAcquire("m")).toBe(true);
    breakers.recordFailure("m", "still limited");
    expect(breakers.snapshot()[0]).toMatchObject({ state: "open", openUntil: null, retryInMs: 1000 });
    // Without a time, the cool-down.
    breakers.openUntil("n", "login lost");
    expect(breakers.snapshot().find((breaker) => breaker.key === "n")).toMatchObject({ state: "open", retryInMs: 1000 });
  });
});

describe("success rates", () => {
  test("feedback flips a task's sample, once however often it is rated", () => {
    const rates = new SuccessRates();
    rates.recordOutcome("edit", "a:m", true);
    rates.recordOutcome("edit", "a:m", true);
    expect(rates.rate("edit", "a:m")).toEqual({ rate: 1, samples: 2 });
    // As the task's request-log row describes it (feedback-service.ts reads it).
    const logged = { category: "edit", modelKey: "a:m", success: true };
    rates.applyFeedback("t1", -1, logged);
    expect(rates.rate("edit", "a:m")).toEqual({ rate: 0.5, samples: 2 });
    // A second "bad" on the same task does not count twice: its last rating is remembered.
    rates.applyFeedback("t1", -1, logged);
    expect(rates.rate("edit", "a:m").rate).toBe(0.5);
    // "good" after "bad" flips it back; a "good" on a logged success changes nothing.
    rates.applyFeedback("t1", 1, logged);
    expect(rates.rate("edit", "a:m").rate).toBe(1);
    rates.applyFeedback("t2", 1, logged);
    expect(rates.rate("edit", "a:m")).toEqual({ rate: 1, samples: 2 });
  });
});
