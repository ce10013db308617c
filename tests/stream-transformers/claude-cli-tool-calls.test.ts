import { describe, expect, test } from "bun:test";
import type { ChatCompletionChunk } from "../../src/chat/types";
import { content, fixture, lines, messageStart, replay, streamEvent, success, textDelta } from "../helpers/claude-cli-replay";

/**
 * The Claude CLI calling the client's tools (offered through its in-process MCP server as
 * `mcp__client__<name>`): tool-call deltas under the client's names, and the ways that goes wrong.
 */
const clientTools = { toolName: (name: string) => name.replace(/^mcp__client__/, ""), expectedTools: ["mcp__client__read_file", "mcp__client__list_dir"] };

describe("calls of the client's tools", () => {
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

describe("recorded with 2.1.332: the client's tools", () => {
  test("two parallel calls of the client's tools through the in-process MCP server, after text", async () => {
    const chunks = await replay(fixture("client-tool-calls"), [], clientTools);
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
});
