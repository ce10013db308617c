import { describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import type OpenAI from "openai";
import { openAIDoorProxyForFile } from "../helpers/proxy-with-upstream";

/**
 * Some OpenAI-compatible servers send a tool call without an `id` (or with an empty one). A client
 * cannot answer such a call: its tool message needs the `tool_call_id`, Anthropic's tool_result the
 * `tool_use_id` (a tool_use block without an id is not even valid on the Messages API, and the
 * proxy's own Messages door refuses it when the client sends the turn back). Every door, streamed
 * and not, must give each call an id.
 */
const setup = openAIDoorProxyForFile({ CACHE_ENABLED: "false" });

const chunk = (delta: unknown, finish: string | null = null) =>
  JSON.stringify({ id: "chatcmpl-noid", object: "chat.completion.chunk", created: 1, model: "gpt-4o", choices: [{ index: 0, delta, finish_reason: finish }] });

/** Two calls, neither with an id: the first with the key left out, the second with an empty one. */
const streamWithoutIds = {
  kind: "lines" as const,
  lines: [
    chunk({ role: "assistant", content: null, tool_calls: [{ index: 0, type: "function", function: { name: "read_file", arguments: "" } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '{"path":"a.ts"}' } }] }),
    chunk({ tool_calls: [{ index: 1, id: "", type: "function", function: { name: "read_file", arguments: '{"path":"b.ts"}' } }] }),
    chunk({}, "tool_calls"),
    "[DONE]",
  ],
};

const completionWithoutIds = {
  kind: "json" as const,
  body: {
    id: "chatcmpl-noid",
    object: "chat.completion",
    created: 1,
    model: "gpt-4o",
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: null,
          tool_calls: [
            { type: "function", function: { name: "read_file", arguments: '{"path":"a.ts"}' } },
            { id: "", type: "function", function: { name: "read_file", arguments: '{"path":"b.ts"}' } },
          ],
        },
        finish_reason: "tool_calls",
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  },
};

const openAITools: OpenAI.ChatCompletionTool[] = [{ type: "function", function: { name: "read_file", parameters: { type: "object", properties: { path: { type: "string" } } } } }];
const anthropicTools: Anthropic.Tool[] = [{ name: "read_file", input_schema: { type: "object", properties: { path: { type: "string" } } } }];

function expectTwoDistinctIds(ids: Array<string | undefined>) {
  expect(ids).toHaveLength(2);
  for (const id of ids) expect(id).toMatch(/^\w{8,}$/);
  expect(new Set(ids).size).toBe(2);
}

describe("chat door", () => {
  test("not streamed", async () => {
    setup.upstream.enqueue(completionWithoutIds);
    const answer = await setup.client.chat.completions.create({ model: "gpt-4o", tools: openAITools, messages: [{ role: "user", content: "Read two files" }] });
    expectTwoDistinctIds(answer.choices[0]!.message.tool_calls!.map((call) => call.id));
  });

  test("streamed: each call's first chunk carries its id", async () => {
    setup.upstream.enqueue(streamWithoutIds);
    const stream = await setup.client.chat.completions.create({ model: "gpt-4o", tools: openAITools, stream: true, messages: [{ role: "user", content: "Read two files, streamed" }] });
    const ids = new Map<number, string | undefined>();
    for await (const part of stream) {
      for (const call of part.choices[0]?.delta.tool_calls ?? []) if (!ids.has(call.index)) ids.set(call.index, call.id);
    }
    expectTwoDistinctIds([...ids.values()]);
  });
});

describe("Messages door", () => {
  test("not streamed: every tool_use block has an id, and the turn can be sent back", async () => {
    setup.upstream.enqueue(completionWithoutIds);
    const messages: Anthropic.MessageParam[] = [{ role: "user", content: "Read two files" }];
    const message = await setup.anthropic.messages.create({ model: "gpt-4o", max_tokens: 200, tools: anthropicTools, messages });
    const uses = message.content.filter((block): block is Anthropic.ToolUseBlock => block.type === "tool_use");
    expectTwoDistinctIds(uses.map((block) => block.id));
    const next = await setup.anthropic.messages.create({
      model: "gpt-4o",
      max_tokens: 200,
      tools: anthropicTools,
      messages: [...messages, { role: "assistant", content: message.content }, { role: "user", content: uses.map((use) => ({ type: "tool_result" as const, tool_use_id: use.id, content: "ok" })) }],
    });
    expect(next.stop_reason).toBe("end_turn");
  });
});
