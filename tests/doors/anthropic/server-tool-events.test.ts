import { describe, expect, test } from "bun:test";
import { deltaChunk, usageChunk } from "../../../src/chat/chunks";
import type { ChatCompletionChunk, ChunkDelta } from "../../../src/chat/types";
import { createMessageEventBuilder } from "../../../src/doors/anthropic/message-stream-events";
import { toAnthropicMessage } from "../../../src/doors/anthropic/to-anthropic-message";

/**
 * The Anthropic door's side of server tools (chat/anthropic-blocks.ts): internal chunks that carry
 * Anthropic's own blocks become the API's events again, and a completion that kept the API's
 * content answers with it as it was.
 */
const head = { id: "msg_01ServerTools", created: 0, model: "claude-sonnet-4-6" };
const chunk = (delta: ChunkDelta) => deltaChunk(head, delta);
const serverToolUse = { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "weather" } };
const result = { type: "web_search_tool_result", tool_use_id: "srvtoolu_1", content: [{ type: "web_search_result", url: "https://w.example", title: "W", encrypted_content: "Enc", page_age: null }] };
const citation = { type: "web_search_result_location", cited_text: "Sunny", url: "https://w.example", title: "W", encrypted_index: "Eidx" };

function events(chunks: ChatCompletionChunk[]) {
  const builder = createMessageEventBuilder("task-1");
  return [...chunks.flatMap((item) => builder.push(item)), ...builder.finish()];
}

describe("server-tool chunks → Messages stream events", () => {
  test("blocks between texts, the input as one input_json_delta, citations in their text block, pause_turn and the search count", () => {
    const finish = deltaChunk(head, {}, "stop");
    finish.choices[0]!.native_finish_reason = "pause_turn";
    const usage = usageChunk(head, { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, server_tool_use: { web_search_requests: 1 } });
    const stream = events([
      chunk({ role: "assistant", content: "" }),
      chunk({ content: "Searching." }),
      chunk({ anthropic: { blocks: [serverToolUse] } }),
      chunk({ anthropic: { blocks: [result] } }),
      chunk({ anthropic: { citations: [citation] } }),
      chunk({ content: "Sunny." }),
      chunk({ anthropic: { text_block: true } }),
      chunk({ content: " More." }),
      finish,
      usage,
    ]);
    expect(stream.slice(1, -2)).toEqual([
      { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Searching." } },
      { type: "content_block_stop", index: 0 },
      { type: "content_block_start", index: 1, content_block: { ...serverToolUse, input: {} } },
      { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: JSON.stringify(serverToolUse.input) } },
      { type: "content_block_stop", index: 1 },
      { type: "content_block_start", index: 2, content_block: result },
      { type: "content_block_stop", index: 2 },
      { type: "content_block_start", index: 3, content_block: { type: "text", text: "", citations: [] } },
      { type: "content_block_delta", index: 3, delta: { type: "citations_delta", citation } },
      { type: "content_block_delta", index: 3, delta: { type: "text_delta", text: "Sunny." } },
      { type: "content_block_stop", index: 3 },
      { type: "content_block_start", index: 4, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 4, delta: { type: "text_delta", text: " More." } },
      { type: "content_block_stop", index: 4 },
    ]);
    expect(stream.at(-2)).toMatchObject({ type: "message_delta", delta: { stop_reason: "pause_turn" }, usage: { server_tool_use: { web_search_requests: 1 } } });
  });
});

describe("a completion → a Message", () => {
  test("the API's content, kept whole, is the answer's content; pause_turn and the search count stay", () => {
    const content = [{ type: "text", text: "Searching." }, serverToolUse, result, { type: "text", text: "Sunny.", citations: [citation] }];
    const message = toAnthropicMessage(
      {
        ...head,
        object: "chat.completion",
        choices: [{ index: 0, message: { role: "assistant", content: "Searching.Sunny.", anthropic: { content } }, finish_reason: "stop", native_finish_reason: "pause_turn", logprobs: null }],
        usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, server_tool_use: { web_search_requests: 2 } },
      },
      "task-1",
    );
    expect(message.content).toEqual(content as never);
    expect(message.stop_reason).toBe("pause_turn");
    expect(message.usage.server_tool_use).toEqual({ web_search_requests: 2 });
  });
});
