import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { type ChatRequest, chatRequestSchema } from "../../src/chat/request-schema";
import type { ChatCompletionChunk } from "../../src/chat/types";
import { createLogger } from "../../src/logger";
import { createGeminiProvider } from "../../src/providers/gemini/gemini-provider";
import type { LLMProvider } from "../../src/providers/types";
import { ModelCatalog } from "../../src/catalog/model-catalog";
import { SHIPPED_CATALOG } from "../../src/catalog/shipped-catalog";
import { type MockGeminiUpstream, startMockGeminiUpstream } from "../helpers/mock-gemini-upstream";

/**
 * What the mock Gemini server received, model by model, for the same client request, on
 * generateContent and on streamGenerateContent: the per-model rules (gemini-model-rules.ts)
 * as they reach the wire.
 */
const apiKey = "gemini-test-key-8d41c2a7f0";
let upstream: MockGeminiUpstream;
let provider: LLMProvider;
const logs: Array<{ message: string; fields?: unknown }> = [];

beforeAll(() => {
  upstream = startMockGeminiUpstream({ apiKey });
  const logger = createLogger("debug", (line) => {
    const { message, ...fields } = JSON.parse(line) as { message: string };
    logs.push({ message, fields });
  });
  provider = createGeminiProvider({ apiKey, baseUrl: upstream.url, models: new ModelCatalog(SHIPPED_CATALOG).forProvider("gemini").map((entry) => ({ id: entry.model })), logger });
});

afterAll(async () => {
  await upstream.close();
});

beforeEach(() => {
  logs.length = 0;
});

const signal = () => new AbortController().signal;
const generationConfig = () => upstream.requests.at(-1)!.body.generationConfig as Record<string, unknown>;
const messages = (): string[] => logs.map((line) => line.message);

async function send(model: string, stream: boolean, body: Record<string, unknown>): Promise<void> {
  const request = chatRequestSchema.parse({ model, messages: [{ role: "user", content: "Name a colour." }], ...body, stream }) as ChatRequest;
  if (!stream) {
    await provider.complete({ model, signal: signal(), request });
    expect(upstream.requests.at(-1)!.method).toBe("generateContent");
    return;
  }
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of await provider.stream({ model, signal: signal(), request })) chunks.push(chunk);
  expect(upstream.requests.at(-1)!.method).toBe("streamGenerateContent");
  expect(chunks.length).toBeGreaterThan(0);
}

// Every sampling field a coding tool might send, plus one Gemini always takes.
const sampling = { temperature: 0.3, top_p: 0.8, presence_penalty: 0.5, frequency_penalty: 0.4, seed: 11, max_tokens: 512 };

const newModels = ["gemini-4-carbon", "gemini-4-argon", "gemini-4-hydrogen", "gemini-3.8-flash", "gemini-3.5-flash-lite"];
const modes = [false, true];

describe.each(modes)("stream: %p", (stream) => {
  test.each(newModels)("%s: temperature, top_p and penalties are not sent (ignored or a 400); seed and max tokens are", async (model) => {
    await send(model, stream, sampling);
    expect(generationConfig()).toEqual({ seed: 11, maxOutputTokens: 512 });
    expect(messages().some((line) => line.startsWith("dropped sampling parameters") && line.endsWith("ignores"))).toBe(true);
    expect(messages().some((line) => line.startsWith("dropped sampling parameters") && line.endsWith("rejects"))).toBe(true);
  });

  test.each(["gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.5-flash-lite"])("%s: temperature and top_p are sent, penalties dropped with a log line", async (model) => {
    await send(model, stream, sampling);
    expect(generationConfig()).toEqual({ temperature: 0.3, topP: 0.8, seed: 11, maxOutputTokens: 512 });
    const line = logs.find((entry) => entry.message.endsWith("rejects"));
    expect(line?.fields).toMatchObject({ model, fields: ["presence_penalty", "frequency_penalty"] });
  });

  test.each(newModels)("%s: reasoning_effort becomes a thinkingLevel, never a thinkingBudget", async (model) => {
    await send(model, stream, { reasoning_effort: "medium" });
    expect(generationConfig()).toEqual({ thinkingConfig: { thinkingLevel: "MEDIUM", includeThoughts: true } });
  });

  test("gemini-2.5-flash: reasoning_effort becomes a thinkingBudget, never a thinkingLevel", async () => {
    await send("gemini-2.5-flash", stream, { reasoning_effort: "medium" });
    expect(generationConfig()).toEqual({ thinkingConfig: { thinkingBudget: 8192, includeThoughts: true } });
  });

  test.each([...newModels, "gemini-2.5-flash"])("%s: a request without sampling fields or reasoning_effort gets an empty generationConfig", async (model) => {
    await send(model, stream, {});
    expect(generationConfig()).toEqual({});
    expect(logs).toEqual([]);
  });
});

