import { describe, expect, test } from "bun:test";
import { content, fixture, lines, messageStart, reasoning, replay, streamEvent, success, textDelta } from "../helpers/claude-cli-replay";

/**
 * The Claude CLI's stream-json output → OpenAI chunks: recorded runs and hand-made lines. Calls of
 * the client's tools: claude-cli-tool-calls.test.ts; limits and logins: claude-cli-results.test.ts.
 */
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

  test("the first message_start's usage rides on the first chunk as start_usage (the prompt, for the Anthropic door's message_start)", async () => {
    const chunks = await replay(fixture("thinking-text"));
    expect(chunks[0]!.start_usage).toMatchObject({ prompt_tokens: 1540, prompt_tokens_details: { cached_tokens: 1200, cache_write_tokens: 300 } });
    expect(chunks.slice(1).every((chunk) => chunk.start_usage === undefined)).toBe(true);
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
