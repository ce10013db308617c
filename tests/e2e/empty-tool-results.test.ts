import { expect, test } from "bun:test";
import type OpenAI from "openai";
import { type RecordedRequest, defaultCompletion } from "../helpers/mock-openai-upstream";
import { openAIDoorProxyForFile } from "../helpers/proxy-with-upstream";

/**
 * A tool that returned nothing (an MCP tool's empty result) comes back from the client as an empty
 * content array: a Messages API tool_result with `content: []`, a Responses function_call_output
 * with `output: []`, a chat tool message with `content: []`. OpenAI answers an empty content array
 * with a 400, and since the client resends the history every turn, the session would fail on every
 * later turn. The mock answers as OpenAI does; each door must get an answer.
 */
const setup = openAIDoorProxyForFile({ CACHE_ENABLED: "false" });

/** Answers as api.openai.com does: its 400 for a message whose content is an empty array, else a completion. */
const answerAsOpenAI = {
  kind: "respond" as const,
  respond: (request: RecordedRequest) => {
    const messages = request.body.messages as Array<{ content?: unknown }>;
    const index = messages.findIndex((message) => Array.isArray(message.content) && message.content.length === 0);
    if (index >= 0) {
      const message = `Invalid 'messages[${index}].content': empty array. Expected an array with minimum length 1, but got an empty array instead.`;
      return Response.json({ error: { message, type: "invalid_request_error", param: `messages[${index}].content`, code: "empty_array" } }, { status: 400 });
    }
    return Response.json(defaultCompletion(String(request.body.model)));
  },
};

const lastToolMessage = () => (setup.upstream.requests.at(-1)!.body.messages as Array<Record<string, unknown>>).find((message) => message.role === "tool");

test("Messages door: a tool_result with content [] reaches an OpenAI model as an empty tool message", async () => {
  setup.upstream.enqueue(answerAsOpenAI);
  const message = await setup.anthropic.messages.create({
    model: "gpt-4o",
    max_tokens: 100,
    tools: [{ name: "mcp__db__clear_cache", input_schema: { type: "object" } }],
    messages: [
      { role: "user", content: "Clear the cache" },
      { role: "assistant", content: [{ type: "tool_use", id: "toolu_01", name: "mcp__db__clear_cache", input: {} }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_01", content: [] }] },
    ],
  });
  expect(message.content).toMatchObject([{ type: "text", text: "Hello from the mock upstream." }]);
  expect(lastToolMessage()).toEqual({ role: "tool", tool_call_id: "toolu_01", content: "" });
});

test("Responses door: a function_call_output with output [] is answered", async () => {
  setup.upstream.enqueue(answerAsOpenAI);
  const response = await setup.client.responses.create({
    model: "gpt-4o",
    tools: [{ type: "function", name: "clear_cache", parameters: { type: "object" }, strict: false }],
    input: [
      { role: "user", content: "Clear the cache" },
      { type: "function_call", call_id: "call_01", name: "clear_cache", arguments: "{}" },
      { type: "function_call_output", call_id: "call_01", output: [] },
    ],
  });
  expect(response.output_text).toBe("Hello from the mock upstream.");
  expect(lastToolMessage()).toMatchObject({ role: "tool", content: "" });
});

test("chat door: a tool message with content [] is answered", async () => {
  setup.upstream.enqueue(answerAsOpenAI);
  const answer = await setup.client.chat.completions.create({
    model: "gpt-4o",
    tools: [{ type: "function", function: { name: "clear_cache", parameters: { type: "object" } } }],
    messages: [
      { role: "user", content: "Clear the cache" },
      { role: "assistant", content: null, tool_calls: [{ id: "call_01", type: "function", function: { name: "clear_cache", arguments: "{}" } }] },
      { role: "tool", tool_call_id: "call_01", content: [] },
    ],
  });
  expect(answer.choices[0]!.message.content).toBe("Hello from the mock upstream.");
  expect(lastToolMessage()).toMatchObject({ role: "tool", content: "" });
});
