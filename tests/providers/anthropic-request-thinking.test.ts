import { describe, expect, test } from "bun:test";
import { translate, user } from "../helpers/translate-anthropic-request";

/** Request translation, OpenAI chat → Anthropic Messages: reasoning_effort and reasoning_details become extended thinking. */
describe("reasoning_effort → extended thinking", () => {
  test("low/medium/high become budgets; temperature is dropped with thinking", () => {
    const { result, logs } = translate({ messages: [user("x")], reasoning_effort: "medium", temperature: 0.3 });
    expect(result.thinking).toEqual({ type: "enabled", budget_tokens: 4096 });
    expect(result.temperature).toBeUndefined();
    expect(logs.some((line) => line.includes("dropped temperature"))).toBe(true);
    expect(translate({ messages: [user("x")], reasoning_effort: "high" }).result.thinking).toEqual({ type: "enabled", budget_tokens: 16384 });
    expect(translate({ messages: [user("x")], reasoning_effort: "xhigh" }).result.thinking).toEqual({ type: "enabled", budget_tokens: 32768 });
    expect(translate({ messages: [user("x")], reasoning_effort: "minimal" }).result.thinking).toBeUndefined();
    expect(translate({ messages: [user("x")], reasoning_effort: "none" }).result.thinking).toBeUndefined();
    // A manual-budget model never gets the adaptive model's effort.
    expect(translate({ messages: [user("x")], reasoning_effort: "high" }).result.output_config).toBeUndefined();
  });

  test("the budget stays below max_tokens and is left off when it cannot reach 1024", () => {
    expect(translate({ messages: [user("x")], reasoning_effort: "high", max_tokens: 3000 }).result.thinking).toEqual({ type: "enabled", budget_tokens: 2999 });
    const tight = translate({ messages: [user("x")], reasoning_effort: "low", max_tokens: 800 });
    expect(tight.result.thinking).toBeUndefined();
    expect(tight.logs.some((line) => line.includes("extended thinking left off"))).toBe(true);
  });

  test("left off for models that cannot think, forced tool use, and an open tool loop", () => {
    expect(translate({ messages: [user("x")], reasoning_effort: "low" }, { reasoning: false, structuredOutputs: true }).result.thinking).toBeUndefined();
    const tools = [{ type: "function", function: { name: "f" } }];
    expect(translate({ messages: [user("x")], tools, tool_choice: "required", reasoning_effort: "low" }).result.thinking).toBeUndefined();
    const loop = translate({
      tools,
      reasoning_effort: "low",
      messages: [user("x"), { role: "assistant", content: null, tool_calls: [{ id: "t1", type: "function", function: { name: "f", arguments: "{}" } }] }, { role: "tool", tool_call_id: "t1", content: "ok" }],
    });
    expect(loop.result.thinking).toBeUndefined();
  });

  test("an Anthropic-style thinking object from the client wins", () => {
    expect(translate({ messages: [user("x")], thinking: { type: "enabled", budget_tokens: 2048 }, reasoning_effort: "high" }).result.thinking).toEqual({
      type: "enabled",
      budget_tokens: 2048,
    });
  });
});

describe("reasoning_details → thinking blocks", () => {
  const tools = [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }];
  const signed = { type: "reasoning.text", text: "I should call get_weather.", signature: "sig-1", format: "anthropic-claude-v1", index: 0 };
  const toolTurn = (reasoningDetails: unknown[] | undefined) => ({
    role: "assistant",
    content: null,
    reasoning_content: "I should call get_weather.",
    ...(reasoningDetails ? { reasoning_details: reasoningDetails } : {}),
    tool_calls: [{ id: "toolu_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }],
  });
  const loop = (reasoningDetails: unknown[] | undefined, extra: Record<string, unknown> = {}) =>
    translate({ tools, reasoning_effort: "low", ...extra, messages: [user("Weather in Paris?"), toolTurn(reasoningDetails), { role: "tool", tool_call_id: "toolu_1", content: "18°C" }] });

  test("a signed block leads the assistant turn, unchanged, before its tool_use; thinking stays on across the tool loop", () => {
    const { result, logs } = loop([signed]);
    expect(result.messages[1]).toEqual({
      role: "assistant",
      content: [
        { type: "thinking", thinking: "I should call get_weather.", signature: "sig-1" },
        { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
      ],
    });
    expect(result.thinking).toEqual({ type: "enabled", budget_tokens: 1024 });
    expect(logs.some((line) => line.includes("dropped reasoning_content"))).toBe(false);
  });

  test("without the signed block thinking is still left off in an open tool loop, and reasoning_content alone is dropped", () => {
    for (const details of [undefined, [{ ...signed, signature: null }], [{ ...signed, format: "openai-responses-v1" }]]) {
      const { result, logs } = loop(details);
      expect(result.messages[1]!.content).toEqual([{ type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } }]);
      expect(result.thinking).toBeUndefined();
      expect(logs.some((line) => line.includes("extended thinking left off"))).toBe(true);
      expect(logs.some((line) => line.includes("dropped reasoning_content"))).toBe(true);
    }
  });

  test("redacted thinking comes back as redacted_thinking; blocks keep their order; text follows them", () => {
    const { result } = translate({
      messages: [
        user("x"),
        {
          role: "assistant",
          content: "Done.",
          reasoning_details: [
            { type: "reasoning.text", text: "First.", signature: "sig-a", format: "anthropic-claude-v1", index: 0 },
            { type: "reasoning.encrypted", data: "EmwKRedacted", format: "anthropic-claude-v1", index: 1 },
            { type: "reasoning.text", text: "Third.", signature: "sig-c", format: "anthropic-claude-v1", index: 2 },
          ],
        },
        user("y"),
      ],
    });
    expect(result.messages[1]!.content).toEqual([
      { type: "thinking", thinking: "First.", signature: "sig-a" },
      { type: "redacted_thinking", data: "EmwKRedacted" },
      { type: "thinking", thinking: "Third.", signature: "sig-c" },
      { type: "text", text: "Done." },
    ]);
  });

  test("details kept as stream deltas (text in pieces, the signature last) are folded by index into one block", () => {
    const { result } = loop([
      { type: "reasoning.text", text: "I should ", format: "anthropic-claude-v1", index: 0 },
      { type: "reasoning.text", text: "call get_weather.", format: "anthropic-claude-v1", index: 0 },
      { type: "reasoning.text", signature: "sig-1", format: "anthropic-claude-v1", index: 0 },
    ]);
    expect((result.messages[1]!.content as unknown[])[0]).toEqual({ type: "thinking", thinking: "I should call get_weather.", signature: "sig-1" });
    expect(result.thinking).toEqual({ type: "enabled", budget_tokens: 1024 });
  });

  test("a turn with nothing but thinking is left out", () => {
    const { result } = translate({ messages: [user("x"), { role: "assistant", content: "", reasoning_details: [signed] }, user("y")] });
    expect(result.messages).toEqual([{ role: "user", content: [{ type: "text", text: "x" }, { type: "text", text: "y" }] }]);
  });
});
