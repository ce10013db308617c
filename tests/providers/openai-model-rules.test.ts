import { describe, expect, test } from "bun:test";
import { type ChatRequest, chatRequestSchema } from "../../src/chat/request-schema";
import { createLogger } from "../../src/logger";
import { nearestEffort } from "../../src/providers/openai-compatible/apply-wire-rules";
import { toOpenAIRequest } from "../../src/providers/openai-compatible/to-openai-request";
import { openaiModelRules } from "../../src/providers/openai/openai-model-rules";
import { ModelCatalog } from "../../src/catalog/model-catalog";
import { SHIPPED_CATALOG } from "../../src/catalog/shipped-catalog";

/** Per-model request rules (openai-model-rules.ts) applied by the OpenAI request translation. */
function translate(model: string, body: Record<string, unknown>, isReasoningModel = false) {
  const lines: Array<{ message: string; level: string }> = [];
  const logger = createLogger("debug", (line) => lines.push(JSON.parse(line) as { message: string; level: string }));
  const request = chatRequestSchema.parse({ model, messages: [{ role: "user", content: "x" }], ...body }) as ChatRequest;
  const result = toOpenAIRequest(request, model, { maxTokensField: "max_completion_tokens", modelRules: openaiModelRules, isReasoningModel: () => isReasoningModel }, logger);
  return { result, logs: lines.map((line) => line.message) };
}

const tools = [{ type: "function", function: { name: "read_file", parameters: { type: "object" } } }];
const sampling = { temperature: 0.3, top_p: 0.9, presence_penalty: 0.1, frequency_penalty: 0.1, logprobs: true, top_logprobs: 2, logit_bias: { "50256": -100 } };
const samplingFields = Object.keys(sampling);

describe("the rules table", () => {
  test("every OpenAI model in the catalog matches a rules row", () => {
    const models = new ModelCatalog(SHIPPED_CATALOG).forProvider("openai").map((entry) => entry.model);
    expect(models.length).toBeGreaterThan(0);
    for (const model of models) expect({ model, row: openaiModelRules(model)?.family ?? null }).not.toEqual({ model, row: null });
  });

  test("the catalog's tools flag agrees with the rows: tools marked only where they can work, always-working tools marked", () => {
    for (const entry of new ModelCatalog(SHIPPED_CATALOG).forProvider("openai")) {
      const rules = openaiModelRules(entry.model)!;
      // "effort-none" models are marked: the provider's rejectionReason covers tools with another effort.
      // A model without tools on Chat Completions is marked when its tool requests go to the Responses API.
      const chatOrResponses = rules.toolsOnResponsesApi ? "responses" : rules.functionTools;
      if (entry.capabilities.tools) expect({ model: entry.model, functionTools: chatOrResponses }).not.toEqual({ model: entry.model, functionTools: "never" });
      else expect({ model: entry.model, functionTools: rules.functionTools }).not.toEqual({ model: entry.model, functionTools: "always" });
    }
  });

  test("rows match bare and dated ids only of their family", () => {
    expect(openaiModelRules("gpt-4o-2024-11-20")?.family).toBe("GPT-4o");
    expect(openaiModelRules("gpt-4o-mini")?.family).toBe("GPT-4o");
    expect(openaiModelRules("gpt-5.5-2026-04-23")?.family).toBe("GPT-5.5");
    expect(openaiModelRules("gpt-5.4-mini-2026-03-17")?.family).toBe("GPT-5.4 mini");
    expect(openaiModelRules("gpt-6.2-sol")?.family).toBe("GPT-6.2");
    for (const other of ["gpt-5.5-pro", "gpt-5.4", "gpt-6-sol", "gpt-6.1-sol", "o3", "gpt-4o-audio-preview"]) expect(openaiModelRules(other)).toBeUndefined();
  });

  test("nearest effort: distance on the scale, the stronger one on a tie, nothing for an unknown value", () => {
    const gpt62 = ["low", "medium", "high", "xhigh", "max"] as const;
    expect(nearestEffort("none", gpt62)).toBe("low");
    expect(nearestEffort("minimal", gpt62)).toBe("low");
    expect(nearestEffort("max", ["none", "low", "medium", "high", "xhigh"])).toBe("xhigh");
    expect(nearestEffort("minimal", ["none", "low", "medium", "high", "xhigh"])).toBe("low");
    expect(nearestEffort("none", ["minimal", "low", "medium", "high"])).toBe("minimal");
    expect(nearestEffort("xhigh", ["minimal", "low", "medium", "high"])).toBe("high");
    expect(nearestEffort("turbo", gpt62)).toBeUndefined();
  });
});

describe("GPT-6.2 Astra and Sol: no none, no tools, no sampling", () => {
  test.each(["gpt-6.2-astra", "gpt-6.2-sol"])("%s: none and minimal become low, with a log line; accepted efforts pass", (model) => {
    for (const requested of ["none", "minimal"]) {
      const { result, logs } = translate(model, { reasoning_effort: requested });
      expect(result.reasoning_effort).toBe("low");
      expect(logs).toContain("mapped reasoning_effort to the nearest value the model accepts");
    }
    for (const effort of ["low", "medium", "high", "xhigh", "max"]) expect(translate(model, { reasoning_effort: effort }).result.reasoning_effort).toBe(effort);
  });

  test.each(["gpt-6.2-astra", "gpt-6.2-sol"])("%s: sampling parameters dropped even without an effort; tools kept, with a warning", (model) => {
    const { result, logs } = translate(model, { ...sampling, tools });
    for (const field of samplingFields) expect(result).not.toHaveProperty(field);
    expect(result.tools).toEqual(tools);
    expect(result).not.toHaveProperty("reasoning_effort");
    expect(logs).toContain("the model rejects function tools on chat completions with this request; the upstream will answer 400");
  });
});

