import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ChatCompletionChunk } from "../../src/chat/types";
import { type ClaudeCliTransformerOptions, createClaudeCliEventTransformer } from "../../src/stream-transformers/claude-cli-events";
import { describeClaudeCliError, readClaudeCliRateLimit } from "../../src/stream-transformers/claude-cli-results";
import { createNdjsonDecoder } from "../../src/streams/ndjson-decoder";

/** Replays recorded `claude -p --output-format stream-json` output through decoder and transformer. */
const fixtureDir = join(import.meta.dir, "..", "fixtures", "claude-cli");
const fixture = (name: string) => readFileSync(join(fixtureDir, `${name}.jsonl`), "utf8");

async function replay(text: string, extra: unknown[] = [], options: Partial<ClaudeCliTransformerOptions> = {}): Promise<ChatCompletionChunk[]> {
  const bytes = new TextEncoder().encode(text);
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      // Odd-sized pieces, so lines are split across chunk boundaries as a pipe splits them.
      for (let start = 0; start < bytes.length; start += 97) controller.enqueue(bytes.slice(start, start + 97));
      controller.close();
    },
  });
  const events = source.pipeThrough(createNdjsonDecoder());
  const withExtra = extra.length === 0 ? events : concat(events, extra);
  return Array.fromAsync(withExtra.pipeThrough(createClaudeCliEventTransformer({ model: "claude-sonnet-4-5", id: "chatcmpl-test", created: 1, ...options })));
}

function concat(events: ReadableStream<unknown>, extra: unknown[]): ReadableStream<unknown> {
  return new ReadableStream({
    async start(controller) {
      for await (const event of events) controller.enqueue(event);
      for (const event of extra) controller.enqueue(event);
      controller.close();
    },
  });
}

const lines = (...values: unknown[]) => values.map((value) => (typeof value === "string" ? value : JSON.stringify(value))).join("\n") + "\n";
const content = (chunks: ChatCompletionChunk[]) => chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
const reasoning = (chunks: ChatCompletionChunk[]) => chunks.map((chunk) => chunk.choices[0]?.delta.reasoning_content ?? "").join("");
const streamEvent = (event: unknown) => ({ type: "stream_event", event, session_id: "s", uuid: crypto.randomUUID() });
const textDelta = (text: string) => streamEvent({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } });
const messageStart = streamEvent({ type: "message_start", message: { id: "msg_1", usage: { input_tokens: 1, output_tokens: 1 } } });
const success = { type: "result", subtype: "success", is_error: false, stop_reason: "end_turn", result: "Hi", usage: { input_tokens: 5, output_tokens: 2 } };

