import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import type { ChatCompletionChunk } from "../../src/chat/types";
import { ask, call, createFakeCliHarness, rejection } from "../helpers/fake-cli-harness";
import { waitUntilDead } from "../helpers/process-state";

/**
 * The client's tools through the provider, against tests/helpers/fake-claude-cli.ts: tool-call
 * deltas, names, arguments that are not JSON, the control channel, tool_choice and the pool.
 */
const harness = createFakeCliHarness();
const { makeProvider, records } = harness;
const provider = makeProvider();

beforeEach(() => harness.reset());
afterAll(() => harness.close());

const readFile = { type: "function", function: { name: "read_file", description: "Read a file", parameters: { type: "object", properties: { path: { type: "string" } } } } };
const writeFile = { type: "function", function: { name: "write_file", parameters: { type: "object", properties: { path: { type: "string" }, text: { type: "string" } } } } };
const toolCalls = (chunks: ChatCompletionChunk[]) => chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);

describe("the client's tools", () => {
  test("a tool call streams as OpenAI tool-call deltas with the client's name, and the CLI is stopped right after", async () => {
    const chunks = await Array.fromAsync(await provider.stream(call({ ...ask("[[fake:tool-call]] read a.ts"), tools: [readFile] })));
    const run = records()[0]!;
    expect(run.tools).toEqual(["read_file"]);
    expect(toolCalls(chunks)).toEqual([
      { index: 0, id: "toolu_fake01", type: "function", function: { name: "read_file", arguments: "" } },
      { index: 0, function: { arguments: '{"path"' } },
      { index: 0, function: { arguments: ':"a.ts"}' } },
    ]);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe("tool_calls");
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 17, completion_tokens: 9 });
    // The fake, like the real CLI, would wait for another turn: the provider does not let it.
    expect(await waitUntilDead(run.pid)).toBe("gone");
  });

  test("names the CLI or the API would change are mapped, and the client sees its own", async () => {
    const odd = { type: "function", function: { name: "files.read file", parameters: { type: "object" } } };
    const completion = await provider.complete(call({ ...ask("[[fake:tool-call]]"), tools: [odd] }));
    const run = records()[0]!;
    expect(run.tools).toHaveLength(1);
    expect(run.tools![0]).toMatch(/^files_read_file_[0-9a-f]{8}$/);
    expect(completion.choices[0]!.message.tool_calls).toEqual([{ id: "toolu_fake01", type: "function", function: { name: "files.read file", arguments: '{"path":"a.ts"}' } }]);
    expect(completion.choices[0]!.finish_reason).toBe("tool_calls");
  });

  test("arguments that are not JSON end the stream with an error instead of a broken call", async () => {
    const chunks = await Array.fromAsync(await provider.stream(call({ ...ask("[[fake:tool-call-bad]]"), tools: [readFile] })));
    expect(chunks.at(-1)!.error).toMatchObject({ code: "malformed_tool_arguments" });
    expect(chunks.at(-1)!.error!.message).toContain("'read_file' are not a JSON object");
    expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason === "tool_calls")).toBe(false);
    await expect(provider.complete(call({ ...ask("[[fake:tool-call-bad]]"), tools: [readFile] }))).rejects.toMatchObject({ code: "malformed_tool_arguments" });
    for (const run of records()) expect(await waitUntilDead(run.pid)).toBe("gone");
  });

  test("a CLI that ignores the manifest gets the tool list over its control channel", async () => {
    const completion = await provider.complete(call({ ...ask("[[fake:tool-call-live]]"), tools: [readFile, writeFile] }));
    expect(records()[0]!.toolsSeen).toEqual(["read_file", "write_file"]);
    expect(completion.choices[0]!.message.tool_calls?.[0]?.function.name).toBe("read_file");
  });

  test("tool_choice none offers no tools", async () => {
    await provider.complete(call({ ...ask("Hi"), tools: [readFile], tool_choice: "none" }));
    expect(records()[0]!.tools).toBeUndefined();
  });

  test("a named tool_choice offers that tool only and says so in the system prompt", async () => {
    const completion = await provider.complete(call({ messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "[[fake:tool-call]]" }], tools: [readFile, writeFile], tool_choice: { type: "function", function: { name: "write_file" } } }));
    const run = records()[0]!;
    expect(run.tools).toEqual(["write_file"]);
    expect(run.systemPrompt).toBe("Be brief.\n\nIn this reply you must call the tool mcp__client__write_file.");
    expect(completion.choices[0]!.message.tool_calls?.[0]?.function.name).toBe("write_file");
  });

  test("tool_choice required: an answer without a call is refused before anything is sent", async () => {
    const error = await rejection(provider.stream(call({ ...ask("no tool for you"), tools: [readFile], tool_choice: "required" })));
    expect(error).toMatchObject({ status: 502, code: "tool_choice_unmet", retryable: true });
    expect(records()[0]!.systemPrompt).toBe("In this reply you must call at least one of your tools.");
    const completion = await provider.complete(call({ ...ask("[[fake:tool-call]]"), tools: [readFile], tool_choice: "required" }));
    expect(completion.choices[0]!.message.tool_calls).toHaveLength(1);
  });

  test("parallel_tool_calls false asks for one call", async () => {
    await provider.complete(call({ ...ask("[[fake:tool-call]]"), tools: [readFile], parallel_tool_calls: false }));
    expect(records()[0]!.systemPrompt).toBe("Call at most one tool in this reply.");
  });

  test("a warm process of the pool takes the tools too", async () => {
    const pooled = makeProvider({ poolSize: 1 });
    await pooled.complete(call(ask("warm up")));
    await Bun.sleep(300);
    const completion = await pooled.complete(call({ ...ask("[[fake:tool-call]]"), tools: [readFile] }));
    expect(completion.choices[0]!.message.tool_calls?.[0]?.function).toEqual({ name: "read_file", arguments: '{"path":"a.ts"}' });
    await pooled.close!();
  });
});