describe("GPT-6 Luna: tools only at effort none", () => {
  test("tools and no effort: reasoning_effort none is set and logged; sampling then passes", () => {
    const { result, logs } = translate("gpt-6-luna", { tools, temperature: 0.2 });
    expect(result.reasoning_effort).toBe("none");
    expect(result.temperature).toBe(0.2);
    expect(logs).toContain("set reasoning_effort to none: the model takes function tools on chat completions only without reasoning");
  });

  test("tools with a different effort the client asked for: kept as asked, with a warning", () => {
    const { result, logs } = translate("gpt-6-luna", { tools, reasoning_effort: "high", temperature: 0.2 });
    expect(result.reasoning_effort).toBe("high");
    expect(result).not.toHaveProperty("temperature");
    expect(logs).toContain("the model rejects function tools on chat completions with this request; the upstream will answer 400");
  });

  test("no tools: nothing invented; sampling dropped unless the client sent effort none", () => {
    const plain = translate("gpt-6-luna", { temperature: 0.2 });
    expect(plain.result).not.toHaveProperty("reasoning_effort");
    expect(plain.result).not.toHaveProperty("temperature");
    expect(plain.logs).toContain("dropped parameters the model does not take");
    const off = translate("gpt-6-luna", { temperature: 0.2, reasoning_effort: "none" });
    expect(off.result).toMatchObject({ temperature: 0.2, reasoning_effort: "none" });
  });

  test("minimal (not a GPT-6 value) becomes low", () => {
    expect(translate("gpt-6-luna", { reasoning_effort: "minimal" }).result.reasoning_effort).toBe("low");
  });
});

describe("GPT-6.1 Terra: effort none accepted, tools only on Responses", () => {
  test("none passes and allows sampling; tools are not given an effort (they would not work at any)", () => {
    expect(translate("gpt-6.1-terra", { reasoning_effort: "none", temperature: 0.4 }).result).toMatchObject({ reasoning_effort: "none", temperature: 0.4 });
    const withTools = translate("gpt-6.1-terra", { tools });
    expect(withTools.result).not.toHaveProperty("reasoning_effort");
    expect(withTools.logs).toContain("the model rejects function tools on chat completions with this request; the upstream will answer 400");
  });
});

describe("GPT-5.5 and GPT-5.4 mini: default none, tools need none", () => {
  test.each(["gpt-5.5", "gpt-5.4-mini"])("%s: tools without an effort: nothing added (the default is none)", (model) => {
    const { result, logs } = translate(model, { tools });
    expect(result).not.toHaveProperty("reasoning_effort");
    expect(logs).not.toContain("set reasoning_effort to none: the model takes function tools on chat completions only without reasoning");
  });

  test.each(["gpt-5.5", "gpt-5.4-mini"])("%s: max becomes xhigh; sampling only with effort none", (model) => {
    expect(translate(model, { reasoning_effort: "max" }).result.reasoning_effort).toBe("xhigh");
    expect(translate(model, { reasoning_effort: "none", top_p: 0.5 }).result.top_p).toBe(0.5);
    expect(translate(model, { top_p: 0.5 }).result).not.toHaveProperty("top_p");
  });
});

describe("GPT-5 mini and GPT-4o", () => {
  test("gpt-5-mini: no none (→ minimal), no xhigh (→ high), never sampling; tools with any effort", () => {
    expect(translate("gpt-5-mini", { reasoning_effort: "none" }).result.reasoning_effort).toBe("minimal");
    expect(translate("gpt-5-mini", { reasoning_effort: "xhigh" }).result.reasoning_effort).toBe("high");
    const { result, logs } = translate("gpt-5-mini", { ...sampling, tools, reasoning_effort: "low" });
    for (const field of samplingFields) expect(result).not.toHaveProperty(field);
    expect(result.reasoning_effort).toBe("low");
    expect(logs).not.toContain("the model rejects function tools on chat completions with this request; the upstream will answer 400");
  });

  test.each(["gpt-4o", "gpt-4o-mini"])("%s: reasoning_effort dropped with a log line; sampling kept", (model) => {
    const { result, logs } = translate(model, { ...sampling, reasoning_effort: "high", tools });
    expect(result).not.toHaveProperty("reasoning_effort");
    for (const field of samplingFields) expect(result).toHaveProperty(field);
    expect(logs).toContain("dropped parameters the model does not take");
  });
});

describe("a model without a row", () => {
  test("keeps the old rule: sampling dropped when the catalog marks it as reasoning, nothing else touched", () => {
    const reasoningModel = translate("o3", { ...sampling, reasoning_effort: "minimal", tools }, true);
    for (const field of samplingFields) expect(reasoningModel.result).not.toHaveProperty(field);
    expect(reasoningModel.result.reasoning_effort).toBe("minimal");
    const plain = translate("my-finetune", { temperature: 0.3, reasoning_effort: "high" });
    expect(plain.result).toMatchObject({ temperature: 0.3, reasoning_effort: "high" });
  });
});