describe("recorded CLI output", () => {
  test("text arrives incrementally from stream events, once, with usage from the result line", async () => {
    const chunks = await replay(fixture("thinking-text"));
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: "assistant", content: "" });
    expect(content(chunks)).toBe("Hello there, friend.");
    // Three text deltas, not one block at the end (the whole `assistant` lines are ignored).
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.content).length).toBe(3);
    expect(reasoning(chunks)).toBe("The user wants a greeting. Keep it short.");
    expect(chunks.every((chunk) => chunk.id === "chatcmpl-test" && chunk.model === "claude-sonnet-4-5" && !chunk.error)).toBe(true);

    const finish = chunks.at(-2)!;
    expect(finish.choices[0]).toEqual({ index: 0, delta: {}, finish_reason: "stop" });
    const usageChunk = chunks.at(-1)!;
    expect(usageChunk.choices).toEqual([]);
    // 40 input + 1200 cache reads + 300 cache writes.
    expect(usageChunk.usage).toEqual({
      prompt_tokens: 1540,
      completion_tokens: 18,
      // The CLI reports thinking_tokens (0 here); it is passed on as reasoning_tokens.
      completion_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 1558,
      prompt_tokens_details: { cached_tokens: 1200, cache_write_tokens: 300 },
    });
  });

  test("an answer the CLI continued after max_tokens arrives whole, usage summed over both calls", async () => {
    const chunks = await replay(fixture("max-tokens-continuation"));
    expect(content(chunks)).toBe("This answer was cutHello from the mock Anthropic upstream.");
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe("stop");
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 50, completion_tokens: 24 });
  });

  test("the shared 2.1.197 recording (two turns around the CLI's own tool) gives only the text", async () => {
    const chunks = await replay(fixture("stream-partial-sample"));
    expect(content(chunks)).toBe("Calling Bash.MOCK_OK provider=anthropic model=claude-sonnet-4-5 upstream=claude-rec tool_result=ACC_42");
    expect(chunks.some((chunk) => chunk.choices[0]?.delta.tool_calls)).toBe(false);
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.role).length).toBe(1);
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 57426, completion_tokens: 27 });
  });

  test("without --include-partial-messages the text comes from the result line, once", async () => {
    const chunks = await replay(fixture("stream-sample"));
    expect(content(chunks)).toBe("MOCK_OK provider=anthropic model=claude-sonnet-4-5 upstream=claude-rec tool_result=ACC_42");
    expect(chunks[0]!.choices[0]!.delta.role).toBe("assistant");
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 57425, completion_tokens: 27 });
    expect(chunks.some((chunk) => chunk.error)).toBe(false);
  });

  test("an upstream API error becomes one error chunk with the CLI's message", async () => {
    const chunks = await replay(fixture("api-error-result"));
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.error).toMatchObject({ type: "upstream_error", code: "claude_cli_error" });
    expect(chunks[0]!.error!.message).toContain("upstream status 400");
    expect(chunks[0]!.error!.message).toContain("Prompt is too long");
  });

  test("an overloaded upstream becomes an error chunk", async () => {
    const chunks = await replay(fixture("overloaded-error-result"));
    expect(chunks.at(-1)!.error!.message).toContain("API Error: 529 Overloaded");
  });
});

