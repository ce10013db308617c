import { describe, expect, test } from "bun:test";
import { collectChunks } from "../../src/chat/collect-chunks";
import { deltaChunk } from "../../src/chat/chunks";
import { appendReasoningDetails, type ReasoningDetail } from "../../src/chat/reasoning-details";
import { chatRequestSchema } from "../../src/chat/request-schema";
import type { ChatCompletionChunk } from "../../src/chat/types";

const anthropic = "anthropic-claude-v1";

describe("reasoning_details in the request schema", () => {
  const assistantWith = (details: unknown) =>
    chatRequestSchema.parse({ model: "m", messages: [{ role: "user", content: "x" }, { role: "assistant", content: "y", reasoning_details: details }] }).messages[1];

  test("the three kinds are typed; format defaults to unknown; null fields are accepted as OpenRouter sends them", () => {
    const message = assistantWith([
      { type: "reasoning.text", text: "t", signature: "s", format: anthropic, index: 0 },
      { type: "reasoning.encrypted", data: "d", id: "rs_1", format: "openai-responses-v1", index: 1 },
      { type: "reasoning.summary", summary: "sum", index: 2 },
      { type: "reasoning.text", text: "plain", signature: null, id: null, format: "unknown" },
    ]);
    expect(message).toMatchObject({ role: "assistant" });
    if (message?.role !== "assistant") throw new Error("expected the assistant message");
    expect(message.reasoning_details).toEqual([
      { type: "reasoning.text", text: "t", signature: "s", format: anthropic, index: 0 },
      { type: "reasoning.encrypted", data: "d", id: "rs_1", format: "openai-responses-v1", index: 1 },
      { type: "reasoning.summary", summary: "sum", format: "unknown", index: 2 },
      { type: "reasoning.text", text: "plain", signature: null, id: null, format: "unknown" },
    ]);
  });

  test("entries of an unknown kind or a broken shape are left out; the request is not refused", () => {
    const message = assistantWith([{ type: "reasoning.future", blob: 1 }, { type: "reasoning.encrypted" }, "text", { type: "reasoning.text", text: "kept", format: anthropic }]);
    if (message?.role !== "assistant") throw new Error("expected the assistant message");
    expect(message.reasoning_details).toEqual([{ type: "reasoning.text", text: "kept", format: anthropic }]);
    expect(() => assistantWith("not an array")).toThrow();
  });
});

describe("appendReasoningDetails", () => {
  test("deltas with one index fold into one entry: text and summary appended, signature and data replaced", () => {
    const entries: ReasoningDetail[] = [];
    appendReasoningDetails(entries, [{ type: "reasoning.text", text: "Think ", format: anthropic, index: 0 }]);
    appendReasoningDetails(entries, [{ type: "reasoning.text", text: "hard.", format: anthropic, index: 0 }]);
    appendReasoningDetails(entries, [{ type: "reasoning.text", signature: "sig", format: anthropic, index: 0 }, { type: "reasoning.encrypted", data: "enc", format: anthropic, index: 1 }]);
    appendReasoningDetails(entries, [{ type: "reasoning.summary", summary: "A", format: "openai-responses-v1", index: 2 }, { type: "reasoning.summary", summary: "B", format: "openai-responses-v1", index: 2 }]);
    expect(entries).toEqual([
      { type: "reasoning.text", text: "Think hard.", signature: "sig", format: anthropic, index: 0 },
      { type: "reasoning.encrypted", data: "enc", format: anthropic, index: 1 },
      { type: "reasoning.summary", summary: "AB", format: "openai-responses-v1", index: 2 },
    ]);
  });

  test("entries without an index are each their own; the deltas themselves are not changed", () => {
    const delta: ReasoningDetail = { type: "reasoning.text", text: "a", format: anthropic };
    const entries: ReasoningDetail[] = [];
    appendReasoningDetails(entries, [delta, { ...delta, text: "b" }]);
    expect(entries.map((entry) => entry.type === "reasoning.text" && entry.text)).toEqual(["a", "b"]);
    const first: ReasoningDetail = { type: "reasoning.text", text: "c", format: anthropic, index: 0 };
    appendReasoningDetails(entries, [first, { type: "reasoning.text", text: "d", format: anthropic, index: 0 }]);
    expect(entries.at(-1)).toMatchObject({ text: "cd" });
    expect(first.text).toBe("c");
    expect(delta.text).toBe("a");
  });
});

describe("collectChunks keeps the reasoning state", () => {
  test("reasoning_details deltas become the completion message's reasoning_details", async () => {
    const head = { id: "chatcmpl-r", created: 1, model: "m" };
    const chunks: ChatCompletionChunk[] = [
      deltaChunk(head, { role: "assistant", content: "" }),
      deltaChunk(head, { reasoning_content: "Because." }),
      deltaChunk(head, { reasoning_details: [{ type: "reasoning.text", text: "Because.", signature: "sig", format: anthropic, index: 0 }] }),
      deltaChunk(head, { tool_calls: [{ index: 0, id: "toolu_1", type: "function", function: { name: "f", arguments: "{}" } }] }),
      deltaChunk(head, {}, "tool_calls"),
    ];
    const stream = new ReadableStream<ChatCompletionChunk>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk);
        controller.close();
      },
    });
    const message = (await collectChunks(stream)).choices[0]!.message;
    expect(message.reasoning_content).toBe("Because.");
    expect(message.reasoning_details).toEqual([{ type: "reasoning.text", text: "Because.", signature: "sig", format: anthropic, index: 0 }]);
  });
});
