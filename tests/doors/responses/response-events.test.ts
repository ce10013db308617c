import { describe, expect, test } from "bun:test";
import { APIError } from "openai";
import { ANTHROPIC_REASONING_FORMAT } from "../../../src/chat/reasoning-details";
import { openReasoning } from "../../../src/doors/responses/reasoning-envelope";
import { type ReplayEvent, parseEvents, readChunkFixture, readWithSdk, replayContext, replaySse } from "../../helpers/responses-replay";

/**
 * Internal chunk streams (tests/fixtures/responses-door) through the Responses door's encoder: the
 * event grammar (sequence numbers, item lifecycles, the terminal event) and what the official SDK's
 * stream helper makes of it.
 */
async function replay(name: string, request: Parameters<typeof replayContext>[0] = {}) {
  const sse = await replaySse(readChunkFixture(name), replayContext(request));
  return { sse, events: parseEvents(sse) };
}

const types = (events: ReplayEvent[]) => events.map((event) => event.type);
const last = (events: ReplayEvent[]) => events.at(-1)!;
const response = (event: ReplayEvent) => event.response as Record<string, unknown> & { output: Array<Record<string, unknown>>; usage: Record<string, unknown> | null };

function expectWellFormed(events: ReplayEvent[]) {
  expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
  expect(types(events).slice(0, 2)).toEqual(["response.created", "response.in_progress"]);
  const added = events.filter((event) => event.type === "response.output_item.added").map((event) => event.output_index);
  const done = events.filter((event) => event.type === "response.output_item.done").map((event) => event.output_index);
  expect(added).toEqual(added.map((_, index) => index));
  expect([...done].sort()).toEqual(added);
}