describe("hand-made events", () => {
  test("thinking deltas become reasoning_content, never content", async () => {
    const chunks = await replay(
      lines(
        messageStart,
        streamEvent({ type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "Let me think." } }),
        streamEvent({ type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "abc" } }),
        textDelta("Answer."),
        { ...success, usage: { input_tokens: 5, output_tokens: 9, output_tokens_details: { thinking_tokens: 4 } } },
      ),
    );
    expect(reasoning(chunks)).toBe("Let me think.");
    expect(content(chunks)).toBe("Answer.");
    expect(chunks.at(-1)!.usage!.completion_tokens_details).toEqual({ reasoning_tokens: 4 });
  });

  test("stop reasons map onto OpenAI finish reasons", async () => {
    const finish = async (stopReason: string) =>
      (await replay(lines(messageStart, textDelta("x"), { ...success, stop_reason: stopReason }))).at(-2)!.choices[0]!.finish_reason;
    expect(await finish("end_turn")).toBe("stop");
    expect(await finish("max_tokens")).toBe("length");
    expect(await finish("refusal")).toBe("content_filter");
    // The CLI's own tools are not the client's: no tool_calls to point at.
    expect(await finish("tool_use")).toBe("stop");
  });

  test("the stop reason of the last message_delta is used when the result has none", async () => {
    const chunks = await replay(
      lines(messageStart, textDelta("x"), streamEvent({ type: "message_delta", delta: { stop_reason: "max_tokens" }, usage: {} }), { ...success, stop_reason: null }),
    );
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe("length");
  });

  test("error_max_turns and error_during_execution results become error chunks after the text so far", async () => {
    const maxTurns = await replay(lines(messageStart, textDelta("partial"), { type: "result", subtype: "error_max_turns", is_error: false, num_turns: 1 }));
    expect(content(maxTurns)).toBe("partial");
    expect(maxTurns.at(-1)!.error!.message).toBe("The Claude CLI reported an error (error_max_turns): it reached its turn limit");

    const during = await replay(lines({ type: "result", subtype: "error_during_execution", is_error: true, errors: ["boom", "bang"] }));
    expect(during.at(-1)!.error!.message).toContain("boom; bang");
  });

  test("a garbage line ends the stream with an error chunk; later lines are ignored", async () => {
    const chunks = await replay(lines(messageStart, textDelta("Hel"), "<html>502 Bad Gateway</html>", textDelta("lo"), success));
    expect(content(chunks)).toBe("Hel");
    expect(chunks.at(-1)!.error).toMatchObject({ code: "malformed_upstream_event" });
    expect(chunks.at(-1)!.error!.message).toContain("<html>502 Bad Gateway</html>");
    expect(chunks.filter((chunk) => chunk.error)).toHaveLength(1);
  });

  test("JSON that is not an event (array, number, no type) is malformed", async () => {
    for (const line of ["[1,2]", "42", '{"no":"type"}', "null"]) {
      const chunks = await replay(lines(line));
      expect(chunks).toHaveLength(1);
      expect(chunks[0]!.error!.code).toBe("malformed_upstream_event");
    }
  });

  test("secrets in a garbage line or an error result are redacted", async () => {
    const garbage = await replay(lines("token sk-ant-api03-abcdefghijklmnop leaked"));
    expect(garbage[0]!.error!.message).not.toContain("abcdefghijklmnop");
    const result = await replay(lines({ type: "result", subtype: "success", is_error: true, result: "Invalid API key sk-ant-api03-abcdefghijklmnop" }));
    expect(result[0]!.error!.message).not.toContain("abcdefghijklmnop");
  });

  test("system, status, api_retry, assistant, user and unknown lines are ignored", async () => {
    const chunks = await replay(
      lines(
        { type: "system", subtype: "init", tools: [] },
        { type: "system", subtype: "api_retry", attempt: 1 },
        { type: "system", subtype: "status", status: "requesting" },
        messageStart,
        textDelta("Hi"),
        { type: "assistant", message: { content: [{ type: "text", text: "Hi" }] } },
        { type: "user", message: { content: [] } },
        { type: "rate_limit_event", info: {} },
        success,
      ),
    );
    expect(content(chunks)).toBe("Hi");
    expect(chunks.some((chunk) => chunk.error)).toBe(false);
  });

  test("output that ends without a result is an error", async () => {
    const chunks = await replay(lines(messageStart, textDelta("Hi")));
    expect(content(chunks)).toBe("Hi");
    expect(chunks.at(-1)!.error!.message).toBe("The Claude CLI's output ended before its result.");
  });

  test("the exit event reports a crash before the result, and is ignored after it", async () => {
    const crashed = await replay(lines(messageStart, textDelta("Hi")), [{ type: "proxy_cli_exit", exitCode: 3, signalCode: null }]);
    expect(crashed.at(-1)!.error).toMatchObject({ code: "claude_cli_exit", message: "The Claude CLI exited with code 3 before it finished its answer." });
    const killed = await replay("", [{ type: "proxy_cli_exit", exitCode: null, signalCode: "SIGKILL" }]);
    expect(killed.at(-1)!.error!.message).toBe("The Claude CLI was stopped by SIGKILL before it finished its answer.");
    const fine = await replay(lines(messageStart, textDelta("Hi"), success), [{ type: "proxy_cli_exit", exitCode: 0, signalCode: null }]);
    expect(fine.some((chunk) => chunk.error)).toBe(false);
  });

  test("a failed control_response (pooled set-up) is an error", async () => {
    const chunks = await replay(lines({ type: "control_response", response: { subtype: "error", request_id: "1", error: "unknown field" } }));
    expect(chunks[0]!.error!.message).toBe("The Claude CLI rejected its set-up: unknown field");
    const ok = await replay(lines({ type: "control_response", response: { subtype: "success", request_id: "1" } }, messageStart, textDelta("x"), success));
    expect(ok.some((chunk) => chunk.error)).toBe(false);
  });
});

