import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { type ClientToolCall, runTurn } from "../helpers/matrix-client";
import { type MatrixProxy, matrixRows, startMatrixProxy, withDoorFields } from "../helpers/matrix-proxy";
import { FINAL_TEXT, READ_FILE_TOOL, STEP1_USAGE, STEP3_USAGE, TOOL_ARGUMENTS, TOOL_NAME, TOOL_RESULT, USER_PROMPT } from "../helpers/matrix-script";
import { type Body, CLI_TOOL_NAME, asArray, asRecord } from "../helpers/matrix-wire";

/**
 * The provider matrix: one scripted conversation with a tool round trip goes through every provider,
 * streamed and not, via the official `openai` client against one proxy with all six providers on:
 *   1. the user asks; the model answers with a read_file tool call;
 *   2. the client sends the assistant tool_calls turn back plus a `role: "tool"` result;
 *   3. the model answers with text.
 * The client must see the same OpenAI output from each (tool name and parsed arguments, a tool-call
 * id, finish_reason "tool_calls" then "stop", the final text, usage with include_usage, x-provider),
 * and each mock upstream must have received step 2's tool call and result in its own wire format.
 *
 * For claude-cli the upstream is the real `claude` binary's: it offers the client's tool under its
 * MCP prefix (`mcp__client__read_file`), and step 2's call and result reach the model as the
 * transcript the CLI provider renders into its one prompt.
 *
 * The proxy and the six rows: tests/helpers/matrix-proxy.ts; adding a provider is one row there.
 */
let matrix: MatrixProxy;
let client: OpenAI;

// Names of the tools a received body offered the model, read in the upstream's wire format.
const openAIWireTools = (body: Body) => asArray(body.tools).map((tool) => String(asRecord(asRecord(tool).function).name));
const anthropicTools = (body: Body) => asArray(body.tools).map((tool) => String(asRecord(tool).name));

const rows = withDoorFields(matrixRows(() => matrix), {
  openai: { toolsOffered: openAIWireTools },
  ollama: { toolsOffered: openAIWireTools },
  lab: { toolsOffered: openAIWireTools },
  anthropic: { toolsOffered: anthropicTools },
  gemini: {
    toolsOffered: (body: Body) => asArray(body.tools).flatMap((tool) => asArray(asRecord(tool).functionDeclarations).map((declaration) => String(asRecord(declaration).name))),
  },
  "claude-cli": { toolsOffered: (body: Body) => anthropicTools(body).map((name) => (name === CLI_TOOL_NAME ? TOOL_NAME : `unexpected:${name}`)) },
});

beforeAll(async () => {
  matrix = await startMatrixProxy();
  client = new OpenAI({ apiKey: "anything", baseURL: matrix.proxy.url, maxRetries: 0 });
}, 60_000);

afterAll(async () => {
  await matrix?.close();
});

test("all six providers are active in the one proxy", async () => {
  const response = await fetch(`${matrix.proxy.origin}/health`);
  const health = (await response.json()) as { providers: Array<{ id: string }> };
  expect(health.providers.map((provider) => provider.id).sort()).toEqual(rows.map((row) => row.provider).sort());
});

// ---- the shared assertions ----

describe.each(rows)("$provider", (row) => {
  const model = `${row.provider}:${row.upstreamModel}`;

  test.each([false, true])("tool round trip, stream: %p", async (stream) => {
    const tools = [READ_FILE_TOOL];
    const messages: ChatCompletionMessageParam[] = [{ role: "user", content: USER_PROMPT }];
    const before = row.received().length;

    // Step 1: the user asks; the model calls read_file (or, without tools, answers with the notice).
    row.scriptToolCall(stream);
    const first = await runTurn(client, { model, messages, tools, stream });
    expect(first.provider).toBe(row.provider);
    expect(first.model).toBe(row.upstreamModel);
    expect(first.roles).toEqual(["assistant"]);
    expect(first.chunkIds).toHaveLength(1);
    expect(first.usage).toMatchObject(STEP1_USAGE);
    if (stream) expect({ usageChunks: first.usageChunks, usageLast: first.usageLast }).toEqual({ usageChunks: 1, usageLast: true });
    const step1Body = row.received()[before]!;
    expect(row.received()).toHaveLength(before + 1);

    expect(row.toolsOffered(step1Body)).toEqual([TOOL_NAME]);
    expect(first.finishReasons).toEqual(["tool_calls"]);
    expect(first.content).toBeNull();
    expect(first.toolCalls).toHaveLength(1);
    const call: ClientToolCall = first.toolCalls[0]!;
    expect(call.id).toBeString();
    expect(call.id!.length).toBeGreaterThan(0);
    expect(call.type).toBe("function");
    expect(call.name).toBe(TOOL_NAME);
    expect(JSON.parse(call.arguments)).toEqual(TOOL_ARGUMENTS);

    // Step 2: the client sends the assistant's tool call back with the tool's result.
    messages.push(
      { role: "assistant", content: null, tool_calls: [{ id: call.id!, type: "function", function: { name: call.name, arguments: call.arguments } }] },
      { role: "tool", tool_call_id: call.id!, content: TOOL_RESULT },
    );

    // Step 3: the model answers with text.
    row.scriptAnswer(stream);
    const second = await runTurn(client, { model, messages, tools, stream });
    expect(second.provider).toBe(row.provider);
    expect(second.model).toBe(row.upstreamModel);
    expect(second.roles).toEqual(["assistant"]);
    expect(second.chunkIds).toHaveLength(1);
    expect(second.toolCalls).toEqual([]);
    expect(second.finishReasons).toEqual(["stop"]);
    expect(second.content).toBe(FINAL_TEXT);
    if (stream) {
      expect(second.contentChunks).toBeGreaterThan(1);
      expect({ usageChunks: second.usageChunks, usageLast: second.usageLast }).toEqual({ usageChunks: 1, usageLast: true });
    }
    expect(second.usage).toMatchObject(STEP3_USAGE);

    // What the upstream received for step 3, in its own wire format.
    expect(row.received()).toHaveLength(before + 2);
    const step3Body = row.received()[before + 1]!;
    expect(row.toolsOffered(step3Body)).toEqual([TOOL_NAME]);
    row.expectRoundTripReceived(step3Body, call.id!);
  }, 20_000);
});
