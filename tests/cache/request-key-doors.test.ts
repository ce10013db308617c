import { describe, expect, test } from "bun:test";
import { requestKey } from "../../src/cache/request-key";
import { chatRequestSchema } from "../../src/chat/request-schema";
import { messagesSchema } from "../../src/doors/anthropic/messages-schema";
import { toChatRequest as fromAnthropic } from "../../src/doors/anthropic/to-chat-request";
import { responsesRequestSchema } from "../../src/doors/responses/responses-request-schema";
import { toChatRequest as fromResponses } from "../../src/doors/responses/to-chat-request";
import { silentLogger } from "../../src/logger";

/**
 * The door is not part of the key: one conversation, written in each door's own words and
 * translated by that door, is one key; a change to any turn makes another. The doors build their
 * objects in different field orders (the chat schema puts a tool turn's `content` before its
 * `tool_call_id`, the other doors after), fill different output limits (`max_tokens`,
 * `max_completion_tokens`) and carry delivery fields (`stream`, `metadata`, `user`) the key leaves out.
 */
const schema = { type: "object", properties: { path: { type: "string" } }, required: ["path"] };

function conversation(options: { result?: string; path?: string } = {}) {
  const result = options.result ?? "export {}";
  const argumentsText = JSON.stringify({ path: options.path ?? "a.ts" });
  const chat = chatRequestSchema.parse({
    model: "claude-sonnet-4-5",
    messages: [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Open a.ts" },
      { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "read_file", arguments: argumentsText } }] },
      { role: "tool", tool_call_id: "call_1", content: result },
    ],
    tools: [{ type: "function", function: { name: "read_file", description: "Read a file", parameters: schema } }],
    max_tokens: 100,
    reasoning_effort: "low",
    stream: true,
    user: "alice",
  });
  const anthropic = fromAnthropic(
    messagesSchema.parse({
      model: "claude-sonnet-4-5",
      max_tokens: 100,
      system: "Be brief.",
      messages: [
        { role: "user", content: "Open a.ts" },
        { role: "assistant", content: [{ type: "tool_use", id: "call_1", name: "read_file", input: JSON.parse(argumentsText) }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "call_1", content: result }] },
      ],
      tools: [{ name: "read_file", description: "Read a file", input_schema: schema }],
      output_config: { effort: "low" },
      metadata: { user_id: "bob" },
    }),
    { model: "claude-sonnet-4-5", betas: [], logger: silentLogger },
  );
  const responses = fromResponses(
    responsesRequestSchema.parse({
      model: "claude-sonnet-4-5",
      instructions: "Be brief.",
      input: [
        { role: "user", content: "Open a.ts" },
        { type: "function_call", call_id: "call_1", name: "read_file", arguments: argumentsText },
        { type: "function_call_output", call_id: "call_1", output: result },
      ],
      tools: [{ type: "function", name: "read_file", description: "Read a file", parameters: schema, strict: null }],
      reasoning: { effort: "low" },
      max_output_tokens: 100,
      stream: true,
      store: false,
    }),
    silentLogger,
  ).request;
  return { chat, anthropic, responses };
}

describe("the key across doors", () => {
  test("one conversation with a tool round trip, through the chat, Anthropic and Responses doors, is one key", () => {
    const { chat, anthropic, responses } = conversation();
    const key = requestKey(chat).key;
    expect(requestKey(anthropic).key).toBe(key);
    expect(requestKey(responses).key).toBe(key);
  });

  test("a different tool result or tool argument is another key, through every door", () => {
    const same = conversation();
    for (const changed of [conversation({ result: "export {};" }), conversation({ path: "b.ts" })]) {
      for (const door of ["chat", "anthropic", "responses"] as const) expect(requestKey(changed[door]).key).not.toBe(requestKey(same[door]).key);
    }
  });
});

describe("service_tier is bookkeeping on every door (README: the key leaves it out)", () => {
  const { chat, anthropic } = conversation();
  const withFields = (fields: Record<string, unknown>) => ({ ...anthropic, anthropic: { ...anthropic.anthropic, fields } });

  test("the Messages door's service_tier, kept under anthropic.fields, is not part of the key, as the chat door's is not", () => {
    const key = requestKey(chat).key;
    expect(requestKey({ ...chat, service_tier: "flex" }).key).toBe(key);
    expect(requestKey(withFields({ service_tier: "standard_only" })).key).toBe(key);
    expect(requestKey(withFields({ service_tier: "auto" })).key).toBe(key);
  });

  test("another Anthropic field beside it still changes the key, with or without service_tier", () => {
    const managed = requestKey(withFields({ context_management: { edits: [] } })).key;
    expect(managed).not.toBe(requestKey(chat).key);
    expect(requestKey(withFields({ context_management: { edits: [] }, service_tier: "auto" })).key).toBe(managed);
  });
});