describe("calls of the client's tools", () => {
  const clientTools = { toolName: (name: string) => name.replace(/^mcp__client__/, ""), expectedTools: ["mcp__client__read_file", "mcp__client__list_dir"] };
  const init = { type: "system", subtype: "init", tools: ["mcp__client__list_dir", "mcp__client__read_file"], mcp_servers: [{ name: "client", status: "connected" }] };
  const toolStart = (index: number, id: string, name: string) => streamEvent({ type: "content_block_start", index, content_block: { type: "tool_use", id, name, input: {} } });
  const json = (index: number, partial_json: string) => streamEvent({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json } });
  const stop = (index: number) => streamEvent({ type: "content_block_stop", index });
  const toolUseEnd = [
    streamEvent({ type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { input_tokens: 30, cache_read_input_tokens: 10, output_tokens: 12 } }),
    streamEvent({ type: "message_stop" }),
  ];
  // What 2.1.332 writes after the message: its own denial of each call, then the turn limit.
  const cliAftermath = [
    { type: "system", subtype: "permission_denied", tool_name: "mcp__client__read_file", tool_use_id: "toolu_1" },
    { type: "user", message: { role: "user", content: [{ type: "tool_result", is_error: true, tool_use_id: "toolu_1", content: "denied" }] } },
    { type: "result", subtype: "error_max_turns", is_error: true, stop_reason: "tool_use", errors: ["Reached maximum number of turns (1)"] },
  ];
  const calls = (chunks: ChatCompletionChunk[]) => chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);

  test("parallel calls stream as tool-call deltas with the client's names; the answer ends at stop_reason tool_use", async () => {
    const chunks = await replay(
      lines(
        init,
        messageStart,
        textDelta("Looking."),
        toolStart(1, "toolu_1", "mcp__client__read_file"),
        json(1, ""),
        json(1, '{"path":'),
        json(1, '"a.ts"}'),
        stop(1),
        toolStart(2, "toolu_2", "mcp__client__list_dir"),
        stop(2),
        ...toolUseEnd,
        ...cliAftermath,
      ),
      [],
      clientTools,
    );
    expect(content(chunks)).toBe("Looking.");
    expect(calls(chunks)).toEqual([
      { index: 0, id: "toolu_1", type: "function", function: { name: "read_file", arguments: "" } },
      { index: 0, function: { arguments: '{"path":' } },
      { index: 0, function: { arguments: '"a.ts"}' } },
      { index: 1, id: "toolu_2", type: "function", function: { name: "list_dir", arguments: "" } },
      // A call without arguments gets an empty object, so every call parses.
      { index: 1, function: { arguments: "{}" } },
    ]);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe("tool_calls");
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 40, completion_tokens: 12, prompt_tokens_details: { cached_tokens: 10 } });
    // The CLI's own denial and its turn-limit error come after the end and are not the client's.
    expect(chunks.some((chunk) => chunk.error)).toBe(false);
  });

  test("arguments that are not a JSON object end the stream with an error, secrets redacted", async () => {
    const chunks = await replay(lines(init, messageStart, toolStart(0, "toolu_1", "mcp__client__read_file"), json(0, '{"path": "a.ts'), json(0, " sk-ant-api03-abcdefghijklmnopqrstuvwxyz"), stop(0), ...toolUseEnd), [], clientTools);
    expect(chunks.at(-1)!.error).toMatchObject({ code: "malformed_tool_arguments" });
    expect(chunks.at(-1)!.error!.message).toContain("'read_file'");
    expect(chunks.at(-1)!.error!.message).not.toContain("abcdefghijklmnopqrstuvwxyz");
    expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason)).toBe(false);
    const array = await replay(lines(init, messageStart, toolStart(0, "toolu_1", "mcp__client__read_file"), json(0, "[1]"), stop(0), ...toolUseEnd), [], clientTools);
    expect(array.at(-1)!.error).toMatchObject({ code: "malformed_tool_arguments" });
  });

  test("a CLI that did not take the client's tools fails before the first token", async () => {
    const chunks = await replay(lines({ ...init, tools: ["mcp__client__list_dir"], mcp_servers: [{ name: "client", status: "failed" }] }, messageStart, textDelta("x"), success), [], clientTools);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.error).toMatchObject({ code: "claude_cli_tools_unavailable" });
    expect(chunks[0]!.error!.message).toContain("mcp__client__read_file missing");
    expect(chunks[0]!.error!.message).toContain('"status":"failed"');
  });

  test("without client tools, a tool_use block is the CLI's own and is left out", async () => {
    const chunks = await replay(lines(messageStart, textDelta("Calling."), toolStart(1, "toolu_1", "Bash"), json(1, '{"command":"ls"}'), stop(1), { ...success, stop_reason: "tool_use" }));
    expect(calls(chunks)).toEqual([]);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe("stop");
  });
});

