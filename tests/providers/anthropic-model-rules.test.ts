import { describe, expect, test } from "bun:test";
import { type ChatRequest, chatRequestSchema } from "../../src/chat/request-schema";
import { createLogger } from "../../src/logger";
import { anthropicModelRules } from "../../src/providers/anthropic/anthropic-model-rules";
import { type AnthropicModelTraits, toAnthropicRequest } from "../../src/providers/anthropic/to-anthropic-request";
import { ModelCatalog } from "../../src/catalog/model-catalog";
import { SHIPPED_CATALOG } from "../../src/catalog/shipped-catalog";

/** Per-model request rules (anthropic-model-rules.ts) applied by the translation, model by model. */
const traits: AnthropicModelTraits = { maxOutput: 128_000, reasoning: true, structuredOutputs: true };

function translate(model: string, body: Record<string, unknown>) {
  const lines: Array<{ message: string }> = [];
  const logger = createLogger("debug", (line) => lines.push(JSON.parse(line) as { message: string }));
  const request = chatRequestSchema.parse({ model, messages: [{ role: "user", content: "x" }], ...body }) as ChatRequest;
  return { result: toAnthropicRequest(request, model, traits, logger) as Record<string, unknown>, logs: lines.map((line) => line.message) };
}

const adaptiveModels = ["claude-fable-5-1", "claude-opus-5-5", "claude-sonnet-5-5", "claude-haiku-5-5"];
const tools = [{ type: "function", function: { name: "read_file", parameters: { type: "object" } } }];

describe("the rules table", () => {
  test("every Anthropic model in the catalog has its own row, not the fallback", () => {
    const models = new ModelCatalog(SHIPPED_CATALOG).forProvider("anthropic").map((entry) => entry.model);
    expect(models.length).toBeGreaterThan(0);
    for (const model of models) expect({ model, family: anthropicModelRules(model).family }).not.toEqual({ model, family: "Claude" });
  });

  test("rows match bare and date-suffixed ids; the first matching row wins; others get the old rules", () => {
    expect(anthropicModelRules("claude-haiku-4-5-20251001").family).toBe("Claude 4.5");
    expect(anthropicModelRules("claude-sonnet-5-5").family).toBe("Claude Sonnet 5.5");
    expect(anthropicModelRules("claude-fable-5").family).toBe("Claude Fable 5");
    expect(anthropicModelRules("claude-3-7-sonnet-20250219")).toMatchObject({ family: "Claude", thinking: "manual-budget", sampling: "all", forcedToolChoice: true });
  });
});