describe("every reasoning_effort, model by model", () => {
  // What thinkingConfig each effort becomes; a changed effort logs why.
  const level = (thinkingLevel: string, includeThoughts = true) => (includeThoughts ? { thinkingLevel, includeThoughts } : { thinkingLevel });
  const budget = (thinkingBudget: number, includeThoughts = true) => (includeThoughts ? { thinkingBudget, includeThoughts } : { thinkingBudget });
  const table: Record<string, Record<string, unknown>> = {
    "gemini-4-carbon": { none: level("LOW", false), minimal: level("LOW"), low: level("LOW"), medium: level("MEDIUM"), high: level("HIGH"), xhigh: level("HIGH") },
    "gemini-4-argon": { none: level("LOW", false), minimal: level("LOW"), low: level("LOW"), medium: level("MEDIUM"), high: level("HIGH"), xhigh: level("HIGH") },
    "gemini-4-hydrogen": { none: level("LOW", false), minimal: level("LOW"), low: level("LOW"), medium: level("MEDIUM"), high: level("HIGH"), xhigh: level("XHIGH") },
    "gemini-3.8-flash": { none: level("LOW", false), minimal: level("LOW"), low: level("LOW"), medium: level("MEDIUM"), high: level("HIGH"), xhigh: level("HIGH") },
    "gemini-3.5-flash-lite": { none: level("MINIMAL", false), minimal: level("MINIMAL"), low: level("LOW"), medium: level("MEDIUM"), high: level("HIGH"), xhigh: level("HIGH") },
    "gemini-2.5-pro": { none: budget(128, false), minimal: budget(1024), low: budget(1024), medium: budget(8192), high: budget(24_576), xhigh: budget(32_768) },
    "gemini-2.5-flash": { none: budget(0, false), minimal: budget(1024), low: budget(1024), medium: budget(8192), high: budget(24_576), xhigh: budget(24_576) },
  };

  test.each(Object.keys(table))("%s", async (model) => {
    for (const [effort, expected] of Object.entries(table[model]!)) {
      logs.length = 0;
      await send(model, false, { reasoning_effort: effort });
      expect({ effort, thinkingConfig: generationConfig().thinkingConfig }).toEqual({ effort, thinkingConfig: expected });
      const config = expected as { thinkingLevel?: string; thinkingBudget?: number };
      const changed = config.thinkingLevel ? config.thinkingLevel.toLowerCase() !== effort : effort === "none" && config.thinkingBudget! > 0;
      expect({ effort, logged: logs.some((line) => line.message.startsWith("reasoning_effort")) }).toEqual({ effort, logged: changed });
    }
  });

  test("an unknown reasoning_effort is dropped with a log line, not sent", async () => {
    await send("gemini-4-argon", false, { reasoning_effort: "max" });
    expect(generationConfig()).toEqual({});
    expect(messages()).toContain("dropped an unknown reasoning_effort");
  });
});