describe("recorded with 2.1.332: the client's tools and a usage limit", () => {
  test("two parallel calls of the client's tools through the in-process MCP server, after text", async () => {
    const chunks = await replay(fixture("client-tool-calls"), [], { toolName: (name) => name.replace(/^mcp__client__/, ""), expectedTools: ["mcp__client__read_file", "mcp__client__list_dir"] });
    expect(content(chunks)).toBe("Let me look.");
    const calls = new Map<number, { id?: string; name?: string; arguments: string }>();
    for (const call of chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? [])) {
      const entry = calls.get(call.index) ?? { arguments: "" };
      entry.id ??= call.id;
      entry.name ??= call.function?.name;
      entry.arguments += call.function?.arguments ?? "";
      calls.set(call.index, entry);
    }
    expect([...calls.values()]).toEqual([
      { id: "toolu_01Mock000000000000000001", name: "read_file", arguments: '{"path":"src/app.ts"}' },
      { id: "toolu_01Mock000000000000000002", name: "list_dir", arguments: '{"path":"src"}' },
    ]);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe("tool_calls");
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 1240, completion_tokens: 31, prompt_tokens_details: { cached_tokens: 1200 } });
    expect(chunks.some((chunk) => chunk.error)).toBe(false);
  });

  test("an exhausted 5-hour limit: one error chunk naming the reset, and the rate-limit report", async () => {
    const chunks = await replay(fixture("usage-limit"));
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.error).toMatchObject({ code: "claude_cli_usage_limit" });
    expect(chunks[0]!.error!.message).toContain("You've hit your 5-hour limit");
    const reports = fixture("usage-limit").split("\n").filter((line) => line !== "").map((line) => readClaudeCliRateLimit(JSON.parse(line))).filter((limit) => limit !== undefined);
    expect(reports[0]).toEqual({ status: "rejected", resetsAt: 1796125778000, limitType: "five_hour" });
  });
});

describe("what the CLI reports about limits and logins", () => {
  test("an exhausted subscription limit, a lost login and other errors are told apart", () => {
    expect(describeClaudeCliError({ subtype: "success", is_error: true, api_error_status: 429, api_error: "usage_limit_reached", result: "You've hit your 5-hour limit · resets 11:49am (UTC)" })).toEqual({
      code: "claude_cli_usage_limit",
      message: "The Claude CLI reported an error (upstream status 429): You've hit your 5-hour limit · resets 11:49am (UTC)",
    });
    expect(describeClaudeCliError({ subtype: "success", is_error: true, api_error_status: 401, result: "Not logged in · Please run /login" }).code).toBe("claude_cli_auth");
    expect(describeClaudeCliError({ subtype: "success", is_error: true, api_error_status: 529, result: "Overloaded" }).code).toBe("claude_cli_error");
  });

  test("rate-limit reports are read from rate_limit_event lines and from a refused request's message", () => {
    expect(readClaudeCliRateLimit({ type: "rate_limit_event", rate_limit_info: { status: "rejected", resetsAt: 1796125778, rateLimitType: "five_hour" } })).toEqual({
      status: "rejected",
      resetsAt: 1796125778000,
      limitType: "five_hour",
    });
    expect(readClaudeCliRateLimit({ type: "assistant", api_error_params: { rate_limit_info: { status: "rejected", resetsAt: 10 } } })).toEqual({ status: "rejected", resetsAt: 10_000, limitType: undefined });
    expect(readClaudeCliRateLimit({ type: "rate_limit_event", rate_limit_info: { status: "allowed" } })).toEqual({ status: "allowed", resetsAt: undefined, limitType: undefined });
    expect(readClaudeCliRateLimit({ type: "assistant", message: {} })).toBeUndefined();
  });
});