describe("Claude 5.x: adaptive thinking with an effort", () => {
  test.each(adaptiveModels)("%s: reasoning_effort → adaptive thinking and output_config.effort, never a budget", (model) => {
    for (const effort of ["low", "medium", "high", "xhigh"]) {
      const { result } = translate(model, { reasoning_effort: effort });
      expect(result.thinking).toEqual({ type: "adaptive", display: "summarized" });
      expect(result.output_config).toEqual({ effort });
    }
    const minimal = translate(model, { reasoning_effort: "minimal" });
    expect(minimal.result.output_config).toEqual({ effort: "low" });
    expect(minimal.logs.some((line) => line.includes("minimal"))).toBe(true);
  });

  test.each(adaptiveModels)("%s: without reasoning_effort, no thinking and no output_config are invented", (model) => {
    const { result } = translate(model, {});
    expect(result).not.toHaveProperty("thinking");
    expect(result).not.toHaveProperty("output_config");
  });

  test("a client's budget_tokens becomes adaptive thinking at the model's default effort, with a log line", () => {
    const { result, logs } = translate("claude-opus-5-5", { thinking: { type: "enabled", budget_tokens: 4000 } });
    expect(result.thinking).toEqual({ type: "adaptive", display: "summarized" });
    expect(result).not.toHaveProperty("output_config");
    expect(logs.some((line) => line.includes("budget_tokens"))).toBe(true);
  });

  test("reasoning_effort none: the model's own off switch, or the lowest effort where thinking cannot be off", () => {
    expect(translate("claude-sonnet-5-5", { reasoning_effort: "none" }).result.thinking).toEqual({ type: "between_tools" });
    expect(translate("claude-haiku-5-5", { reasoning_effort: "none" }).result.thinking).toEqual({ type: "disabled" });
    for (const model of ["claude-opus-5-5", "claude-fable-5-1"]) {
      const { result, logs } = translate(model, { reasoning_effort: "none" });
      expect(result).not.toHaveProperty("thinking");
      expect(result.output_config).toEqual({ effort: "low" });
      expect(logs.some((line) => line.includes("cannot be turned off"))).toBe(true);
    }
  });

  test("the effort sits beside a json_schema format in output_config", () => {
    const schema = { type: "object", properties: { a: { type: "string" } } };
    const { result } = translate("claude-sonnet-5-5", { reasoning_effort: "high", response_format: { type: "json_schema", json_schema: { name: "a", schema } } });
    expect(result.output_config).toEqual({ format: { type: "json_schema", schema }, effort: "high" });
  });

  test("thinking stays on in an open tool loop: these models think by default either way", () => {
    const { result } = translate("claude-haiku-5-5", {
      tools,
      reasoning_effort: "medium",
      messages: [
        { role: "user", content: "x" },
        { role: "assistant", content: null, tool_calls: [{ id: "t1", type: "function", function: { name: "read_file", arguments: "{}" } }] },
        { role: "tool", tool_call_id: "t1", content: "ok" },
      ],
    });
    expect(result.thinking).toEqual({ type: "adaptive", display: "summarized" });
  });
});

describe("sampling parameters", () => {
  test.each(adaptiveModels)("%s: temperature, top_p and top_k are dropped with one log line", (model) => {
    const { result, logs } = translate(model, { temperature: 0.3, top_p: 0.9, top_k: 20 });
    for (const field of ["temperature", "top_p", "top_k"]) expect(result).not.toHaveProperty(field);
    expect(logs.filter((line) => line.includes("dropped sampling parameters"))).toHaveLength(1);
  });

  test("Claude Haiku 4.5 keeps them", () => {
    expect(translate("claude-haiku-4-5", { temperature: 0.3, top_k: 20 }).result).toMatchObject({ temperature: 0.3, top_k: 20 });
  });
});

describe("forced tool choice", () => {
  const required = { tools, tool_choice: "required", parallel_tool_calls: false };
  const named = { tools, tool_choice: { type: "function", function: { name: "read_file" } } };

  test.each(["claude-fable-5-1", "claude-opus-5-5", "claude-sonnet-5-5"])("%s: required and a named tool fall back to auto, with a log line", (model) => {
    const forcedAny = translate(model, required);
    expect(forcedAny.result.tool_choice).toEqual({ type: "auto", disable_parallel_tool_use: true });
    expect(forcedAny.result.tools).toEqual([{ name: "read_file", input_schema: { type: "object" } }]);
    expect(forcedAny.logs.some((line) => line.includes("relaxed to auto"))).toBe(true);
    expect(translate(model, named).result.tool_choice).toEqual({ type: "auto" });
    expect(translate(model, { tools, tool_choice: "none" }).result.tool_choice).toEqual({ type: "none" });
  });

  test.each(["claude-haiku-5-5", "claude-haiku-4-5"])("%s: forced tool use is kept", (model) => {
    const { result, logs } = translate(model, required);
    expect(result.tool_choice).toEqual({ type: "any", disable_parallel_tool_use: true });
    expect(logs.some((line) => line.includes("relaxed"))).toBe(false);
    expect(translate(model, named).result.tool_choice).toEqual({ type: "tool", name: "read_file" });
  });

  test("after the fallback, manual-thinking rules do not see a forced choice; a relaxed model still thinks", () => {
    const { result } = translate("claude-sonnet-5-5", { ...required, reasoning_effort: "low" });
    expect(result.thinking).toEqual({ type: "adaptive", display: "summarized" });
    expect(result.output_config).toEqual({ effort: "low" });
  });
});