describe("replayed through the encoder", () => {
  test("text: one message item, deltas, usage with cached tokens, response.completed", async () => {
    const { sse, events } = await replay("text");
    expectWellFormed(events);
    expect(types(events)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(events.find((event) => event.type === "response.output_text.done")!.text).toBe("Hello, world.");
    const completed = response(last(events));
    expect(completed.status).toBe("completed");
    expect(completed.id).toBe("resp_replay0001");
    expect(completed.model).toBe("claude-haiku-4-5");
    expect(completed.usage).toEqual({ input_tokens: 30, input_tokens_details: { cached_tokens: 12, cache_write_tokens: 0 }, output_tokens: 4, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 34 });
    expect(response(events[0]!)).toMatchObject({ status: "in_progress", output: [], usage: null });
    expect(sse).not.toContain("[DONE]");

    const read = await readWithSdk(sse);
    expect(read.response.output_text).toBe("Hello, world.");
    expect(read.response.usage?.input_tokens_details.cached_tokens).toBe(12);
  });

  test("tool call: a function_call item whose arguments stream and end whole", async () => {
    const { sse, events } = await replay("tool-call", { tools: [{ type: "function", name: "read_file", parameters: { type: "object" } }] });
    expectWellFormed(events);
    expect(types(events)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ]);
    const added = events[2]!.item as Record<string, unknown>;
    expect(added).toMatchObject({ type: "function_call", status: "in_progress", call_id: "call_Rd7Fq2", name: "read_file", arguments: "" });
    expect(String(added.id)).toStartWith("fc_");
    expect(events[5]).toMatchObject({ name: "read_file", arguments: '{"path": "src/app.ts"}' });
    const read = await readWithSdk(sse);
    expect(read.response.output).toEqual([expect.objectContaining({ type: "function_call", call_id: "call_Rd7Fq2", name: "read_file", arguments: '{"path": "src/app.ts"}', status: "completed" })]);
  });

  test("parallel tool calls after text: the message closes, each call is its own item", async () => {
    const { sse, events } = await replay("parallel-tool-calls");
    expectWellFormed(events);
    const completed = response(last(events));
    expect(completed.output.map((item) => item.type)).toEqual(["message", "function_call", "function_call"]);
    expect(completed.output.slice(1).map((item) => [item.call_id, item.arguments])).toEqual([
      ["call_A1", '{"path":"a.ts"}'],
      ["call_B2", '{"path":"b.ts"}'],
    ]);
    const read = await readWithSdk(sse);
    expect(read.response.output_text).toBe("Reading both.");
  });

  test("reasoning: summary events when asked for, the signed thinking sealed into encrypted_content when included", async () => {
    const request = { reasoning: { summary: "auto" as const }, include: ["reasoning.encrypted_content"], tools: [{ type: "function", name: "exec_command", parameters: { type: "object" } }] };
    const { sse, events } = await replay("reasoning-then-tool", request);
    expectWellFormed(events);
    expect(types(events).slice(2, 9)).toEqual([
      "response.output_item.added",
      "response.reasoning_summary_part.added",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.done",
      "response.reasoning_summary_part.done",
      "response.output_item.done",
    ]);
    const completed = response(last(events));
    expect(completed.output.map((item) => item.type)).toEqual(["reasoning", "message", "function_call"]);
    const reasoning = completed.output[0]!;
    expect(String(reasoning.id)).toStartWith("rs_");
    expect(reasoning.summary).toEqual([{ type: "summary_text", text: "The user wants the file read." }]);
    expect(openReasoning(String(reasoning.encrypted_content), undefined)).toEqual([
      { type: "reasoning.text", text: "The user wants the file read.", signature: "EqMBCkYIBxgCKkBreplaySignature==", format: ANTHROPIC_REASONING_FORMAT, index: 0 },
    ]);
    expect(completed.usage!.output_tokens_details).toEqual({ reasoning_tokens: 11 });
    const read = await readWithSdk(sse);
    expect(read.response.output.map((item) => item.type)).toEqual(["reasoning", "message", "function_call"]);
  });

  test("reasoning without summary or include: an empty reasoning item, no summary events, no encrypted_content", async () => {
    const { events } = await replay("reasoning-then-tool");
    expectWellFormed(events);
    expect(types(events).some((type) => type.startsWith("response.reasoning_summary"))).toBe(false);
    const reasoning = response(last(events)).output[0]!;
    expect(reasoning).toEqual({ id: reasoning.id, type: "reasoning", summary: [] });
  });

  test("max tokens: response.incomplete with reason max_output_tokens, the message incomplete", async () => {
    const { sse, events } = await replay("max-tokens");
    expectWellFormed(events);
    expect(last(events).type).toBe("response.incomplete");
    const incomplete = response(last(events));
    expect(incomplete).toMatchObject({ status: "incomplete", incomplete_details: { reason: "max_output_tokens" } });
    expect(incomplete.output[0]).toMatchObject({ type: "message", status: "incomplete" });
    const read = await readWithSdk(sse);
    expect(read.types.at(-1)).toBe("response.incomplete");
    expect(read.response.output_text).toBe("The answer is cut short here");
  });

  test("mid-stream upstream error: response.failed with the error, then an error event the SDK raises", async () => {
    const { sse, events } = await replay("mid-stream-error");
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    expect(types(events).slice(-2)).toEqual(["response.failed", "error"]);
    const failed = response(events.at(-2)!);
    expect(failed).toMatchObject({ status: "failed", error: { code: "server_error", message: "Overloaded" } });
    expect(failed.output[0]).toMatchObject({ type: "message", status: "in_progress" });
    expect(last(events)).toMatchObject({ type: "error", code: "overloaded_error", message: "Overloaded", param: null });
    const failure = await readWithSdk(sse).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(APIError);
    expect((failure as APIError).message).toContain("Overloaded");
  });

  test("refusal: a refusal part with its own delta and done events", async () => {
    const { sse, events } = await replay("refusal");
    expectWellFormed(events);
    expect(types(events)).toContain("response.refusal.delta");
    expect(events.find((event) => event.type === "response.refusal.done")!.refusal).toBe("I can't help with that.");
    const read = await readWithSdk(sse);
    expect(read.response.output[0]).toMatchObject({ type: "message", content: [{ type: "refusal", refusal: "I can't help with that." }] });
  });

  test("custom and namespaced tools: calls go back under the client's own name, namespace and kind", async () => {
    const tools = [
      { type: "custom", name: "apply_patch", description: "Edit files", format: { type: "grammar", syntax: "lark", definition: "start: patch" } },
      { type: "namespace", name: "multi_agent_v1", description: "Sub-agents", tools: [{ type: "function", name: "spawn_agent", parameters: { type: "object" } }] },
    ];
    const { sse, events } = await replay("custom-and-namespaced-tools", { tools });
    expectWellFormed(events);
    expect(types(events)).toContain("response.custom_tool_call_input.done");
    const output = response(last(events)).output;
    expect(output[0]).toMatchObject({ type: "custom_tool_call", call_id: "call_Patch1", name: "apply_patch", input: "*** Begin Patch\n*** End Patch", status: "completed" });
    expect(String(output[0]!.id)).toStartWith("ctc_");
    expect(output[1]).toMatchObject({ type: "function_call", call_id: "call_Spawn2", name: "spawn_agent", namespace: "multi_agent_v1", arguments: '{"task":"lint"}' });
    const read = await readWithSdk(sse);
    expect(read.response.output.map((item) => item.type)).toEqual(["custom_tool_call", "function_call"]);
  });
});
