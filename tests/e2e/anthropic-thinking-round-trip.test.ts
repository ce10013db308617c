import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type OpenAI from "openai";
import type { ChatCompletionMessage, ChatCompletionMessageParam, ChatCompletionTool } from "openai/resources/chat/completions";
import { type MockAnthropicUpstream, type ScriptedReply } from "../helpers/mock-anthropic-upstream";
import { startAnthropicProviderProxy } from "../helpers/proxy-with-upstream";
import type { TestProxy } from "../helpers/test-proxy";

/**
 * A thinking + tool-use turn through the OpenAI door and back: the official `openai` client gets
 * the signed thinking block as `reasoning_details`, sends the assistant message back as it received
 * it with the tool result, and the mock Anthropic upstream must see that block, signature intact,
 * before the tool_use, with thinking still on.
 */
const anthropicKey = "sk-ant-api03-e2e-thinking-round-trip-4Rk8";
let upstream: MockAnthropicUpstream;
let proxy: TestProxy;
let client: OpenAI;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ upstream, proxy, client, close } = await startAnthropicProviderProxy(anthropicKey));
});

afterAll(async () => {
  await close?.();
});

const weatherTool: ChatCompletionTool = {
  type: "function",
  function: { name: "get_weather", description: "Current weather in a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
};
const thought = "The user wants the weather in Paris. I should call get_weather.";
// A realistic signature: base64 with "+", "/" and "=" that a careless re-encoding would change.
const signature = "EuYBCkQYAiJAgCs1le6/Pol5Z4/JMomVOouGrWdhYNsH3ukzUECbB6iWrSQtsQuRHJID6lWV9TmdRYE4o0c1vKaXM3zBxA2a1hIMc2a+VdXnJbEjnqKyGgwfBUtPo5PdyEOwZqYiMC9QnTY8XUqwGUCyX2aCm0kkeSm1+Dmh/VaI1UQKb9Ay1YzxdhUrsIlW8trBgSeR+aJQ==";

function thinkingThenTool(toolUseId: string): ScriptedReply {
  return {
    content: [
      { type: "thinking", thinking: thought, signature },
      { type: "tool_use", id: toolUseId, name: "get_weather", input: { city: "Paris" } },
    ],
  };
}

type SentBlock = Record<string, unknown> & { type: string };
const lastSent = () => upstream.requests.at(-1)!.body as { thinking?: unknown; messages: Array<{ role: string; content: SentBlock[] }> };

/** Sends the assistant turn back with the tool result, as a tool-running client does, and checks what Anthropic received. */
async function sendToolResult(assistant: ChatCompletionMessage, toolUseId: string, stream: boolean) {
  upstream.enqueue({ kind: "reply", reply: { content: [{ type: "text", text: "It is 18°C in Paris." }] } });
  const messages: ChatCompletionMessageParam[] = [{ role: "user", content: "Weather in Paris?" }, assistant, { role: "tool", tool_call_id: toolUseId, content: "18°C, sunny" }];
  const request = { model: "claude-haiku-4-5", messages, tools: [weatherTool], reasoning_effort: "low" as const };
  const answer = stream ? await client.chat.completions.stream(request).finalChatCompletion() : await client.chat.completions.create(request);
  expect(answer.choices[0]!.message.content).toBe("It is 18°C in Paris.");

  const sent = lastSent();
  expect(sent.messages[1]).toEqual({
    role: "assistant",
    content: [
      { type: "thinking", thinking: thought, signature },
      { type: "tool_use", id: toolUseId, name: "get_weather", input: { city: "Paris" } },
    ],
  });
  expect(sent.messages[2]).toEqual({ role: "user", content: [{ type: "tool_result", tool_use_id: toolUseId, content: "18°C, sunny" }] });
  // Thinking stays on for the continuation of the tool loop (it was switched off before signatures were kept).
  expect(sent.thinking).toEqual({ type: "enabled", budget_tokens: 1024 });
  expect(upstream.pending()).toBe(0);
}

describe("Anthropic thinking signatures survive a round trip through the OpenAI door", () => {
  test("non-streaming: the completion carries reasoning_details; the message goes back as received", async () => {
    upstream.enqueue({ kind: "reply", reply: thinkingThenTool("toolu_01RoundTripJson") });
    const first = await client.chat.completions.create({
      model: "claude-haiku-4-5",
      messages: [{ role: "user", content: "Weather in Paris?" }],
      tools: [weatherTool],
      reasoning_effort: "low",
    });
    expect(lastSent().thinking).toEqual({ type: "enabled", budget_tokens: 1024 });
    const message = first.choices[0]!.message;
    expect(first.choices[0]!.finish_reason).toBe("tool_calls");
    expect(message).toMatchObject({
      reasoning_content: thought,
      reasoning_details: [{ type: "reasoning.text", text: thought, signature, format: "anthropic-claude-v1", index: 0 }],
    });
    await sendToolResult(message, "toolu_01RoundTripJson", false);
  });

  test("streaming: the signed block arrives whole in one delta before the tool call; the SDK's assembled message goes back as received", async () => {
    upstream.enqueue({ kind: "reply", reply: thinkingThenTool("toolu_01RoundTripSse") });
    const runner = client.chat.completions.stream({
      model: "claude-haiku-4-5",
      messages: [{ role: "user", content: "Weather in Paris?" }],
      tools: [weatherTool],
      reasoning_effort: "low",
    });
    const deltas: Array<Record<string, unknown>> = [];
    runner.on("chunk", (chunk) => {
      const delta = chunk.choices[0]?.delta;
      if (delta) deltas.push(delta as Record<string, unknown>);
    });
    // The official SDK's own accumulator assembles the message, as OpenAI clients do.
    const first = await runner.finalChatCompletion();
    expect(lastSent().thinking).toEqual({ type: "enabled", budget_tokens: 1024 });

    const withDetails = deltas.filter((delta) => delta.reasoning_details !== undefined);
    expect(withDetails).toEqual([{ reasoning_details: [{ type: "reasoning.text", text: thought, signature, format: "anthropic-claude-v1", index: 0 }] }]);
    expect(deltas.indexOf(withDetails[0]!)).toBeLessThan(deltas.findIndex((delta) => delta.tool_calls !== undefined));
    expect(deltas.map((delta) => delta.reasoning_content ?? "").join("")).toBe(thought);

    const message = first.choices[0]!.message;
    expect(first.choices[0]!.finish_reason).toBe("tool_calls");
    expect(message).toMatchObject({ reasoning_details: [{ type: "reasoning.text", text: thought, signature, format: "anthropic-claude-v1", index: 0 }] });
    await sendToolResult(message, "toolu_01RoundTripSse", true);
  });
});
